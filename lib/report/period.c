/*
 * period.c: the period statement (report/period.h): the order of its
 * steps, as statement.c is for a date, and the days it is built from.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "core/hash.h"
#include "core/path.h"
#include "io/dbvalue.h"
#include "report/manifest.h"
#include "report/period.h"
#include "report/publish.h"
#include "report/rows.h"
#include "report/summary.h"
#include "core/banned.h"

#define DATES_QUERY "queries/select_period_dates.sql"

/* The dates a refusal names before "and N more". */
#define NAMED_DATES 10

struct ctx {
    const struct st_statement_opts *o;
    struct st_db *db;
    struct st_err *err;
    char from[ST_DATE_LEN + 1];
    char to[ST_DATE_LEN + 1];
    const char *range[3]; /* seller_id, from, to */
    struct st_summary sum;
    struct st_publish pub;
    struct st_rows rows;
    struct st_dispute_counts dc;
    json_t *days;
    char xlsx_path[ST_PATH_MAX];
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
    const char *root = c->o->cfg != NULL ? c->o->cfg->out_dir : c->o->out_dir;
    char seller[ST_PATH_MAX];
    char dir[ST_PATH_MAX];
    char path[ST_PATH_MAX];
    char rel[64];
    char hex[ST_SHA256_HEX_LEN + 1];
    uint64_t bytes = 0;
    int rc;

    *out = NULL;
    if ((rc = st_path_join(seller, sizeof(seller), root, c->o->seller_id,
                           c->err)) != 0 ||
        (rc = st_path_join(dir, sizeof(dir), seller, date, c->err)) != 0 ||
        (rc = st_path_join(path, sizeof(path), dir, "manifest.json", c->err)) !=
            0)
        return rc;
    rc = st_sha256_file(path, hex, &bytes, c->err);
    if (rc == ST_ERR_NOINPUT) { /* a date reconciled, not reported */
        st_err_clear(c->err);
        *out = json_null();
        return 0;
    }
    if (rc != 0)
        return rc;
    (void)snprintf(rel, sizeof(rel), "../../%s/manifest.json", date);
    *out = json_pack("{s:s, s:s, s:I}", "path", rel, "sha256", hex, "bytes",
                     (json_int_t)bytes);
    return *out == NULL ? st_err_set(c->err, ST_ERR_NOMEM, "out of memory") : 0;
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
        return st_err_set(c->err, ST_ERR_NOMEM, "out of memory");
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
        return st_err_set(c->err, ST_ERR_NOMEM, "out of memory");
    st_buf_init(&bad, 4096);
    rc = st_db_query(c->db, DATES_QUERY, 3, c->range, &res, c->err);
    for (r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = add_day(c, res, r, &bad, &nbad);
    if (rc == 0 && nbad > 0) {
        if (nbad > NAMED_DATES)
            st_buf_addf(&bad, " and %d more", nbad - NAMED_DATES);
        rc = st_err_set(c->err, ST_ERR_NOINPUT,
                        "the period %s..%s has %d date%s not reconciled: %s",
                        c->from, c->to, nbad, nbad == 1 ? "" : "s",
                        st_buf_error(&bad) == 0 ? bad.data : "");
        st_err_hint(c->err, "run them first: settle run --from %s --to %s",
                    c->from, c->to);
    }
    PQclear(res);
    st_buf_release(&bad);
    return rc;
}

/* ---------------------------------------------------------------- outputs */

static int
open_workbook(struct ctx *c)
{
    char title[160];

    if (snprintf(title, sizeof(title), "Period statement %s %s..%s",
                 c->o->seller_id, c->from, c->to) < 0)
        title[0] = '\0';
    return st_xlsx_open(c->xlsx_path, c->o->date, title, c->o->xlsx_max_rows,
                        &c->rows.x, c->err);
}

/* Every sheet and CSV file, in the workbook's order; the workbook closed. */
static int
write_outputs(struct ctx *c)
{
    struct st_dispute_query q;
    int rc;

    memset(&q, 0, sizeof(q));
    q.seller_id = c->o->seller_id;
    q.date = c->o->date;
    q.as_of = c->sum.have_cutoff ? c->sum.cutoff_ts : NULL;
    q.open_only = 1;
    q.lookback_days = c->o->cfg != NULL ? c->o->cfg->lookback_days : 120;
    c->rows.db = c->db;
    c->rows.templates = c->o->templates;
    c->rows.sum = &c->sum;
    c->rows.pub = &c->pub;
    c->rows.log = c->o->log;
    c->rows.err = c->err;
    if ((rc = st_publish_add(&c->pub, "statement.xlsx", c->xlsx_path,
                             sizeof(c->xlsx_path), c->err)) != 0 ||
        (rc = open_workbook(c)) != 0 || (rc = st_rows_summary(&c->rows)) != 0 ||
        (rc = st_rows_days(&c->rows, c->range)) != 0 ||
        (rc = st_rows_settlements(&c->rows, c->range)) != 0 ||
        (rc = st_rows_period_exceptions(&c->rows, c->range)) != 0 ||
        (rc = st_rows_disputes(&c->rows, &q, &c->dc)) != 0)
        return rc;
    rc = st_xlsx_close(c->rows.x, c->err);
    c->rows.x = NULL;
    if (rc != 0)
        return rc;
    return st_fsync_path(c->xlsx_path, c->err);
}

static int
write_manifest(struct ctx *c)
{
    struct st_manifest_in in;
    uint64_t lines = 0;
    size_t i;

    for (i = 0; i < c->sum.nccy; i++)
        lines += (uint64_t)c->sum.ccys[i].total.lines;
    memset(&in, 0, sizeof(in));
    in.seller_id = c->o->seller_id;
    in.sum = &c->sum;
    in.cfg = c->o->cfg;
    in.templates = c->o->templates;
    in.pub = &c->pub;
    in.lines = lines;
    in.exceptions = c->rows.exceptions;
    in.settlements = c->rows.settlements;
    in.disputes = &c->dc;
    in.period_from = c->from;
    in.days = c->days;
    return st_manifest_write(c->db, &in, c->err);
}

static void
fill_result(const struct ctx *c, struct st_statement_result *res)
{
    if (snprintf(res->dir, sizeof(res->dir), "%s", c->pub.final) < 0)
        res->dir[0] = '\0';
    res->lines = c->sum.total_lines;
    res->currencies = c->sum.nccy;
    res->exceptions = c->rows.exceptions;
    res->disputes = c->dc.cases;
    res->open_disputes = c->dc.open;
    res->overdue_disputes = c->dc.overdue;
}

/* Inside the read-only transaction: the days, the sums, every output. */
static int
build(struct ctx *c)
{
    int rc;

    if ((rc = st_db_query(c->db, "queries/set_report_session.sql", 0, NULL,
                          NULL, c->err)) != 0 ||
        (rc = load_days(c)) != 0 ||
        (rc = st_summary_load_period(c->db, c->o->seller_id, c->from, c->to,
                                     &c->sum, c->err)) != 0 ||
        (rc = write_outputs(c)) != 0)
        return rc;
    return write_manifest(c);
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
    c.o = o;
    c.db = db;
    c.err = err;
    st_date_format(from, c.from);
    st_date_format(o->date, c.to);
    c.range[0] = o->seller_id;
    c.range[1] = c.from;
    c.range[2] = c.to;
    st_publish_init(&c.pub);
    if (from > o->date) {
        rc = st_err_set(err, ST_ERR_USAGE,
                        "the period %s..%s ends before it "
                        "starts",
                        c.from, c.to);
        goto out;
    }
    if ((rc = st_publish_prepare_period(&c.pub, o->out_dir, o->seller_id,
                                        c.from, c.to, err)) != 0 ||
        (rc = st_db_begin_read(db, err)) != 0)
        goto out;
    rc = build(&c);
    st_db_rollback(db); /* read only: nothing to keep */
    if (rc == 0 && (rc = st_publish_commit(&c.pub, err)) == 0)
        fill_result(&c, res);
out:
    st_rows_release(&c.rows);
    st_xlsx_free(c.rows.x);
    st_publish_release(&c.pub);
    st_summary_release(&c.sum);
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
