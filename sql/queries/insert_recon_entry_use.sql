-- insert_recon_entry_use.sql: the ledger entries this date's matches used
-- (rc_use, create_recon_use.sql) into settle.recon_entry_use, for the
-- dates after it.
--   $1 seller_id      text
--   $2 business_date  date
INSERT INTO settle.recon_entry_use (seller_id, entry_id, business_date,
                                    complete, settled, settled_fee)
SELECT $1::text, u.entry_id, $2::date, u.complete, u.settled, u.settled_fee
FROM rc_use u;
