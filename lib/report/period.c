/*
 * period.c: the period statement (report/period.h): the order of its
 * steps, as statement.c is for a date, and the days it is built from.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/hash.h"
#include "core/path.h"
#include "io/dbvalue.h"
#include "report/outputs.h"
#include "report/period.h"
#include "core/banned.h"

#define DATES_QUERY "queries/select_period_dates.sql"

/* The dates a refusal names before "and N more". */
#define NAMED_DATES 10

struct ctx {
    struct st_outputs w;
    char from[ST_DATE_LEN + 1];
    char to[ST_DATE_LEN + 1];
    const char *range[3]; /* seller_id, from, to */
    json_t *days;
};

/* ---------------------------------------------------------------- days */

/*
 * {path, sha256, bytes} of date's own manifest.json in the configured
 * out_dir (path relative to the period's directory), or JSON null when the
 * date has none.
 */
static int
day_manifest(struct ctx *c, const char *date, json_t **out)
{
    const char *root =
        c->w.o->cfg != NULL ? c->w.o->cfg->out_dir : c->w.o->out_dir;
    char seller[ST_PATH_MAX];
    char dir[ST_PATH_MAX];
    char path[ST_PATH_MAX];
    char rel[64];
    char hex[ST_SHA256_HEX_LEN + 1];
    uint64_t bytes = 0;
    int rc;

    *out = NULL;
    if ((rc = st_path_join(seller, sizeof(seller), root, c->w.o->seller_id,
                           c->w.err)) != 0 ||
        (rc = st_path_join(dir, sizeof(dir), seller, date, c->w.err)) != 0 ||
        (rc = st_path_join(path, sizeof(path), dir, "manifest.json",
                           c->w.err)) != 0)
        return rc;
    rc = st_sha256_file(path, hex, &bytes, c->w.err);
    if (rc == ST_ERR_NOINPUT) { /* a date reconciled, not reported */
        st_err_clear(c->w.err);
        *out = json_null();
        return 0;
    }
    if (rc != 0)
        return rc;
    (void)snprintf(rel, sizeof(rel), "../../%s/manifest.json", date);
    *out = json_pack("{s:s, s:s, s:I}", "path", rel, "sha256", hex, "bytes",
                     (json_int_t)bytes);
    return *out == NULL ? st_err_set(c->w.err, ST_ERR_NOMEM, "out of memory")
                        : 0;
}

/* Row r of the dates query into c->days; a date not reconciled into bad. */
static int
add_day(struct ctx *c, const PGresult *res, int r, struct st_buf *bad,
        int *nbad)
{
    const char *date = st_db_text(res, r, 0);
    const char *status = st_db_text_or_null(res, r, 1);
    json_t *m = NULL;
    int rc;

    if (status == NULL || (strcmp(status, "reconciled") != 0 &&
                           strcmp(status, "reported") != 0)) {
        if (++*nbad <= NAMED_DATES)
            st_buf_addf(bad, "%s%s (%s)", *nbad > 1 ? ", " : "", date,
                        status != NULL ? status : "never run");
        return 0;
    }
    if ((rc = day_manifest(c, date, &m)) != 0)
        return rc;
    if (json_array_append_new(c->days,
                              json_pack("{s:s, s:s, s:s?, s:o}", "date", date,
                                        "status", status, "ledger_cutoff",
                                        st_db_text_or_null(res, r, 2),
                                        "manifest", m)) != 0)
        return st_err_set(c->w.err, ST_ERR_NOMEM, "out of memory");
    return 0;
}

/* Every date of the period, reconciled, into c->days; else NOINPUT. */
static int
load_days(struct ctx *c)
{
    struct st_buf bad;
    PGresult *res = NULL;
    int nbad = 0;
    int rc;
    int r;

    if ((c->days = json_array()) == NULL)
        return st_err_set(c->w.err, ST_ERR_NOMEM, "out of memory");
    st_buf_init(&bad, 4096);
    rc = st_db_query(c->w.db, DATES_QUERY, 3, c->range, &res, c->w.err);
    for (r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = add_day(c, res, r, &bad, &nbad);
    if (rc == 0 && nbad > 0) {
        if (nbad > NAMED_DATES)
            st_buf_addf(&bad, " and %d more", nbad - NAMED_DATES);
        rc = st_err_set(c->w.err, ST_ERR_NOINPUT,
                        "the period %s..%s has %d date%s not reconciled: %s",
                        c->from, c->to, nbad, nbad == 1 ? "" : "s",
                        st_buf_error(&bad) == 0 ? bad.data : "");
        st_err_hint(c->w.err, "run them first: settle run --from %s --to %s",
                    c->from, c->to);
    }
    PQclear(res);
    st_buf_release(&bad);
    return rc;
}

/* ---------------------------------------------------------------- outputs */

/* Every sheet and CSV file, in the workbook's order, the workbook closed,
 * then the journal. */
static int
write_outputs(struct ctx *c)
{
    struct st_outputs *w = &c->w;
    char title[160];
    int rc;

    if (snprintf(title, sizeof(title), "Period statement %s %s..%s",
                 c->w.o->seller_id, c->from, c->to) < 0)
        title[0] = '\0';
    if ((rc = st_outputs_open_workbook(w, title)) != 0 ||
        (rc = st_rows_summary(&w->rows)) != 0 ||
        (rc = st_rows_days(&w->rows, c->range)) != 0 ||
        (rc = st_rows_settlements(&w->rows, c->range)) != 0 ||
        (rc = st_rows_period_exceptions(&w->rows, c->range)) != 0 ||
        (rc = st_outputs_disputes(w, 1)) != 0 ||
        (rc = st_outputs_close_workbook(w)) != 0)
        return rc;
    return st_outputs_journal(w, c->range);
}

/* Inside the read-only transaction: the days, the sums, every output. */
static int
build(void *arg)
{
    struct ctx *c = arg;
    struct st_manifest_in in;
    int rc;

    if ((rc = st_db_query(c->w.db, "queries/set_report_session.sql", 0, NULL,
                          NULL, c->w.err)) != 0 ||
        (rc = load_days(c)) != 0 ||
        (rc = st_summary_load_period(c->w.db, c->w.o->seller_id, c->from, c->to,
                                     &c->w.sum, c->w.err)) != 0 ||
        (rc = write_outputs(c)) != 0)
        return rc;
    st_outputs_manifest_in(&c->w, &in);
    in.period_from = c->from;
    in.days = c->days;
    return st_manifest_write(c->w.db, &in, c->w.err);
}

int
st_period_write(struct st_db *db, const struct st_statement_opts *o,
                int32_t from, struct st_statement_result *res,
                struct st_err *err)
{
    struct ctx c;
    int rc;

    memset(res, 0, sizeof(*res));
    memset(&c, 0, sizeof(c));
    st_outputs_init(&c.w, db, o, err);
    st_date_format(from, c.from);
    st_date_format(o->date, c.to);
    c.range[0] = o->seller_id;
    c.range[1] = c.from;
    c.range[2] = c.to;
    if (from > o->date)
        rc =
            st_err_set(err, ST_ERR_USAGE,
                       "the period %s..%s ends before it starts", c.from, c.to);
    else if ((rc = st_publish_prepare_period(&c.w.pub, o->out_dir, o->seller_id,
                                             c.from, c.to, err)) == 0)
        rc = st_outputs_publish(&c.w, build, &c, res);
    st_outputs_release(&c.w);
    json_decref(c.days);
    return rc;
}

int
st_period_run(struct st_db *db, const struct st_config *cfg, int32_t from,
              int32_t to, const char *out_dir, struct st_log *log,
              struct st_statement_result *res, struct st_err *err)
{
    struct st_template_set set;
    struct st_statement_opts so;
    int rc;

    memset(res, 0, sizeof(*res));
    if ((rc = st_statement_load_templates(cfg, &set, err)) == 0) {
        st_statement_opts_init(&so, cfg, &set, to, out_dir, log);
        rc = st_period_write(db, &so, from, res, err);
    }
    st_template_set_release(&set);
    return rc;
}
