-- delete_settlement_lines.sql: drops the normalized lines of one business
-- date before normalize loads them again (in the same transaction).
--   $1 seller_id (text)
--   $2 business_date (date, YYYY-MM-DD)
DELETE FROM settle.settlement_line
 WHERE seller_id = $1
   AND business_date = $2::date;
