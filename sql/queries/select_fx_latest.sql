-- select_fx_latest.sql: the latest date on or before $1 (date) with any
-- stored ECB quote, or NULL; settle run fetches rates when it is not $1.
SELECT max(rate_date)::text AS latest
  FROM settle.fx_rate
 WHERE rate_date <= $1::date;
