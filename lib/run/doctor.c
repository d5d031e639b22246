/*
 * doctor.c: `settle doctor`'s checks (doctor.h), one function each, run in
 * order by st_doctor. A check fills a struct st_doctor_check; it never
 * prints.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "amazon/api.h"
#include "amazon/sign.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/fsutil.h"
#include "io/db.h"
#include "io/dbvalue.h"
#include "fx/ecb.h"
#include "reconcile/reconcile.h"
#include "run/doctor.h"
#include "core/banned.h"

/* Warn when the API's clock and ours differ by more than this. */
#define CLOCK_WARN_S 300

/* What the checks share: what earlier ones found. */
struct doctor {
    const struct st_config *cfg;
    const struct st_http_env *env;
    struct st_log *log;
    struct st_db *db;        /* NULL when the database check failed */
    int key_file_ok;         /* the key file check passed */
    struct st_sign_key *key; /* NULL when the key check failed */
    enum st_sign_alg alg;
    struct st_http_opts http; /* the API client's, set up by check_api */
    struct st_buf base;       /* the API's base URL */
    struct st_api api;
    int ecb_ok; /* the ECB source answered with recent quotes */
};

const char *
st_doctor_result_name(enum st_doctor_result r)
{
    return r == ST_DOCTOR_OK ? "ok" : r == ST_DOCTOR_WARN ? "warn" : "FAIL";
}

static void say(struct st_doctor_check *c, enum st_doctor_result r,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
say(struct st_doctor_check *c, enum st_doctor_result r, const char *fmt, ...)
{
    va_list ap;

    c->result = r;
    va_start(ap, fmt);
    (void)vsnprintf(c->what, sizeof(c->what), fmt, ap);
    va_end(ap);
}

/* FAIL with err's message and hint (the fix, unless one is given). */
static void
fail_err(struct st_doctor_check *c, int rc, const struct st_err *err,
         const char *fix)
{
    c->rc = rc;
    say(c, ST_DOCTOR_FAIL, "%s", err->msg);
    (void)snprintf(c->fix, sizeof(c->fix), "%s", fix != NULL ? fix : err->hint);
}

static void
check_config(struct doctor *d, struct st_doctor_check *c)
{
    struct st_err err;
    int rc;

    if ((rc = st_config_require_seller(d->cfg, &err)) != 0) {
        fail_err(c, rc, &err, "set seller_id to your Amazon Pay merchant id");
        return;
    }
    say(c, ST_DOCTOR_OK, "seller %s, timezone %s, config %s", d->cfg->seller_id,
        d->cfg->timezone,
        d->cfg->config_file != NULL ? d->cfg->config_file : "(none)");
}

static void
check_key_file(struct doctor *d, struct st_doctor_check *c)
{
    struct st_err err;
    int rc;

    if ((rc = st_config_check_key_file(d->cfg, &err)) != 0) {
        fail_err(c, rc, &err, NULL);
        return;
    }
    d->key_file_ok = 1;
    say(c, ST_DOCTOR_OK, "%s, readable by its owner only",
        d->cfg->private_key_file);
}

static void
check_key(struct doctor *d, struct st_doctor_check *c)
{
    struct st_err err;
    int rc;

    if (!d->key_file_ok) {
        c->rc = ST_ERR_CONFIG;
        say(c, ST_DOCTOR_FAIL, "not checked: no usable key file");
        return;
    }
    if ((rc = st_sign_alg_parse(d->cfg->signature_algorithm, &d->alg, &err)) !=
            0 ||
        (rc = st_sign_key_load(d->cfg->private_key_file, &d->key, &err)) != 0) {
        fail_err(c, rc, &err,
                 "use the PEM private key Amazon Pay's Seller "
                 "Central gave with public_key_id");
        return;
    }
    if (d->cfg->public_key_id == NULL || d->cfg->public_key_id[0] == '\0') {
        c->rc = ST_ERR_CONFIG;
        say(c, ST_DOCTOR_FAIL, "public_key_id is not set");
        (void)snprintf(c->fix, sizeof(c->fix),
                       "set public_key_id to the id of this key in Seller "
                       "Central");
        return;
    }
    say(c, ST_DOCTOR_OK, "RSA key for %s, signed with %s",
        d->cfg->public_key_id, st_sign_alg_name(d->alg));
}

static void
check_database(struct doctor *d, struct st_doctor_check *c)
{
    struct st_err err;
    int rc;

    if ((rc = st_db_connect(d->cfg->database, d->log, &d->db, &err)) != 0) {
        d->db = NULL;
        fail_err(c, rc, &err, "check database (and PGHOST, PGUSER, ~/.pgpass)");
        return;
    }
    say(c, ST_DOCTOR_OK, "connected");
}

/* The later checks that need the database say so when there is none. */
static int
need_db(struct doctor *d, struct st_doctor_check *c)
{
    if (d->db != NULL)
        return 1;
    c->rc = ST_ERR_UNAVAILABLE;
    say(c, ST_DOCTOR_FAIL, "not checked: no database");
    return 0;
}

static void
check_schema(struct doctor *d, struct st_doctor_check *c)
{
    struct st_err err;
    int version = 0;
    int latest = st_db_schema_latest();
    int rc;

    if (!need_db(d, c))
        return;
    if ((rc = st_db_schema_version(d->db, &version, &err)) != 0) {
        fail_err(c, rc, &err, "run settle db migrate");
        return;
    }
    if (version < latest) {
        c->rc = ST_ERR_CONFIG;
        say(c, ST_DOCTOR_FAIL, "schema at version %d, this settle needs %d",
            version, latest);
        (void)snprintf(c->fix, sizeof(c->fix),
                       "run settle db migrate --roles as the schema's owner");
        return;
    }
    say(c, ST_DOCTOR_OK, "schema at version %d", version);
}

static void
check_ledger(struct doctor *d, struct st_doctor_check *c)
{
    struct st_err err;
    int has_seller = 0;
    int rc;

    if (!need_db(d, c))
        return;
    if ((rc = st_reconcile_check_ledger(d->db, &has_seller, &err)) != 0) {
        fail_err(c, rc, &err, NULL);
        return;
    }
    say(c, ST_DOCTOR_OK, "settle.ledger_entry meets the contract%s",
        has_seller ? " (with seller_id)" : "");
}

#define PRIV_QUERY "queries/select_doctor_privileges.sql"

/* One row of PRIV_QUERY into c; returns 1 when it was a failure. */
static int
privilege_row(const char *what, int ok, const char *detail,
              struct st_doctor_check *c)
{
    if (ok)
        return 0;
    if (strcmp(what, "ledger_tables") == 0) {
        say(c, ST_DOCTOR_WARN, "this role may write the ledger's own %s",
            detail);
        (void)snprintf(c->fix, sizeof(c->fix),
                       "run the job as settle_job (README \"Roles\")");
        return 0;
    }
    c->rc = ST_ERR_PERM;
    if (strcmp(what, "read_ledger") == 0)
        say(c, ST_DOCTOR_FAIL, "this role may not read settle.ledger_entry");
    else
        say(c, ST_DOCTOR_FAIL, "this role may not write settle.%s", detail);
    (void)snprintf(c->fix, sizeof(c->fix),
                   "run settle db migrate --roles, GRANT SELECT ON "
                   "settle.ledger_entry TO settle_job, and connect as "
                   "settle_job");
    return 1;
}

static void
check_privileges(struct doctor *d, struct st_doctor_check *c)
{
    static const char *const names[3] = {"what", "ok", "detail"};
    PGresult *res = NULL;
    struct st_err err;
    int col[3];
    int rc;
    int i;

    if (!need_db(d, c))
        return;
    say(c, ST_DOCTOR_OK,
        "writes settle's tables, reads the ledger view, "
        "cannot write the ledger");
    rc = st_db_query(d->db, PRIV_QUERY, 0, NULL, &res, &err);
    if (rc == 0)
        rc = st_db_columns(res, names, col, 3, PRIV_QUERY, &err);
    if (rc != 0) {
        fail_err(c, rc, &err, NULL);
        PQclear(res);
        return;
    }
    for (i = 0; i < PQntuples(res); i++)
        if (privilege_row(st_db_text(res, i, col[0]),
                          st_db_bool(res, i, col[1]),
                          st_db_text(res, i, col[2]), c))
            break;
    PQclear(res);
}

/* dir exists (made if need be) and takes a file renamed into place. */
static int
try_dir(const char *dir, struct st_err *err)
{
    struct st_atomic_file af;
    struct st_buf path;
    int rc;

    memset(&af, 0, sizeof(af));
    st_buf_init(&path, 4096);
    st_buf_addf(&path, "%s/.settle-doctor", dir);
    if ((rc = st_buf_error(&path)) == 0 &&
        (rc = st_mkdir_p(dir, 0755, err)) == 0 &&
        (rc = st_atomic_open(&af, path.data, err)) == 0 &&
        (rc = st_atomic_commit(&af, err)) == 0)
        (void)unlink(path.data);
    st_atomic_abort(&af);
    st_buf_release(&path);
    return rc;
}

static void
check_dirs(struct doctor *d, struct st_doctor_check *c)
{
    struct st_err err;
    int rc;

    if ((rc = try_dir(d->cfg->archive_dir, &err)) != 0 ||
        (rc = try_dir(d->cfg->out_dir, &err)) != 0) {
        fail_err(c, rc, &err,
                 "make archive_dir and out_dir writable by settle's user");
        return;
    }
    say(c, ST_DOCTOR_OK,
        "archive_dir %s and out_dir %s take files renamed "
        "into place",
        d->cfg->archive_dir, d->cfg->out_dir);
}

/* The signed client, once; 0 or why not. */
static int
api_setup(struct doctor *d, struct st_err *err)
{
    st_http_opts_config(d->cfg, &d->http);
    if (d->key == NULL)
        return st_err_set(err, ST_ERR_CONFIG, "not checked: no usable key");
    if (st_api_base_url(d->cfg, &d->base, err) != 0)
        return err->code;
    return st_api_init(&d->api, d->base.data, d->cfg->region,
                       d->cfg->public_key_id, d->key, d->alg, &d->http, d->env,
                       d->log, err);
}

static void
check_api(struct doctor *d, struct st_doctor_check *c)
{
    struct st_api_reports list;
    struct st_err err;
    int64_t now;
    int rc;

    memset(&list, 0, sizeof(list));
    if ((rc = api_setup(d, &err)) != 0) {
        fail_err(c, rc, &err, NULL);
        return;
    }
    now = d->env->now(d->env->ctx);
    rc = st_api_list_reports(&d->api, ST_API_SETTLEMENT_REPORT, now - 3600, now,
                             10, &list, &err);
    if (rc != 0) {
        fail_err(c, rc, &err, NULL);
    } else {
        say(c, ST_DOCTOR_OK,
            "%s answers a signed request (%zu reports in the "
            "last hour)",
            d->base.data, list.n);
    }
    st_api_reports_release(&list);
}

static void
check_clock(struct doctor *d, struct st_doctor_check *c)
{
    int64_t skew;

    if (d->api.server_date <= 0) {
        say(c, ST_DOCTOR_WARN, "not checked: the API sent no Date");
        return;
    }
    skew = d->env->now(d->env->ctx) - d->api.server_date;
    if (skew < 0)
        skew = -skew;
    if (skew > CLOCK_WARN_S) {
        say(c, ST_DOCTOR_WARN, "this clock and the API's differ by %lld s",
            (long long)skew);
        (void)snprintf(c->fix, sizeof(c->fix),
                       "synchronise the clock (NTP): Amazon refuses a "
                       "signature dated 15 minutes away");
        return;
    }
    say(c, ST_DOCTOR_OK, "within %lld s of the API's", (long long)skew);
}

static int
no_reporting(const struct doctor *d)
{
    const char *ccy = d->cfg->reporting_currency;

    return ccy == NULL || ccy[0] == '\0';
}

static void
check_ecb(struct doctor *d, struct st_doctor_check *c)
{
    struct st_ecb_opts o;
    struct st_err err;
    int32_t today = (int32_t)(d->env->now(d->env->ctx) / 86400);
    int32_t latest = 0;
    char day[ST_DATE_LEN + 1];
    long quotes = 0;
    int rc;

    if (no_reporting(d)) {
        say(c, ST_DOCTOR_OK, "no reporting_currency: the ECB is not asked");
        return;
    }
    st_ecb_opts_init(&o);
    o.env = d->env;
    rc = st_ecb_probe(d->cfg, today, &o, &quotes, &latest, &err);
    if (rc != 0) {
        fail_err(c, rc, &err,
                 "check fx_url, the proxy and ca_file; "
                 "meanwhile settle fx import eurofxref.csv");
        return;
    }
    d->ecb_ok = quotes > 0;
    if (quotes == 0) {
        say(c, ST_DOCTOR_WARN,
            "%s answers, but no quote in the last ten "
            "days",
            d->cfg->fx_url);
        return;
    }
    st_date_format(latest, day);
    say(c, ST_DOCTOR_OK,
        "%s answers: %ld quotes of the last ten days, the "
        "latest of %s",
        d->cfg->fx_url, quotes, day);
}

#define RATES_QUERY "queries/select_doctor_rates.sql"

static void
check_rates(struct doctor *d, struct st_doctor_check *c)
{
    static const char *const names[2] = {"newest", "age_days"};
    const char *ccy = d->cfg->reporting_currency;
    PGresult *res = NULL;
    struct st_err err;
    int64_t age = 0;
    int col[2];
    int rc;

    if (no_reporting(d)) {
        say(c, ST_DOCTOR_OK, "no reporting_currency: no rates needed");
        return;
    }
    if (!need_db(d, c))
        return;
    rc = st_db_query(d->db, RATES_QUERY, 1, &ccy, &res, &err);
    if (rc == 0)
        rc = st_db_columns(res, names, col, 2, RATES_QUERY, &err);
    if (rc == 0 && !PQgetisnull(res, 0, col[0]))
        rc = st_db_i64(res, 0, col[1], RATES_QUERY, &age, &err);
    if (rc != 0)
        fail_err(c, rc, &err, NULL);
    else if ((PQgetisnull(res, 0, col[0]) || age > d->cfg->fx_max_age_days) &&
             d->ecb_ok)
        say(c, ST_DOCTOR_OK,
            "no ECB quote for %s stored within fx_max_age_days yet: settle "
            "run fetches them",
            ccy);
    else if (PQgetisnull(res, 0, col[0]) || age > d->cfg->fx_max_age_days) {
        c->rc = ST_ERR_NOINPUT;
        say(c, ST_DOCTOR_FAIL,
            "no ECB quote for %s within fx_max_age_days "
            "(%lld) of today",
            ccy, (long long)d->cfg->fx_max_age_days);
        (void)snprintf(c->fix, sizeof(c->fix),
                       "load the ECB reference rates: settle fx fetch, or "
                       "settle fx import eurofxref.csv");
    } else
        say(c, ST_DOCTOR_OK, "ECB quotes for %s up to %s", ccy,
            st_db_text(res, 0, col[0]));
    PQclear(res);
}

/* The checks, in the order a nightly run meets what they check. */
static const struct {
    const char *name;
    void (*fn)(struct doctor *d, struct st_doctor_check *c);
} checks[] = {
    {"config", check_config},
    {"key file", check_key_file},
    {"key", check_key},
    {"database", check_database},
    {"schema", check_schema},
    {"ledger view", check_ledger},
    {"privileges", check_privileges},
    {"dirs", check_dirs},
    {"api", check_api},
    {"clock", check_clock},
    {"ecb", check_ecb},
    {"rates", check_rates},
};

int
st_doctor(const struct st_config *cfg, const struct st_http_env *env,
          struct st_log *log, st_doctor_fn *report, void *arg)
{
    struct st_http_env sysenv;
    struct doctor d;
    int first = 0;
    size_t i;

    memset(&d, 0, sizeof(d));
    st_http_env_system(&sysenv);
    d.cfg = cfg;
    d.env = env != NULL ? env : &sysenv;
    d.log = log;
    st_buf_init(&d.base, 1024);
    for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        struct st_doctor_check c;

        memset(&c, 0, sizeof(c));
        c.name = checks[i].name;
        checks[i].fn(&d, &c);
        if (c.result == ST_DOCTOR_FAIL && first == 0)
            first = c.rc != 0 ? c.rc : ST_ERR_INTERNAL;
        report(arg, &c);
    }
    st_buf_release(&d.base);
    st_sign_key_free(d.key);
    st_db_close(d.db);
    return first;
}
