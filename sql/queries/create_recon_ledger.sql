-- create_recon_ledger.sql: the ledger as of the cutoff, read once
-- through rc_src (create_recon_source*.sql: the seller's rows).
-- Rows recorded after the cutoff are invisible. Read: entries booked from
-- (date - lookback_days) up to the date in the configured time zone (the
-- candidates for missing_in_settlement), payouts booked from then on, and
-- any entry whose transaction id, reference or seller order id appears
-- among the date's lines (hash joins against the date's distinct keys,
-- never an IN under OR, which stops being hashed once the keys outgrow
-- work_mem; a seller order id adds a key only where it differs from the
-- reference, which is it whenever seller_reference_id is empty); minus
-- entries that an earlier date used up.
-- The window is not re-read entry by entry: the latest earlier date that
-- recorded its open entries (settle.recon_open, with this time zone and a
-- lookback at least this long) is carried forward, and of the window only
-- what is new since is taken: entries booked from that date on or
-- recorded after its cutoff. Every other entry of the window was in that
-- date's window, as of its cutoff, so it is either among its open entries
-- or was used up by then: the set is the window's, and the results are
-- the same as reading it whole (ARCHITECTURE.md, "Carried state"). With
-- no such date (the first date, or runs before migration 008) the whole
-- window is read.
-- What earlier dates used is read by entry from settle.recon_entry_use
-- (its key leads with the entry; rows of dates before this one only, so a
-- rerun sees what the first run saw). An entry that earlier dates settled
-- only in part (a split shipment) comes with what is left of it: amount
-- and fee less what was settled (settled_before, settled_fee_before).
-- Amounts become exact minor units: amount * 10^minor_units must be a
-- whole number within bigint, else amount_minor is NULL (reported as a
-- mismatch, never rounded). The same for fee. entry_id is the key of
-- every later join (the contract makes it unique).
--   $1 seller_id      text
--   $2 business_date  date
--   $3 ledger_cutoff  timestamptz
--   $4 timezone       text
--   $5 lookback_days  integer
CREATE TEMP TABLE rc_le ON COMMIT DROP AS
WITH prev AS MATERIALIZED (
    SELECT r.business_date AS d, r.ledger_cutoff AS cut,
           r.business_date::timestamp AT TIME ZONE $4::text AS start
    FROM settle.run r
    WHERE r.seller_id = $1::text
      AND r.business_date < $2::date
      AND r.open_timezone = $4::text
      AND r.open_lookback_days >= $5::integer
    ORDER BY r.business_date DESC
    LIMIT 1
), e AS (
    SELECT e.entry_id::text AS entry_id, e.recorded_at, e.booked_at,
           e.kind::text AS kind,
           nullif(e.provider_transaction_id::text, '') AS ptxn,
           nullif(e.order_reference::text, '') AS ref,
           e.currency::text AS currency,
           e.amount::numeric AS amount, e.fee::numeric AS fee
    FROM rc_src e
    LEFT JOIN (SELECT o.entry_id
               FROM settle.recon_open o
               WHERE o.seller_id = $1::text
                 AND o.business_date = (SELECT d FROM prev)) o
        ON o.entry_id = e.entry_id::text
    LEFT JOIN (SELECT DISTINCT txn FROM rc_line WHERE txn <> '') kt
        ON kt.txn = e.provider_transaction_id::text
    LEFT JOIN (SELECT ref FROM rc_line WHERE ref IS NOT NULL
               UNION
               SELECT soid FROM rc_line WHERE soid <> ref) kr
        ON kr.ref = e.order_reference::text
    WHERE e.recorded_at <= $3::timestamptz
      AND ((e.booked_at >= (($2::date - $5::integer)::timestamp
                            AT TIME ZONE $4::text)
            AND (e.booked_at < ($2::date::timestamp AT TIME ZONE $4::text)
                 OR e.kind::text = 'payout')
            AND (NOT EXISTS (SELECT 1 FROM prev)
                 OR o.entry_id IS NOT NULL
                 OR e.booked_at >= (SELECT start FROM prev)
                 OR e.recorded_at > (SELECT cut FROM prev)))
           OR kt.txn IS NOT NULL
           OR kr.ref IS NOT NULL)
), o AS (
    SELECT e.*, coalesce(u.settled, 0) AS settled_before,
           coalesce(u.settled_fee, 0) AS settled_fee_before
    FROM e
    CROSS JOIN LATERAL (
        SELECT bool_or(u.complete) AS complete, sum(u.settled) AS settled,
               sum(u.settled_fee) AS settled_fee
        FROM settle.recon_entry_use u
        WHERE u.seller_id = $1::text
          AND u.entry_id = e.entry_id
          AND u.business_date < $2::date) u
    WHERE u.complete IS NOT TRUE
)
SELECT o.entry_id, o.recorded_at, o.booked_at,
       (o.booked_at AT TIME ZONE $4::text)::date AS booked_date,
       o.kind, o.ptxn, o.ref, o.currency, c.minor_units, c.scale,
       CASE WHEN o.settled_before = 0 THEN o.amount
            ELSE o.amount - round(o.settled_before / c.scale, c.minor_units)
       END AS amount,
       CASE WHEN o.settled_fee_before = 0 OR o.fee IS NULL THEN o.fee
            ELSE o.fee - round(o.settled_fee_before / c.scale, c.minor_units)
       END AS fee,
       CASE WHEN o.amount * c.scale % 1 = 0
             AND abs(o.amount * c.scale) <= 9223372036854775807
            THEN (o.amount * c.scale)::bigint - o.settled_before
       END AS amount_minor,
       CASE WHEN o.fee * c.scale % 1 = 0
             AND abs(o.fee * c.scale) <= 9223372036854775807
            THEN (o.fee * c.scale)::bigint - o.settled_fee_before
       END AS fee_minor,
       o.settled_before, o.settled_fee_before
FROM o
LEFT JOIN rc_cur c ON c.currency = o.currency;
