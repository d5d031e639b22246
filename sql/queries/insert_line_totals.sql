-- insert_line_totals.sql: the count and sums of the lines of (seller,
-- date) per currency, kind and exchange rate into settle.line_total
-- (010_line_totals.sql), for the period statements.
--   $1 seller_id      text
--   $2 business_date  date
INSERT INTO settle.line_total (seller_id, business_date, currency, kind,
    minor_units, reporting_currency, fx_date, fx_rate, lines, amount,
    percentage_fee, fixed_fee, total_fee, net, net_reporting, converted)
SELECT $1::text, $2::date, l.currency, l.kind, l.minor_units,
       l.reporting_currency, l.fx_date, l.fx_rate, count(*), sum(l.amount),
       sum(l.percentage_fee), sum(l.fixed_fee), sum(l.total_fee), sum(l.net),
       sum(l.net_reporting), count(l.net_reporting)
FROM settle.settlement_line l
WHERE l.seller_id = $1::text AND l.business_date = $2::date
GROUP BY l.currency, l.kind, l.minor_units, l.reporting_currency, l.fx_date,
         l.fx_rate;
