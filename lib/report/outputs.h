/*
 * outputs.h: what a date's statements (report/statement) and a period
 * statement (report/period) share: one set of outputs being written into
 * its temporary directory, the workbook beside the CSV files, and the way
 * the set is built in one read-only transaction and then published.
 *
 * The caller prepares w->pub (st_publish_prepare or _prepare_period),
 * then st_outputs_publish runs its build callback inside the transaction:
 * the callback loads w->sum, opens the workbook, writes the sheets
 * through w->rows and the manifest. On success the directory is renamed
 * into place and *res filled.
 */
#ifndef ST_OUTPUTS_H
#define ST_OUTPUTS_H

#include "core/err.h"
#include "core/path.h"
#include "io/db.h"
#include "report/dispute.h"
#include "report/manifest.h"
#include "report/publish.h"
#include "report/rows.h"
#include "report/statement.h"
#include "report/summary.h"

struct st_outputs {
    const struct st_statement_opts *o;
    struct st_db *db;
    struct st_err *err;
    struct st_summary sum;
    struct st_publish pub;
    struct st_rows rows;
    struct st_dispute_counts dc;
    char xlsx_path[ST_PATH_MAX];
};

/* Zeroes w for o on db; err gets every error. */
void st_outputs_init(struct st_outputs *w, struct st_db *db,
                     const struct st_statement_opts *o, struct st_err *err);

/* Adds statement.xlsx to the outputs, opens it titled title, and readies
 * w->rows for the sheets. */
int st_outputs_open_workbook(struct st_outputs *w, const char *title);

/* The Disputes sheet and disputes.csv as of the summary's cutoff: every
 * case of the date (open_only 0), or only the open ones. */
int st_outputs_disputes(struct st_outputs *w, int open_only);

/*
 * journal.csv of the settlements recorded on the dates of range
 * (seller_id, first date, last date), in the configured reporting
 * currency (report/journal).
 */
int st_outputs_journal(struct st_outputs *w, const char *const *range);

/* Closes the workbook and syncs it. */
int st_outputs_close_workbook(struct st_outputs *w);

/* Fills the fields of in that every manifest has, from w. */
void st_outputs_manifest_in(const struct st_outputs *w,
                            struct st_manifest_in *in);

/*
 * In one read-only transaction, build(arg); then publishes w->pub and
 * fills res (its lines: w->sum's). Returns build's error, or publish's.
 */
int st_outputs_publish(struct st_outputs *w, int (*build)(void *arg), void *arg,
                       struct st_statement_result *res);

/* Frees what w holds; accepts an initialised w after any error. */
void st_outputs_release(struct st_outputs *w);

#endif
