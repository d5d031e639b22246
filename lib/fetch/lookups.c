/*
 * lookups.c: the objects of a business date asked of Amazon one by one
 * (fetch/fetch.h): first the open dispute cases (Get Dispute), then the
 * charges and refunds of the ledger entries no settlement explains yet
 * (Get Charge, Get Refund), within api_lookups_max together. Each pass
 * archives every answer, then records its lookups and the objects' states
 * in one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "amazon/lookup.h"
#include "core/alloc.h"
#include "core/date.h"
#include "fetch/fetch.h"
#include "io/archive.h"
#include "io/dbvalue.h"
#include "core/banned.h"

#define ANSWER_MAX ((size_t)1024 * 1024)
#define DONE       "queries/select_lookups_done.sql"

/* One object asked: the answer's status and hash, and what it said. */
struct asked {
    const char *id; /* borrowed from the candidates' result */
    enum st_lookup_kind kind;
    long status;
    char hex[ST_SHA256_HEX_LEN + 1];
    struct st_api_object o;
};

/* One pass: its candidates' query and its kind in settle.lookup_done. */
struct pass {
    const char *query;
    const char *kind;
    const char *what; /* for messages */
};

static const struct pass passes[] = {
    {"queries/select_lookup_disputes.sql", "dispute", "dispute cases"},
    {"queries/select_lookup_charges.sql", "charge", "charges and refunds"},
};

struct lookups {
    struct st_db *db;
    const struct st_config *cfg;
    struct st_api *api;
    struct st_log *log;
    struct st_err *err;
    char date[ST_DATE_LEN + 1];
    int64_t left; /* of api_lookups_max */
    struct asked *a;
    size_t n;
};

/*
 * Asks for a->id: 200 is read, 404 kept as the answer it is; either is
 * archived. A refusal (401/403) sets *denied.
 */
static int
ask_one(struct lookups *l, struct asked *a, int *denied)
{
    const char *what = st_lookup_resource(a->kind);
    struct st_buf body;
    char name[ST_LOOKUP_TEXT_MAX + 24];
    int rc;

    st_buf_init(&body, ANSWER_MAX);
    rc = st_api_lookup(l->api, a->kind, a->id, &body, &a->status, l->err);
    if (rc == ST_ERR_PERM) {
        *denied = 1;
    } else if (rc != 0 && a->status == 404) {
        st_log_msg(l->log, ST_LOG_WARN, "fetch",
                   "Amazon does not know %s '%s' (404)", what, a->id);
        st_err_clear(l->err);
        rc = 0;
    } else if (rc == 0) {
        (void)snprintf(name, sizeof(name), "Get %s %s", what, a->id);
        rc = st_lookup_parse(a->kind, body.data, body.len, name, &a->o, l->err);
    }
    if (rc == 0 && !*denied)
        rc = st_archive_store(l->cfg->archive_dir, body.data, body.len, a->hex,
                              NULL, l->err);
    st_buf_release(&body);
    return rc;
}

/*
 * A case Amazon decided gets its outcome, as `settle disputes close`
 * would record it: MerchantWon won, BuyerWon lost, NoFault no_fault, the
 * note naming Amazon's resolution and reason. Only open cases are asked,
 * so a case gets this once.
 */
static int
record_outcome(struct lookups *l, const struct asked *a)
{
    const struct st_api_object *o = &a->o;
    const char *outcome = strcmp(o->resolution, "MerchantWon") == 0 ? "won"
                          : strcmp(o->resolution, "BuyerWon") == 0  ? "lost"
                          : strcmp(o->resolution, "NoFault") == 0   ? "no_fault"
                                                                    : NULL;
    char note[160];
    const char *v[4] = {l->cfg->seller_id, a->id, outcome, note};

    if (outcome == NULL ||
        (strcmp(o->state, "Resolved") != 0 && strcmp(o->state, "Closed") != 0))
        return 0;
    (void)snprintf(note, sizeof(note), "Amazon: %s%s%s%s", o->resolution,
                   o->reason_code[0] != '\0' ? " (" : "", o->reason_code,
                   o->reason_code[0] != '\0' ? ")" : "");
    return st_db_query(l->db, "queries/insert_dispute_outcome.sql", 4, v, NULL,
                       l->err);
}

/* The state an answer of 200 gave, into settle.dispute_status or
 * settle.charge_status. */
static int
record_state(struct lookups *l, const struct asked *a)
{
    const struct st_api_object *o = &a->o;
    const char *v[7] = {l->cfg->seller_id, a->id, l->date};

    if (a->kind == ST_LOOKUP_DISPUTE) {
        int rc;

        v[3] = o->state;
        v[4] = o->resolution[0] != '\0' ? o->resolution : NULL;
        v[5] = o->reason_code[0] != '\0' ? o->reason_code : NULL;
        v[6] = o->deadline[0] != '\0' ? o->deadline : NULL;
        rc = st_db_query(l->db, "queries/insert_dispute_status.sql", 7, v, NULL,
                         l->err);
        return rc != 0 ? rc : record_outcome(l, a);
    }
    v[3] = st_lookup_resource(a->kind);
    v[4] = o->state;
    v[5] = o->reason_code[0] != '\0' ? o->reason_code : NULL;
    return st_db_query(l->db, "queries/insert_charge_status.sql", 6, v, NULL,
                       l->err);
}

/*
 * The pass's lookups and states, and that it was made (also with none, or
 * refused), in one transaction.
 */
static int
record(struct lookups *l, const struct pass *p, int refused)
{
    char objects[24];
    const char *done[5] = {l->cfg->seller_id, l->date, p->kind, objects,
                           refused ? "true" : "false"};
    int rc = st_db_begin(l->db, l->err);
    size_t i;

    (void)snprintf(objects, sizeof(objects), "%zu", l->n);
    if (rc == 0)
        rc = st_db_query(l->db, "queries/insert_lookup_done.sql", 5, done, NULL,
                         l->err);

    for (i = 0; rc == 0 && i < l->n; i++) {
        const struct asked *a = &l->a[i];
        char status[16];
        const char *v[6] = {l->cfg->seller_id,
                            l->date,
                            st_lookup_resource(a->kind),
                            a->id,
                            status,
                            a->hex};

        (void)snprintf(status, sizeof(status), "%ld", a->status);
        rc = st_db_query(l->db, "queries/insert_api_lookup.sql", 6, v, NULL,
                         l->err);
        if (rc == 0 && a->status == 200)
            rc = record_state(l, a);
    }
    if (rc == 0)
        return st_db_commit(l->db, l->err);
    st_db_rollback(l->db);
    return rc;
}

/* Asks each candidate of res; a refusal stops the pass with a warning. */
static int
ask_all(struct lookups *l, const struct pass *p, const PGresult *res)
{
    int denied = 0;
    int rc = 0;
    int r;

    l->n = 0;
    l->a = st_calloc((size_t)PQntuples(res) + 1, sizeof(*l->a));
    if (l->a == NULL)
        return st_err_set(l->err, ST_ERR_NOMEM, "out of memory");
    for (r = 0; rc == 0 && !denied && r < PQntuples(res); r++) {
        struct asked *a = &l->a[l->n];

        a->id = st_db_text(res, r, 0);
        a->kind = st_lookup_kind(st_db_text(res, r, 1));
        if ((rc = ask_one(l, a, &denied)) == 0 && !denied)
            l->n++;
    }
    if (denied) {
        st_log_msg(l->log, ST_LOG_WARN, "fetch",
                   "Amazon refused the lookup of %s (%s): the night goes on "
                   "without them; give the key that permission",
                   p->what, l->err != NULL ? l->err->msg : "?");
        st_err_clear(l->err);
        rc = 0;
    }
    if (rc == 0 && (rc = record(l, p, denied)) == 0 && l->n > 0)
        st_log_msg(l->log, ST_LOG_INFO, "fetch", "%zu %s asked of Amazon", l->n,
                   p->what);
    l->left -= (int64_t)l->n;
    st_free(l->a);
    l->a = NULL;
    return rc;
}

/* One pass, unless the date's lookups of its resources are recorded. */
static int
run_pass(struct lookups *l, const struct pass *p)
{
    const char *done_params[3] = {l->cfg->seller_id, l->date, p->kind};
    const char *params[3];
    PGresult *res = NULL;
    char limit[24];
    int64_t done = 0;
    int rc;

    if ((rc = st_db_query_i64(l->db, DONE, 3, done_params, &done, l->err)) != 0)
        return rc;
    if (done > 0) {
        st_log_msg(l->log, ST_LOG_INFO, "fetch",
                   "the %s of %s are archived: not asked again", p->what,
                   l->date);
        return 0;
    }
    (void)snprintf(limit, sizeof(limit), "%lld",
                   (long long)(l->left > 0 ? l->left : 0));
    params[0] = l->cfg->seller_id;
    params[1] = l->date;
    params[2] = limit;
    if ((rc = st_db_query(l->db, p->query, 3, params, &res, l->err)) == 0)
        rc = ask_all(l, p, res);
    PQclear(res);
    return rc;
}

int
st_fetch_lookups(struct st_db *db, const struct st_config *cfg,
                 struct st_api *api, int32_t date, struct st_log *log,
                 struct st_err *err)
{
    struct lookups l;
    size_t k;
    int rc = 0;

    memset(&l, 0, sizeof(l));
    l.db = db;
    l.cfg = cfg;
    l.api = api;
    l.log = log;
    l.err = err;
    l.left = cfg->api_lookups_max;
    st_date_format(date, l.date);
    for (k = 0; rc == 0 && k < sizeof(passes) / sizeof(passes[0]); k++)
        rc = run_pass(&l, &passes[k]);
    return rc;
}
