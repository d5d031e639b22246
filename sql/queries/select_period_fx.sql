-- select_period_fx.sql: the exchange rates the lines of a seller's
-- business dates from $2 to $3 used, and on how many lines, from the
-- stored line sums: the columns of select_statement_fx.sql.
--   $1 seller_id  text
--   $2 from_date  date
--   $3 to_date    date
SELECT currency,
       reporting_currency,
       fx_date,
       fx_rate,
       sum(lines) AS lines
  FROM settle.line_total
 WHERE seller_id = $1
   AND business_date BETWEEN $2::date AND $3::date
   AND reporting_currency IS NOT NULL
   AND fx_rate IS NOT NULL
 GROUP BY currency, reporting_currency, fx_date, fx_rate
 ORDER BY currency, reporting_currency, fx_date, fx_rate
