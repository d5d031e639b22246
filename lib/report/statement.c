/*
 * statement.c: the report stage, from the database to a published
 * directory of statements: the order of the steps, not their work.
 *
 * The order is fixed by the workbook: libxlsxwriter's constant_memory
 * mode writes sheets in the order they are added, so the Summary
 * (report/summary, computed first by one GROUP BY) comes first, then the
 * currency sheets as the sorted lines stream past, then Exceptions and
 * Disputes (report/rows). The outputs go to a temporary directory
 * (report/publish), then the manifest that hashes them (report/manifest),
 * and only then is the directory renamed into place.
 */
#include <stdio.h>
#include <string.h>

#include "core/path.h"
#include "core/fsutil.h"
#include "report/manifest.h"
#include "report/publish.h"
#include "report/rows.h"
#include "report/statement.h"
#include "report/summary.h"
#include "core/banned.h"

struct ctx {
    const struct st_statement_opts *o;
    struct st_db *db;
    struct st_err *err;
    char date[ST_DATE_LEN + 1];
    const char *params[3]; /* seller_id, date, date (a range of one) */
    struct st_summary sum;
    struct st_publish pub;
    struct st_rows rows;
    struct st_dispute_counts dc;
    char xlsx_path[ST_PATH_MAX];
};

/* Reads the summary, inside the report's read-only transaction. */
static int
load(struct ctx *c)
{
    int rc;

    if ((rc = st_db_query(c->db, "queries/set_report_session.sql", 0, NULL,
                          NULL, c->err)) != 0 ||
        (rc = st_summary_load(c->db, c->o->seller_id, c->date, &c->sum,
                              c->err)) != 0)
        return rc;
    if (c->sum.nccy == 0)
        st_log_msg(c->o->log, ST_LOG_WARN, "report",
                   "no settlement lines for seller '%s' on %s: writing "
                   "empty statements",
                   c->o->seller_id, c->date);
    return 0;
}

static int
open_workbook(struct ctx *c)
{
    char title[160];

    if (snprintf(title, sizeof(title), "Settlement statement %s %s",
                 c->o->seller_id, c->date) < 0)
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
    q.open_only = 0;
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
        (rc = st_rows_settlements(&c->rows, c->params)) != 0 ||
        (rc = st_rows_lines(&c->rows, c->params)) != 0 ||
        (rc = st_rows_exceptions(&c->rows, c->params)) != 0 ||
        (rc = st_rows_open_items(&c->rows, c->params)) != 0 ||
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

    memset(&in, 0, sizeof(in));
    in.seller_id = c->o->seller_id;
    in.sum = &c->sum;
    in.cfg = c->o->cfg;
    in.templates = c->o->templates;
    in.pub = &c->pub;
    in.lines = c->rows.lines;
    in.exceptions = c->rows.exceptions;
    in.open_items = c->rows.open_items;
    in.settlements = c->rows.settlements;
    in.disputes = &c->dc;
    return st_manifest_write(c->db, &in, c->err);
}

static void
fill_result(const struct ctx *c, struct st_statement_result *res)
{
    if (snprintf(res->dir, sizeof(res->dir), "%s", c->pub.final) < 0)
        res->dir[0] = '\0';
    res->lines = c->rows.lines;
    res->currencies = c->sum.nccy;
    res->exceptions = c->rows.exceptions;
    res->disputes = c->dc.cases;
    res->open_disputes = c->dc.open;
    res->overdue_disputes = c->dc.overdue;
}

int
st_statement_write(struct st_db *db, const struct st_statement_opts *o,
                   struct st_statement_result *res, struct st_err *err)
{
    struct ctx c;
    int in_tx = 0;
    int rc;

    memset(res, 0, sizeof(*res));
    memset(&c, 0, sizeof(c));
    c.o = o;
    c.db = db;
    c.err = err;
    st_date_format(o->date, c.date);
    c.params[0] = o->seller_id;
    c.params[1] = c.date;
    c.params[2] = c.date;
    st_publish_init(&c.pub);

    if ((rc = st_publish_prepare(&c.pub, o->out_dir, o->seller_id, c.date,
                                 err)) != 0 ||
        (rc = st_db_begin_read(db, err)) != 0)
        goto out;
    in_tx = 1;
    if ((rc = load(&c)) != 0 || (rc = write_outputs(&c)) != 0 ||
        (rc = write_manifest(&c)) != 0)
        goto out;
    st_db_rollback(db); /* read only: nothing to keep */
    in_tx = 0;
    if ((rc = st_publish_commit(&c.pub, err)) != 0)
        goto out;
    fill_result(&c, res);
    rc = 0;
out:
    if (in_tx)
        st_db_rollback(db);
    st_rows_release(&c.rows);
    st_xlsx_free(c.rows.x);
    st_publish_release(&c.pub);
    st_summary_release(&c.sum);
    return rc;
}

void
st_statement_opts_init(struct st_statement_opts *o, const struct st_config *cfg,
                       const struct st_template_set *set, int32_t date,
                       const char *out_dir, struct st_log *log)
{
    memset(o, 0, sizeof(*o));
    o->seller_id = cfg->seller_id;
    o->date = date;
    o->out_dir = out_dir != NULL ? out_dir : cfg->out_dir;
    o->templates = set;
    o->cfg = cfg;
    o->log = log;
}

int
st_statement_load_templates(const struct st_config *cfg,
                            struct st_template_set *set, struct st_err *err)
{
    char dir[ST_PATH_MAX];
    char builtin[ST_PATH_MAX];
    int own;
    int rc;

    memset(set, 0, sizeof(*set));
    if ((rc = st_config_require_seller(cfg, err)) != 0 ||
        (rc = st_template_dir(cfg->template_dir, dir, sizeof(dir), err)) != 0)
        return rc;
    own = cfg->template_dir != NULL && cfg->template_dir[0] != '\0';
    if (own && st_template_dir(NULL, builtin, sizeof(builtin), NULL) != 0)
        own = 0; /* no built-in set to fall back on: all must be there */
    return st_template_set_load(dir, own ? builtin : NULL, set, err);
}

int
st_statement_run(struct st_db *db, const struct st_config *cfg, int32_t date,
                 const char *out_dir, struct st_log *log,
                 struct st_statement_result *res, struct st_err *err)
{
    struct st_template_set set;
    struct st_statement_opts so;
    int rc;

    memset(res, 0, sizeof(*res));
    if ((rc = st_statement_load_templates(cfg, &set, err)) == 0) {
        st_statement_opts_init(&so, cfg, &set, date, out_dir, log);
        rc = st_statement_write(db, &so, res, err);
    }
    st_template_set_release(&set);
    return rc;
}
