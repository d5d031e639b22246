/*
 * outputs.c: one set of outputs written and published
 * (report/outputs.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/fsutil.h"
#include "report/journal.h"
#include "report/outputs.h"
#include "core/banned.h"

void
st_outputs_init(struct st_outputs *w, struct st_db *db,
                const struct st_statement_opts *o, struct st_err *err)
{
    memset(w, 0, sizeof(*w));
    w->o = o;
    w->db = db;
    w->err = err;
    st_publish_init(&w->pub);
}

int
st_outputs_open_workbook(struct st_outputs *w, const char *title)
{
    int rc;

    w->rows.db = w->db;
    w->rows.templates = w->o->templates;
    w->rows.sum = &w->sum;
    w->rows.pub = &w->pub;
    w->rows.log = w->o->log;
    w->rows.err = w->err;
    if ((rc = st_publish_add(&w->pub, "statement.xlsx", w->xlsx_path,
                             sizeof(w->xlsx_path), w->err)) != 0)
        return rc;
    return st_xlsx_open(w->xlsx_path, w->o->date, title, w->o->xlsx_max_rows,
                        &w->rows.x, w->err);
}

int
st_outputs_disputes(struct st_outputs *w, int open_only)
{
    struct st_dispute_query q;

    memset(&q, 0, sizeof(q));
    q.seller_id = w->o->seller_id;
    q.date = w->o->date;
    q.as_of = w->sum.have_cutoff ? w->sum.cutoff_ts : NULL;
    q.open_only = open_only;
    q.lookback_days = w->o->cfg != NULL ? w->o->cfg->lookback_days : 120;
    return st_rows_disputes(&w->rows, &q, &w->dc);
}

int
st_outputs_journal(struct st_outputs *w, const char *const *range)
{
    struct st_journal_opts jo;

    memset(&jo, 0, sizeof(jo));
    if (w->o->cfg != NULL) {
        jo.reporting = w->o->cfg->reporting_currency;
        jo.fx_max_age_days = (int)w->o->cfg->fx_max_age_days;
    }
    return st_journal_write(&w->rows, range, &jo);
}

int
st_outputs_close_workbook(struct st_outputs *w)
{
    int rc = st_xlsx_close(w->rows.x, w->err);

    w->rows.x = NULL;
    if (rc != 0)
        return rc;
    return st_fsync_path(w->xlsx_path, w->err);
}

void
st_outputs_manifest_in(const struct st_outputs *w, struct st_manifest_in *in)
{
    memset(in, 0, sizeof(*in));
    in->seller_id = w->o->seller_id;
    in->sum = &w->sum;
    in->cfg = w->o->cfg;
    in->templates = w->o->templates;
    in->pub = &w->pub;
    in->lines = w->sum.total_lines;
    in->exceptions = w->rows.exceptions;
    in->open_items = w->rows.open_items;
    in->settlements = w->rows.settlements;
    in->disputes = &w->dc;
}

static void
fill_result(const struct st_outputs *w, struct st_statement_result *res)
{
    if (snprintf(res->dir, sizeof(res->dir), "%s", w->pub.final) < 0)
        res->dir[0] = '\0';
    res->lines = w->sum.total_lines;
    res->currencies = w->sum.nccy;
    res->exceptions = w->rows.exceptions;
    res->disputes = w->dc.cases;
    res->open_disputes = w->dc.open;
    res->overdue_disputes = w->dc.overdue;
}

int
st_outputs_publish(struct st_outputs *w, int (*build)(void *arg), void *arg,
                   struct st_statement_result *res)
{
    int rc;

    if ((rc = st_db_begin_read(w->db, w->err)) != 0)
        return rc;
    rc = build(arg);
    st_db_rollback(w->db); /* read only: nothing to keep */
    if (rc == 0 && (rc = st_publish_commit(&w->pub, w->err)) == 0)
        fill_result(w, res);
    return rc;
}

void
st_outputs_release(struct st_outputs *w)
{
    st_rows_release(&w->rows);
    st_xlsx_free(w->rows.x);
    w->rows.x = NULL;
    st_publish_release(&w->pub);
    st_summary_release(&w->sum);
}
