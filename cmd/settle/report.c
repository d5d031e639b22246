/*
 * report.c: `settle report --date D [--out DIR] [--template-dir DIR]`, the
 * statements of one seller and business date (lib/report/statement.c),
 * and `settle report --from D1 --to D2` or `--month YYYY-MM`, the period
 * statement (lib/report/period.c), under the advisory lock of (seller, D)
 * or (seller, D2) so that it never races a run of that date.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "io/db.h"
#include "report/period.h"
#include "report/statement.h"
#include "report/template.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: settle report --date D [--out DIR] [--template-dir DIR]\n"
            "       settle report --from D1 --to D2 | --month YYYY-MM [...]\n"
            "\n"
            "Writes the statements of seller_id for business date D into\n"
            "OUT/<seller_id>/<D>/ (OUT is out_dir, or DIR of --out):\n"
            "statement.xlsx, statement-<CCY>.csv per currency, summary.csv,\n"
            "settlements.csv, exceptions.csv, open-items.csv, disputes.csv,\n"
            "journal.csv and manifest.json. The directory\n"
            "is built under a temporary name and renamed into place,\n"
            "replacing an earlier report of D. The same data gives the same\n"
            "bytes. A date without settlement lines gives empty statements\n"
            "and a warning, not an error.\n"
            "\n"
            "With a period, writes the period statement into\n"
            "OUT/<seller_id>/period/<D1>_<D2>/ from the stored daily results\n"
            "(nothing is fetched or reconciled again): statement.xlsx,\n"
            "summary.csv, days.csv, settlements.csv, exceptions.csv (open at\n"
            "D2), disputes.csv (open at D2), journal.csv and manifest.json.\n"
            "Every date of the period must be reconciled, else exit 66\n"
            "naming the dates. The journal (journal.tmpl: the layout and the\n"
            "account map) posts each settlement of the dates, split at month\n"
            "ends; one that does not balance exits 70 and nothing is written.\n"
            "\n"
            "options:\n"
            "  --date D            business date, YYYY-MM-DD\n"
            "  --from D1 --to D2   a period, both dates included\n"
            "  --month YYYY-MM     the period of a calendar month\n"
            "  --out DIR           write under DIR instead of out_dir\n"
            "  --template-dir DIR  layouts (else template_dir, else the\n"
            "                      installed PREFIX/share/settle/templates,\n"
            "                      else templates/ of the source tree)\n"
            "  -h, --help          this help\n");
}

/* The closing line: what was written, and how long it took since t0. */
static void
log_written(struct st_cli *cli, const char *label,
            const struct st_statement_result *res, const struct timespec *t0)
{
    struct timespec t1;

    (void)clock_gettime(CLOCK_MONOTONIC, &t1);
    {
        struct st_log_field f[6] = {
            {"seller", cli->cfg.seller_id, 0},
            {"date", label, 0},
            {"rows", NULL, (int64_t)res->lines},
            {"exceptions", NULL, (int64_t)res->exceptions},
            {"open_disputes", NULL, (int64_t)res->open_disputes},
            {"ms", NULL,
             (int64_t)(t1.tv_sec - t0->tv_sec) * 1000 +
                 (t1.tv_nsec - t0->tv_nsec) / 1000000},
        };

        st_log_fields(&cli->log, ST_LOG_INFO, "report", f, 6, "wrote '%s'",
                      res->dir);
    }
}

/* Options into the configuration and *span: -1 to go on, else the status. */
static int
parse_args(struct st_cli *cli, int argc, char **argv, struct cli_span *span)
{
    static const struct option opts[] = {
        CLI_SPAN_OPTIONS,
        {"out", required_argument, NULL, 'o'},
        {"template-dir", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int rc = 0;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_span_arg(span, c, optarg))
            continue;
        if (c == 'o')
            rc = st_config_set(&cli->cfg, "out_dir", optarg, ST_SRC_FLAG,
                               &cli->err);
        else if (c == 't')
            rc = st_config_set(&cli->cfg, "template_dir", optarg, ST_SRC_FLAG,
                               &cli->err);
        else
            return cli_help_or_usage(c, usage);
        if (rc != 0)
            return cli_fail(cli, "report", rc);
    }
    if ((rc = cli_no_operands("report", argc, argv)) != 0 ||
        (rc = cli_want_span(cli, "report", span)) != 0)
        return rc;
    return -1;
}

int
cmd_report(struct st_cli *cli, int argc, char **argv)
{
    struct st_template_set set;
    struct st_statement_opts so;
    struct st_statement_result res;
    struct cli_span span;
    struct st_db *db = NULL;
    struct timespec t0;
    char label[CLI_SPAN_LABEL_LEN];
    int rc;

    memset(&span, 0, sizeof(span));
    if ((rc = parse_args(cli, argc, argv, &span)) >= 0)
        return rc;
    cli_span_label(&span, label);
    memset(&set, 0, sizeof(set));
    if ((rc = st_statement_load_templates(&cli->cfg, &set, &cli->err)) != 0)
        goto out;
    (void)clock_gettime(CLOCK_MONOTONIC, &t0);
    if ((rc = cli_connect_locked(cli, span.to, &db)) != 0)
        goto out;
    st_statement_opts_init(&so, &cli->cfg, &set, span.to, NULL, &cli->log);
    rc = span.period ? st_period_write(db, &so, span.from, &res, &cli->err)
                     : st_statement_write(db, &so, &res, &cli->err);
    if (rc == 0)
        log_written(cli, label, &res, &t0);
out:
    st_db_close(db); /* also releases the lock */
    st_template_set_release(&set);
    return rc != 0 ? cli_fail(cli, "report", rc) : EXIT_OK;
}
