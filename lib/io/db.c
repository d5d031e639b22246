/*
 * db.c: connections, checked queries, COPY, advisory locks and the
 * migration runner.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fault.h"
#include "io/db.h"
#include "io/dbvalue.h"
#include "io/sqltext.h"
#include "core/banned.h"

struct st_db {
    PGconn *conn;
    int depth; /* open transaction levels: 0 none, 1 BEGIN, >1 savepoints */
    struct st_log *log; /* the server's notices; borrowed, may be NULL */
};

/* Key space of settle's advisory locks: ("settle" in ASCII) and migrations. */
#define LOCK_CLASS_MIGRATE 0x736574

static int
map_sqlstate(const char *state)
{
    if (state == NULL || state[0] == '\0')
        return ST_ERR_DB;
    /* connection exceptions; admin shutdown, crash shutdown, cannot
     * connect now */
    if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
        strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0)
        return ST_ERR_UNAVAILABLE;
    if (strcmp(state, "42501") == 0)
        return ST_ERR_PERM;
    if (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
        strcmp(state, "40P01") == 0)
        return ST_ERR_TEMPFAIL;
    if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)
        return ST_ERR_DATA;
    return ST_ERR_DB;
}

/* Copies libpq's text without its trailing newline. */
static void
chomp_into(char *dst, size_t size, const char *src)
{
    size_t n;

    if (src == NULL) {
        dst[0] = '\0';
        return;
    }
    /* libpq's messages span lines; keep them on one, tabs dropped. */
    for (n = 0; *src != '\0' && n + 1 < size; src++) {
        if (*src == '\t')
            continue;
        if (*src == '\n')
            dst[n++] = ' ';
        else
            dst[n++] = *src;
    }
    while (n > 0 && dst[n - 1] == ' ')
        n--;
    dst[n] = '\0';
}

int
st_db_error(struct st_db *db, const PGresult *res, const char *what,
            struct st_err *err)
{
    const char *state = NULL;
    const char *primary = NULL;
    char msg[400];
    int code;

    if (res != NULL) {
        state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    }
    if (primary == NULL && db != NULL && db->conn != NULL)
        primary = PQerrorMessage(db->conn);
    chomp_into(msg, sizeof(msg), primary);
    code = map_sqlstate(state);
    /*
     * The server gives every error a SQLSTATE; one without comes from
     * libpq itself: the connection lost, reset or unusable (PQstatus may
     * still say CONNECTION_OK when the error is reported), or memory.
     */
    if (state == NULL || state[0] == '\0')
        code = strstr(msg, "out of memory") != NULL ? ST_ERR_NOMEM
                                                    : ST_ERR_UNAVAILABLE;
    st_err_set(err, code, "%s: %s", what, msg[0] ? msg : "database error");
    if (err != NULL && res != NULL) {
        const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
        const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);

        chomp_into(err->detail, sizeof(err->detail), detail);
        chomp_into(err->hint, sizeof(err->hint), hint);
        if (state != NULL)
            chomp_into(err->sqlstate, sizeof(err->sqlstate), state);
    }
    return code;
}

/* libpq's notice receiver: a server NOTICE or WARNING, into the log. */
static void
on_notice(void *arg, const PGresult *res)
{
    const struct st_db *db = arg;
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    char msg[400];

    chomp_into(msg, sizeof(msg),
               primary != NULL ? primary : PQresultErrorMessage(res));
    st_log_msg(db->log,
               sev != NULL && strcmp(sev, "WARNING") == 0 ? ST_LOG_WARN
                                                          : ST_LOG_DEBUG,
               "database", "%s", msg);
}

/* Contains both a and b, in that order. */
static int
has_both(const char *s, const char *a, const char *b)
{
    const char *p = strstr(s, a);

    return p != NULL && strstr(p + strlen(a), b) != NULL;
}

/*
 * What a failed connection attempt means to the scheduler. libpq gives no
 * SQLSTATE for it, so the server's messages (as PostgreSQL words them in
 * English) decide; anything else may pass by itself and stays 69.
 */
static int
connect_failure(PGconn *conn, const char *msg)
{
    static const char *const perm[] = {
        "authentication failed for user", /* password, peer, ident, ... */
        "no pg_hba.conf entry",           "no password supplied",
        "is not permitted to log in",     "permission denied for database",
    };
    size_t i;

    if (conn != NULL && PQconnectionNeedsPassword(conn))
        return ST_ERR_PERM;
    for (i = 0; i < sizeof(perm) / sizeof(perm[0]); i++)
        if (strstr(msg, perm[i]) != NULL)
            return ST_ERR_PERM;
    if (has_both(msg, "role \"", "\" does not exist"))
        return ST_ERR_PERM;
    if (has_both(msg, "database \"", "\" does not exist") ||
        strstr(msg, "invalid connection option") != NULL ||
        strstr(msg, "missing \"=\" after") != NULL ||
        strstr(msg, "invalid URI") != NULL ||
        strstr(msg, "invalid integer value") != NULL)
        return ST_ERR_CONFIG;
    return ST_ERR_UNAVAILABLE;
}

int
st_db_connect(const char *conninfo, struct st_log *log, struct st_db **out,
              struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_db *db = NULL;
    PGresult *res = NULL;

    *out = NULL;
    db = st_calloc(1, sizeof(*db));
    if (db == NULL) {
        st_err_set(err, rc, "out of memory");
        goto out;
    }
    db->conn = PQconnectdb(conninfo != NULL ? conninfo : "");
    if (db->conn == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (PQstatus(db->conn) != CONNECTION_OK) {
        char msg[400];

        chomp_into(msg, sizeof(msg), PQerrorMessage(db->conn));
        rc = st_err_set(err, connect_failure(db->conn, msg),
                        "cannot connect to the database: %s", msg);
        goto out;
    }
    db->log = log;
    (void)PQsetNoticeReceiver(db->conn, on_notice, db);
    res = PQexec(db->conn, "SET client_encoding = 'UTF8'; "
                           "SET DateStyle = 'ISO, YMD'; "
                           "SET TimeZone = 'UTC'; "
                           "SET IntervalStyle = 'iso_8601'; "
                           "SET extra_float_digits = 3");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = st_db_error(db, res, "session settings", err);
        goto out;
    }
    *out = db;
    db = NULL; /* transferred */
    rc = 0;
out:
    PQclear(res);
    st_db_close(db);
    return rc;
}

void
st_db_close(struct st_db *db)
{
    if (db == NULL)
        return;
    if (db->conn != NULL)
        PQfinish(db->conn);
    st_free(db);
}

PGconn *
st_db_conn(struct st_db *db)
{
    return db->conn;
}

int
st_db_exec(struct st_db *db, const char *sql, struct st_err *err)
{
    PGresult *res;
    ExecStatusType st;
    int rc = 0;

    st_fault_point(sql);
    res = PQexec(db->conn, sql);
    st = PQresultStatus(res);

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = st_db_error(db, res, "query", err);
    PQclear(res);
    return rc;
}

/* PQexecParams with the result checked; `what` names the query in errors. */
static int
run_params(struct st_db *db, const char *sql, const char *what, int nparams,
           const char *const *params, PGresult **out, struct st_err *err)
{
    PGresult *res;
    ExecStatusType st;

    if (out != NULL)
        *out = NULL;
    st_fault_point(what);
    res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        int rc = st_db_error(db, res, what, err);

        PQclear(res);
        return rc;
    }
    if (out != NULL)
        *out = res;
    else
        PQclear(res);
    return 0;
}

int
st_db_query_i64(struct st_db *db, const char *name, int nparams,
                const char *const *params, int64_t *out, struct st_err *err)
{
    PGresult *res = NULL;
    int rc = st_db_query(db, name, nparams, params, &res, err);

    *out = 0;
    if (rc == 0 && PQntuples(res) != 1)
        rc = st_err_set(err, ST_ERR_INTERNAL, "%s: %d rows, want 1", name,
                        PQntuples(res));
    if (rc == 0)
        rc = st_db_i64(res, 0, 0, name, out, err);
    PQclear(res);
    return rc;
}

int
st_db_query_text(struct st_db *db, const char *sql, int nparams,
                 const char *const *params, PGresult **out, struct st_err *err)
{
    return run_params(db, sql, "query", nparams, params, out, err);
}

int
st_db_query(struct st_db *db, const char *name, int nparams,
            const char *const *params, PGresult **out, struct st_err *err)
{
    const char *sql = st_sql_text(name);

    if (out != NULL)
        *out = NULL;
    if (sql == NULL)
        return st_err_set(err, ST_ERR_INTERNAL, "no embedded SQL file '%s'",
                          name);
    return run_params(db, sql, name, nparams, params, out, err);
}

int
st_db_stream(struct st_db *db, const char *name, int nparams,
             const char *const *params, int ncols, st_db_row_fn *fn, void *arg,
             struct st_err *err)
{
    const char *sql = st_sql_text(name);
    PGresult *res;
    int rc = 0;

    if (sql == NULL)
        return st_err_set(err, ST_ERR_INTERNAL, "no embedded SQL file '%s'",
                          name);
    st_fault_point(name);
    if (PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL,
                          0) != 1)
        return st_db_error(db, NULL, name, err);
    if (PQsetSingleRowMode(db->conn) != 1)
        rc = st_err_set(err, ST_ERR_DB, "%s: cannot stream rows", name);
    while ((res = PQgetResult(db->conn)) != NULL) {
        ExecStatusType st = PQresultStatus(res);

        if (rc == 0) {
            if (st == PGRES_SINGLE_TUPLE) {
                if (PQnfields(res) != ncols)
                    rc = st_err_set(err, ST_ERR_INTERNAL,
                                    "%s: %d columns, want %d", name,
                                    PQnfields(res), ncols);
                else
                    rc = fn(arg, res, err);
            } else if (st != PGRES_TUPLES_OK) {
                rc = st_db_error(db, res, name, err);
            }
        }
        PQclear(res);
    }
    return rc;
}

/* Runs a transaction-control statement naming savepoint level n. */
static int
exec_level(struct st_db *db, const char *verb, int n, struct st_err *err)
{
    char sql[64];

    if (snprintf(sql, sizeof(sql), "%s settle_sp%d", verb, n) >=
        (int)sizeof(sql))
        return st_err_set(err, ST_ERR_INTERNAL, "savepoint name too long");
    return st_db_exec(db, sql, err);
}

int
st_db_begin(struct st_db *db, struct st_err *err)
{
    int rc = db->depth == 0 ? st_db_exec(db, "BEGIN", err)
                            : exec_level(db, "SAVEPOINT", db->depth, err);

    if (rc == 0)
        db->depth++;
    return rc;
}

int
st_db_begin_read(struct st_db *db, struct st_err *err)
{
    int rc =
        db->depth == 0
            ? st_db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                         err)
            : exec_level(db, "SAVEPOINT", db->depth, err);

    if (rc == 0)
        db->depth++;
    return rc;
}

int
st_db_commit(struct st_db *db, struct st_err *err)
{
    int rc;

    if (db->depth == 0)
        return st_err_set(err, ST_ERR_INTERNAL,
                          "commit outside a "
                          "transaction");
    rc = db->depth == 1
             ? st_db_exec(db, "COMMIT", err)
             : exec_level(db, "RELEASE SAVEPOINT", db->depth - 1, err);
    if (rc == 0 || db->depth == 1)
        db->depth--;
    return rc;
}

void
st_db_rollback(struct st_db *db)
{
    if (db->depth == 0)
        return;
    if (db->depth == 1)
        PQclear(PQexec(db->conn, "ROLLBACK"));
    else
        exec_level(db, "ROLLBACK TO SAVEPOINT", db->depth - 1, NULL);
    db->depth--;
}

int
st_db_in_transaction(const struct st_db *db)
{
    return db->depth > 0;
}

int
st_db_copy_begin(struct st_db *db, const char *copy_sql, struct st_err *err)
{
    PGresult *res;
    int rc = 0;

    st_fault_point("COPY");
    res = PQexec(db->conn, copy_sql);

    if (PQresultStatus(res) != PGRES_COPY_IN)
        rc = st_db_error(db, res, "COPY", err);
    PQclear(res);
    return rc;
}

int
st_db_copy_put(struct st_db *db, const char *data, size_t len,
               struct st_err *err)
{
    st_fault_point("COPY data");
    while (len > 0) {
        int chunk = len > (1 << 30) ? (1 << 30) : (int)len;

        if (PQputCopyData(db->conn, data, chunk) != 1)
            return st_db_error(db, NULL, "COPY", err);
        data += chunk;
        len -= (size_t)chunk;
    }
    return 0;
}

int
st_db_copy_end(struct st_db *db, struct st_err *err)
{
    PGresult *res;
    int rc = 0;

    st_fault_point("COPY end");
    if (PQputCopyEnd(db->conn, NULL) != 1)
        return st_db_error(db, NULL, "COPY", err);
    while ((res = PQgetResult(db->conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
            rc = st_db_error(db, res, "COPY", err);
        PQclear(res);
    }
    return rc;
}

void
st_db_copy_abort(struct st_db *db, const char *why)
{
    PGresult *res;

    if (PQputCopyEnd(db->conn, why) == 1)
        while ((res = PQgetResult(db->conn)) != NULL)
            PQclear(res);
}

static int
lock_call(struct st_db *db, const char *fn, const char *seller, int32_t date,
          PGresult **out, struct st_err *err)
{
    char sql[160];
    char datebuf[16];
    const char *params[2];

    if (snprintf(sql, sizeof(sql), "SELECT %s(hashtext($1), $2::int)", fn) >=
            (int)sizeof(sql) ||
        snprintf(datebuf, sizeof(datebuf), "%ld", (long)date) >=
            (int)sizeof(datebuf))
        return st_err_set(err, ST_ERR_INTERNAL, "lock query too long");
    params[0] = seller;
    params[1] = datebuf;
    return st_db_query_text(db, sql, 2, params, out, err);
}

int
st_db_lock(struct st_db *db, const char *seller, int32_t date,
           struct st_err *err)
{
    PGresult *res = NULL;
    int rc = lock_call(db, "pg_try_advisory_lock", seller, date, &res, err);

    if (rc == 0 && !st_db_bool(res, 0, 0)) {
        rc = st_err_set(err, ST_ERR_TEMPFAIL,
                        "another run holds the lock for seller '%s' and "
                        "this date",
                        seller);
        st_err_hint(err, "wait for it to finish, then run again");
    }
    PQclear(res);
    return rc;
}

int
st_db_unlock(struct st_db *db, const char *seller, int32_t date,
             struct st_err *err)
{
    return lock_call(db, "pg_advisory_unlock", seller, date, NULL, err);
}

/* Version number of "migrations/NNN_name.sql", or -1. */
static int
migration_version(const char *name)
{
    const char *p = name + strlen("migrations/");
    int v = 0;
    int i;

    for (i = 0; i < 3; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return p[3] == '_' ? v : -1;
}

int
st_db_schema_latest(void)
{
    int latest = 0;
    size_t i;

    for (i = 0; i < st_sql_nfiles; i++)
        if (strncmp(st_sql_files[i].name, "migrations/", 11) == 0 &&
            migration_version(st_sql_files[i].name) > latest)
            latest = migration_version(st_sql_files[i].name);
    return latest;
}

int
st_db_check_timezone(struct st_db *db, const char *tz, struct st_err *err)
{
    const char *params[1] = {tz};
    int rc = st_db_query_text(db, "SELECT now() AT TIME ZONE $1::text", 1,
                              params, NULL, err);

    if (rc != ST_ERR_DATA)
        return rc;
    st_err_clear(err);
    rc = st_err_set(err, ST_ERR_CONFIG,
                    "timezone '%s' is not a time zone the database knows", tz);
    st_err_hint(err, "set timezone to an IANA zone name such as "
                     "Europe/Berlin or America/New_York");
    return rc;
}

int
st_db_schema_version(struct st_db *db, int *version, struct st_err *err)
{
    PGresult *res = NULL;
    int64_t v = 0;
    int rc;

    *version = 0;
    rc = st_db_query_text(db,
                          "SELECT coalesce(max(version), 0) FROM "
                          "settle.schema_migrations",
                          0, NULL, &res, err);
    if (rc == 0)
        rc = st_db_i64(res, 0, 0, "the schema version", &v, err);
    if (rc == 0 && (v < 0 || v > INT_MAX))
        rc = st_err_set(err, ST_ERR_INTERNAL, "schema version %lld",
                        (long long)v);
    if (rc == 0)
        *version = (int)v;
    PQclear(res);
    return rc;
}

static int
apply_one(struct st_db *db, const struct st_sql_file *f, int version,
          struct st_err *err)
{
    char vbuf[16];
    const char *params[2];
    PGresult *res = NULL;
    int rc;

    if ((rc = st_db_begin(db, err)) != 0)
        return rc;
    /* Already applied (by a concurrent migrator or an earlier run)? */
    if (snprintf(vbuf, sizeof(vbuf), "%d", version) >= (int)sizeof(vbuf))
        goto fail;
    params[0] = vbuf;
    params[1] = f->name + strlen("migrations/");
    rc = st_db_query_text(db,
                          "SELECT 1 FROM pg_tables WHERE schemaname = "
                          "'settle' AND tablename = 'schema_migrations'",
                          0, NULL, &res, err);
    if (rc != 0)
        goto fail;
    if (PQntuples(res) == 1) {
        PQclear(res);
        res = NULL;
        rc = st_db_query_text(
            db, "SELECT 1 FROM settle.schema_migrations WHERE version = $1", 1,
            params, &res, err);
        if (rc != 0)
            goto fail;
        if (PQntuples(res) > 0) {
            PQclear(res);
            st_db_rollback(db);
            return 1;
        }
    }
    PQclear(res);
    res = NULL;
    if ((rc = st_db_exec(db, f->text, err)) != 0) {
        st_err_prefix(err, "migration %s", f->name);
        goto fail;
    }
    rc = st_db_query_text(db,
                          "INSERT INTO settle.schema_migrations (version, "
                          "name) VALUES ($1, $2)",
                          2, params, NULL, err);
    if (rc != 0 || (rc = st_db_commit(db, err)) != 0)
        goto fail;
    return 0;
fail:
    PQclear(res);
    st_db_rollback(db);
    return rc != 0 ? rc : st_err_set(err, ST_ERR_INTERNAL, "migration");
}

int
st_db_migrate(struct st_db *db, struct st_log *log, int *applied,
              struct st_err *err)
{
    char lock_sql[96];
    size_t i;
    int rc = 0;
    int n = 0;
    int last = 0;

    if (applied != NULL)
        *applied = 0;
    if (snprintf(lock_sql, sizeof(lock_sql), "SELECT pg_advisory_lock(%d, 0)",
                 LOCK_CLASS_MIGRATE) >= (int)sizeof(lock_sql))
        return st_err_set(err, ST_ERR_INTERNAL, "lock query too long");
    if ((rc = st_db_exec(db, lock_sql, err)) != 0)
        return rc;
    for (i = 0; i < st_sql_nfiles; i++) {
        const struct st_sql_file *f = &st_sql_files[i];
        int v;

        if (strncmp(f->name, "migrations/", 11) != 0)
            continue;
        v = migration_version(f->name);
        if (v <= last) {
            rc = st_err_set(err, ST_ERR_INTERNAL,
                            "migration '%s': bad or repeated number", f->name);
            break;
        }
        last = v;
        rc = apply_one(db, f, v, err);
        if (rc < 0)
            break;
        if (rc == 0) {
            n++;
            st_log_msg(log, ST_LOG_INFO, "migrate", "applied %s", f->name + 11);
        }
        rc = 0;
    }
    if (snprintf(lock_sql, sizeof(lock_sql), "SELECT pg_advisory_unlock(%d, 0)",
                 LOCK_CLASS_MIGRATE) < (int)sizeof(lock_sql))
        PQclear(PQexec(db->conn, lock_sql));
    if (applied != NULL)
        *applied = n;
    return rc;
}
