-- create_recon_pending.sql: rc_pend, the earlier dates' transfers still
-- awaiting their bank payout: those of rc_tr whose latest result before
-- this date is payout_pending (read through the small partial index on
-- transfer results, recon_result_transfer). Each gets its status as of
-- this date: payout_matched when the payout rule paired it with a payout
-- (rc_pay), payout_pending while its window [settlement start, end + 7
-- days] is still open at the ledger cutoff, else payout_mismatch. An
-- earlier date's results are never rewritten: this date records the
-- outcome (insert_recon_pending.sql), and a rerun of the earlier date,
-- as of its own cutoff, still shows it pending.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 ledger_cutoff  timestamptz
CREATE TEMP TABLE rc_pend ON COMMIT DROP AS
WITH last AS (
    SELECT DISTINCT ON (r.source_sha256, r.source_line)
           r.source_sha256, r.source_line, r.status
    FROM settle.recon_result r
    WHERE r.seller_id = $1::text
      AND r.kind = 'transfer'
      AND r.source_sha256 IS NOT NULL
      AND r.business_date < $2::date
    ORDER BY r.source_sha256, r.source_line, r.business_date DESC
)
SELECT t.source_sha256, t.source_line, t.settlement_id, t.posted_at,
       t.business_date,
       t.settlement_start, t.settlement_end, t.currency, t.amount,
       t.total_fee, p.entry_id, p.l_amt_raw, p.amount_minor, p.fee_minor,
       CASE WHEN p.entry_id IS NOT NULL THEN 'payout_matched'
            WHEN $3::timestamptz < settle.payout_window_end(t.settlement_end)
                THEN 'payout_pending'
            ELSE 'payout_mismatch' END AS status
FROM rc_tr t
JOIN last ON last.source_sha256 = t.source_sha256
         AND last.source_line = t.source_line
LEFT JOIN rc_pay p ON p.source_sha256 = t.source_sha256
                  AND p.source_line = t.source_line
                  AND NOT p.is_today
WHERE NOT t.is_today
  AND last.status = 'payout_pending';
