-- insert_recon_missing.sql: rule 4. Ledger entries booked before the date
-- (booking date in the configured time zone), within lookback_days, that
-- nothing explains: not consumed by this run's matches nor by an earlier
-- date's results (those were left out of rc_le already), and, for entries
-- of kind fee, no settlement line up to the date with their transaction id
-- or reference. They are in_transit while (date - booking date) <
-- unsettled_grace_days, else missing_in_settlement. An entry that split
-- shipments settled in part is listed with what is left of it. booked_at
-- is the entry's, age_days its age in days on the date; due_date the
-- first date on which an entry in transit is missing. When Get Charge or
-- Get Refund described the entry's transaction on the date or before
-- (settle.charge_status, 014_charge_lookups.sql), the reason says what
-- Amazon said ("charge declined at Amazon", "capture still initiated").
-- The fee test is two semi-joins at the top of their queries, never an IN
-- under OR: a subquery under OR runs as a hashed subplan only while the
-- window's lines fit in work_mem, and past that once per entry, which at
-- 1.4 million lines a date ran for more than twenty minutes.
--   $1 seller_id             text
--   $2 business_date         date
--   $3 lookback_days         integer
--   $4 unsettled_grace_days  integer
WITH fees AS MATERIALIZED (
    SELECT entry_id, ptxn, ref
    FROM rc_le
    WHERE kind = 'fee'
      AND booked_date < $2::date
      AND booked_date >= $2::date - $3::integer
), fee_explained AS (
    SELECT f.entry_id
    FROM fees f
    WHERE f.ptxn IN (SELECT s.amazon_transaction_id
                     FROM settle.settlement_line s
                     WHERE s.seller_id = $1::text
                       AND s.business_date >= $2::date - $3::integer
                       AND s.business_date <= $2::date
                       AND s.amazon_transaction_id <> '')
    UNION
    SELECT f.entry_id
    FROM fees f
    WHERE f.ref IN (SELECT coalesce(nullif(s.seller_reference_id, ''),
                                    nullif(s.seller_order_id, ''))
                    FROM settle.settlement_line s
                    WHERE s.seller_id = $1::text
                      AND s.business_date >= $2::date - $3::integer
                      AND s.business_date <= $2::date)
)
INSERT INTO settle.recon_result (seller_id, business_date, status,
    match_rule, kind, currency, minor_units, amazon_transaction_id,
    reference, entry_id, ledger_amount, ledger_fee, reason, booked_at,
    age_days, due_date)
SELECT $1::text, $2::date,
       CASE WHEN $2::date - e.booked_date < $4::integer THEN 'in_transit'
            ELSE 'missing_in_settlement' END,
       'none', coalesce(e.kind, ''), coalesce(e.currency, '')::char(3),
       coalesce(e.minor_units, 0), e.ptxn, e.ref, e.entry_id,
       e.amount_minor, e.fee_minor,
       'ledger ' || coalesce(e.kind, '') || ' '
       || coalesce(round(e.amount_minor / e.scale, e.minor_units)::text,
                   e.amount::text || ' (not a whole number of minor units)')
       || ' ' || coalesce(e.currency, '') || ' booked '
       || e.booked_date::text || ' ('
       || ($2::date - e.booked_date)::text
       || CASE WHEN $2::date - e.booked_date = 1 THEN ' day' ELSE ' days' END
       || ' before the date'
       || CASE WHEN $2::date - e.booked_date < $4::integer
               THEN ', within unsettled_grace_days ' || $4::integer::text
               ELSE '' END
       || '): no settlement explains it'
       || CASE WHEN e.settled_before <> 0
               THEN ' (what is left of '
                    || round((e.amount_minor + e.settled_before)::numeric
                             / e.scale, e.minor_units)::text
                    || ' after '
                    || round(e.settled_before::numeric / e.scale,
                             e.minor_units)::text
                    || ' settled by split shipments)'
               ELSE '' END
       || coalesce('; Amazon: '
                   || CASE c.state
                      WHEN 'Declined' THEN c.resource || ' declined at Amazon'
                      WHEN 'Canceled' THEN 'charge canceled at Amazon'
                      WHEN 'CaptureInitiated' THEN 'capture still initiated'
                      WHEN 'AuthorizationInitiated'
                          THEN 'authorization still initiated'
                      WHEN 'Authorized' THEN 'authorized, not captured'
                      WHEN 'Captured'
                          THEN 'captured, its settlement still to come'
                      WHEN 'RefundInitiated' THEN 'refund still initiated'
                      WHEN 'Refunded'
                          THEN 'refunded, its settlement still to come'
                      ELSE c.resource || ' ' || c.state END
                   || coalesce(' (' || c.reason_code || ')', ''), ''),
       e.booked_at, $2::date - e.booked_date, e.booked_date + $4::integer
FROM rc_le e
LEFT JOIN (
     SELECT DISTINCT ON (s.object_id) s.object_id, s.resource, s.state,
            s.reason_code
       FROM settle.charge_status s
      WHERE s.seller_id = $1::text
        AND s.business_date <= $2::date
      ORDER BY s.object_id, s.business_date DESC) c ON c.object_id = e.ptxn
WHERE e.booked_date < $2::date
  AND e.booked_date >= $2::date - $3::integer
  AND NOT EXISTS (SELECT 1 FROM rc_used u WHERE u.entry_id = e.entry_id)
  AND NOT EXISTS (SELECT 1 FROM fee_explained f
                  WHERE f.entry_id = e.entry_id);
