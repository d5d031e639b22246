-- delete_line_totals.sql: the line sums of (seller, date), removed in the
-- transaction that writes them again (insert_line_totals.sql).
--   $1 seller_id      text
--   $2 business_date  date
DELETE FROM settle.line_total
WHERE seller_id = $1::text AND business_date = $2::date;
