/*
 * fx.c: `settle fx import [--replace] FILE` and `settle fx fetch [--from D1]
 * [--to D2]`: ECB reference rates into settle.fx_rate.
 *
 * Either way the whole input is checked before anything is kept: one bad
 * cell, or one quote that differs from a stored one, refuses it (exit 65,
 * each problem as FILE:LINE[:COL]: message). Storing the same quotes again
 * changes nothing; see lib/fx/rates.h.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/date.h"
#include "io/db.h"
#include "fx/ecb.h"
#include "fx/rates.h"
#include "settle.h"
#include "core/banned.h"

/* Days fetched when --from is not given: the two weeks up to --to. */
#define FETCH_DEFAULT_DAYS 14

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: settle fx import [--replace] FILE\n"
            "       settle fx fetch [--from D1] [--to D2]\n"
            "\n"
            "import: loads an ECB file (eurofxref.csv or eurofxref-hist.csv,\n"
            "unzipped, or a saved ECB Data Portal CSV answer) into\n"
            "settle.fx_rate as exact decimals.\n"
            "fetch: asks the ECB Data Portal (fx_url) for the quotes of\n"
            "D1..D2 and stores them the same way; --to defaults to today\n"
            "(UTC), --from to 14 days before --to. Days without quotes\n"
            "(weekends, TARGET holidays, today before about 16:00 CET) are\n"
            "not an error.\n"
            "\n"
            "Safe to run again: stored quotes stay. A quote that differs\n"
            "from the stored one for the same date and currency refuses the\n"
            "whole input (exit 65), because closed dates were converted with\n"
            "it; --replace takes an ECB correction on purpose.\n"
            "Exit: 65 bad input, 66 no FILE, 69 ECB unreachable or failing,\n"
            "75 throttled, 78 bad fx_url.\n");
}

struct fx_args {
    const char *verb;
    const char *path;
    const char *from_arg;
    const char *to_arg;
    int replace;
};

/* Options and operands into a: -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct fx_args *a)
{
    static const struct option opts[] = {
        {"replace", no_argument, NULL, 'r'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'r')
            a->replace = 1;
        else if (c == 'f')
            a->from_arg = optarg;
        else if (c == 't')
            a->to_arg = optarg;
        else
            return cli_help_or_usage(c, usage);
    }
    a->verb = optind < argc ? argv[optind] : "";
    if (strcmp(a->verb, "import") == 0 && optind + 2 == argc &&
        a->from_arg == NULL && a->to_arg == NULL) {
        a->path = argv[optind + 1];
        return -1;
    }
    if (strcmp(a->verb, "fetch") == 0 && optind + 1 == argc && !a->replace)
        return -1;
    return cli_usage_error(argv[0], "want 'fx import [--replace] FILE' or "
                                    "'fx fetch [--from D1] [--to D2]'");
}

/* --from and --to, with their defaults; EXIT_USAGE when bad. */
static int
fetch_range(struct st_cli *cli, const struct fx_args *a, int32_t *from,
            int32_t *to)
{
    *to = (int32_t)(time(NULL) / 86400);
    if (a->to_arg != NULL && cli_parse_date(cli, a->to_arg, to) != 0)
        return cli_usage_error("fx", "bad --to '%s': %s", a->to_arg,
                               cli->err.msg);
    *from = *to - FETCH_DEFAULT_DAYS;
    if (a->from_arg != NULL && cli_parse_date(cli, a->from_arg, from) != 0)
        return cli_usage_error("fx", "bad --from '%s': %s", a->from_arg,
                               cli->err.msg);
    if (*from > *to)
        return cli_usage_error("fx", "--from is after --to");
    return 0;
}

static void
log_stats(struct st_cli *cli, const char *what, const struct st_rates_stats *st)
{
    struct st_log_field f[3] = {
        {"quotes", NULL, st->quotes},
        {"inserted", NULL, st->inserted},
        {"updated", NULL, st->updated},
    };

    st_log_fields(&cli->log, ST_LOG_INFO, "fx", f, 3,
                  "%s: %ld quotes, %ld new, %ld changed", what, st->quotes,
                  st->inserted, st->updated);
}

/* settle fx fetch: the ECB's quotes of [from, to] into settle.fx_rate. */
static int
fx_fetch(struct st_cli *cli, struct st_db *db, int32_t from, int32_t to,
         struct st_problems *probs, struct st_rates_stats *stats)
{
    struct st_ecb_opts o;

    st_ecb_opts_init(&o);
    o.backoff_base_ms = cli_test_backoff(cli);
    return st_ecb_fetch(db, &cli->cfg, from, to, &o, &cli->log, probs, stats,
                        &cli->err);
}

int
cmd_fx(struct st_cli *cli, int argc, char **argv)
{
    struct fx_args a = {0};
    struct st_problems *probs = NULL;
    struct st_rates_stats stats;
    struct st_db *db = NULL;
    int32_t from = 0;
    int32_t to = 0;
    char what[64];
    int rc;

    if ((rc = parse_args(argc, argv, &a)) >= 0)
        return rc;
    if (a.path == NULL && (rc = fetch_range(cli, &a, &from, &to)) != 0)
        return rc;
    probs = st_malloc(sizeof(*probs));
    if (probs == NULL) {
        rc = st_err_set(&cli->err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    st_problems_init(probs);
    if ((rc = st_db_connect(cli->cfg.database, &cli->log, &db, &cli->err)) != 0)
        goto out;
    if (a.path != NULL) {
        struct st_rates_input in = {.name = a.path, .replace = a.replace};

        rc = st_rates_import(db, &in, probs, &stats, &cli->err);
        (void)snprintf(what, sizeof(what), "imported '%.40s'", a.path);
    } else {
        char d1[ST_DATE_LEN + 1];
        char d2[ST_DATE_LEN + 1];

        rc = fx_fetch(cli, db, from, to, probs, &stats);
        st_date_format(from, d1);
        st_date_format(to, d2);
        (void)snprintf(what, sizeof(what), "fetched ECB rates %s..%s", d1, d2);
    }
    if (rc == ST_ERR_DATA && probs->total > 0)
        cli_print_problems(cli, "fx", probs);
    if (rc == 0)
        log_stats(cli, what, &stats);
out:
    st_db_close(db);
    st_free(probs);
    return rc != 0 ? cli_fail(cli, "fx", rc) : EXIT_OK;
}
