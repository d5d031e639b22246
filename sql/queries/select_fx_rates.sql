-- select_fx_rates.sql: the ECB quotes of a date range, exact as stored.
--   $1 first rate_date (date, YYYY-MM-DD)
--   $2 last rate_date (date, YYYY-MM-DD)
-- Columns: rate_date (YYYY-MM-DD), currency, per_eur as text.
SELECT to_char(rate_date, 'YYYY-MM-DD') AS rate_date,
       currency,
       per_eur::text AS per_eur
  FROM settle.fx_rate
 WHERE rate_date BETWEEN $1::date AND $2::date
 ORDER BY currency, rate_date;
