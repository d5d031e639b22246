/*
 * dispute.h: the dispute and chargeback worklist, and closing a case.
 *
 * Cases live in settle.dispute (reconcile opens them from chargeback,
 * A-to-z claim and dispute lines); outcomes are appended to
 * settle.dispute_outcome and never updated, so a case's status is its
 * latest outcome as of an instant (a run's ledger cutoff), else "open".
 * The worklist lists open cases first, by respond-by date (overdue first),
 * then closed cases opened within the lookback window.
 */
#ifndef ST_DISPUTE_H
#define ST_DISPUTE_H

#include <stdint.h>

#include "io/csvout.h"
#include "io/db.h"
#include "core/err.h"
#include "report/template.h"
#include "io/xlsx.h"

struct st_dispute_query {
    const char *seller_id;
    int32_t date;          /* D: cases opened on or before it; days left */
    const char *as_of;     /* timestamptz text, or NULL for every outcome */
    int open_only;         /* 1: open cases only */
    int64_t lookback_days; /* closed cases opened within this of D */
};

struct st_dispute_counts {
    uint64_t cases;
    uint64_t open;
    uint64_t overdue; /* open with respond-by before D */
};

/*
 * Writes the worklist of q as rows of the disputes template t to csv and
 * to the current sheet of xlsx (either may be NULL; the header row is the
 * caller's). *counts gets the numbers.
 */
int st_dispute_worklist(struct st_db *db, const struct st_dispute_query *q,
                        const struct st_template *t, struct st_csvout *csv,
                        struct st_xlsx *xlsx, struct st_dispute_counts *counts,
                        struct st_err *err);

/* Outcomes a case can be closed with. */
int st_dispute_outcome_valid(const char *outcome);

/*
 * Appends outcome (won, lost, accepted) and note to case_id of seller.
 * ST_ERR_USAGE for another outcome, ST_ERR_NOINPUT when the seller has no
 * such case. recorded_at (ST_DATETIME_LEN + 1 bytes, may be NULL) gets when
 * it was recorded.
 */
int st_dispute_close(struct st_db *db, const char *seller_id,
                     const char *case_id, const char *outcome, const char *note,
                     char *recorded_at, struct st_err *err);

#endif
