/*
 * fetch.c: `settle fetch --date D [--source api|dir:PATH]`, a thin client
 * of lib/fetch under the (seller, date) advisory lock. Nothing goes to
 * stdout; progress and the closing count go to the log.
 *
 * Test knob: SETTLE_TEST_BACKOFF_MS (environment) sets the first retry
 * delay in milliseconds (default 1000), so the end-to-end tests of
 * throttling and server errors take milliseconds, not seconds. It is not a
 * setting: it shapes no output, and Retry-After is still honoured.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "io/db.h"
#include "fetch/fetch.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: settle fetch --date D [--source api|dir:PATH]\n"
            "\n"
            "Downloads (api, the default) or picks up (dir:PATH, every *.csv\n"
            "of PATH) the settlement reports whose SettlementEndDate falls on\n"
            "D in the configured timezone and whose SellerId is seller_id,\n"
            "and archives them under archive_dir/sha256/, registered in\n"
            "settle.raw_report. Reports already archived are left alone:\n"
            "fetching a date twice adds nothing.\n"
            "\n"
            "options:\n"
            "  --date D         business date, YYYY-MM-DD\n"
            "  --source SRC     api (Amazon Pay Reports API, signed with\n"
            "                   private_key_file) or dir:PATH\n"
            "  -h, --help       this help\n"
            "\n"
            "Needs seller_id (exit 78); the key file must not be readable\n"
            "by group or others (exit 77). Throttled past the retries: 75;\n"
            "API unreachable or failing: 69; key refused by Amazon: 77.\n");
}

int
cmd_fetch(struct st_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"source", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct st_db *db = NULL;
    struct st_fetch_opts fo;
    struct st_fetch_result res;
    const char *date_arg = NULL;
    const char *source = "api";
    char day[ST_DATE_LEN + 1];
    int32_t date = 0;
    int rc;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            date_arg = optarg;
            break;
        case 's':
            source = optarg;
            break;
        default:
            return cli_help_or_usage(c, usage);
        }
    }
    if ((rc = cli_no_operands("fetch", argc, argv)) != 0)
        return rc;
    if ((rc = cli_want_date(cli, "fetch", date_arg, &date)) != 0)
        return rc;
    if (!st_fetch_source_valid(source))
        return cli_usage_error("fetch", "--source wants api or dir:PATH");
    st_fetch_opts_init(&fo);
    fo.source = source;
    fo.backoff_base_ms = cli_test_backoff(cli);
    if ((rc = cli_connect_locked(cli, date, &db)) == 0)
        rc =
            st_fetch_date(db, &cli->cfg, date, &fo, &cli->log, &res, &cli->err);
    st_db_close(db); /* also releases the lock */
    if (rc != 0)
        return cli_fail(cli, "fetch", rc);
    st_date_format(date, day);
    st_log_msg(&cli->log, ST_LOG_INFO, "fetch",
               "%s: %d reports of the date, %d newly archived", day, res.found,
               res.added);
    return EXIT_OK;
}
