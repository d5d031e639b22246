-- delete_recon_open.sql: the entries (seller, date) left open, removed in
-- the transaction that records them again (insert_recon_open.sql).
--   $1 seller_id      text
--   $2 business_date  date
DELETE FROM settle.recon_open
WHERE seller_id = $1::text AND business_date = $2::date;
