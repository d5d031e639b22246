/*
 * reconcile.c: the reconcile stage, a table of SQL statements run in order
 * in one transaction.
 *
 * The C side only checks the ledger contract, builds the parameters
 * (seller, date, cutoff, time zone, the per-currency minor units and
 * tolerances as arrays) and runs each statement of steps[] with the
 * parameters it names. All matching lives in the
 * *_recon_*.sql files of sql/queries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/currency.h"
#include "core/date.h"
#include "reconcile/reconcile.h"
#include "core/version.h"
#include "io/dbvalue.h"
#include "core/banned.h"

static const char *const status_names[ST_RECON_NSTATUS] = {
    [ST_RECON_MATCHED] = "matched",
    [ST_RECON_MATCHED_WITHIN_TOLERANCE] = "matched_within_tolerance",
    [ST_RECON_AMOUNT_MISMATCH] = "amount_mismatch",
    [ST_RECON_FEE_MISMATCH] = "fee_mismatch",
    [ST_RECON_MISSING_IN_LEDGER] = "missing_in_ledger",
    [ST_RECON_DUPLICATE_IN_SETTLEMENT] = "duplicate_in_settlement",
    [ST_RECON_MISSING_IN_SETTLEMENT] = "missing_in_settlement",
    [ST_RECON_IN_TRANSIT] = "in_transit",
    [ST_RECON_PAYOUT_MATCHED] = "payout_matched",
    [ST_RECON_PAYOUT_PENDING] = "payout_pending",
    [ST_RECON_PAYOUT_MISMATCH] = "payout_mismatch",
    [ST_RECON_NOT_APPLICABLE] = "not_applicable",
    [ST_RECON_UNKNOWN_TYPE] = "unknown_type",
    [ST_RECON_SETTLEMENT_OUT_OF_BALANCE] = "settlement_out_of_balance",
};

/* The exception statuses (README "What each reconciliation status means");
 * unknown_type is kind unknown. */
static const int exception_status[] = {
    ST_RECON_AMOUNT_MISMATCH,
    ST_RECON_FEE_MISMATCH,
    ST_RECON_MISSING_IN_LEDGER,
    ST_RECON_MISSING_IN_SETTLEMENT,
    ST_RECON_DUPLICATE_IN_SETTLEMENT,
    ST_RECON_PAYOUT_MISMATCH,
    ST_RECON_UNKNOWN_TYPE,
    ST_RECON_SETTLEMENT_OUT_OF_BALANCE,
};

/* The parameters a statement may take, by position in params[]. */
enum param {
    P_SELLER,
    P_DATE,
    P_CUTOFF,
    P_TZ,
    P_LOOKBACK,
    P_GRACE,
    P_CODES,
    P_EXPONENTS,
    P_TOLERANCES,
    P_COUNT
};

#define STEP_MAX_PARAMS 5

struct step {
    const char *file;
    int nparams;
    enum param params[STEP_MAX_PARAMS];
};

/* The ledger's shape picks rc_src's file: with or without seller_id. */
#define SOURCE_STEP        "queries/create_recon_source.sql"
#define SOURCE_STEP_SELLER "queries/create_recon_source_seller.sql"

/* After upsert_recon_run.sql, in order, in the same transaction. */
static const struct step steps[] = {
    {"queries/create_recon_params.sql",
     3,
     {P_CODES, P_EXPONENTS, P_TOLERANCES}},
    {"queries/create_recon_lines.sql", 2, {P_SELLER, P_DATE}},
    {"queries/analyze_recon_lines.sql", 0, {0}},
    {"queries/create_recon_dups.sql", 3, {P_SELLER, P_DATE, P_LOOKBACK}},
    {"queries/update_recon_dups.sql", 0, {0}},
    {SOURCE_STEP, 0, {0}},
    {"queries/create_recon_ledger.sql",
     5,
     {P_SELLER, P_DATE, P_CUTOFF, P_TZ, P_LOOKBACK}},
    {"queries/analyze_recon_ledger.sql", 0, {0}},
    {"queries/create_recon_key.sql", 0, {0}},
    {"queries/analyze_recon_key.sql", 0, {0}},
    {"queries/fix_recon_key.sql", 0, {0}},
    {"queries/update_recon_by_order.sql", 0, {0}},
    {"queries/create_recon_rest_lines.sql", 0, {0}},
    {"queries/create_recon_rest_entries.sql", 0, {0}},
    {"queries/analyze_recon_rest.sql", 0, {0}},
    {"queries/insert_recon_ref_pairs.sql", 0, {0}},
    {"queries/insert_recon_ref_groups.sql", 0, {0}},
    {"queries/create_recon_by_order.sql", 0, {0}},
    {"queries/analyze_recon_by_order.sql", 0, {0}},
    {"queries/update_recon_by_order_groups.sql", 0, {0}},
    {"queries/create_recon_transfers.sql", 3, {P_SELLER, P_DATE, P_LOOKBACK}},
    {"queries/create_recon_payouts.sql", 2, {P_SELLER, P_DATE}},
    {"queries/insert_recon_payouts.sql", 0, {0}},
    {"queries/insert_recon_payout_rest.sql", 0, {0}},
    {"queries/create_recon_pending.sql", 3, {P_SELLER, P_DATE, P_CUTOFF}},
    {"queries/create_recon_used.sql", 0, {0}},
    {"queries/analyze_recon_used.sql", 0, {0}},
    {"queries/delete_recon_results.sql", 2, {P_SELLER, P_DATE}},
    {"queries/create_recon_use.sql", 0, {0}},
    {"queries/delete_recon_entry_use.sql", 2, {P_SELLER, P_DATE}},
    {"queries/insert_recon_entry_use.sql", 2, {P_SELLER, P_DATE}},
    {"queries/delete_recon_open.sql", 2, {P_SELLER, P_DATE}},
    {"queries/insert_recon_open.sql", 2, {P_SELLER, P_DATE}},
    {"queries/insert_recon_lines.sql", 3, {P_SELLER, P_DATE, P_CUTOFF}},
    {"queries/insert_recon_pending.sql", 2, {P_SELLER, P_DATE}},
    {"queries/insert_recon_missing.sql",
     4,
     {P_SELLER, P_DATE, P_LOOKBACK, P_GRACE}},
    {"queries/delete_line_totals.sql", 2, {P_SELLER, P_DATE}},
    {"queries/insert_line_totals.sql", 2, {P_SELLER, P_DATE}},
    {"queries/delete_recon_settlements.sql", 2, {P_SELLER, P_DATE}},
    {"queries/insert_settlement_totals.sql", 2, {P_SELLER, P_DATE}},
    {"queries/insert_settlement_parts.sql", 3, {P_SELLER, P_DATE, P_TZ}},
    {"queries/insert_recon_settlements.sql", 2, {P_SELLER, P_DATE}},
    {"queries/insert_recon_tie_outs.sql", 2, {P_SELLER, P_DATE}},
    {"queries/analyze_recon_results.sql", 0, {0}},
    {"queries/insert_recon_disputes.sql", 3, {P_SELLER, P_DATE, P_LOOKBACK}},
    {"queries/finish_recon_run.sql", 4, {P_SELLER, P_DATE, P_LOOKBACK, P_TZ}},
    {"queries/drop_recon_work.sql", 0, {0}},
    {"queries/drop_recon_source.sql", 0, {0}},
};

const char *
st_reconcile_status_name(int status)
{
    if (status < 0 || status >= ST_RECON_NSTATUS)
        return NULL;
    return status_names[status];
}

#define CHECK_LEDGER "queries/check_recon_ledger.sql"

/* The columns of check_recon_ledger.sql. */
enum { LC_VIEW_EXISTS, LC_COL, LC_REQUIRED, LC_TYP, LC_OK, LC_WANT, LC_COUNT };
static const char *const ledger_cols[LC_COUNT] = {
    "view_exists", "col", "required", "typ", "ok", "want",
};

int
st_reconcile_check_ledger(struct st_db *db, int *has_seller, struct st_err *err)
{
    PGresult *res = NULL;
    int c[LC_COUNT];
    struct st_buf more;
    int rc;
    int i;
    int bad = 0;

    *has_seller = 0;
    st_buf_init(&more, 400);
    rc = st_db_query(db, CHECK_LEDGER, 0, NULL, &res, err);
    if (rc != 0)
        goto out;
    if ((rc = st_db_columns(res, ledger_cols, c, LC_COUNT, CHECK_LEDGER,
                            err)) != 0)
        goto out;
    if (PQntuples(res) == 0 || !st_db_bool(res, 0, c[LC_VIEW_EXISTS])) {
        rc = st_err_set(err, ST_ERR_CONFIG,
                        "the ledger view settle.ledger_entry does not exist");
        st_err_hint(err, "create it over your ledger (README: Connecting "
                         "your ledger), or load sql/ledger/reference.sql");
        goto out;
    }
    for (i = 0; i < PQntuples(res); i++) {
        const char *col = st_db_text(res, i, c[LC_COL]);
        int required = st_db_bool(res, i, c[LC_REQUIRED]);
        int missing = PQgetisnull(res, i, c[LC_TYP]);
        const char *typ = st_db_text(res, i, c[LC_TYP]);
        int ok = st_db_bool(res, i, c[LC_OK]);
        const char *want = st_db_text(res, i, c[LC_WANT]);

        if (ok) {
            if (strcmp(col, "seller_id") == 0)
                *has_seller = 1;
            continue;
        }
        if (missing && !required)
            continue;
        if (bad++ == 0) {
            if (missing)
                st_err_set(err, ST_ERR_CONFIG,
                           "ledger view settle.ledger_entry has no column "
                           "'%s' (want %s)",
                           col, want);
            else
                st_err_set(err, ST_ERR_CONFIG,
                           "ledger view settle.ledger_entry: column '%s' is "
                           "%s, want %s",
                           col, typ, want);
        } else {
            st_buf_addf(&more, "%s'%s' %s", bad > 2 ? ", " : "", col,
                        missing ? "missing" : typ);
        }
    }
    if (bad > 0) {
        if (bad > 1)
            st_err_detail(err, "also: %s", more.data);
        st_err_hint(err, "see the ledger contract in the README "
                         "(Connecting your ledger)");
        rc = ST_ERR_CONFIG;
        goto out;
    }
    PQclear(res);
    res = NULL;
    rc = st_db_query(db, "queries/probe_recon_ledger.sql", 0, NULL, NULL, err);
    if (rc != 0) {
        st_err_prefix(err, "cannot read the ledger view settle.ledger_entry");
        if (rc == ST_ERR_PERM)
            st_err_hint(err, "GRANT SELECT ON settle.ledger_entry to the "
                             "role settle connects as");
    }
out:
    PQclear(res);
    st_buf_release(&more);
    return rc;
}

/*
 * The per-currency parameters: every code settle knows, its minor units
 * and its tolerance, as three PostgreSQL array literals.
 */
static int
build_currency_arrays(const struct st_config *cfg, struct st_buf *codes,
                      struct st_buf *exps, struct st_buf *tols,
                      struct st_err *err)
{
    size_t i;

    st_buf_addch(codes, '{');
    st_buf_addch(exps, '{');
    st_buf_addch(tols, '{');
    for (i = 0; i < st_currency_count; i++) {
        const struct st_currency *c = &st_currency_table[i];
        const char *sep = i > 0 ? "," : "";

        st_buf_addf(codes, "%s%s", sep, c->code);
        st_buf_addf(exps, "%s%d", sep, c->exponent);
        st_buf_addf(tols, "%s%lld", sep,
                    (long long)st_config_tolerance(cfg, c->code));
    }
    st_buf_addch(codes, '}');
    st_buf_addch(exps, '}');
    st_buf_addch(tols, '}');
    if (st_buf_error(codes) || st_buf_error(exps) || st_buf_error(tols))
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    return 0;
}

static int64_t
elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000 +
           (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int
run_step(struct st_db *db, const char *file, int nparams,
         const char *const *params, struct st_log *log, struct st_err *err)
{
    struct timespec t0;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = st_db_query(db, file, nparams, params, NULL, err);
    if (rc == 0)
        st_log_msg(log, ST_LOG_DEBUG, "reconcile", "%s: %lld ms",
                   file + strlen("queries/"), (long long)elapsed_ms(&t0));
    return rc;
}

#define SUMMARY_QUERY  "queries/select_recon_summary.sql"
#define DISPUTES_QUERY "queries/select_recon_disputes_opened.sql"

/* The count of each status of the date, and of the disputes it opened. */
static int
read_summary(struct st_db *db, const char *const *params,
             struct st_reconcile_summary *out, struct st_err *err)
{
    static const char *const names[] = {"status", "count"};
    PGresult *res = NULL;
    int c[2];
    int rc;
    int i;
    size_t k;

    rc = st_db_query(db, SUMMARY_QUERY, 2, params, &res, err);
    if (rc != 0 ||
        (rc = st_db_columns(res, names, c, 2, SUMMARY_QUERY, err)) != 0)
        goto out;
    for (i = 0; i < PQntuples(res); i++) {
        const char *name = st_db_text(res, i, c[0]);
        int64_t n;
        int s;

        if ((rc = st_db_i64(res, i, c[1], SUMMARY_QUERY, &n, err)) != 0)
            goto out;
        for (s = 0; s < ST_RECON_NSTATUS; s++)
            if (strcmp(name, status_names[s]) == 0)
                out->count[s] = n;
        out->results += n;
    }
    for (k = 0; k < sizeof(exception_status) / sizeof(exception_status[0]); k++)
        out->exceptions += out->count[exception_status[k]];
    PQclear(res);
    res = NULL;
    rc = st_db_query_i64(db, DISPUTES_QUERY, 1, params, &out->disputes_opened,
                         err);
out:
    PQclear(res);
    return rc;
}

/*
 * The parameters every step may use, in all[]: the seller, the date (in
 * datebuf), the time zone, the windows (in lookback and grace) and the
 * per-currency arrays (in codes, exps and tols). The cutoff comes later,
 * from open_run.
 */
static int
fill_params(const struct st_config *cfg, int32_t date, const char **all,
            char *datebuf, char *lookback, char *grace, size_t numlen,
            struct st_buf *codes, struct st_buf *exps, struct st_buf *tols,
            struct st_err *err)
{
    int rc;

    if ((rc = build_currency_arrays(cfg, codes, exps, tols, err)) != 0)
        return rc;
    st_date_format(date, datebuf);
    if (snprintf(lookback, numlen, "%lld", (long long)cfg->lookback_days) >=
            (int)numlen ||
        snprintf(grace, numlen, "%lld", (long long)cfg->unsettled_grace_days) >=
            (int)numlen)
        return st_err_set(err, ST_ERR_INTERNAL, "number too long");
    all[P_SELLER] = cfg->seller_id;
    all[P_DATE] = datebuf;
    all[P_CUTOFF] = NULL;
    all[P_TZ] = cfg->timezone != NULL && cfg->timezone[0] != '\0'
                    ? cfg->timezone
                    : "UTC";
    all[P_LOOKBACK] = lookback;
    all[P_GRACE] = grace;
    all[P_CODES] = codes->data;
    all[P_EXPONENTS] = exps->data;
    all[P_TOLERANCES] = tols->data;
    return 0;
}

#define RUN_QUERY "queries/upsert_recon_run.sql"

/*
 * Records the reconcile run of the date and reads back its ledger cutoff
 * (kept from an earlier run unless ST_RECONCILE_NEW_CUTOFF) into sum.
 */
static int
open_run(struct st_db *db, const struct st_config *cfg, const char *datebuf,
         unsigned flags, struct st_reconcile_summary *sum, struct st_err *err)
{
    static const char *const names[] = {"ledger_cutoff", "cutoff_moved"};
    const char *params[4];
    PGresult *res = NULL;
    int c[2];
    int rc;

    params[0] = cfg->seller_id;
    params[1] = datebuf;
    params[2] = ST_VERSION;
    params[3] = (flags & ST_RECONCILE_NEW_CUTOFF) ? "true" : "false";
    rc = st_db_query(db, RUN_QUERY, 4, params, &res, err);
    if (rc != 0 || (rc = st_db_columns(res, names, c, 2, RUN_QUERY, err)) != 0)
        goto out;
    if (snprintf(sum->cutoff, sizeof(sum->cutoff), "%s",
                 st_db_text(res, 0, c[0])) >= (int)sizeof(sum->cutoff)) {
        rc = st_err_set(err, ST_ERR_INTERNAL, "cutoff too long");
        goto out;
    }
    sum->cutoff_moved = st_db_bool(res, 0, c[1]);
out:
    PQclear(res);
    return rc;
}

/* Runs steps[] in order, each with its parameters taken from all[]. */
static int
run_steps(struct st_db *db, int has_seller, const char *const *all,
          struct st_log *log, struct st_err *err)
{
    size_t i;
    int rc;

    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        const struct step *s = &steps[i];
        const char *p[STEP_MAX_PARAMS];
        const char *file = s->file;
        int k;

        if (has_seller && strcmp(file, SOURCE_STEP) == 0)
            file = SOURCE_STEP_SELLER;
        for (k = 0; k < s->nparams; k++)
            p[k] = all[s->params[k]];
        if ((rc = run_step(db, file, s->nparams, p, log, err)) != 0)
            return rc;
    }
    return 0;
}

int
st_reconcile_date(struct st_db *db, const struct st_config *cfg, int32_t date,
                  unsigned flags, struct st_log *log,
                  struct st_reconcile_summary *out, struct st_err *err)
{
    struct st_reconcile_summary sum;
    struct st_buf codes, exps, tols;
    char datebuf[ST_DATE_LEN + 1];
    char lookback[24], grace[24];
    const char *all[P_COUNT] = {NULL};
    int has_seller = 0;
    int in_tx = 0;
    int rc;

    memset(&sum, 0, sizeof(sum));
    if (out != NULL)
        memset(out, 0, sizeof(*out));
    st_buf_init(&codes, 1 << 16);
    st_buf_init(&exps, 1 << 16);
    st_buf_init(&tols, 1 << 16);
    if ((rc = st_config_require_seller(cfg, err)) != 0 ||
        (rc = st_reconcile_check_ledger(db, &has_seller, err)) != 0 ||
        (rc = fill_params(cfg, date, all, datebuf, lookback, grace,
                          sizeof(lookback), &codes, &exps, &tols, err)) != 0)
        goto out;
    if ((rc = st_db_check_timezone(db, all[P_TZ], err)) != 0 ||
        (rc = st_db_begin(db, err)) != 0)
        goto out;
    in_tx = 1;
    if ((rc = run_step(db, "queries/set_recon_session.sql", 1, &all[P_SELLER],
                       log, err)) != 0 ||
        (rc = open_run(db, cfg, datebuf, flags, &sum, err)) != 0)
        goto out;
    all[P_CUTOFF] = sum.cutoff;
    if ((rc = run_steps(db, has_seller, all, log, err)) != 0 ||
        (rc = read_summary(db, all, &sum, err)) != 0 ||
        (rc = st_db_commit(db, err)) != 0)
        goto out;
    in_tx = 0;
    if (out != NULL)
        *out = sum;
    rc = 0;
out:
    if (in_tx)
        st_db_rollback(db);
    st_buf_release(&codes);
    st_buf_release(&exps);
    st_buf_release(&tols);
    return rc;
}
