-- delete_recon_entry_use.sql: the entries (seller, date) used, removed in
-- the transaction that records them again (insert_recon_entry_use.sql).
--   $1 seller_id      text
--   $2 business_date  date
DELETE FROM settle.recon_entry_use
WHERE seller_id = $1::text AND business_date = $2::date;
