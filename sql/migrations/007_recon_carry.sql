-- 007_recon_carry.sql: what reconcile carries from one date to the next.
--
-- settle.recon_entry_use: every ledger entry a date's matches used, one
-- row per (seller, entry, date). A later date reads the rows of earlier
-- dates by entry, so an entry is matched at most once across dates
-- without re-reading the earlier results; a rerun of date D reads only
-- the rows of dates before D, so it sees what D saw the first time. An
-- entry that a split shipment settled only in part (README "What each
-- reconciliation status means", match by order) stays open: complete is
-- false and settled, settled_fee say how much of its amount and fee (minor
-- units) that date's lines settled.
--
-- settle.recon_result gains what the open items need: booked_at, when
-- the item was booked (a ledger-only row: the entry; a transfer: Amazon's
-- posting), age_days, the days from that booking date to the business
-- date, and due_date, the first date on which an open item (in_transit,
-- payout_pending) becomes an exception.
-- The new status payout_pending is a transfer whose bank payout is not
-- booked yet while its window is still open at the ledger cutoff.
CREATE TABLE settle.recon_entry_use (
    seller_id     text NOT NULL,
    entry_id      text NOT NULL,
    business_date date NOT NULL,
    complete      boolean NOT NULL,
    settled       bigint,
    settled_fee   bigint,
    PRIMARY KEY (seller_id, entry_id, business_date)
);

INSERT INTO settle.recon_entry_use (seller_id, entry_id, business_date,
                                    complete)
SELECT DISTINCT r.seller_id, u.entry_id, r.business_date, true
FROM settle.recon_result r
CROSS JOIN LATERAL unnest(CASE WHEN r.entry_ids IS NOT NULL
                               THEN r.entry_ids
                               ELSE ARRAY[r.entry_id] END) AS u (entry_id)
WHERE (r.entry_ids IS NOT NULL
       OR (r.source_sha256 IS NOT NULL AND r.entry_id IS NOT NULL))
  AND u.entry_id IS NOT NULL;

ALTER TABLE settle.recon_result
    ADD COLUMN booked_at timestamptz,
    ADD COLUMN age_days integer,
    ADD COLUMN due_date date,
    DROP CONSTRAINT recon_result_status_check,
    ADD CONSTRAINT recon_result_status_check CHECK (status IN ('matched',
        'matched_within_tolerance', 'amount_mismatch', 'fee_mismatch',
        'missing_in_ledger', 'duplicate_in_settlement',
        'missing_in_settlement', 'in_transit', 'payout_matched',
        'payout_pending', 'payout_mismatch', 'not_applicable',
        'unknown_type'));

-- The transfers' results, for the pending payouts a later date resolves
-- (create_recon_pending.sql): a few rows a date, so a tiny index.
CREATE INDEX recon_result_transfer
    ON settle.recon_result (seller_id, source_sha256, source_line,
                            business_date)
    WHERE kind = 'transfer';
