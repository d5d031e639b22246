-- insert_disbursement.sql: one payout, kept as first seen (a payout
-- listed again by a later date's window is the same payout).
--   $1 seller_id         text
--   $2 reference         text, amazonDisbursementReferenceId
--   $3 settlement_id     text
--   $4 currency          text
--   $5 minor_units       smallint
--   $6 amount            bigint, minor units
--   $7 transaction_time  text, ISO 8601 as Amazon wrote it
--   $8 business_date     date
--   $9 source_sha256     text
INSERT INTO settle.disbursement (seller_id, reference, settlement_id,
    currency, minor_units, amount, transaction_time, business_date,
    source_sha256)
VALUES ($1::text, $2::text, $3::text, $4::text, $5::smallint, $6::bigint,
        $7::timestamptz, $8::date, $9::text)
ON CONFLICT (seller_id, reference) DO NOTHING;
