/*
 * disputes.c: `settle disputes [--open] [--date D]` prints the dispute and
 * chargeback worklist as CSV on stdout; `settle disputes close CASE
 * --outcome won|lost|accepted [--note TEXT]` appends an outcome.
 *
 * The worklist has the columns of disputes.tmpl (as disputes.csv) but no
 * byte order mark and LF line ends, for pipes and terminals; the
 * formula guard stays on. It shows every outcome recorded so far (a
 * report shows them as of its ledger cutoff).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/path.h"
#include "io/db.h"
#include "report/dispute.h"
#include "report/template.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: settle disputes [--open] [--date D]\n"
            "       settle disputes close CASE --outcome won|lost|accepted "
            "[--note TEXT]\n"
            "\n"
            "Without a subcommand, prints the dispute and chargeback\n"
            "worklist of seller_id as CSV (the columns of disputes.tmpl, no\n"
            "byte order mark, LF line ends): open cases first, by\n"
            "respond-by date, overdue first; then cases closed within\n"
            "lookback_days. 'close' records an outcome for CASE (the\n"
            "AmazonTransactionId of the chargeback, claim or dispute line);\n"
            "outcomes are appended, the latest one counts. An unknown case\n"
            "exits 66.\n"
            "\n"
            "options:\n"
            "  --open              open cases only\n"
            "  --date D            days left counted at D (default: today,\n"
            "                      UTC); cases opened after D are left out\n"
            "  --outcome OUTCOME   won, lost or accepted (close)\n"
            "  --note TEXT         free text kept with the outcome (close)\n"
            "  --template-dir DIR  layouts (see 'settle report --help')\n"
            "  -h, --help          this help\n");
}

static int
list(struct st_cli *cli, int open_only, int32_t date)
{
    struct st_template t;
    struct st_db *db = NULL;
    struct st_dispute_query q;
    struct st_dispute_counts counts;
    struct st_csvout csv;
    char dir[ST_PATH_MAX];
    char path[ST_PATH_MAX];
    int rc;

    memset(&t, 0, sizeof(t));
    memset(&csv, 0, sizeof(csv));
    if ((rc = st_template_dir(cli->cfg.template_dir, dir, sizeof(dir),
                              &cli->err)) != 0)
        goto out;
    if ((rc = st_path_join(path, sizeof(path), dir,
                           st_template_file(ST_TMPL_DISPUTES), &cli->err)) != 0)
        goto out;
    if ((rc = st_template_load(path, ST_TMPL_DISPUTES, &t, &cli->err)) != 0)
        goto out;
    if ((rc = st_db_connect(cli->cfg.database, &cli->log, &db, &cli->err)) != 0)
        goto out;
    t.csv.bom = 0;
    t.csv.crlf = 0;
    st_csvout_init(&csv, stdout, &t.csv);
    st_template_csv_header(&t, &csv);
    memset(&q, 0, sizeof(q));
    q.seller_id = cli->cfg.seller_id;
    q.date = date;
    q.as_of = NULL;
    q.open_only = open_only;
    q.lookback_days = cli->cfg.lookback_days;
    if ((rc = st_dispute_worklist(db, &q, &t, &csv, NULL, &counts,
                                  &cli->err)) != 0)
        goto out;
    if ((rc = st_csvout_close(&csv, &cli->err)) != 0)
        goto out;
    st_log_msg(
        &cli->log, ST_LOG_DEBUG, "disputes",
        "%llu cases, %llu open, %llu overdue", (unsigned long long)counts.cases,
        (unsigned long long)counts.open, (unsigned long long)counts.overdue);
out:
    st_db_close(db);
    st_template_release(&t);
    return rc;
}

static int
close_case(struct st_cli *cli, const char *case_id, const char *outcome,
           const char *note)
{
    struct st_db *db = NULL;
    char when[ST_DATETIME_LEN + 1];
    int rc;

    rc = st_db_connect(cli->cfg.database, &cli->log, &db, &cli->err);
    if (rc == 0)
        rc = st_dispute_close(db, cli->cfg.seller_id, case_id, outcome, note,
                              when, &cli->err);
    st_db_close(db);
    if (rc == 0)
        st_log_msg(&cli->log, ST_LOG_INFO, "disputes",
                   "case '%s' closed as %s at %s", case_id, outcome, when);
    return rc;
}

struct disputes_args {
    const char *date_arg;
    const char *outcome;
    const char *note;
    int open_only;
};

/* Returns -1 to go on (argv[optind] is "close" or nothing), else the status. */
static int
parse_args(struct st_cli *cli, int argc, char **argv, struct disputes_args *a)
{
    static const struct option opts[] = {
        {"open", no_argument, NULL, 'O'},
        {"date", required_argument, NULL, 'd'},
        {"outcome", required_argument, NULL, 'u'},
        {"note", required_argument, NULL, 'n'},
        {"template-dir", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int rc;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'O':
            a->open_only = 1;
            break;
        case 'd':
            a->date_arg = optarg;
            break;
        case 'u':
            a->outcome = optarg;
            break;
        case 'n':
            a->note = optarg;
            break;
        case 't':
            rc = st_config_set(&cli->cfg, "template_dir", optarg, ST_SRC_FLAG,
                               &cli->err);
            if (rc != 0)
                return cli_fail(cli, "disputes", rc);
            break;
        default:
            return cli_help_or_usage(c, usage);
        }
    }
    return -1;
}

/* `settle disputes close CASE --outcome O [--note TEXT]` */
static int
cmd_close(struct st_cli *cli, int argc, char **argv,
          const struct disputes_args *a)
{
    int rc;

    if (optind + 2 != argc)
        return cli_usage_error("disputes", "want 'close CASE --outcome "
                                           "won|lost|accepted'");
    if (a->open_only || a->date_arg != NULL)
        return cli_usage_error("disputes",
                               "--open and --date are for the worklist");
    if (a->outcome == NULL)
        return cli_usage_error("disputes", "close needs --outcome");
    if (!st_dispute_outcome_valid(a->outcome))
        return cli_usage_error(
            "disputes", "--outcome must be won, lost or accepted, not '%s'",
            a->outcome);
    if (argv[optind + 1][0] == '\0')
        return cli_usage_error("disputes", "empty case id");
    if ((rc = st_config_require_seller(&cli->cfg, &cli->err)) != 0 ||
        (rc = close_case(cli, argv[optind + 1], a->outcome, a->note)) != 0)
        return cli_fail(cli, "disputes", rc);
    return EXIT_OK;
}

/* `settle disputes [--open] [--date D]`: the worklist on stdout. */
static int
cmd_list(struct st_cli *cli, int argc, char **argv,
         const struct disputes_args *a)
{
    int32_t date;
    int rc;

    if (optind != argc)
        return cli_usage_error("disputes", "unknown subcommand '%s'",
                               argv[optind]);
    if (a->outcome != NULL || a->note != NULL)
        return cli_usage_error("disputes",
                               "--outcome and --note are for 'close'");
    if (a->date_arg != NULL) {
        if (cli_parse_date(cli, a->date_arg, &date) != 0)
            return cli_usage_error("disputes", "bad --date '%s'", a->date_arg);
    } else {
        date = (int32_t)(time(NULL) / 86400);
    }
    if ((rc = st_config_require_seller(&cli->cfg, &cli->err)) != 0 ||
        (rc = list(cli, a->open_only, date)) != 0)
        return cli_fail(cli, "disputes", rc);
    return EXIT_OK;
}

int
cmd_disputes(struct st_cli *cli, int argc, char **argv)
{
    struct disputes_args a;
    int rc;

    memset(&a, 0, sizeof(a));
    if ((rc = parse_args(cli, argc, argv, &a)) >= 0)
        return rc;
    if (optind < argc && strcmp(argv[optind], "close") == 0)
        return cmd_close(cli, argc, argv, &a);
    return cmd_list(cli, argc, argv, &a);
}
