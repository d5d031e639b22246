/*
 * reconcile.h: the reconcile stage. A date's settlement lines against the
 * merchant's ledger (the view settle.ledger_entry), as of a cutoff.
 *
 * Everything happens in PostgreSQL, set-based: the statements are the
 * *_recon_*.sql files of sql/queries, run in order in one transaction
 * (temporary tables, hash joins, no statement per row). The rules are
 * README "What each reconciliation status means"; each file's header says which
 * part it does. The date's previous results are replaced as a whole when the
 * transaction commits, so a run that dies half-way leaves them as they were.
 *
 * The ledger cutoff T is kept in settle.run: set at the first reconcile of
 * (seller, date) that commits, reused by every later one, moved to now only
 * with ST_RECONCILE_NEW_CUTOFF. Ledger rows recorded after T are invisible.
 *
 * The caller holds the advisory lock of (seller, date) (st_db_lock) on the
 * same connection for the whole call.
 */
#ifndef ST_RECONCILE_H
#define ST_RECONCILE_H

#include <stdint.h>

#include "core/config.h"
#include "io/db.h"
#include "core/err.h"
#include "core/log.h"

enum st_reconcile_flags {
    ST_RECONCILE_NEW_CUTOFF = (1 << 0) /* move the ledger cutoff to now */
};

/* The statuses of settle.recon_result, in this order. */
enum st_reconcile_status {
    ST_RECON_MATCHED = 0,
    ST_RECON_MATCHED_WITHIN_TOLERANCE,
    ST_RECON_AMOUNT_MISMATCH,
    ST_RECON_FEE_MISMATCH,
    ST_RECON_MISSING_IN_LEDGER,
    ST_RECON_DUPLICATE_IN_SETTLEMENT,
    ST_RECON_MISSING_IN_SETTLEMENT,
    ST_RECON_IN_TRANSIT,
    ST_RECON_PAYOUT_MATCHED,
    ST_RECON_PAYOUT_PENDING,
    ST_RECON_PAYOUT_MISMATCH,
    ST_RECON_NOT_APPLICABLE,
    ST_RECON_UNKNOWN_TYPE,
    ST_RECON_SETTLEMENT_OUT_OF_BALANCE,
    ST_RECON_NSTATUS
};

/* What a run did. */
struct st_reconcile_summary {
    char cutoff[64];  /* ledger cutoff T as PostgreSQL prints it, UTC */
    int cutoff_moved; /* 1 once --new-cutoff moved it (stays 1) */
    int64_t count[ST_RECON_NSTATUS]; /* results per status */
    int64_t results;                 /* all result rows */
    int64_t exceptions;              /* the exception statuses of the README */
    int64_t disputes_opened;         /* cases this run opened */
};

/* The name of a status ("matched", ...), or NULL when out of range. */
const char *st_reconcile_status_name(int status);

/*
 * Checks the ledger contract: the view settle.ledger_entry exists, has
 * every required column with a usable type, and can be read. A missing
 * view, a missing column or a wrong type is ST_ERR_CONFIG naming the column
 * and the types accepted; a missing privilege is ST_ERR_PERM. *has_seller
 * is set to 1 when the view has the optional seller_id column.
 */
int st_reconcile_check_ledger(struct st_db *db, int *has_seller,
                              struct st_err *err);

/*
 * Reconciles the settlement lines of cfg->seller_id and date (days since
 * the epoch) against the ledger and opens dispute cases, in one
 * transaction, with the tolerances, timezone, unsettled_grace_days and
 * lookback_days of cfg. Checks the ledger contract first. Fills *out (may
 * be NULL). log (may be NULL) gets a debug record per statement with its
 * time. Returns 0 or an ST_ERR_* code: ST_ERR_CONFIG without a seller_id
 * or with a broken ledger view, ST_ERR_PERM without privileges, and the
 * mapped database errors of db.h; the transaction is then rolled back.
 */
int st_reconcile_date(struct st_db *db, const struct st_config *cfg,
                      int32_t date, unsigned flags, struct st_log *log,
                      struct st_reconcile_summary *out, struct st_err *err);

#endif
