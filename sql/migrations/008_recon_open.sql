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
