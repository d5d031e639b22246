/*
 * run.c: `settle run`, the nightly job: fetch, normalize, reconcile and
 * report one business date (yesterday by default) or a range, resuming a
 * date where its last run stopped, with one closing summary line per date
 * and the metrics textfile at the end.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "fetch/fetch.h"
#include "io/metrics.h"
#include "run/run.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: settle run [--date D | --from D1 --to D2]\n"
            "                  [--source api|dir:PATH] [--fail-on-exceptions]\n"
            "                  [--serial]\n"
            "\n"
            "Runs the nightly job for one business date (default: yesterday\n"
            "in the configured timezone) or each date of a range, in order:\n"
            "fetch, normalize, reconcile, report. A date whose last run\n"
            "failed resumes at the stage that failed. Two runs of the same\n"
            "seller and date never overlap: the second exits 75.\n"
            "\n"
            "Over a range, each date's report is written on a second\n"
            "database connection while the next date is fetched, normalized\n"
            "and reconciled; the summary lines still come in date order,\n"
            "each once its date is reported. When a report fails, the next\n"
            "date stops at its next stage and resumes there on the next run.\n"
            "\n"
            "  --date D              one business date, YYYY-MM-DD\n"
            "  --from D1 --to D2     every date from D1 to D2, inclusive\n"
            "  --source SRC          api (default) or dir:PATH of reports\n"
            "                        downloaded by hand\n"
            "  --fail-on-exceptions  exit 1 when reconciliation found\n"
            "                        exceptions (the run still completes)\n"
            "  --serial              over a range, finish each date before\n"
            "                        starting the next (one connection)\n"
            "\n"
            "Prints one summary line per date on stdout.\n");
}

static void
write_metrics(struct st_cli *cli, const struct st_run_summary *sum)
{
    struct st_err err;

    if (cli->cfg.metrics_file == NULL || cli->cfg.metrics_file[0] == '\0')
        return;
    if (st_metrics_write(&sum->metrics, cli->cfg.metrics_file, &err) != 0)
        st_log_err(&cli->log, "run", &err);
}

struct run_state {
    struct st_cli *cli;
    int64_t exceptions;
    int reported; /* date_done was called at least once */
};

/*
 * The run failed before any date started (no database, no seller, the
 * date could not be worked out): the metrics still say so, for the alert
 * on settle_run_success. date is the first date asked for, 0 when unknown.
 */
static void
write_failed_metrics(struct st_cli *cli, int32_t date)
{
    struct st_run_summary sum;
    char day[ST_DATE_LEN + 1];

    memset(&sum, 0, sizeof(sum));
    st_metrics_init(&sum.metrics);
    sum.metrics.seller = cli->cfg.seller_id != NULL ? cli->cfg.seller_id : "";
    day[0] = '\0';
    if (date != 0)
        st_date_format(date, day);
    sum.metrics.date = day;
    sum.metrics.success = 0;
    write_metrics(cli, &sum);
}

/* A date is done: its metrics, and its summary line when it succeeded. */
static void
date_done(void *arg, const struct st_run_ctx *ctx,
          const struct st_run_summary *sum, int rc)
{
    struct run_state *rs = arg;
    struct st_cli *cli = rs->cli;

    rs->reported = 1;
    write_metrics(cli, sum);
    if (rc != 0)
        return;
    rs->exceptions += sum->exceptions;
    printf("%s %s: %lld lines, %lld exceptions, %lld open disputes, "
           "statements in %s/%s/%s\n",
           cli->cfg.seller_id, ctx->date_s, (long long)sum->lines,
           (long long)sum->exceptions, (long long)sum->open_disputes,
           ctx->out_dir, cli->cfg.seller_id, ctx->date_s);
    (void)fflush(stdout); /* checked at exit */
}

struct run_args {
    const char *source;
    int dated;    /* --date or --from/--to given */
    int32_t from; /* the dates, when dated */
    int32_t to;
    int fail_on_exceptions;
    int serial;
};

/* --date D, or --from D1 --to D2, or neither (yesterday). */
static int
parse_dates(struct st_cli *cli, const char *date_arg, const char *from_arg,
            const char *to_arg, struct run_args *a)
{
    if (date_arg != NULL && (from_arg != NULL || to_arg != NULL))
        return cli_usage_error("run", "--date and --from/--to exclude each "
                                      "other");
    if ((from_arg == NULL) != (to_arg == NULL))
        return cli_usage_error("run", "--from and --to go together");
    if (!st_fetch_source_valid(a->source))
        return cli_usage_error("run",
                               "--source wants api or dir:PATH, not "
                               "'%s'",
                               a->source);
    if (date_arg != NULL && cli_parse_date(cli, date_arg, &a->from) != 0)
        return cli_usage_error("run", "%s", cli->err.msg);
    if (from_arg != NULL && (cli_parse_date(cli, from_arg, &a->from) != 0 ||
                             cli_parse_date(cli, to_arg, &a->to) != 0))
        return cli_usage_error("run", "%s", cli->err.msg);
    if (from_arg != NULL && a->to < a->from)
        return cli_usage_error("run", "--to is before --from");
    if (date_arg != NULL)
        a->to = a->from;
    a->dated = date_arg != NULL || from_arg != NULL;
    return -1;
}

/* Returns -1 to go on, else the exit status. */
static int
parse_args(struct st_cli *cli, int argc, char **argv, struct run_args *a)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"source", required_argument, NULL, 's'},
        {"fail-on-exceptions", no_argument, NULL, 'x'},
        {"serial", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *date_arg = NULL;
    const char *from_arg = NULL;
    const char *to_arg = NULL;
    int rc;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            date_arg = optarg;
            break;
        case 'f':
            from_arg = optarg;
            break;
        case 't':
            to_arg = optarg;
            break;
        case 's':
            a->source = optarg;
            break;
        case 'x':
            a->fail_on_exceptions = 1;
            break;
        case 'S':
            a->serial = 1;
            break;
        default:
            return cli_help_or_usage(c, usage);
        }
    }
    if ((rc = cli_no_operands("run", argc, argv)) != 0)
        return rc;
    return parse_dates(cli, date_arg, from_arg, to_arg, a);
}

int
cmd_run(struct st_cli *cli, int argc, char **argv)
{
    struct run_args a = {.source = "api"};
    struct st_db *db = NULL;
    struct st_run_ctx ctx;
    struct run_state rs = {.cli = cli, .exceptions = 0};
    int rc;

    if ((rc = parse_args(cli, argc, argv, &a)) >= 0)
        return rc;
    if ((rc = st_config_require_seller(&cli->cfg, &cli->err)) != 0 ||
        (rc = st_db_connect(cli->cfg.database, &db, &cli->err)) != 0)
        goto out;
    if (!a.dated) {
        if ((rc = st_run_yesterday(db, &cli->cfg, &a.from, &cli->err)) != 0)
            goto out;
        a.to = a.from;
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = db;
    ctx.cfg = &cli->cfg;
    ctx.source = a.source;
    ctx.out_dir = cli->cfg.out_dir;
    ctx.log = &cli->log;
    rc = st_run_dates(&ctx, a.from, a.to, st_run_stages, st_run_nstages,
                      !a.serial, date_done, &rs, &cli->err);
out:
    st_db_close(db);
    if (rc != 0 && !rs.reported)
        write_failed_metrics(cli, a.from);
    if (rc != 0)
        return cli_fail(cli, "run", rc);
    if (a.fail_on_exceptions && rs.exceptions > 0) {
        st_log_msg(&cli->log, ST_LOG_WARN, "run",
                   "%lld exceptions found (--fail-on-exceptions)",
                   (long long)rs.exceptions);
        return EXIT_DIFFERENT;
    }
    return EXIT_OK;
}
