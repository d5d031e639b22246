/*
 * manifest.c: manifest.json, built from a report and written atomically,
 * and checked for `settle verify` and `settle rerun`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/hash.h"
#include "core/money.h"
#include "core/path.h"
#include "core/version.h"
#include "io/archive.h"
#include "io/dbvalue.h"
#include "report/manifest.h"
#include "core/banned.h"

#define INPUTS_QUERY "queries/select_statement_inputs.sql"

/* ---------------------------------------------------------------- write */

static int
nomem(struct st_err *err)
{
    return st_err_set(err, ST_ERR_NOMEM, "out of memory building the manifest");
}

/* Sets o[key] to v, taking v; -1 when v is NULL or it cannot. */
static int
set_new(json_t *o, const char *key, json_t *v)
{
    if (v == NULL)
        return -1;
    return json_object_set_new(o, key, v) != 0 ? -1 : 0;
}

/* Appends v to a, taking v; -1 when v is NULL or it cannot. */
static int
append_new(json_t *a, json_t *v)
{
    if (v == NULL)
        return -1;
    return json_array_append_new(a, v) != 0 ? -1 : 0;
}

static json_t *
money_json(int64_t v, int exp)
{
    char buf[ST_MONEY_FMT_MAX];

    if (st_money_format(v, exp, '.', buf, sizeof(buf)) < 0)
        return NULL;
    return json_string(buf);
}

static json_t *
currency_json(const struct st_summary_ccy *cc)
{
    json_t *o = json_object();
    int bad = o == NULL;

    bad = bad || set_new(o, "lines", json_integer(cc->total.lines)) != 0;
    bad = bad || set_new(o, "amount", money_json(cc->total.amount, cc->exp));
    bad = bad ||
          set_new(o, "percentage_fee", money_json(cc->total.pfee, cc->exp));
    bad = bad || set_new(o, "fixed_fee", money_json(cc->total.ffee, cc->exp));
    bad = bad || set_new(o, "total_fee", money_json(cc->total.tfee, cc->exp));
    bad = bad || set_new(o, "net", money_json(cc->total.net, cc->exp));
    bad = bad || set_new(o, "payouts", money_json(cc->payouts, cc->exp));
    bad = bad || set_new(o, "reserve", money_json(cc->reserve, cc->exp));
    if (!bad && cc->rep[0] != '\0' && cc->total.converted == cc->total.lines) {
        bad =
            bad || set_new(o, "reporting_currency", json_string(cc->rep)) != 0;
        bad = bad || set_new(o, "net_reporting",
                             money_json(cc->total.net_rep, cc->rep_exp));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The totals of every currency, by code. */
static json_t *
currencies_json(const struct st_summary *s)
{
    json_t *o = json_object();
    size_t i;

    for (i = 0; o != NULL && i < s->nccy; i++)
        if (set_new(o, s->ccys[i].code, currency_json(&s->ccys[i])) != 0) {
            json_decref(o);
            o = NULL;
        }
    return o;
}

/* The exchange rates, in the query's order. */
static json_t *
rates_json(const struct st_summary *s)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a != NULL && i < s->nrates; i++) {
        const struct st_summary_rate *r = &s->rates[i];

        if (append_new(a, json_pack("{s:s, s:s, s:s?, s:s, s:I}", "currency",
                                    r->currency, "reporting_currency",
                                    r->reporting, "fx_date", r->date, "fx_rate",
                                    r->rate, "lines", (json_int_t)r->lines)) !=
            0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

static json_t *
counts_json(const struct st_manifest_in *in)
{
    return json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "lines", (json_int_t)in->lines,
        "exceptions", (json_int_t)in->exceptions, "open_items",
        (json_int_t)in->open_items, "settlements", (json_int_t)in->settlements,
        "disputes", (json_int_t)in->disputes->cases, "open_disputes",
        (json_int_t)in->disputes->open, "overdue_disputes",
        (json_int_t)in->disputes->overdue);
}

/* Tool, versions, seller, date, cutoff and the config digest. */
static int
add_header(struct st_db *db, const struct st_manifest_in *in, json_t *root,
           struct st_err *err)
{
    const struct st_summary *s = in->sum;
    char hex[ST_SHA256_HEX_LEN + 1];
    struct st_buf canon;
    int version = 0;
    int rc;

    if ((rc = st_db_schema_version(db, &version, err)) != 0)
        return rc;
    if (set_new(root, "tool", json_string("settle")) != 0 ||
        set_new(root, "tool_version", json_string(ST_VERSION)) != 0 ||
        set_new(root, "schema_version", json_integer(version)) != 0 ||
        set_new(root, "seller_id", json_string(in->seller_id)) != 0 ||
        (in->period_from == NULL
             ? set_new(root, "date", json_string(s->date))
             : set_new(root, "period",
                       json_pack("{s:s, s:s}", "from", in->period_from, "to",
                                 s->date))) != 0 ||
        set_new(root, "ledger_cutoff",
                s->have_cutoff ? json_string(s->cutoff_text) : json_null()) !=
            0 ||
        set_new(root, "cutoff_moved", json_boolean(s->cutoff_moved)) != 0)
        return nomem(err);
    if (in->cfg == NULL)
        return set_new(root, "config_digest", json_null()) != 0 ? nomem(err)
                                                                : 0;
    st_buf_init(&canon, 1 << 20);
    st_config_canonical(in->cfg, &canon);
    rc = st_buf_error(&canon);
    if (rc == 0)
        st_sha256_hex(canon.data, canon.len, hex);
    st_buf_release(&canon);
    if (rc != 0 || set_new(root, "config_digest", json_string(hex)) != 0)
        return nomem(err);
    return 0;
}

/* Adds row r of a query's result (its columns at c) to a JSON container. */
typedef int (*row_json_fn)(json_t *into, const PGresult *res, int r,
                           const int *c, struct st_err *err);

#define ROW_JSON_MAX_COLS 4

/*
 * Runs query for the seller and date of in, checks its ncols column names,
 * and builds *out from into (an empty array or object, taken), one call of
 * add per row.
 */
static int
query_json(struct st_db *db, const struct st_manifest_in *in, const char *query,
           const char *const *names, size_t ncols, json_t *into,
           row_json_fn add, json_t **out, struct st_err *err)
{
    const char *params[2] = {in->seller_id, in->sum->date};
    PGresult *res = NULL;
    int c[ROW_JSON_MAX_COLS];
    int rc;
    int r;

    *out = NULL;
    if (into == NULL)
        return nomem(err);
    if (ncols > ROW_JSON_MAX_COLS) {
        json_decref(into);
        return st_err_set(err, ST_ERR_INTERNAL, "%s: too many columns", query);
    }
    rc = st_db_query(db, query, 2, params, &res, err);
    if (rc == 0)
        rc = st_db_columns(res, names, c, ncols, query, err);
    for (r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = add(into, res, r, c, err);
    if (rc == 0) {
        *out = into;
        into = NULL; /* transferred */
    }
    json_decref(into);
    PQclear(res);
    return rc;
}

/* One archived raw report of the date. */
static int
add_input(json_t *arr, const PGresult *res, int r, const int *c,
          struct st_err *err)
{
    int64_t bytes = 0;
    int rc;

    if ((rc = st_db_i64(res, r, c[2], INPUTS_QUERY, &bytes, err)) != 0)
        return rc;
    if (append_new(arr, json_pack("{s:s, s:s, s:I, s:s?}", "name",
                                  st_db_text(res, r, c[0]), "sha256",
                                  st_db_text(res, r, c[1]), "bytes",
                                  (json_int_t)bytes, "report_id",
                                  st_db_text_or_null(res, r, c[3]))) != 0)
        return nomem(err);
    return 0;
}

/* The archived raw reports of the date. */
static int
inputs_json(struct st_db *db, const struct st_manifest_in *in, json_t **out,
            struct st_err *err)
{
    static const char *const names[] = {"name", "sha256", "bytes", "report_id"};

    return query_json(db, in, INPUTS_QUERY, names, 4, json_array(), add_input,
                      out, err);
}

#define OPEN_QUERY "queries/select_manifest_open_items.sql"

/* One open-items group: count and amount (null when not exact). */
static int
add_open_group(json_t *obj, const PGresult *res, int r, const int *c,
               struct st_err *err)
{
    const char *ccy = st_db_text(res, r, c[0]);
    json_t *per = json_object_get(obj, ccy);
    int64_t n = 0;
    int rc;

    if ((rc = st_db_i64(res, r, c[2], OPEN_QUERY, &n, err)) != 0)
        return rc;
    if (per == NULL) {
        if (set_new(obj, ccy, json_object()) != 0)
            return nomem(err);
        per = json_object_get(obj, ccy);
    }
    if (set_new(per, st_db_text(res, r, c[1]),
                json_pack("{s:I, s:s?}", "items", (json_int_t)n, "amount",
                          st_db_text_or_null(res, r, c[3]))) != 0)
        return nomem(err);
    return 0;
}

/* The open items per currency and status (README "Open items"). */
static int
open_items_json(struct st_db *db, const struct st_manifest_in *in, json_t **out,
                struct st_err *err)
{
    static const char *const names[] = {"currency", "status", "items",
                                        "amount"};

    return query_json(db, in, OPEN_QUERY, names, 4, json_object(),
                      add_open_group, out, err);
}

/* The sha256 of each template, by file name. */
static int
templates_json(const struct st_template_set *set, json_t **out,
               struct st_err *err)
{
    char hex[ST_SHA256_HEX_LEN + 1];
    json_t *obj = json_object();
    uint64_t bytes;
    size_t i;
    int rc = 0;

    *out = NULL;
    if (obj == NULL)
        return nomem(err);
    for (i = 0; i < ST_TMPL_KINDS && rc == 0; i++) {
        const struct st_template *t = &set->t[i];

        if (t->path == NULL)
            continue;
        if ((rc = st_sha256_file(t->path, hex, &bytes, err)) == 0 &&
            set_new(obj, st_template_file((enum st_template_kind)i),
                    json_string(hex)) != 0)
            rc = nomem(err);
    }
    if (rc != 0) {
        json_decref(obj);
        return rc;
    }
    *out = obj;
    return 0;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Path, sha256 and size of each output, sorted by path. */
static int
outputs_json(const struct st_publish *pub, json_t **out, struct st_err *err)
{
    const char **names = NULL;
    json_t *arr = NULL;
    char path[ST_PATH_MAX];
    char hex[ST_SHA256_HEX_LEN + 1];
    uint64_t bytes;
    size_t i;
    int rc = ST_ERR_NOMEM;

    *out = NULL;
    names = st_calloc(pub->noutputs + 1, sizeof(*names));
    if (names == NULL || (arr = json_array()) == NULL) {
        rc = nomem(err);
        goto out;
    }
    for (i = 0; i < pub->noutputs; i++)
        names[i] = pub->outputs[i];
    qsort(names, pub->noutputs, sizeof(*names), cmp_names);
    for (i = 0; i < pub->noutputs; i++) {
        if ((rc = st_path_join(path, sizeof(path), pub->tmp, names[i], err)) !=
                0 ||
            (rc = st_sha256_file(path, hex, &bytes, err)) != 0)
            goto out;
        if (append_new(arr,
                       json_pack("{s:s, s:s, s:I}", "path", names[i], "sha256",
                                 hex, "bytes", (json_int_t)bytes)) != 0) {
            rc = nomem(err);
            goto out;
        }
    }
    *out = arr;
    arr = NULL; /* transferred */
    rc = 0;
out:
    json_decref(arr);
    st_free(names);
    return rc;
}

/* Sets root[key] to v, taking v; ST_ERR_NOMEM when v is NULL. */
static int
put(json_t *root, const char *key, json_t *v, struct st_err *err)
{
    return set_new(root, key, v) != 0 ? nomem(err) : 0;
}

/*
 * What the manifest is of: a date's inputs and open items, or the days a
 * period statement was built from (a new reference to the caller's array).
 */
static int
add_scope(struct st_db *db, const struct st_manifest_in *in, json_t *root,
          struct st_err *err)
{
    json_t *v = NULL;
    int rc;

    if (in->period_from != NULL) {
        v = in->days != NULL ? json_incref(in->days) : json_array();
        return put(root, "days", v, err);
    }
    if ((rc = inputs_json(db, in, &v, err)) != 0 ||
        (rc = put(root, "inputs", v, err)) != 0 ||
        (rc = open_items_json(db, in, &v, err)) != 0)
        return rc;
    return put(root, "open_items", v, err);
}

/* The manifest of in, owned by the caller (json_decref). */
static int
build(struct st_db *db, const struct st_manifest_in *in, json_t **out,
      struct st_err *err)
{
    json_t *root = json_object();
    json_t *v = NULL;
    int rc;

    *out = NULL;
    if (root == NULL)
        return nomem(err);
    if ((rc = add_header(db, in, root, err)) != 0 ||
        (rc = add_scope(db, in, root, err)) != 0 ||
        (rc = put(root, "fx_rates", rates_json(in->sum), err)) != 0 ||
        (rc = templates_json(in->templates, &v, err)) != 0 ||
        (rc = put(root, "templates", v, err)) != 0 ||
        (rc = outputs_json(in->pub, &v, err)) != 0 ||
        (rc = put(root, "outputs", v, err)) != 0 ||
        (rc = put(root, "currencies", currencies_json(in->sum), err)) != 0 ||
        (rc = put(root, "counts", counts_json(in), err)) != 0)
        goto out;
    *out = root;
    root = NULL; /* transferred */
out:
    json_decref(root);
    return rc;
}

int
st_manifest_write(struct st_db *db, const struct st_manifest_in *in,
                  struct st_err *err)
{
    struct st_atomic_file af;
    json_t *root = NULL;
    char *text = NULL;
    char path[ST_PATH_MAX];
    int rc;

    memset(&af, 0, sizeof(af));
    if ((rc = build(db, in, &root, err)) != 0)
        goto out;
    text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (text == NULL) {
        rc = nomem(err);
        goto out;
    }
    if ((rc = st_path_join(path, sizeof(path), in->pub->tmp, "manifest.json",
                           err)) != 0 ||
        (rc = st_atomic_open(&af, path, err)) != 0)
        goto out;
    if (fputs(text, af.f) == EOF || fputc('\n', af.f) == EOF) {
        rc = st_err_set(err, ST_ERR_IO, "cannot write '%s'", path);
        goto out;
    }
    rc = st_atomic_commit(&af, err);
out:
    st_atomic_abort(&af);
    free(text);
    json_decref(root);
    return rc;
}

/* ---------------------------------------------------------------- read */

int
st_manifest_load(const char *path, json_t **out, struct st_err *err)
{
    json_error_t je;
    json_t *m;

    *out = NULL;
    m = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (m == NULL) {
        if (je.line <= 0 && strstr(je.text, "unable to open") != NULL)
            return st_err_set(err, ST_ERR_NOINPUT, "cannot read '%s': %s", path,
                              je.text);
        st_err_set(err, ST_ERR_DATA, "invalid manifest: %s", je.text);
        st_err_at(err, path, je.line, je.column);
        return ST_ERR_DATA;
    }
    if (!json_is_object(m) || !json_is_array(json_object_get(m, "outputs"))) {
        json_decref(m);
        st_err_set(err, ST_ERR_DATA, "not a settle manifest: no outputs");
        st_err_at(err, path, 0, 0);
        return ST_ERR_DATA;
    }
    *out = m;
    return 0;
}

/* Hashes path and appends a line to diffs when it differs from want. */
static int
check_file(const char *what, const char *path, const char *want_hex,
           json_int_t want_bytes, struct st_buf *diffs, int *ndiff,
           struct st_err *err)
{
    char hex[ST_SHA256_HEX_LEN + 1];
    uint64_t bytes = 0;
    struct st_err e2;
    int rc = st_sha256_file(path, hex, &bytes, &e2);

    if (rc == ST_ERR_NOINPUT) {
        st_buf_addf(diffs, "%s '%s': missing\n", what, path);
        (*ndiff)++;
        return 0;
    }
    if (rc != 0) {
        if (err != NULL)
            *err = e2;
        return rc;
    }
    if (want_hex == NULL || strcmp(hex, want_hex) != 0 ||
        (want_bytes >= 0 && (uint64_t)want_bytes != bytes)) {
        st_buf_addf(diffs,
                    "%s '%s': sha256 %s (%llu bytes), manifest says %s "
                    "(%lld bytes)\n",
                    what, path, hex, (unsigned long long)bytes,
                    want_hex ? want_hex : "nothing", (long long)want_bytes);
        (*ndiff)++;
    }
    return 0;
}

/* A period's days: each date's own manifest.json, as the period saw it. */
static int
verify_days(const json_t *m, const char *dir, struct st_buf *path,
            struct st_buf *diffs, int *ndiff, struct st_err *err)
{
    size_t i;
    json_t *e;
    int rc;

    json_array_foreach(json_object_get(m, "days"), i, e)
    {
        const json_t *dm = json_object_get(e, "manifest");
        const char *p = json_string_value(json_object_get(dm, "path"));
        const char *h = json_string_value(json_object_get(dm, "sha256"));
        json_int_t n = json_integer_value(json_object_get(dm, "bytes"));

        if (json_is_null(dm))
            continue; /* the date was reconciled, not reported */
        if (p == NULL || strlen(p) != 30 || strncmp(p, "../../", 6) != 0 ||
            strspn(p + 6, "0123456789-") != 10 ||
            strcmp(p + 16, "/manifest.json") != 0) {
            st_buf_addf(diffs, "day #%zu: bad manifest path\n", i);
            (*ndiff)++;
            continue;
        }
        st_buf_reset(path);
        st_buf_addf(path, "%s/%s", dir, p);
        if (st_buf_error(path) != 0)
            return st_err_set(err, ST_ERR_NOMEM, "path too long");
        if ((rc = check_file("daily manifest", path->data, h, n, diffs, ndiff,
                             err)) != 0)
            return rc;
    }
    return 0;
}

int
st_manifest_verify(const json_t *m, const char *dir, const char *archive_dir,
                   struct st_buf *diffs, int *ndiff, struct st_err *err)
{
    struct st_buf path;
    size_t i;
    json_t *e;
    int rc = 0;

    *ndiff = 0;
    st_buf_init(&path, 8192);
    json_array_foreach(json_object_get(m, "outputs"), i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));
        const char *h = json_string_value(json_object_get(e, "sha256"));
        json_int_t n = json_integer_value(json_object_get(e, "bytes"));

        if (p == NULL || strstr(p, "..") != NULL || p[0] == '/') {
            st_buf_addf(diffs, "output #%zu: bad path in the manifest\n", i);
            (*ndiff)++;
            continue;
        }
        st_buf_reset(&path);
        st_buf_addf(&path, "%s/%s", dir, p);
        if (st_buf_error(&path) != 0) {
            rc = st_err_set(err, ST_ERR_NOMEM, "path too long");
            goto out;
        }
        if ((rc = check_file("output", path.data, h, n, diffs, ndiff, err)) !=
            0)
            goto out;
    }
    json_array_foreach(json_object_get(m, "inputs"), i, e)
    {
        const char *h = json_string_value(json_object_get(e, "sha256"));
        json_int_t n = json_integer_value(json_object_get(e, "bytes"));

        if (h == NULL || strlen(h) != 64 ||
            strspn(h, "0123456789abcdef") != 64) {
            st_buf_addf(diffs, "input #%zu: bad sha256 in the manifest\n", i);
            (*ndiff)++;
            continue;
        }
        st_buf_reset(&path);
        st_archive_path(archive_dir, h, &path);
        if (st_buf_error(&path) != 0) {
            rc = st_err_set(err, ST_ERR_NOMEM, "path too long");
            goto out;
        }
        if ((rc = check_file("input", path.data, h, n, diffs, ndiff, err)) != 0)
            goto out;
    }
    rc = verify_days(m, dir, &path, diffs, ndiff, err);
out:
    st_buf_release(&path);
    return rc;
}

static const json_t *
find_output(const json_t *m, const char *path)
{
    size_t i;
    json_t *e;

    json_array_foreach(json_object_get(m, "outputs"), i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));

        if (p != NULL && strcmp(p, path) == 0)
            return e;
    }
    return NULL;
}

void
st_manifest_compare(const json_t *a, const json_t *b, struct st_buf *diffs,
                    int *ndiff)
{
    const char *va = json_string_value(json_object_get(a, "tool_version"));
    const char *vb = json_string_value(json_object_get(b, "tool_version"));
    size_t i;
    json_t *e;

    *ndiff = 0;
    if (va == NULL || vb == NULL || strcmp(va, vb) != 0) {
        st_buf_addf(diffs, "tool version: manifest %s, this build %s\n",
                    va ? va : "(none)", vb ? vb : "(none)");
        (*ndiff)++;
    }
    json_array_foreach(json_object_get(a, "outputs"), i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));
        const char *h = json_string_value(json_object_get(e, "sha256"));
        const json_t *o = p ? find_output(b, p) : NULL;
        const char *hb =
            o ? json_string_value(json_object_get(o, "sha256")) : NULL;

        if (p == NULL)
            continue;
        if (o == NULL) {
            st_buf_addf(diffs, "%s: missing from the rebuild\n", p);
            (*ndiff)++;
        } else if (h == NULL || hb == NULL || strcmp(h, hb) != 0) {
            st_buf_addf(diffs, "%s: differs (sha256 %s, rebuilt %s)\n", p,
                        h ? h : "?", hb ? hb : "?");
            (*ndiff)++;
        }
    }
    json_array_foreach(json_object_get(b, "outputs"), i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));

        if (p != NULL && find_output(a, p) == NULL) {
            st_buf_addf(diffs, "%s: only in the rebuild\n", p);
            (*ndiff)++;
        }
    }
}
