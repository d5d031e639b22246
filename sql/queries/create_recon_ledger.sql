-- create_recon_ledger.sql: the ledger as of the cutoff, read once
-- through rc_src (create_recon_source*.sql: the seller's rows).
-- Rows recorded after the cutoff are invisible. Read: entries booked from
-- (date - lookback_days) up to the date in the configured time zone (the
-- candidates for missing_in_settlement), payouts booked from then on, and
-- any entry whose transaction id or reference appears among the date's
-- lines (hash joins against the date's distinct keys, never an IN under
-- OR, which stops being hashed once the keys outgrow work_mem); minus
-- entries that an earlier date's results already consumed.
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
WITH consumed AS (
    SELECT unnest(CASE WHEN r.entry_ids IS NOT NULL THEN r.entry_ids
                       ELSE ARRAY[r.entry_id] END) AS entry_id
    FROM settle.recon_result r
    WHERE r.seller_id = $1::text
      AND r.business_date >= $2::date - $5::integer
      AND r.business_date < $2::date
      AND (r.entry_ids IS NOT NULL
           OR (r.source_sha256 IS NOT NULL AND r.entry_id IS NOT NULL))
), e AS (
    SELECT e.entry_id::text AS entry_id, e.recorded_at, e.booked_at,
           e.kind::text AS kind,
           nullif(e.provider_transaction_id::text, '') AS ptxn,
           nullif(e.order_reference::text, '') AS ref,
           e.currency::text AS currency,
           e.amount::numeric AS amount, e.fee::numeric AS fee
    FROM rc_src e
    LEFT JOIN (SELECT DISTINCT txn FROM rc_line WHERE txn <> '') kt
        ON kt.txn = e.provider_transaction_id::text
    LEFT JOIN (SELECT DISTINCT ref FROM rc_line WHERE ref IS NOT NULL) kr
        ON kr.ref = e.order_reference::text
    WHERE e.recorded_at <= $3::timestamptz
      AND ((e.booked_at >= (($2::date - $5::integer)::timestamp
                            AT TIME ZONE $4::text)
            AND (e.booked_at < ($2::date::timestamp AT TIME ZONE $4::text)
                 OR e.kind::text = 'payout'))
           OR kt.txn IS NOT NULL
           OR kr.ref IS NOT NULL)
)
SELECT e.entry_id, e.recorded_at, e.booked_at,
       (e.booked_at AT TIME ZONE $4::text)::date AS booked_date,
       e.kind, e.ptxn, e.ref, e.currency, c.minor_units, c.scale,
       e.amount, e.fee,
       CASE WHEN e.amount * c.scale % 1 = 0
             AND abs(e.amount * c.scale) <= 9223372036854775807
            THEN (e.amount * c.scale)::bigint END AS amount_minor,
       CASE WHEN e.fee * c.scale % 1 = 0
             AND abs(e.fee * c.scale) <= 9223372036854775807
            THEN (e.fee * c.scale)::bigint END AS fee_minor
FROM e
LEFT JOIN rc_cur c ON c.currency = e.currency
WHERE NOT EXISTS (SELECT 1 FROM consumed x WHERE x.entry_id = e.entry_id);
