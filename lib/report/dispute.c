/*
 * dispute.c: the worklist query and the append-only close. The worklist is
 * streamed a row at a time: a merchant has hundreds of open cases, but
 * nothing bounds them, and a long backlog must not grow the report.
 */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "io/dbvalue.h"
#include "report/dispute.h"
#include "core/banned.h"

#define WORKLIST_QUERY "queries/select_dispute_worklist.sql"
#define CLOSE_QUERY    "queries/insert_dispute_outcome.sql"
#define DISPUTE_FIELDS 14
#define COL_DAYS_LEFT  7 /* field indices, as in disputes_fields */

int
st_dispute_outcome_valid(const char *outcome)
{
    return strcmp(outcome, "won") == 0 || strcmp(outcome, "lost") == 0 ||
           strcmp(outcome, "accepted") == 0;
}

struct worklist {
    const struct st_template *t;
    struct st_csvout *csv;
    struct st_xlsx *xlsx;
    struct st_dispute_counts *counts;
    int cols[DISPUTE_FIELDS + 1]; /* then minor_units */
    int have_cols;
};

/* Emits one case of the worklist and counts it. */
static int
worklist_row(void *arg, const PGresult *res, struct st_err *err)
{
    struct worklist *w = arg;
    const char *values[DISPUTE_FIELDS];
    const char *minor;
    int exp;
    int rc;
    int c;

    if (!w->have_cols) {
        if ((rc = st_template_columns(ST_TMPL_DISPUTES, res, w->cols,
                                      WORKLIST_QUERY, err)) != 0)
            return rc;
        w->have_cols = 1;
    }
    minor = st_db_text(res, 0, w->cols[DISPUTE_FIELDS]);
    exp = minor[0] >= '0' && minor[0] <= '9' && minor[1] == '\0'
              ? minor[0] - '0'
              : -1;
    for (c = 0; c < DISPUTE_FIELDS; c++)
        values[c] = st_db_text_or_null(res, 0, w->cols[c]);
    rc = st_template_emit(w->t, values, exp, -1, w->csv, w->xlsx, err);
    if (rc != 0) {
        st_err_prefix(err, "dispute '%s'", values[0]);
        return rc;
    }
    w->counts->cases++;
    if (values[COL_DAYS_LEFT] != NULL) {
        w->counts->open++;
        if (values[COL_DAYS_LEFT][0] == '-')
            w->counts->overdue++;
    }
    return 0;
}

int
st_dispute_worklist(struct st_db *db, const struct st_dispute_query *q,
                    const struct st_template *t, struct st_csvout *csv,
                    struct st_xlsx *xlsx, struct st_dispute_counts *counts,
                    struct st_err *err)
{
    struct worklist w = {.t = t, .csv = csv, .xlsx = xlsx, .counts = counts};
    char date[ST_DATE_LEN + 1];
    char lookback[32];
    const char *params[5];
    size_t nf;
    int n;

    memset(counts, 0, sizeof(*counts));
    (void)st_template_fields(ST_TMPL_DISPUTES, &nf);
    if (nf != DISPUTE_FIELDS)
        return st_err_set(err, ST_ERR_INTERNAL, "dispute fields changed");
    st_date_format(q->date, date);
    n = snprintf(lookback, sizeof(lookback), "%lld",
                 (long long)q->lookback_days);
    if (n < 0 || (size_t)n >= sizeof(lookback))
        return st_err_set(err, ST_ERR_INTERNAL, "lookback");
    params[0] = q->seller_id;
    params[1] = date;
    params[2] = q->as_of;
    params[3] = q->open_only ? "true" : "false";
    params[4] = lookback;
    return st_db_stream(db, WORKLIST_QUERY, 5, params, DISPUTE_FIELDS + 1,
                        worklist_row, &w, err);
}

int
st_dispute_close(struct st_db *db, const char *seller_id, const char *case_id,
                 const char *outcome, const char *note, char *recorded_at,
                 struct st_err *err)
{
    static const char *const names[] = {"recorded_at"};
    int rc;
    PGresult *res = NULL;
    const char *params[4];
    int col;

    if (recorded_at != NULL)
        recorded_at[0] = '\0';
    if (!st_dispute_outcome_valid(outcome))
        return st_err_set(err, ST_ERR_USAGE,
                          "outcome '%s' is not won, lost or accepted", outcome);
    params[0] = seller_id;
    params[1] = case_id;
    params[2] = outcome;
    params[3] = note != NULL ? note : "";
    rc = st_db_query(db, CLOSE_QUERY, 4, params, &res, err);
    if (rc != 0 ||
        (rc = st_db_columns(res, names, &col, 1, CLOSE_QUERY, err)) != 0)
        goto out;
    if (PQntuples(res) != 1) {
        rc = st_err_set(err, ST_ERR_NOINPUT,
                        "no dispute case '%s' for seller '%s'", case_id,
                        seller_id);
        st_err_hint(err, "'settle disputes' lists the cases");
        goto out;
    }
    if (recorded_at != NULL) {
        const char *v = st_db_text(res, 0, col);
        size_t len = strlen(v);

        if (len > ST_DATETIME_LEN)
            len = ST_DATETIME_LEN;
        memcpy(recorded_at, v, len);
        recorded_at[len] = '\0';
    }
    rc = 0;
out:
    PQclear(res);
    return rc;
}
