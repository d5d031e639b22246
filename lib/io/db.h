/*
 * db.h: settle's one door to PostgreSQL (libpq).
 *
 * A struct st_db is one connection. Queries are files of sql/ embedded at
 * build time (lib/io/sqltext.h), run with text parameters through
 * PQexecParams; every result is checked against the status the caller
 * expects. Errors carry libpq's primary message, detail, hint and SQLSTATE
 * into struct st_err, and map to ST_ERR_* codes:
 *   08xxx connection, 57P01..03 shutdown, and libpq's own errors (no
 *   SQLSTATE: the connection lost)  -> ST_ERR_UNAVAILABLE (exit 69)
 *   42501 insufficient privilege -> ST_ERR_PERM        (exit 77)
 *   55P03, 40001, 40P01          -> ST_ERR_TEMPFAIL    (exit 75)
 *   22xxx, 23xxx data            -> ST_ERR_DATA        (exit 65)
 *   anything else                -> ST_ERR_DB          (exit 70)
 * Bulk loads go through COPY ... FROM STDIN (st_db_copy_*). Nothing here
 * issues one statement per row.
 */
#ifndef ST_DB_H
#define ST_DB_H

#include <stdint.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"

struct st_db;

/*
 * Connects with a libpq conninfo string or URI (empty: PG* variables and
 * .pgpass), sets client_encoding UTF8, DateStyle ISO and TimeZone UTC, and
 * returns the connection in *out (free with st_db_close). The server's
 * notices and warnings go to log (stage "database"; NULL: dropped), never
 * raw to stderr. A server that cannot be reached is ST_ERR_UNAVAILABLE
 * (exit 69: it may pass), one that refuses the role or its password
 * ST_ERR_PERM (77), a database that does not exist or a malformed conninfo
 * ST_ERR_CONFIG (78): retrying cannot fix those. The message is libpq's.
 */
int st_db_connect(const char *conninfo, struct st_log *log, struct st_db **out,
                  struct st_err *err);

/* Closes db; accepts NULL. */
void st_db_close(struct st_db *db);

/* The libpq connection, borrowed, for what this module does not wrap. */
PGconn *st_db_conn(struct st_db *db);

/*
 * Runs SQL text without parameters (may hold several statements, as a
 * migration does). Returns 0 or the mapped error.
 */
int st_db_exec(struct st_db *db, const char *sql, struct st_err *err);

/*
 * Runs the embedded query sql/<name> (e.g. "queries/select_run.sql") with
 * nparams text parameters (NULL entries are SQL NULL). On success *out (if
 * not NULL) receives the result, owned by the caller (PQclear); otherwise
 * the result is cleared here. A result whose status is neither
 * PGRES_COMMAND_OK nor PGRES_TUPLES_OK is an error.
 */
int st_db_query(struct st_db *db, const char *name, int nparams,
                const char *const *params, PGresult **out, struct st_err *err);

/*
 * Runs the embedded query name, which answers one row, and reads its
 * first column as an integer into *out (a count, a flag). Another number
 * of rows is ST_ERR_INTERNAL naming the query.
 */
int st_db_query_i64(struct st_db *db, const char *name, int nparams,
                    const char *const *params, int64_t *out,
                    struct st_err *err);

/* Like st_db_query, with the SQL text given directly. */
int st_db_query_text(struct st_db *db, const char *sql, int nparams,
                     const char *const *params, PGresult **out,
                     struct st_err *err);

/* Takes one row (row 0 of res, a PGRES_SINGLE_TUPLE result) of a stream. */
typedef int st_db_row_fn(void *arg, const PGresult *res, struct st_err *err);

/*
 * Runs the embedded query name in single-row mode and hands each row to
 * fn(arg, row, err), so a result of any size takes the memory of one row.
 * A row with other than ncols columns is ST_ERR_INTERNAL. The first error
 * (fn's or the query's) is returned; the remaining rows are drained,
 * unread.
 */
int st_db_stream(struct st_db *db, const char *name, int nparams,
                 const char *const *params, int ncols, st_db_row_fn *fn,
                 void *arg, struct st_err *err);

/*
 * Transactions nest: the outermost st_db_begin is BEGIN, inner ones are
 * SAVEPOINTs, and st_db_commit / st_db_rollback end the innermost level.
 * So a stage function always wraps its own work in begin/commit, and a
 * caller (settle run, settle rerun) may wrap several stages in one outer
 * transaction, which rerun rolls back. Rollback never fails loudly.
 */
int st_db_begin(struct st_db *db, struct st_err *err);
int st_db_commit(struct st_db *db, struct st_err *err);
void st_db_rollback(struct st_db *db);

/*
 * Like st_db_begin, for readers that want one consistent snapshot: the
 * outermost level is BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
 * nested, it is a savepoint of the caller's transaction.
 */
int st_db_begin_read(struct st_db *db, struct st_err *err);

/* 1 inside a transaction opened with st_db_begin, else 0. */
int st_db_in_transaction(const struct st_db *db);

/*
 * Starts `COPY ... FROM STDIN` (copy_sql is the whole COPY statement), sends
 * data in chunks with st_db_copy_put, and finishes with st_db_copy_end,
 * which checks the final result. st_db_copy_abort cancels with a message.
 */
int st_db_copy_begin(struct st_db *db, const char *copy_sql,
                     struct st_err *err);
int st_db_copy_put(struct st_db *db, const char *data, size_t len,
                   struct st_err *err);
int st_db_copy_end(struct st_db *db, struct st_err *err);
void st_db_copy_abort(struct st_db *db, const char *why);

/*
 * Takes the session-level advisory lock of (seller, business date), without
 * waiting: ST_ERR_TEMPFAIL when another session holds it. The lock is held
 * until st_db_unlock or the connection closes (also when the process dies).
 */
int st_db_lock(struct st_db *db, const char *seller, int32_t date,
               struct st_err *err);
int st_db_unlock(struct st_db *db, const char *seller, int32_t date,
                 struct st_err *err);

/*
 * Checks that the database knows tz as a time zone, as every business date
 * is computed there: ST_ERR_CONFIG when it does not (a wrong `timezone`
 * setting is a configuration error, not bad data). Outside a transaction,
 * or at its start: a failed check aborts it.
 */
int st_db_check_timezone(struct st_db *db, const char *tz, struct st_err *err);

/*
 * Applies the embedded migrations sql/migrations/NNN_name.sql not yet in
 * settle.schema_migrations, in order, each in its own transaction, under an
 * advisory lock so two migrators never race. *applied (if not NULL) gets
 * how many ran. Safe to run again.
 */
int st_db_migrate(struct st_db *db, struct st_log *log, int *applied,
                  struct st_err *err);

/* The highest applied migration version (0 when none), for the manifest. */
int st_db_schema_version(struct st_db *db, int *version, struct st_err *err);

/* The version of the newest migration this binary carries. */
int st_db_schema_latest(void);

/*
 * Fills err from a failed result (or, when res is NULL, from the
 * connection): message, detail, hint, SQLSTATE, and the mapped code, with
 * `what` (the query name) as context. Returns the code.
 */
int st_db_error(struct st_db *db, const PGresult *res, const char *what,
                struct st_err *err);

#endif
