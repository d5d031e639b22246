-- 008_recon_open.sql: the ledger entries a date left open, carried to the
-- next date so it need not re-read the lookback window.
--
-- settle.recon_open: after reconciling (seller, date), every ledger entry
-- that date read and did not use up (in transit, missing in settlement,
-- a payout not yet explained, what is left of a split shipment), one row
-- each. The next date reads these rows, plus the ledger entries booked
-- since that date or recorded after its cutoff, instead of every entry of
-- its lookback window (create_recon_ledger.sql, ARCHITECTURE.md). The set
-- it reads is the same as the window's, so the results are the same.
--
-- settle.run gains what the open set was computed with: a later date may
-- carry it only with the same time zone and a lookback no longer than
-- open_lookback_days (a longer window reaches entries the open set never
-- held). NULL: no open set was recorded (runs before this migration); the
-- next date then reads its whole window.
CREATE TABLE settle.recon_open (
    seller_id     text NOT NULL,
    business_date date NOT NULL,
    entry_id      text NOT NULL,
    PRIMARY KEY (seller_id, business_date, entry_id)
);

ALTER TABLE settle.run
    ADD COLUMN open_lookback_days integer,
    ADD COLUMN open_timezone text;

-- The lines of earlier dates, read by key instead of by window: by
-- transaction id for the duplicate check (create_recon_dups.sql) and, as a
-- range of ids under one order prefix, for a dispute's capture
-- (insert_recon_disputes.sql; text_pattern_ops so the range is bytewise
-- whatever the database's collation); the transfers, a handful a date,
-- for the payouts an earlier date's transfer still awaits
-- (create_recon_transfers.sql).
CREATE INDEX settlement_line_txn
    ON settle.settlement_line (seller_id, amazon_transaction_id
                               text_pattern_ops, business_date)
    WHERE amazon_transaction_id <> '';
CREATE INDEX settlement_line_transfer
    ON settle.settlement_line (seller_id, business_date)
    WHERE kind = 'transfer';

-- The payout rule's window, in one place for every statement that needs
-- it (README "What each reconciliation status means"): a transfer's bank
-- payout may be booked from its settlement start until its settlement end
-- + 7 days; while that end is still after the ledger cutoff the transfer
-- is payout_pending. payout_wait_reason is what a transfer without its
-- payout says: awaited until the end while pending, else the window it
-- was not found in. Plain SQL functions, inlined into the statements that
-- call them.
CREATE FUNCTION settle.payout_window_end(settlement_end timestamptz)
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT $1 + interval '7 days' $$;

CREATE FUNCTION settle.payout_wait_reason(currency text,
    settlement_start timestamptz, settlement_end timestamptz,
    pending boolean)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
SELECT 'no ledger payout in ' || $1
       || CASE WHEN $4
               THEN ' booked yet; awaited until '
               ELSE ' booked between '
                    || to_char($2, 'YYYY-MM-DD HH24:MI') || ' and '
          END
       || to_char(settle.payout_window_end($3), 'YYYY-MM-DD HH24:MI')
       || ' UTC'
$$;
