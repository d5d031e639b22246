-- select_last_closed.sql: the latest business date of the seller whose
-- run got as far as its statements (status reported): where catch-up
-- goes on from (lib/run/catchup.c).
-- $1 seller_id text
-- Returns last_closed (YYYY-MM-DD), NULL when no date was ever closed.
SELECT max(business_date)::text AS last_closed
  FROM settle.run
 WHERE seller_id = $1 AND status = 'reported'
