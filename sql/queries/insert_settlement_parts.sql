-- insert_settlement_parts.sql: the settlements recorded by this reconcile
-- (insert_settlement_totals.sql) cut at the month ends they span, into
-- settle.settlement_part (011_settlement_parts.sql), written once.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 timezone       text, IANA zone of business dates and months
SELECT settle.settlement_parts_of($1::text, $2::date, $3::text);
