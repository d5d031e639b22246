/*
 * rows.h: the rows of a date's statements, each written to its CSV file
 * and to its workbook sheet at once, through the output's template.
 *
 * Sheets come in the order libxlsxwriter's constant_memory mode needs:
 * the caller calls st_rows_summary, st_rows_settlements, st_rows_lines,
 * st_rows_exceptions, st_rows_open_items and st_rows_disputes in that order,
 * each opening its CSV file (recorded as an output of the report/publish
 * directory) and its sheet, and closing both. The lines stream a row at a time,
 * a currency sheet and statement-<CCY>.csv per currency; their sums are kept
 * per currency and compared with the Summary at each currency's end (the tie:
 * README "Statements and output columns"), so a report whose lines do not add
 * up is ST_ERR_INTERNAL and is never published.
 */
#ifndef ST_ROWS_H
#define ST_ROWS_H

#include <stdint.h>

#include "core/err.h"
#include "core/log.h"
#include "io/csvout.h"
#include "io/db.h"
#include "io/xlsx.h"
#include "report/dispute.h"
#include "report/publish.h"
#include "report/summary.h"
#include "report/template.h"

/*
 * The writer of one report. The caller sets the borrowed fields before
 * the first call and zeroes the rest; st_rows_release closes a CSV file
 * left open by an error.
 */
struct st_rows {
    struct st_db *db;
    const struct st_template_set *templates;
    struct st_summary *sum; /* the tie is kept in its currencies */
    struct st_publish *pub; /* where the CSV files go */
    struct st_xlsx *x;      /* the workbook, open */
    struct st_log *log;     /* progress; may be NULL */
    struct st_err *err;
    /* counted while writing */
    uint64_t lines;
    uint64_t exceptions;
    uint64_t open_items;
    uint64_t settlements;
    uint64_t journals;
    uint64_t journal_lines;
    /* private */
    struct st_csvout csv;
    struct st_summary_ccy *cur; /* currency whose lines are streaming */
    char rep_cache[4];
    int rep_cache_exp;
    int line_cols[ST_TEMPLATE_FIELDS_MAX + 1];
    int have_line_cols;
};

/*
 * Opens the CSV file name of the temporary directory as w's current CSV,
 * with t's header (for an output without a sheet; st_csvout_close of
 * &w->csv closes it).
 */
int st_rows_open_csv(struct st_rows *w, const char *name,
                     const struct st_template *t);

/* The Summary sheet and summary.csv, from w->sum. */
int st_rows_summary(struct st_rows *w);

/*
 * The lines of params (seller_id, date) per currency, then the tie of
 * every currency of the Summary.
 */
int st_rows_lines(struct st_rows *w, const char *const *params);

/* The Exceptions sheet and exceptions.csv of range (seller_id, the date
 * twice); counts w->exceptions. */
int st_rows_exceptions(struct st_rows *w, const char *const *range);

/* The Open items sheet and open-items.csv; counts w->open_items. */
int st_rows_open_items(struct st_rows *w, const char *const *params);

/*
 * The Settlements sheet and settlements.csv of range (seller_id, first
 * date, last date; a date's report gives its date twice); counts
 * w->settlements.
 */
int st_rows_settlements(struct st_rows *w, const char *const *range);

/* A period statement's Days sheet and days.csv, of range as above. */
int st_rows_days(struct st_rows *w, const char *const *range);

/*
 * A period statement's Open exceptions sheet and exceptions.csv: what is
 * still open at the end of range; counts w->exceptions.
 */
int st_rows_period_exceptions(struct st_rows *w, const char *const *range);

/* The Disputes sheet and disputes.csv of q, counted into *counts. */
int st_rows_disputes(struct st_rows *w, const struct st_dispute_query *q,
                     struct st_dispute_counts *counts);

/* Closes a CSV file left open; accepts a zeroed or released writer. */
void st_rows_release(struct st_rows *w);

#endif
