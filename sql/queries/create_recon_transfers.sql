-- create_recon_transfers.sql: rc_tr, the transfer lines of the date and
-- of the earlier dates within lookback_days, for the payout rule
-- (create_recon_payouts.sql: a payout booked after an earlier date's run
-- is still explained by that date's transfer) and for the earlier
-- transfers still awaiting their payout (create_recon_pending.sql). They
-- are a handful, read through the partial index settlement_line_transfer;
-- materialized, they are scanned once per payout.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 lookback_days  integer
CREATE TEMP TABLE rc_tr ON COMMIT DROP AS
SELECT l.lid, l.source_sha256, l.source_line, l.settlement_id, l.posted_at,
       l.settlement_start, l.settlement_end, l.currency, l.amount,
       l.total_fee, $2::date AS business_date, true AS is_today
FROM rc_line l
WHERE l.kind = 'transfer'
  AND NOT l.is_dup
UNION ALL
SELECT NULL, s.source_sha256, s.source_line, s.settlement_id, s.posted_at,
       s.settlement_start, s.settlement_end, s.currency::text, s.amount,
       s.total_fee, s.business_date, false
FROM settle.settlement_line s
WHERE s.seller_id = $1::text
  AND s.business_date >= $2::date - $3::integer
  AND s.business_date < $2::date
  AND s.kind = 'transfer';
