/*
 * xlsx.c: the statement workbook. The only place in lib/ where an amount
 * becomes a double, because that is what a spreadsheet cell holds; the
 * number format, not the double, decides what the accountant sees.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "core/alloc.h"
#include "io/xlsx.h"
#include "core/banned.h"

#if LXW_VERSION_ID < 114
#error "libxlsxwriter 1.1.4 or later is needed"
#endif

/* Excel's longest text cell, in bytes as libxlsxwriter counts them. */
#define MAX_STRING 32767
/* Excel's day 0 is 1899-12-30: 1970-01-01 is serial 25569. */
#define EXCEL_EPOCH   25569
#define MAX_EXP       4
#define NAME_MAX_BASE 25

struct st_xlsx {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold;
    lxw_format *money[MAX_EXP + 1];
    lxw_format *integer;
    lxw_format *date;
    lxw_format *datetime;
    uint32_t max_rows;
    /* the sheet being written */
    char base[NAME_MAX_BASE + 1];
    const struct st_xlsx_col *cols;
    size_t ncols;
    unsigned part;  /* 1 for NAME, 2 for "NAME (2)" ... */
    uint32_t rows;  /* data rows on this sheet */
    int open_sheet; /* 1 between sheet_begin and sheet_end */
    size_t nsheets;
    int err;
    lxw_error lxw;
    int sys_errno; /* errno when lxw failed: the reason behind ZIP_ERRNO */
    char scratch[MAX_STRING + 1];
};

static const char *const money_formats[MAX_EXP + 1] = {
    "#,##0", "#,##0.0", "#,##0.00", "#,##0.000", "#,##0.0000"};

static const double pow10s[MAX_EXP + 1] = {1.0, 10.0, 100.0, 1000.0, 10000.0};

static void
note(struct st_xlsx *x, lxw_error e)
{
    if (e != LXW_NO_ERROR && x->err == 0) {
        x->err = ST_ERR_IO;
        x->lxw = e;
        x->sys_errno = errno;
    }
}

/* "cannot write the workbook: WHAT: WHY", libxlsxwriter's text without its
 * full stop, then errno's (ENOSPC behind ZIP_ERRNO, say) when there is one. */
static int
workbook_error(int code, lxw_error e, int why, struct st_err *err)
{
    const char *what = lxw_strerror(e);
    size_t n = strlen(what);

    if (n > 0 && what[n - 1] == '.')
        n--;
    return st_err_set(err, code, "cannot write the workbook: %.*s%s%s", (int)n,
                      what, why != 0 ? ": " : "",
                      why != 0 ? strerror(why) : "");
}

static int
report(struct st_xlsx *x, struct st_err *err)
{
    if (x->err == 0)
        return 0;
    if (x->lxw == LXW_NO_ERROR)
        return st_err_set(err, x->err,
                          "cannot write the workbook: internal error");
    return workbook_error(x->err, x->lxw, x->sys_errno, err);
}

int
st_xlsx_open(const char *path, int32_t date, const char *title,
             uint32_t max_rows, struct st_xlsx **out, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_xlsx *x = NULL;
    lxw_workbook_options opt;
    lxw_doc_properties props;
    int i;

    *out = NULL;
    x = st_calloc(1, sizeof(*x));
    if (x == NULL) {
        st_err_set(err, rc, "out of memory");
        goto out;
    }
    x->max_rows = max_rows == 0 || max_rows > ST_XLSX_MAX_ROWS
                      ? ST_XLSX_MAX_ROWS
                      : max_rows;
    memset(&opt, 0, sizeof(opt));
    opt.constant_memory = LXW_TRUE;
    opt.use_zip64 = LXW_TRUE;
    x->wb = workbook_new_opt(path, &opt);
    if (x->wb == NULL) {
        rc = st_err_set(err, ST_ERR_CANTCREAT, "cannot start the workbook '%s'",
                        path);
        goto out;
    }
    memset(&props, 0, sizeof(props));
    props.title = (char *)(uintptr_t)title;
    props.author = (char *)(uintptr_t) "settle";
    props.created = (time_t)date * 86400;
    if (workbook_set_properties(x->wb, &props) != LXW_NO_ERROR) {
        rc = st_err_set(err, ST_ERR_NOMEM, "cannot set workbook properties");
        goto out;
    }
    x->bold = workbook_add_format(x->wb);
    x->integer = workbook_add_format(x->wb);
    x->date = workbook_add_format(x->wb);
    x->datetime = workbook_add_format(x->wb);
    for (i = 0; i <= MAX_EXP; i++) {
        x->money[i] = workbook_add_format(x->wb);
        if (x->money[i] == NULL)
            break;
        format_set_num_format(x->money[i], money_formats[i]);
    }
    if (i <= MAX_EXP || x->bold == NULL || x->integer == NULL ||
        x->date == NULL || x->datetime == NULL) {
        st_err_set(err, rc, "out of memory");
        goto out;
    }
    format_set_bold(x->bold);
    format_set_num_format(x->integer, "0");
    format_set_num_format(x->date, "yyyy-mm-dd");
    format_set_num_format(x->datetime, "yyyy-mm-dd hh:mm:ss");
    *out = x;
    x = NULL; /* transferred */
    rc = 0;
out:
    st_xlsx_free(x);
    return rc;
}

static int
add_sheet(struct st_xlsx *x, struct st_err *err)
{
    char name[32];
    size_t c;
    int n;

    if (x->part == 1)
        n = snprintf(name, sizeof(name), "%s", x->base);
    else
        n = snprintf(name, sizeof(name), "%s (%u)", x->base, x->part);
    if (n < 0 || (size_t)n >= sizeof(name))
        return st_err_set(err, ST_ERR_INTERNAL, "sheet name too long");
    x->ws = workbook_add_worksheet(x->wb, name);
    if (x->ws == NULL) {
        st_err_set(err, ST_ERR_CONFIG,
                   "cannot add the sheet '%s': the name is in use or invalid",
                   name);
        st_err_hint(err, "give each template's 'sheet' a name of its own, "
                         "not a currency code");
        return ST_ERR_CONFIG;
    }
    x->nsheets++;
    x->rows = 0;
    for (c = 0; c < x->ncols; c++) {
        note(x, worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c,
                                     (double)x->cols[c].width, NULL));
        note(x, worksheet_write_string(x->ws, 0, (lxw_col_t)c,
                                       x->cols[c].header, x->bold));
    }
    worksheet_freeze_panes(x->ws, 1, 0);
    x->open_sheet = 1;
    return report(x, err);
}

static void
end_sheet(struct st_xlsx *x)
{
    if (!x->open_sheet)
        return;
    if (x->ncols > 0)
        note(x, worksheet_autofilter(x->ws, 0, 0, x->rows,
                                     (lxw_col_t)(x->ncols - 1)));
    x->open_sheet = 0;
}

int
st_xlsx_sheet_begin(struct st_xlsx *x, const char *name,
                    const struct st_xlsx_col *cols, size_t ncols,
                    struct st_err *err)
{
    size_t len = strlen(name);

    if (x->open_sheet)
        return st_err_set(err, ST_ERR_INTERNAL, "sheet not ended");
    if (len == 0 || len > NAME_MAX_BASE)
        return st_err_set(err, ST_ERR_CONFIG,
                          "sheet name '%s' must have 1 to %d bytes", name,
                          NAME_MAX_BASE);
    if (ncols > ST_XLSX_MAX_COLS)
        return st_err_set(err, ST_ERR_CONFIG, "too many columns (%zu)", ncols);
    memcpy(x->base, name, len + 1);
    x->cols = cols;
    x->ncols = ncols;
    x->part = 1;
    return add_sheet(x, err);
}

int
st_xlsx_row(struct st_xlsx *x, struct st_err *err)
{
    if (x->err != 0)
        return report(x, err);
    if (x->rows >= x->max_rows) {
        int rc;

        end_sheet(x);
        x->part++;
        if ((rc = add_sheet(x, err)) != 0)
            return rc;
    }
    x->rows++;
    return 0;
}

/*
 * Text Excel can hold: control characters other than tab, LF and CR are
 * not allowed in XML 1.0 and become spaces; an over-long text is cut at a
 * UTF-8 character boundary.
 */
static const char *
clean_text(struct st_xlsx *x, const char *s)
{
    size_t i;
    size_t len;
    int dirty = 0;

    for (i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            dirty = 1;
    }
    len = i;
    if (!dirty && len <= MAX_STRING)
        return s;
    if (len > MAX_STRING) {
        len = MAX_STRING;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            x->scratch[i] = ' ';
        else
            x->scratch[i] = s[i];
    }
    x->scratch[len] = '\0';
    return x->scratch;
}

void
st_xlsx_str(struct st_xlsx *x, size_t col, const char *s)
{
    if (s[0] == '\0' || x->err != 0)
        return;
    note(x, worksheet_write_string(x->ws, x->rows, (lxw_col_t)col,
                                   clean_text(x, s), NULL));
}

void
st_xlsx_money(struct st_xlsx *x, size_t col, int64_t minor, int exponent)
{
    if (x->err != 0)
        return;
    if (exponent < 0 || exponent > MAX_EXP) {
        x->err = ST_ERR_INTERNAL;
        return;
    }
    note(x, worksheet_write_number(x->ws, x->rows, (lxw_col_t)col,
                                   (double)minor / pow10s[exponent],
                                   x->money[exponent]));
}

void
st_xlsx_int(struct st_xlsx *x, size_t col, int64_t v)
{
    if (x->err != 0)
        return;
    note(x, worksheet_write_number(x->ws, x->rows, (lxw_col_t)col, (double)v,
                                   x->integer));
}

void
st_xlsx_date(struct st_xlsx *x, size_t col, int32_t days)
{
    if (x->err != 0)
        return;
    note(x, worksheet_write_number(x->ws, x->rows, (lxw_col_t)col,
                                   (double)days + EXCEL_EPOCH, x->date));
}

void
st_xlsx_datetime(struct st_xlsx *x, size_t col, int64_t epoch)
{
    int64_t days = epoch / 86400;
    int64_t secs = epoch % 86400;

    if (x->err != 0)
        return;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    note(x, worksheet_write_number(x->ws, x->rows, (lxw_col_t)col,
                                   (double)(days + EXCEL_EPOCH) +
                                       (double)secs / 86400.0,
                                   x->datetime));
}

void
st_xlsx_decimal(struct st_xlsx *x, size_t col, const char *s)
{
    char *end = NULL;
    double v;

    if (x->err != 0 || s[0] == '\0')
        return;
    v = strtod(s, &end);
    if (end == s || *end != '\0') {
        st_xlsx_str(x, col, s);
        return;
    }
    note(x, worksheet_write_number(x->ws, x->rows, (lxw_col_t)col, v, NULL));
}

int
st_xlsx_sheet_end(struct st_xlsx *x, struct st_err *err)
{
    end_sheet(x);
    return report(x, err);
}

size_t
st_xlsx_sheet_count(const struct st_xlsx *x)
{
    return x->nsheets;
}

int
st_xlsx_close(struct st_xlsx *x, struct st_err *err)
{
    int rc;
    lxw_error e;

    if (x == NULL)
        return 0;
    end_sheet(x);
    rc = report(x, err);
    errno = 0;
    e = workbook_close(x->wb); /* writes and frees, also on error */
    x->wb = NULL;
    if (rc == 0 && e != LXW_NO_ERROR) {
        int why = errno; /* what the zip writer's failed call set */

        rc = workbook_error(e == LXW_ERROR_CREATING_XLSX_FILE ||
                                    e == LXW_ERROR_CREATING_TMPFILE
                                ? ST_ERR_CANTCREAT
                                : ST_ERR_IO,
                            e, why, err);
    }
    st_free(x);
    return rc;
}

void
st_xlsx_free(struct st_xlsx *x)
{
    if (x == NULL)
        return;
    if (x->wb != NULL)
        lxw_workbook_free(x->wb);
    st_free(x);
}
