-- select_period_days.sql: one row per business date and currency of a
-- seller's dates from $2 to $3, for the Days sheet of a period statement:
-- the stored line sums (settle.line_total), the payouts (transfer nets),
-- the reserve moved and held,
-- the date's exceptions (the statuses of select_statement_exceptions.sql)
-- and settlements. The columns are the days template's fields in the
-- order of lib/report/template.c (days_fields), then minor_units.
--   $1 seller_id  text
--   $2 from_date  date
--   $3 to_date    date
WITH days AS (
    SELECT business_date, currency, min(minor_units) AS minor_units,
           sum(lines) AS lines, sum(amount) AS amount,
           sum(total_fee) AS total_fee, sum(net) AS net,
           coalesce(sum(net) FILTER (WHERE kind = 'transfer'), 0) AS payouts,
           min(reporting_currency) AS reporting_currency,
           CASE WHEN sum(converted) = sum(lines) THEN sum(net_reporting)
                END AS net_reporting
      FROM settle.line_total
     WHERE seller_id = $1
       AND business_date BETWEEN $2::date AND $3::date
     GROUP BY business_date, currency
),
exc AS (
    SELECT business_date, currency, count(*) AS exceptions
      FROM settle.recon_result
     WHERE seller_id = $1
       AND business_date BETWEEN $2::date AND $3::date
       AND (status IN ('amount_mismatch', 'fee_mismatch', 'missing_in_ledger',
                       'missing_in_settlement', 'duplicate_in_settlement',
                       'payout_mismatch', 'unknown_type',
                       'settlement_out_of_balance')
            OR kind = 'unknown')
     GROUP BY business_date, currency
),
-- the reserve Amazon holds at each day's end, as far as the stored dates
-- go back: minus the running sum of the Reserve lines' nets (held < 0)
res AS (
    SELECT business_date, currency, reserve,
           -sum(reserve) OVER (PARTITION BY currency ORDER BY business_date)
               AS reserve_balance
      FROM (SELECT business_date, currency,
                   coalesce(sum(net) FILTER (WHERE kind = 'reserve'), 0)
                       AS reserve
              FROM settle.line_total
             WHERE seller_id = $1
               AND business_date <= $3::date
             GROUP BY business_date, currency) r
),
stl AS (
    SELECT business_date, currency, count(*) AS settlements
      FROM settle.recon_settlement
     WHERE seller_id = $1
       AND business_date BETWEEN $2::date AND $3::date
     GROUP BY business_date, currency
)
SELECT to_char(d.business_date, 'YYYY-MM-DD') AS business_date,
       d.currency,
       d.lines,
       d.amount,
       d.total_fee,
       d.net,
       d.payouts,
       r.reserve,
       r.reserve_balance,
       d.reporting_currency,
       d.net_reporting,
       coalesce(e.exceptions, 0) AS exceptions,
       coalesce(s.settlements, 0) AS settlements,
       d.minor_units
  FROM days d
  LEFT JOIN exc e ON e.business_date = d.business_date
                 AND e.currency = d.currency
  JOIN res r ON r.business_date = d.business_date
             AND r.currency = d.currency
  LEFT JOIN stl s ON s.business_date = d.business_date
                 AND s.currency = d.currency
 ORDER BY d.business_date, d.currency
