-- select_recon_disputes_opened.sql: how many dispute cases this
-- transaction opened (rows of settle.dispute recorded now).
--   $1 seller_id      text
SELECT count(*) FROM settle.dispute
WHERE seller_id = $1::text AND recorded_at = now();
