/*
 * fx.c: `settle fx import FILE`, ECB reference rates into settle.fx_rate.
 *
 * The whole file is checked before anything is kept: one bad cell refuses
 * it (exit 65, each problem as FILE:LINE:COL: message). Importing the same
 * file again changes nothing; see lib/normalize/fx.h for how a corrected quote
 * is handled.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "io/db.h"
#include "normalize/fx.h"
#include "amazon/settlement.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: settle fx import FILE\n"
            "\n"
            "Loads ECB euro reference rates (eurofxref.csv or\n"
            "eurofxref-hist.csv, unzipped) into settle.fx_rate as exact\n"
            "decimals. Safe to run again: unchanged quotes stay, corrected\n"
            "ones are replaced. A file with any bad cell is refused whole.\n");
}

int
cmd_fx(struct st_cli *cli, int argc, char **argv)
{
    struct st_problems *probs = NULL;
    struct st_fx_import_stats stats;
    struct st_db *db = NULL;
    const char *path;
    int status = EXIT_OK;
    int rc;

    if ((rc = cli_verb(argc, argv, "import", 1, "fx import FILE", usage)) >= 0)
        return rc;
    path = argv[optind + 1];
    probs = st_malloc(sizeof(*probs));
    if (probs == NULL) {
        rc = st_err_set(&cli->err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    st_problems_init(probs);
    if ((rc = st_db_connect(cli->cfg.database, &db, &cli->err)) != 0)
        goto out;
    rc = st_fx_import(db, path, probs, &stats, &cli->err);
    if (rc == ST_ERR_DATA && probs->total > 0)
        cli_print_problems(cli, "fx", probs);
    if (rc != 0)
        goto out;
    {
        struct st_log_field f[3] = {
            {"quotes", NULL, stats.quotes},
            {"inserted", NULL, stats.inserted},
            {"updated", NULL, stats.updated},
        };

        st_log_fields(&cli->log, ST_LOG_INFO, "fx", f, 3,
                      "imported '%s': %ld quotes, %ld new, %ld changed", path,
                      stats.quotes, stats.inserted, stats.updated);
    }
out:
    if (rc != 0)
        status = cli_fail(cli, "fx", rc);
    st_db_close(db);
    st_free(probs);
    return status;
}
