/*
 * reconcile.c: `settle reconcile --date D [--new-cutoff]`, a date's
 * settlement lines against the ledger view, under the (seller, date)
 * advisory lock: a second run of the same date exits 75 at once.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "io/db.h"
#include "reconcile/reconcile.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: settle reconcile --date D [--new-cutoff]\n"
            "\n"
            "Matches the settlement lines of business date D (YYYY-MM-DD)\n"
            "against the ledger view settle.ledger_entry and replaces D's\n"
            "results in one transaction; opens dispute cases for\n"
            "chargebacks, A-to-z claims and disputes.\n"
            "\n"
            "The ledger is read as of a cutoff fixed at D's first\n"
            "reconcile, so a rerun sees the ledger as it was then.\n"
            "\n"
            "options:\n"
            "  --date D        the business date (required)\n"
            "  --new-cutoff    move D's ledger cutoff to now (recorded)\n"
            "  -h, --help      this help\n"
            "\n"
            "Needs seller_id. Exit status: 0 done (exceptions included),\n"
            "69 database unavailable, 75 another run holds D's lock,\n"
            "77 no privilege on the ledger view, 78 configuration or a\n"
            "ledger view that breaks the contract.\n");
}

int
cmd_reconcile(struct st_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"new-cutoff", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct st_reconcile_summary sum;
    struct st_db *db = NULL;
    const char *date_arg = NULL;
    unsigned flags = 0;
    int32_t date = 0;
    int64_t lines;
    int rc;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            date_arg = optarg;
            break;
        case 'n':
            flags |= ST_RECONCILE_NEW_CUTOFF;
            break;
        default:
            return cli_help_or_usage(c, usage);
        }
    }
    if ((rc = cli_no_operands("reconcile", argc, argv)) != 0)
        return rc;
    if ((rc = cli_want_date(cli, "reconcile", date_arg, &date)) != 0)
        return rc;
    if ((rc = cli_connect_locked(cli, date, &db)) == 0)
        rc = st_reconcile_date(db, &cli->cfg, date, flags, &cli->log, &sum,
                               &cli->err);
    st_db_close(db); /* also releases the lock */
    if (rc != 0)
        return cli_fail(cli, "reconcile", rc);
    /* results on the ledger side have no settlement line */
    lines = sum.results - sum.count[ST_RECON_MISSING_IN_SETTLEMENT] -
            sum.count[ST_RECON_IN_TRANSIT];
    if (lines == 0)
        st_log_msg(&cli->log, ST_LOG_WARN, "reconcile",
                   "no settlement lines for %s (no report that day, or not "
                   "normalized yet)",
                   date_arg);
    {
        const struct st_log_field f[] = {
            {.key = "date", .s = date_arg},
            {.key = "seller", .s = cli->cfg.seller_id},
            {.key = "cutoff", .s = sum.cutoff},
            {.key = "results", .i = sum.results},
            {.key = "exceptions", .i = sum.exceptions},
            {.key = "matched", .i = sum.count[ST_RECON_MATCHED]},
            {.key = "disputes_opened", .i = sum.disputes_opened},
        };

        st_log_fields(
            &cli->log, ST_LOG_INFO, "reconcile", f, sizeof(f) / sizeof(f[0]),
            "reconciled %s: %lld results, %lld exceptions%s", date_arg,
            (long long)sum.results, (long long)sum.exceptions,
            sum.cutoff_moved ? " (ledger cutoff was moved)" : "");
    }
    return EXIT_OK;
}
