-- delete_recon_settlements.sql: the tie-outs of (seller, date), removed in
-- the transaction that writes them again (insert_recon_settlements.sql).
--   $1 seller_id      text
--   $2 business_date  date
DELETE FROM settle.recon_settlement
WHERE seller_id = $1::text AND business_date = $2::date;
