-- select_recon_summary.sql: how many results of each status (seller, date)
-- has, for the log line and the exit status.
--   $1 seller_id      text
--   $2 business_date  date
SELECT status, count(*)
FROM settle.recon_result
WHERE seller_id = $1::text AND business_date = $2::date
GROUP BY status
ORDER BY status;
