/*
 * xlsxfloor: the report baseline. A bare libxlsxwriter constant-memory
 * program that writes the same cells as settle's statement.xlsx, timed
 * around the writing only.
 *
 *   xlsxfloor -o OUT.xlsx CSV...           cells mode
 *   xlsxfloor -o OUT.xlsx --rows N --cols C  synthetic mode
 *
 * Cells mode (what `make bench` uses when settle's report stage exists):
 * each CSV file is one of settle's own outputs for a date (summary.csv,
 * statement-<CCY>.csv..., exceptions.csv, disputes.csv, in that order) and
 * becomes one sheet named after it ("Summary", "USD", "Exceptions",
 * "Disputes"), continued on "USD (2)"... past 1,048,575 data rows as
 * settle does. All files are read into memory first, untimed: a UTF-8 BOM
 * is skipped, a field that is a plain decimal (-?digits[.digits], an
 * optional leading "'" is a text cell) becomes a number cell with a number
 * format showing its decimals, anything else a string cell, an empty field
 * no cell. Then the clock starts, the workbook is written with
 * constant_memory, and the clock stops when workbook_close() returns.
 *
 * Synthetic mode (used only when settle cannot produce its CSVs yet, for
 * information): N rows of C columns, a header row, then every third column
 * a distinct string and the others two-decimal numbers.
 *
 * Prints "write_s=SECONDS sheets=N rows=N cells=N" on stdout. Exits 0, 64
 * on usage errors, 65 on malformed CSV, 66 when a file cannot be read, 73
 * when the workbook cannot be written.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <csv.h>
#include <xlsxwriter.h>

#include "core/banned.h"

#ifndef DATA_ROWS_PER_SHEET
#define DATA_ROWS_PER_SHEET 1048575u
#endif

enum cell_type { CELL_BLANK, CELL_STRING, CELL_NUMBER };

struct cell {
    double num;
    size_t off; /* into the string arena, for CELL_STRING */
    unsigned char type;
    unsigned char decimals;
};

struct sheet {
    char name[32];
    size_t first_row; /* index into rows */
    size_t nrows;
};

struct book {
    char *arena;
    size_t arena_len, arena_cap;
    struct cell *cells;
    size_t ncells, cells_cap;
    size_t *rows; /* index of each row's first cell; rows[nrows] = ncells */
    size_t nrows, rows_cap;
    struct sheet *sheets;
    size_t nsheets;
    int oom;
};

static void *
grow(void *p, size_t *cap, size_t need, size_t size, int *oom)
{
    size_t n = *cap ? *cap : 1024;
    void *q;

    if (need <= *cap)
        return p;
    while (n < need)
        n *= 2;
    q = realloc(p, n * size);
    if (q == NULL) {
        *oom = 1;
        return p;
    }
    *cap = n;
    return q;
}

/* -?digits[.digits]: returns the number of decimals, or -1. */
static int
decimal_places(const char *s, size_t len)
{
    size_t i = 0;
    size_t digits = 0;
    int dec = 0;

    if (i < len && s[i] == '-')
        i++;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
        digits++;
    }
    if (digits == 0 || digits > 15)
        return -1;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9' && dec < 10) {
            i++;
            dec++;
        }
        if (dec == 0)
            return -1;
    }
    return i == len ? dec : -1;
}

static void
push_row(struct book *b)
{
    b->rows =
        grow(b->rows, &b->rows_cap, b->nrows + 2, sizeof *b->rows, &b->oom);
    if (b->oom)
        return;
    b->rows[b->nrows++] = b->ncells;
}

/* Closes the row index: rows[nrows] = ncells. */
static void
end_rows(struct book *b)
{
    b->rows =
        grow(b->rows, &b->rows_cap, b->nrows + 1, sizeof *b->rows, &b->oom);
    if (!b->oom)
        b->rows[b->nrows] = b->ncells;
}

static void
push_cell(struct book *b, const char *s, size_t len, int header)
{
    struct cell *c;
    int dec = -1;

    b->cells =
        grow(b->cells, &b->cells_cap, b->ncells + 1, sizeof *b->cells, &b->oom);
    if (b->oom)
        return;
    c = &b->cells[b->ncells++];
    memset(c, 0, sizeof *c);
    if (len == 0) {
        c->type = CELL_BLANK;
        return;
    }
    if (!header)
        dec = decimal_places(s, len);
    if (dec >= 0) {
        char tmp[64];

        memcpy(tmp, s, len);
        tmp[len] = '\0';
        c->type = CELL_NUMBER;
        c->num = strtod(tmp, NULL);
        c->decimals = (unsigned char)dec;
        return;
    }
    b->arena =
        grow(b->arena, &b->arena_cap, b->arena_len + len + 1, 1, &b->oom);
    if (b->oom)
        return;
    c->type = CELL_STRING;
    c->off = b->arena_len;
    memcpy(b->arena + b->arena_len, s, len);
    b->arena[b->arena_len + len] = '\0';
    b->arena_len += len + 1;
}

struct loader {
    struct book *b;
    int at_row_start;
    int header;
};

static void
on_field(void *s, size_t len, void *data)
{
    struct loader *l = data;

    if (l->at_row_start) {
        push_row(l->b);
        l->at_row_start = 0;
    }
    push_cell(l->b, s, len, l->header);
}

static void
on_record(int c, void *data)
{
    struct loader *l = data;

    (void)c;
    if (l->at_row_start) /* an empty line: an empty row */
        push_row(l->b);
    l->at_row_start = 1;
    l->header = 0;
}

static void
sheet_name(const char *path, char *name, size_t size)
{
    const char *base = strrchr(path, '/');
    size_t len;

    base = base ? base + 1 : path;
    if (strncmp(base, "statement-", 10) == 0)
        base += 10;
    len = strcspn(base, ".");
    if (len >= size)
        len = size - 1;
    memcpy(name, base, len);
    name[len] = '\0';
    if (name[0] >= 'a' && name[0] <= 'z')
        name[0] = (char)(name[0] - 'a' + 'A');
}

static int
load_csv(struct book *b, const char *path)
{
    static char block[65536];
    struct csv_parser p;
    struct loader l = {b, 1, 1};
    struct sheet *sh;
    FILE *f = NULL;
    size_t got;
    size_t skip;
    int first = 1;
    int rc = 66;

    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
        return 70;
    b->sheets = realloc(b->sheets, (b->nsheets + 1) * sizeof *b->sheets);
    if (b->sheets == NULL) {
        rc = 70;
        goto out;
    }
    sh = &b->sheets[b->nsheets++];
    sheet_name(path, sh->name, sizeof sh->name);
    sh->first_row = b->nrows;
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "xlsxfloor: cannot open '%s': %s\n", path,
                strerror(errno));
        goto out;
    }
    while ((got = fread(block, 1, sizeof block, f)) > 0) {
        skip = 0;
        if (first && got >= 3 && memcmp(block, "\xEF\xBB\xBF", 3) == 0)
            skip = 3;
        first = 0;
        if (csv_parse(&p, block + skip, got - skip, on_field, on_record, &l) !=
            got - skip) {
            fprintf(stderr, "xlsxfloor: '%s': %s\n", path,
                    csv_strerror(csv_error(&p)));
            rc = 65;
            goto out;
        }
    }
    if (ferror(f) || csv_fini(&p, on_field, on_record, &l) != 0) {
        fprintf(stderr, "xlsxfloor: cannot read '%s'\n", path);
        rc = 65;
        goto out;
    }
    sh->nrows = b->nrows - sh->first_row;
    end_rows(b);
    rc = b->oom ? 70 : 0;
out:
    if (f != NULL)
        (void)fclose(f);
    csv_free(&p);
    return rc;
}

static int
synthesize(struct book *b, unsigned long nrows, unsigned long ncols)
{
    char tmp[64];
    unsigned long r;
    unsigned long c;
    int n;

    b->sheets = calloc(1, sizeof *b->sheets);
    if (b->sheets == NULL)
        return 70;
    b->nsheets = 1;
    memcpy(b->sheets[0].name, "USD", 4);
    for (r = 0; r <= nrows; r++) {
        push_row(b);
        for (c = 0; c < ncols; c++) {
            if (r == 0)
                n = snprintf(tmp, sizeof tmp, "column_%lu", c);
            else if (c % 3 == 0)
                n = snprintf(tmp, sizeof tmp, "P01-%07lu-%07lu-C%06lu", r, c,
                             r * 7 + c);
            else
                n = snprintf(tmp, sizeof tmp, "%lu.%02lu", (r * 37 + c) % 5000,
                             (r + c) % 100);
            if (n < 0 || (size_t)n >= sizeof tmp)
                return 70;
            push_cell(b, tmp, (size_t)n, r == 0);
        }
    }
    b->sheets[0].nrows = b->nrows;
    end_rows(b);
    return b->oom ? 70 : 0;
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_book(const struct book *b, const char *out, unsigned long long *cells)
{
    lxw_workbook_options opt = {
        .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(out, &opt);
    lxw_format *numfmt[11];
    const char *fmts[11] = {"0",           "0.0",         "0.00",
                            "0.000",       "0.0000",      "0.00000",
                            "0.000000",    "0.0000000",   "0.00000000",
                            "0.000000000", "0.0000000000"};
    size_t s;
    int rc = 0;
    int i;

    if (wb == NULL)
        return 73;
    for (i = 0; i < 11; i++) {
        numfmt[i] = workbook_add_format(wb);
        format_set_num_format(numfmt[i], fmts[i]);
    }
    for (s = 0; s < b->nsheets; s++) {
        const struct sheet *sh = &b->sheets[s];
        lxw_worksheet *ws = NULL;
        size_t r;
        unsigned part = 1;
        lxw_row_t xr = 0;

        for (r = 0; r < sh->nrows || r == 0; r++) {
            size_t row = sh->first_row + r;
            size_t k;

            if (ws == NULL || (r > 0 && xr > DATA_ROWS_PER_SHEET)) {
                char name[40];
                int n = part == 1 ? snprintf(name, sizeof name, "%s", sh->name)
                                  : snprintf(name, sizeof name, "%s (%u)",
                                             sh->name, part);

                if (n < 0 || (size_t)n >= sizeof name) {
                    rc = 70;
                    goto out;
                }
                ws = workbook_add_worksheet(wb, name);
                if (ws == NULL) {
                    rc = 73;
                    goto out;
                }
                part++;
                xr = 0;
                if (r > 0 && sh->nrows > 0) { /* repeat the header row */
                    row = sh->first_row;
                    r--;
                }
            }
            if (sh->nrows == 0)
                break;
            for (k = b->rows[row]; k < b->rows[row + 1]; k++) {
                const struct cell *c = &b->cells[k];
                lxw_col_t col = (lxw_col_t)(k - b->rows[row]);

                if (c->type == CELL_NUMBER)
                    worksheet_write_number(ws, xr, col, c->num,
                                           numfmt[c->decimals]);
                else if (c->type == CELL_STRING)
                    worksheet_write_string(ws, xr, col, b->arena + c->off,
                                           NULL);
                (*cells)++;
            }
            xr++;
        }
    }
out:
    /* workbook_close() frees the workbook, on the error paths too. */
    if (workbook_close(wb) != LXW_NO_ERROR && rc == 0)
        rc = 73;
    return rc;
}

int
main(int argc, char **argv)
{
    struct book b;
    const char *out = NULL;
    unsigned long nrows = 0;
    unsigned long ncols = 0;
    unsigned long long cells = 0;
    double t0;
    double t1;
    int i = 1;
    int rc = 0;

    memset(&b, 0, sizeof b);
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
            nrows = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--cols") == 0 && i + 1 < argc)
            ncols = strtoul(argv[++i], NULL, 10);
        else
            break;
        i++;
    }
    if (out == NULL || (i >= argc && (nrows == 0 || ncols == 0))) {
        fprintf(stderr, "usage: xlsxfloor -o OUT.xlsx CSV...\n"
                        "       xlsxfloor -o OUT.xlsx --rows N --cols C\n");
        return 64;
    }
    if (i < argc) {
        for (; i < argc && rc == 0; i++)
            rc = load_csv(&b, argv[i]);
    } else {
        rc = synthesize(&b, nrows, ncols);
    }
    if (rc == 0 && b.oom)
        rc = 70;
    if (rc != 0)
        goto out;
    t0 = now_s();
    rc = write_book(&b, out, &cells);
    t1 = now_s();
    if (rc != 0) {
        fprintf(stderr, "xlsxfloor: cannot write '%s'\n", out);
        goto out;
    }
    printf("write_s=%.3f sheets=%zu rows=%zu cells=%llu\n", t1 - t0, b.nsheets,
           b.nrows, cells);
out:
    free(b.arena);
    free(b.cells);
    free(b.rows);
    free(b.sheets);
    return rc;
}
