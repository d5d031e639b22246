-- select_period_summary.sql: count and sums per (currency, kind) of a
-- seller's business dates from $2 to $3, from the stored line sums
-- (settle.line_total), for the period's Summary sheet: the columns of
-- select_statement_summary.sql.
--   $1 seller_id  text
--   $2 from_date  date
--   $3 to_date    date
SELECT currency,
       kind,
       min(minor_units) AS minor_units,
       sum(lines) AS lines,
       sum(amount) AS amount,
       sum(percentage_fee) AS percentage_fee,
       sum(fixed_fee) AS fixed_fee,
       sum(total_fee) AS total_fee,
       sum(net) AS net,
       min(reporting_currency) AS reporting_currency,
       sum(net_reporting) AS net_reporting,
       sum(converted) AS converted,
       count(DISTINCT minor_units) AS minor_units_seen,
       count(DISTINCT reporting_currency) AS reporting_currencies_seen
  FROM settle.line_total
 WHERE seller_id = $1
   AND business_date BETWEEN $2::date AND $3::date
 GROUP BY currency, kind
 ORDER BY currency, kind
