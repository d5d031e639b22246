-- select_run_summary.sql: the closing figures of a run, and its metrics.
-- $1 seller_id text, $2 business_date date
-- Returns one row per figure: (what, label, n) where what is 'lines' (label
-- = kind), 'exceptions' (label = status, or 'unknown_kind' for lines of an
-- unknown transaction type), 'open_disputes' (cases opened on or before
-- the date with no outcome yet, so a later date's run, even one going on
-- meanwhile, never changes the figure), 'last_success' (label empty,
-- n = epoch seconds) or 'oldest_unprocessed_days' (whole days since the
-- settlement end of the oldest archived report whose date is not reported
-- yet; 0 when there is none, so the gauge is always there to alert on).
SELECT 'lines' AS what, kind AS label, count(*) AS n
  FROM settle.settlement_line
 WHERE seller_id = $1 AND business_date = $2::date
 GROUP BY kind
UNION ALL
SELECT 'exceptions',
       CASE WHEN kind = 'unknown' THEN 'unknown_kind' ELSE status END,
       count(*)
  FROM settle.recon_result
 WHERE seller_id = $1 AND business_date = $2::date
   AND (kind = 'unknown' OR status IN ('amount_mismatch', 'fee_mismatch',
        'missing_in_ledger', 'missing_in_settlement',
        'duplicate_in_settlement', 'payout_mismatch', 'unknown_type',
        'settlement_out_of_balance'))
 GROUP BY 2
UNION ALL
SELECT 'open_disputes', '', count(*)
  FROM settle.dispute d
 WHERE d.seller_id = $1
   AND d.opened_date <= $2::date
   AND settle.dispute_open(d.seller_id, d.case_id, $2::date)
UNION ALL
SELECT 'last_success', '',
       coalesce(extract(epoch FROM max(reported_at))::bigint, 0)
  FROM settle.run
 WHERE seller_id = $1 AND status = 'reported'
UNION ALL
SELECT 'oldest_unprocessed_days', '',
       coalesce(floor(extract(epoch FROM now() - min(r.settlement_end))
                      / 86400)::bigint, 0)
  FROM settle.raw_report r
  LEFT JOIN settle.run u USING (seller_id, business_date)
 WHERE r.seller_id = $1 AND u.status IS DISTINCT FROM 'reported'
