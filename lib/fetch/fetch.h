/*
 * fetch.h: the fetch stage: the raw settlement reports of one business date
 * into the archive.
 *
 * A report belongs to business date D when its SettlementEndDate, in the
 * configured time zone, falls on D (computed by PostgreSQL, as
 * settle.raw_report.business_date is). st_fetch_date() picks up the reports
 * of D for cfg->seller_id from the Reports API or from a folder of
 * hand-downloaded *.csv files and archives them (lib/io/archive); what is
 * already archived is left alone, so fetching a date twice adds nothing.
 *
 * API source: the COMPLETED settlement reports created from D-1 00:00 UTC
 * up to D+4 00:00 UTC (or now, when earlier) are listed, wide enough for
 * any zone offset and for Amazon's delay between a period's end and its
 * report; each one not yet archived (by reportId) is downloaded and kept
 * only when its preamble says D. A report of D for another seller is
 * ST_ERR_DATA. The key file is checked first (st_config_check_key_file:
 * ST_ERR_PERM for a group- or world-accessible file).
 *
 * With the API, the payouts of the same window are asked of Get
 * Disbursements too (st_fetch_payouts), and the open dispute cases,
 * charges and refunds one by one (st_fetch_lookups), once per date.
 *
 * Folder source: every *.csv of the folder, in name order; files that are
 * not settlement reports, or are another seller's, are skipped with a
 * warning.
 *
 * The caller holds the (seller, date) advisory lock when it wants one.
 */
#ifndef ST_FETCH_H
#define ST_FETCH_H

#include <stdint.h>

#include "core/config.h"
#include "io/db.h"
#include "core/err.h"
#include "io/http.h"
#include "core/log.h"
#include "amazon/api.h"

struct st_fetch_opts {
    const char *source; /* "api" or "dir:PATH"; NULL means "api" */
    /* first retry delay in ms, or < 0 for lib/io/http's default (tests) */
    int64_t backoff_base_ms;
    /* clock, sleep and jitter; NULL for the real ones */
    const struct st_http_env *env;
};

struct st_fetch_result {
    int found;   /* reports of the date (and seller) seen */
    int added;   /* of which newly archived (file or row) */
    int skipped; /* candidates of other dates */
};

/* Fills opts with the defaults: source "api", default backoff, real env. */
void st_fetch_opts_init(struct st_fetch_opts *opts);

/* 1 when source is "api" or "dir:PATH" with a non-empty PATH, else 0. */
int st_fetch_source_valid(const char *source);

/*
 * Fetches business date `date` (days since the epoch) as described above,
 * counting into *res. Returns 0 or the first error (nothing of a failed
 * report is registered; files already archived stay, which is harmless).
 */
int st_fetch_date(struct st_db *db, const struct st_config *cfg, int32_t date,
                  const struct st_fetch_opts *opts, struct st_log *log,
                  struct st_fetch_result *res, struct st_err *err);

/*
 * The payouts of date from Get Disbursements, settlement dates in [since,
 * until): every page archived content-addressed, then the pages and the
 * payouts recorded in one transaction (settle.disbursement_page,
 * settle.disbursement). A date whose pages are recorded is not asked
 * again. A key without the permission (401 or 403 on the first page) is a
 * warning, not an error: the night goes on without payouts.
 */
int st_fetch_payouts(struct st_db *db, const struct st_config *cfg,
                     struct st_api *api, int32_t date, int64_t since,
                     int64_t until, struct st_log *log, struct st_err *err);

/*
 * The objects of date asked of Amazon one by one, at most
 * cfg->api_lookups_max together: first the open dispute cases (opened by
 * then, no outcome, not resolved at Amazon), the most urgent first (Get
 * Dispute); then the charges and refunds of the ledger entries that the
 * latest reconciled date before left in transit or missing in settlement
 * (Get Charge, Get Refund). Every answer is archived, then the lookups
 * (settle.api_lookup) and the states (settle.dispute_status,
 * settle.charge_status) recorded in one transaction per kind. A date whose
 * lookups of a kind are recorded is not asked again. A 404 is recorded as
 * an answer (a warning); a refusal (401/403) is a warning and stops that
 * kind's asking.
 */
int st_fetch_lookups(struct st_db *db, const struct st_config *cfg,
                     struct st_api *api, int32_t date, struct st_log *log,
                     struct st_err *err);

#endif
