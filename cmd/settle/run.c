/*
 * run.c: `settle run`, the nightly job: fetch, normalize, reconcile and
 * report one business date, a range, or (by default) every date not closed
 * yet up to yesterday, resuming a date where its last run stopped, with one
 * closing summary line per date and the metrics textfile after each.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "fetch/fetch.h"
#include "io/metrics.h"
#include "run/catchup.h"
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
            "Runs the nightly job for one business date or each date of a\n"
            "range, in order: fetch, normalize, reconcile, report. Without\n"
            "dates it catches up: every date from the day after the last\n"
            "closed one (before any, first_date, else yesterday) up to\n"
            "yesterday in the configured timezone, oldest first, at most\n"
            "catchup_max_days of them, stopping at the first that fails.\n"
            "A date whose last run failed resumes at the stage that failed.\n"
            "Two runs of the same seller and date never overlap: the second\n"
            "exits 75.\n"
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
    int reported;      /* date_done was called at least once */
    int32_t yesterday; /* catching up: the last date to close, else 0 */
    char failed[11];   /* the date that failed, "" when none did */
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
    struct st_run_summary with_gauge = *sum;

    rs->reported = 1;
    if (rs->yesterday != 0) /* the dates after this one, and it if it failed */
        with_gauge.metrics.unclosed_dates =
            rs->yesterday - ctx->date + (rc != 0 ? 1 : 0);
    write_metrics(cli, &with_gauge);
    if (rc != 0) {
        (void)snprintf(rs->failed, sizeof(rs->failed), "%s", ctx->date_s);
        return;
    }
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

/*
 * No dates given: the dates to catch up into a->from, a->to (a->to before
 * a->from when every date up to yesterday is closed, said in the log), with
 * a warning when they are more than one run closes or old enough for
 * Amazon to delete their reports soon.
 */
static int
plan_catchup(struct st_cli *cli, struct st_db *db, struct run_args *a,
             struct run_state *rs)
{
    struct st_catchup c;
    char from[ST_DATE_LEN + 1], to[ST_DATE_LEN + 1];
    int rc;

    if ((rc = st_catchup_plan(db, &cli->cfg, &c, &cli->err)) != 0)
        return rc;
    a->from = c.from;
    a->to = c.to;
    st_date_format(c.from, from);
    st_date_format(c.yesterday, to);
    if (c.unclosed == 0) {
        st_log_msg(&cli->log, ST_LOG_INFO, "run",
                   "every date up to %s is closed: nothing to run", to);
        return 0;
    }
    rs->yesterday = c.yesterday;
    if (c.unclosed > 1)
        st_log_msg(&cli->log, ST_LOG_INFO, "run",
                   "catching up %lld dates from %s to %s",
                   (long long)c.unclosed, from, to);
    if (c.to < c.yesterday)
        st_log_msg(&cli->log, ST_LOG_WARN, "run",
                   "%lld dates are not closed; this run closes the oldest "
                   "%lld (catchup_max_days), the next run goes on",
                   (long long)c.unclosed, (long long)cli->cfg.catchup_max_days);
    if (c.yesterday + 1 - c.from > ST_CATCHUP_WARN_AGE_DAYS)
        st_log_msg(&cli->log, ST_LOG_WARN, "run",
                   "the oldest unclosed date, %s, is %d days old: Amazon "
                   "deletes settlement reports after 90 days",
                   from, (int)(c.yesterday + 1 - c.from));
    return 0;
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
        (rc = st_db_connect(cli->cfg.database, &cli->log, &db, &cli->err)) != 0)
        goto out;
    if (!a.dated) {
        if ((rc = plan_catchup(cli, db, &a, &rs)) != 0 || a.to < a.from)
            goto out;
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = db;
    ctx.cfg = &cli->cfg;
    ctx.source = a.source;
    ctx.out_dir = cli->cfg.out_dir;
    ctx.log = &cli->log;
    ctx.skip_closed = !a.dated;
    rc = st_run_dates(&ctx, a.from, a.to, st_run_stages, st_run_nstages,
                      !a.serial, date_done, &rs, &cli->err);
out:
    st_db_close(db);
    if (rc != 0 && !rs.reported)
        write_failed_metrics(cli, a.from);
    if (rc != 0 && rs.failed[0] != '\0')
        st_err_prefix(&cli->err, "%s", rs.failed);
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
