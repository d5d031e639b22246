/*
 * db.c: `settle db migrate`, the schema migrations of sql/migrations,
 * applied in order, each in a transaction, recorded, safe to rerun.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "io/db.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out, "usage: settle db migrate\n"
                 "\n"
                 "Applies the migrations of sql/migrations (embedded in the\n"
                 "binary) that the database named by 'database' has not seen,\n"
                 "in order, each in its own transaction. Safe to run again.\n"
                 "settle never creates or replaces the ledger view\n"
                 "settle.ledger_entry: that is yours (see the README).\n");
}

int
cmd_db(struct st_cli *cli, int argc, char **argv)
{
    struct st_db *db = NULL;
    int applied = 0;
    int version = 0;
    int rc;

    if ((rc = cli_verb(argc, argv, "migrate", 0, "db migrate", usage)) >= 0)
        return rc;
    rc = st_db_connect(cli->cfg.database, &db, &cli->err);
    if (rc == 0)
        rc = st_db_migrate(db, &cli->log, &applied, &cli->err);
    if (rc == 0)
        rc = st_db_schema_version(db, &version, &cli->err);
    st_db_close(db);
    if (rc != 0)
        return cli_fail(cli, "migrate", rc);
    st_log_msg(&cli->log, ST_LOG_INFO, "migrate",
               "schema at version %d (%d applied now)", version, applied);
    return EXIT_OK;
}
