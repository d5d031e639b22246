/*
 * ecb.c: the ECB Data Portal client (ecb.h): one GET through lib/io/http,
 * its answer read by lib/fx/fx_csv and stored by
 * lib/fx/rates.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/location.h"
#include "io/dbvalue.h"
#include "fx/ecb.h"
#include "fx/fx_csv.h"
#include "core/banned.h"

#define ECB_MAX_BODY ((size_t)64 * 1024 * 1024)

void
st_ecb_opts_init(struct st_ecb_opts *opts)
{
    opts->backoff_base_ms = -1;
    opts->env = NULL;
}

void
st_ecb_url(const char *fx_url, int32_t from, int32_t to, struct st_buf *out)
{
    char d1[ST_DATE_LEN + 1];
    char d2[ST_DATE_LEN + 1];

    st_date_format(from, d1);
    st_date_format(to, d2);
    st_buf_addf(out,
                "%s%sstartPeriod=%s&endPeriod=%s&format=csvdata"
                "&detail=dataonly",
                fx_url, strchr(fx_url, '?') != NULL ? "&" : "?", d1, d2);
}

/* 1 when a 404 body is the Data Portal's "No results found". */
static int
no_results(const struct st_buf *body)
{
    static const char needle[] = "no results found";
    size_t n = sizeof(needle) - 1;
    size_t i;

    for (i = 0; body->data != NULL && i + n <= body->len; i++)
        if (strncasecmp(body->data + i, needle, n) == 0)
            return 1;
    return 0;
}

int
st_ecb_get(const struct st_config *cfg, int32_t from, int32_t to,
           const struct st_ecb_opts *opts, struct st_log *log,
           struct st_buf *body, struct st_err *err)
{
    struct st_http_opts ho;
    struct st_http_env sysenv;
    struct st_http_response resp;
    struct st_http_request req = {.method = "GET"};
    struct st_buf url;
    int rc;

    st_buf_init(&url, 4096);
    st_ecb_url(cfg->fx_url, from, to, &url);
    if (st_buf_error(&url) != 0) {
        st_buf_release(&url);
        return st_err_set(err, ST_ERR_CONFIG, "fx_url is too long");
    }
    st_http_opts_config(cfg, &ho);
    ho.max_body = ECB_MAX_BODY;
    if (opts->backoff_base_ms >= 0)
        ho.backoff_base_ms = opts->backoff_base_ms;
    st_http_env_system(&sysenv);
    st_http_response_init(&resp, ECB_MAX_BODY);
    req.url = url.data;
    if ((rc = st_http_check_url(cfg->fx_url, err)) == 0)
        rc = st_http_do(&ho, opts->env != NULL ? opts->env : &sysenv, &req,
                        &resp, log, err);
    if (rc == ST_ERR_HTTP && resp.status == 404 && no_results(&resp.body)) {
        st_err_clear(err);
        st_buf_reset(&resp.body);
        rc = 0;
    } else if (rc == ST_ERR_HTTP && resp.status == 404) {
        rc = st_err_set(err, ST_ERR_CONFIG,
                        "the ECB answered 404 for fx_url '%s': check fx_url",
                        cfg->fx_url);
    }
    if (rc == 0) {
        st_buf_reset(body);
        st_buf_add(body, resp.body.data, resp.body.len);
        if (st_buf_error(body) != 0)
            rc = st_err_set(err, ST_ERR_NOMEM, "out of memory");
    } else {
        st_err_prefix(err, "ECB rates");
    }
    st_http_response_release(&resp);
    st_buf_release(&url);
    return rc;
}

int
st_ecb_fetch(struct st_db *db, const struct st_config *cfg, int32_t from,
             int32_t to, const struct st_ecb_opts *opts, struct st_log *log,
             struct st_problems *problems, struct st_rates_stats *stats,
             struct st_err *err)
{
    struct st_rates_input in = {.empty_ok = 1};
    struct st_buf body;
    char d1[ST_DATE_LEN + 1];
    char d2[ST_DATE_LEN + 1];
    char name[64];
    int rc;

    memset(stats, 0, sizeof(*stats));
    st_date_format(from, d1);
    st_date_format(to, d2);
    (void)snprintf(name, sizeof(name), "ECB %s..%s", d1, d2);
    st_buf_init(&body, ECB_MAX_BODY);
    if ((rc = st_ecb_get(cfg, from, to, opts, log, &body, err)) == 0) {
        in.name = name;
        in.data = body.data != NULL ? body.data : "";
        in.len = body.len;
        rc = st_rates_import(db, &in, problems, stats, err);
    }
    st_buf_release(&body);
    return rc;
}

#define LATEST_QUERY "queries/select_fx_latest.sql"

/* The latest stored quote's date on or before date, or INT32_MIN. */
static int
latest_stored(struct st_db *db, int32_t date, int32_t *latest,
              struct st_err *err)
{
    static const char *const names[1] = {"latest"};
    char d[ST_DATE_LEN + 1];
    const char *params[1] = {d};
    PGresult *res = NULL;
    const char *v;
    int col[1];
    int rc;

    *latest = INT32_MIN;
    st_date_format(date, d);
    if ((rc = st_db_query(db, LATEST_QUERY, 1, params, &res, err)) != 0 ||
        (rc = st_db_columns(res, names, col, 1, LATEST_QUERY, err)) != 0)
        goto out;
    v = PQntuples(res) == 1 ? st_db_text_or_null(res, 0, col[0]) : NULL;
    if (v != NULL)
        rc = st_date_parse(v, strlen(v), latest, err);
out:
    PQclear(res);
    return rc;
}

/* Logs what a fetch stored. */
static void
log_stored(struct st_log *log, int32_t from, int32_t to,
           const struct st_rates_stats *st)
{
    char d1[ST_DATE_LEN + 1];
    char d2[ST_DATE_LEN + 1];
    struct st_log_field f[2] = {
        {"quotes", NULL, st->quotes},
        {"inserted", NULL, st->inserted},
    };

    st_date_format(from, d1);
    st_date_format(to, d2);
    st_log_fields(log, ST_LOG_INFO, "fx", f, 2,
                  "ECB rates %s..%s: %ld quotes, %ld new", d1, d2, st->quotes,
                  st->inserted);
}

int
st_ecb_ensure(struct st_db *db, const struct st_config *cfg, int32_t date,
              const struct st_ecb_opts *opts, struct st_log *log,
              struct st_err *err)
{
    struct st_problems *probs = NULL;
    struct st_rates_stats stats;
    int32_t oldest = date - (int32_t)cfg->fx_max_age_days;
    int32_t latest;
    int32_t from;
    int rc;

    if (cfg->reporting_currency == NULL || cfg->reporting_currency[0] == '\0')
        return 0;
    if ((rc = latest_stored(db, date, &latest, err)) != 0 || latest == date)
        return rc;
    from = latest >= oldest ? latest + 1 : oldest;
    probs = st_malloc(sizeof(*probs));
    if (probs == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    st_problems_init(probs);
    rc = st_ecb_fetch(db, cfg, from, date, opts, log, probs, &stats, err);
    if (rc == ST_ERR_DATA)
        st_problems_log(probs, log, "fx");
    if (rc == 0)
        log_stored(log, from, date, &stats);
    else if (latest >= oldest && rc != ST_ERR_DATA) {
        st_log_msg(log, ST_LOG_WARN, "fx",
                   "%s; normalizing with the stored quotes", err->msg);
        st_err_clear(err);
        rc = 0;
    }
    st_free(probs);
    return rc;
}

/* Counts the quotes of an answer and keeps the latest date. */
struct probe {
    long quotes;
    int32_t latest;
};

static int
probe_quote(void *ctx, const struct st_fx_quote *q, struct st_err *err)
{
    struct probe *p = ctx;

    (void)err;
    p->quotes++;
    if (q->date > p->latest)
        p->latest = q->date;
    return 0;
}

int
st_ecb_probe(const struct st_config *cfg, int32_t today,
             const struct st_ecb_opts *opts, long *quotes, int32_t *latest,
             struct st_err *err)
{
    struct probe p = {0, 0};
    struct st_problems *probs = st_malloc(sizeof(struct st_problems));
    struct st_fx_csv *r = NULL;
    struct st_buf body;
    int rc;

    if (probs == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    st_problems_init(probs);
    st_buf_init(&body, ECB_MAX_BODY);
    if ((rc = st_ecb_get(cfg, today - 9, today, opts, NULL, &body, err)) == 0 &&
        (rc = st_fx_csv_new("ECB answer", probe_quote, &p, probs, &r, err)) ==
            0 &&
        (rc = st_fx_csv_feed(r, body.data != NULL ? body.data : "", body.len,
                             err)) == 0 &&
        (rc = st_fx_csv_finish(r, 1, err)) == 0 && probs->nkept > 0) {
        char line[ST_LOCATION_MAX + 256];

        rc = st_err_set(err, ST_ERR_DATA, "%s",
                        st_problem_format(&probs->kept[0], line, sizeof(line)));
    }
    *quotes = p.quotes;
    *latest = p.latest;
    st_fx_csv_free(r);
    st_buf_release(&body);
    st_free(probs);
    return rc;
}
