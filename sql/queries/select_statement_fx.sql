-- select_statement_fx.sql: the exchange rates a seller's business date used
-- (one row per currency, reporting currency, quote date and rate), for the
-- Summary and the manifest.
--   $1 seller_id      text
--   $2 business_date  date
SELECT currency,
       reporting_currency,
       fx_date,
       fx_rate,
       count(*) AS lines
  FROM settle.settlement_line
 WHERE seller_id = $1
   AND business_date = $2::date
   AND reporting_currency IS NOT NULL
   AND fx_rate IS NOT NULL
 GROUP BY currency, reporting_currency, fx_date, fx_rate
 ORDER BY currency, reporting_currency, fx_date, fx_rate
