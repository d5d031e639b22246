-- insert_recon_open.sql: the ledger entries this date read and did not
-- use up (rc_le less the complete uses of rc_use) into settle.recon_open,
-- where the next date picks them up instead of re-reading its window
-- (create_recon_ledger.sql). Entries that an earlier date used up are not
-- in rc_le, so they are not carried either.
--   $1 seller_id      text
--   $2 business_date  date
INSERT INTO settle.recon_open (seller_id, business_date, entry_id)
SELECT $1::text, $2::date, e.entry_id
FROM rc_le e
WHERE NOT EXISTS (SELECT 1 FROM rc_use u
                  WHERE u.entry_id = e.entry_id AND u.complete);
