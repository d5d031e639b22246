/*
 * db.c: `settle db migrate [--roles]`, the schema migrations of
 * sql/migrations, applied in order, each in a transaction, recorded, safe
 * to rerun; with --roles, then sql/roles.sql (the least-privilege roles).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "io/db.h"
#include "io/sqltext.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out, "usage: settle db migrate [--roles]\n"
                 "\n"
                 "Applies the migrations of sql/migrations (embedded in the\n"
                 "binary) that the database named by 'database' has not seen,\n"
                 "in order, each in its own transaction. Safe to run again.\n"
                 "settle never creates or replaces the ledger view\n"
                 "settle.ledger_entry: that is yours (see the README).\n"
                 "\n"
                 "  --roles  then create or update the roles settle_job,\n"
                 "           settle_reader and settle_auditor and their\n"
                 "           grants (sql/roles.sql, README \"Roles\"); needs\n"
                 "           a role that may create roles\n");
}

/* Returns -1 to go on (*roles set by --roles), else the exit status. */
static int
parse_args(int argc, char **argv, int *roles)
{
    static const struct option opts[] = {
        {"roles", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c != 'r')
            return cli_help_or_usage(c, usage);
        *roles = 1;
    }
    if (optind + 1 != argc || strcmp(argv[optind], "migrate") != 0)
        return cli_usage_error(argv[0], "want 'db migrate [--roles]'");
    return -1;
}

/* sql/roles.sql, in one transaction. */
static int
apply_roles(struct st_db *db, struct st_log *log, struct st_err *err)
{
    const char *sql = st_sql_text("roles.sql");
    int rc;

    if (sql == NULL)
        return st_err_set(err, ST_ERR_INTERNAL, "roles.sql is not embedded");
    if ((rc = st_db_begin(db, err)) != 0)
        return rc;
    if ((rc = st_db_exec(db, sql, err)) != 0 ||
        (rc = st_db_commit(db, err)) != 0) {
        st_db_rollback(db);
        st_err_prefix(err, "roles.sql");
        return rc;
    }
    st_log_msg(log, ST_LOG_INFO, "migrate",
               "roles settle_job, settle_reader and settle_auditor granted");
    return 0;
}

int
cmd_db(struct st_cli *cli, int argc, char **argv)
{
    struct st_db *db = NULL;
    int applied = 0;
    int version = 0;
    int roles = 0;
    int rc;

    if ((rc = parse_args(argc, argv, &roles)) >= 0)
        return rc;
    rc = st_db_connect(cli->cfg.database, &cli->log, &db, &cli->err);
    if (rc == 0)
        rc = st_db_migrate(db, &cli->log, &applied, &cli->err);
    if (rc == 0)
        rc = st_db_schema_version(db, &version, &cli->err);
    if (rc == 0 && roles)
        rc = apply_roles(db, &cli->log, &cli->err);
    st_db_close(db);
    if (rc != 0)
        return cli_fail(cli, "migrate", rc);
    st_log_msg(&cli->log, ST_LOG_INFO, "migrate",
               "schema at version %d (%d applied now)", version, applied);
    return EXIT_OK;
}
