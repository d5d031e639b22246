-- select_period_dates.sql: every business date from $2 to $3 with the
-- status of its run (NULL: never run) and its ledger cutoff, for the
-- period statements, which need every date reconciled.
--   $1 seller_id  text
--   $2 from_date  date
--   $3 to_date    date
SELECT to_char(d.day, 'YYYY-MM-DD') AS business_date,
       r.status,
       to_char(r.ledger_cutoff AT TIME ZONE 'UTC',
               'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ledger_cutoff
  FROM generate_series($2::date, $3::date, interval '1 day') AS d (day)
  LEFT JOIN settle.run r
    ON r.seller_id = $1 AND r.business_date = d.day::date
 ORDER BY d.day
