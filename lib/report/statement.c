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
#include "report/outputs.h"
#include "report/statement.h"
#include "core/banned.h"

struct ctx {
    struct st_outputs w;
    char date[ST_DATE_LEN + 1];
    const char *params[3]; /* seller_id, date, date (a range of one) */
};

/* Reads the summary, inside the report's read-only transaction. */
static int
load(struct ctx *c)
{
    struct st_outputs *w = &c->w;
    int rc;

    if ((rc = st_db_query(w->db, "queries/set_report_session.sql", 0, NULL,
                          NULL, w->err)) != 0 ||
        (rc = st_summary_load(w->db, w->o->seller_id, c->date, &w->sum,
                              w->err)) != 0)
        return rc;
    if (w->sum.nccy == 0)
        st_log_msg(w->o->log, ST_LOG_WARN, "report",
                   "no settlement lines for seller '%s' on %s: writing "
                   "empty statements",
                   w->o->seller_id, c->date);
    return 0;
}

/* Every sheet and CSV file, in the workbook's order, the workbook closed,
 * then the journal. */
static int
write_outputs(struct ctx *c)
{
    struct st_outputs *w = &c->w;
    char title[160];
    int rc;

    if (snprintf(title, sizeof(title), "Settlement statement %s %s",
                 w->o->seller_id, c->date) < 0)
        title[0] = '\0';
    if ((rc = st_outputs_open_workbook(w, title)) != 0 ||
        (rc = st_rows_summary(&w->rows)) != 0 ||
        (rc = st_rows_settlements(&w->rows, c->params)) != 0 ||
        (rc = st_rows_lines(&w->rows, c->params)) != 0 ||
        (rc = st_rows_exceptions(&w->rows, c->params)) != 0 ||
        (rc = st_rows_open_items(&w->rows, c->params)) != 0 ||
        (rc = st_outputs_disputes(w, 0)) != 0 ||
        (rc = st_outputs_close_workbook(w)) != 0)
        return rc;
    return st_outputs_journal(w, c->params);
}

/* Inside the read-only transaction: the sums, every output, the manifest. */
static int
build(void *arg)
{
    struct ctx *c = arg;
    struct st_manifest_in in;
    int rc;

    if ((rc = load(c)) != 0 || (rc = write_outputs(c)) != 0)
        return rc;
    st_outputs_manifest_in(&c->w, &in);
    return st_manifest_write(c->w.db, &in, c->w.err);
}

int
st_statement_write(struct st_db *db, const struct st_statement_opts *o,
                   struct st_statement_result *res, struct st_err *err)
{
    struct ctx c;
    int rc;

    memset(res, 0, sizeof(*res));
    memset(&c, 0, sizeof(c));
    st_outputs_init(&c.w, db, o, err);
    st_date_format(o->date, c.date);
    c.params[0] = o->seller_id;
    c.params[1] = c.date;
    c.params[2] = c.date;
    if ((rc = st_publish_prepare(&c.w.pub, o->out_dir, o->seller_id, c.date,
                                 err)) == 0)
        rc = st_outputs_publish(&c.w, build, &c, res);
    st_outputs_release(&c.w);
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
