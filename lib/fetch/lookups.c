/*
 * lookups.c: the open dispute cases of a business date asked of Get
 * Dispute one by one (fetch/fetch.h): every answer archived, then the
 * lookups and the cases' states recorded in one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "amazon/dispute.h"
#include "core/alloc.h"
#include "core/date.h"
#include "fetch/fetch.h"
#include "io/archive.h"
#include "io/dbvalue.h"
#include "core/banned.h"

#define ANSWER_MAX ((size_t)1024 * 1024)
#define CASES      "queries/select_lookup_disputes.sql"
#define DONE       "queries/select_lookups_done.sql"

/* One case asked: the answer's status and hash, and what it said. */
struct asked {
    const char *id; /* borrowed from the cases' result */
    long status;
    char hex[ST_SHA256_HEX_LEN + 1];
    struct st_api_dispute d;
};

struct lookups {
    struct st_db *db;
    const struct st_config *cfg;
    struct st_log *log;
    struct st_err *err;
    char date[ST_DATE_LEN + 1];
    struct asked *a;
    size_t n;
};

/* 1 in *done when the date's lookups are recorded. */
static int
already(struct lookups *l, int *done)
{
    const char *params[3] = {l->cfg->seller_id, l->date, "dispute"};
    int64_t n = 0;
    int rc = st_db_query_i64(l->db, DONE, 3, params, &n, l->err);

    *done = n > 0;
    return rc;
}

/*
 * Asks for case a->id: 200 is read, 404 kept as the answer it is; either
 * is archived. A refusal (401/403) sets *denied.
 */
static int
ask_one(struct lookups *l, struct st_api *api, struct asked *a, int *denied)
{
    struct st_buf body;
    char name[ST_DISPUTE_TEXT_MAX + 24];
    int rc;

    st_buf_init(&body, ANSWER_MAX);
    rc = st_api_get_dispute(api, a->id, &body, &a->status, l->err);
    if (rc == ST_ERR_PERM) {
        *denied = 1;
    } else if (rc != 0 && a->status == 404) {
        st_log_msg(l->log, ST_LOG_WARN, "fetch",
                   "Get Dispute: Amazon does not know case '%s' (404)", a->id);
        st_err_clear(l->err);
        rc = 0;
    } else if (rc == 0) {
        (void)snprintf(name, sizeof(name), "Get Dispute %s", a->id);
        rc = st_dispute_parse(body.data, body.len, name, &a->d, l->err);
    }
    if (rc == 0 && !*denied)
        rc = st_archive_store(l->cfg->archive_dir, body.data, body.len, a->hex,
                              NULL, l->err);
    st_buf_release(&body);
    return rc;
}

/* The lookups and the states, in one transaction. */
static int
record(struct lookups *l)
{
    int rc = st_db_begin(l->db, l->err);
    size_t i;

    for (i = 0; rc == 0 && i < l->n; i++) {
        const struct asked *a = &l->a[i];
        char status[16];
        const char *v[7] = {
            l->cfg->seller_id, l->date, "dispute", a->id, status, a->hex, NULL};

        (void)snprintf(status, sizeof(status), "%ld", a->status);
        rc = st_db_query(l->db, "queries/insert_api_lookup.sql", 6, v, NULL,
                         l->err);
        if (rc != 0 || a->status != 200)
            continue;
        v[1] = a->id;
        v[2] = l->date;
        v[3] = a->d.state;
        v[4] = a->d.resolution[0] != '\0' ? a->d.resolution : NULL;
        v[5] = a->d.reason_code[0] != '\0' ? a->d.reason_code : NULL;
        v[6] = a->d.deadline[0] != '\0' ? a->d.deadline : NULL;
        rc = st_db_query(l->db, "queries/insert_dispute_status.sql", 7, v, NULL,
                         l->err);
    }
    if (rc == 0)
        return st_db_commit(l->db, l->err);
    st_db_rollback(l->db);
    return rc;
}

/* Asks each case of res; a refusal stops the asking with a warning. */
static int
ask_all(struct lookups *l, struct st_api *api, const PGresult *res)
{
    int denied = 0;
    int rc = 0;
    int r;

    l->a = st_calloc((size_t)PQntuples(res) + 1, sizeof(*l->a));
    if (l->a == NULL)
        return st_err_set(l->err, ST_ERR_NOMEM, "out of memory");
    for (r = 0; rc == 0 && !denied && r < PQntuples(res); r++) {
        l->a[l->n].id = st_db_text(res, r, 0);
        if ((rc = ask_one(l, api, &l->a[l->n], &denied)) == 0 && !denied)
            l->n++;
    }
    if (denied) {
        st_log_msg(l->log, ST_LOG_WARN, "fetch",
                   "Get Dispute refused (%s): the worklist keeps its "
                   "estimated deadlines; give the key that permission",
                   l->err != NULL ? l->err->msg : "?");
        st_err_clear(l->err);
        rc = 0;
    }
    if (rc == 0 && l->n > 0 && (rc = record(l)) == 0)
        st_log_msg(l->log, ST_LOG_INFO, "fetch",
                   "%zu dispute cases asked of Get Dispute", l->n);
    return rc;
}

int
st_fetch_lookups(struct st_db *db, const struct st_config *cfg,
                 struct st_api *api, int32_t date, struct st_log *log,
                 struct st_err *err)
{
    struct lookups l;
    PGresult *res = NULL;
    char limit[24];
    const char *params[3];
    int done = 0;
    int rc;

    memset(&l, 0, sizeof(l));
    l.db = db;
    l.cfg = cfg;
    l.log = log;
    l.err = err;
    st_date_format(date, l.date);
    if (cfg->api_lookups_max == 0)
        return 0;
    (void)snprintf(limit, sizeof(limit), "%lld",
                   (long long)cfg->api_lookups_max);
    params[0] = cfg->seller_id;
    params[1] = l.date;
    params[2] = limit;
    if ((rc = already(&l, &done)) != 0 || done) {
        if (rc == 0)
            st_log_msg(log, ST_LOG_INFO, "fetch",
                       "the dispute lookups of %s are archived: not asked "
                       "again",
                       l.date);
        return rc;
    }
    if ((rc = st_db_query(db, CASES, 3, params, &res, err)) == 0)
        rc = ask_all(&l, api, res);
    PQclear(res);
    st_free(l.a);
    return rc;
}
