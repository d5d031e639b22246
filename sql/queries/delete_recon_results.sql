-- delete_recon_results.sql: the previous results of (seller, date), removed
-- in the transaction that writes the new ones.
--   $1 seller_id      text
--   $2 business_date  date
DELETE FROM settle.recon_result
WHERE seller_id = $1::text AND business_date = $2::date;
