-- select_statement_summary.sql: count and sums per (currency, kind) of a
-- seller's business date, for the Summary sheet and summary.csv. Sums are
-- numeric (they may pass bigint); the report checks they fit.
--   $1 seller_id      text
--   $2 business_date  date
SELECT currency,
       kind,
       min(minor_units) AS minor_units,
       count(*) AS lines,
       sum(amount) AS amount,
       sum(percentage_fee) AS percentage_fee,
       sum(fixed_fee) AS fixed_fee,
       sum(total_fee) AS total_fee,
       sum(net) AS net,
       min(reporting_currency) AS reporting_currency,
       sum(net_reporting) AS net_reporting,
       count(net_reporting) AS converted,
       count(DISTINCT minor_units) AS minor_units_seen,
       count(DISTINCT reporting_currency) AS reporting_currencies_seen
  FROM settle.settlement_line
 WHERE seller_id = $1
   AND business_date = $2::date
 GROUP BY currency, kind
 ORDER BY currency, kind
