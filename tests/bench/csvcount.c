/*
 * csvcount: the normalize baseline. A bare libcsv pass over the same report
 * files that `settle normalize` reads, counting fields and records and
 * doing nothing else: no preamble handling, no typing, no output. It reads
 * with the same libcsv options settle's reader uses (CSV_STRICT |
 * CSV_STRICT_FINI, csv_fini checked) in 64 KiB blocks, and skips a leading
 * UTF-8 BOM as every reader of these files must.
 *
 *   csvcount FILE...
 *
 * Prints "files=N records=N fields=N" on stdout; exits 65 on malformed
 * CSV, 66 when a file cannot be read. Time it from outside (peakrss).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <csv.h>

#include "core/banned.h"

struct counts {
    unsigned long long fields;
    unsigned long long records;
};

static void
on_field(void *s, size_t len, void *data)
{
    (void)s;
    (void)len;
    ((struct counts *)data)->fields++;
}

static void
on_record(int c, void *data)
{
    (void)c;
    ((struct counts *)data)->records++;
}

static int
count_file(const char *path, struct counts *n)
{
    static char block[65536];
    struct csv_parser p;
    FILE *f = NULL;
    size_t got;
    size_t skip = 0;
    int first = 1;
    int rc = 66;

    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        fprintf(stderr, "csvcount: csv_init failed\n");
        return 70;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "csvcount: cannot open '%s': %s\n", path,
                strerror(errno));
        goto out;
    }
    while ((got = fread(block, 1, sizeof block, f)) > 0) {
        skip = 0;
        if (first && got >= 3 && memcmp(block, "\xEF\xBB\xBF", 3) == 0)
            skip = 3;
        first = 0;
        if (csv_parse(&p, block + skip, got - skip, on_field, on_record, n) !=
            got - skip) {
            fprintf(stderr, "csvcount: '%s': %s\n", path,
                    csv_strerror(csv_error(&p)));
            rc = 65;
            goto out;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "csvcount: cannot read '%s'\n", path);
        goto out;
    }
    if (csv_fini(&p, on_field, on_record, n) != 0) {
        fprintf(stderr, "csvcount: '%s': %s\n", path,
                csv_strerror(csv_error(&p)));
        rc = 65;
        goto out;
    }
    rc = 0;
out:
    if (f != NULL)
        (void)fclose(f);
    csv_free(&p);
    return rc;
}

int
main(int argc, char **argv)
{
    struct counts n = {0, 0};
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: csvcount FILE...\n");
        return 64;
    }
    for (i = 1; i < argc; i++) {
        int rc = count_file(argv[i], &n);

        if (rc != 0)
            return rc;
    }
    printf("files=%d records=%llu fields=%llu\n", argc - 1, n.records,
           n.fields);
    return 0;
}
