-- create_recon_lines.sql: the settlement lines of (seller, date) that this
-- run classifies, each with a small integer key lid for the joins that
-- follow, and is_dup (set by update_recon_dups.sql). ref is the
-- merchant's reference: seller_reference_id, else seller_order_id, else
-- NULL; sref and soid are the two, and by_order is set when the reference
-- rule falls back from the first to the second (update_recon_by_order.sql).
--   $1 seller_id      text
--   $2 business_date  date
CREATE TEMP TABLE rc_line ON COMMIT DROP AS
SELECT row_number() OVER () AS lid,
       s.source_sha256, s.source_line, s.settlement_id, s.settlement_start,
       s.settlement_end, s.posted_at, s.kind, s.provider_type,
       s.amazon_transaction_id AS txn,
       coalesce(nullif(s.seller_reference_id, ''),
                nullif(s.seller_order_id, '')) AS ref,
       nullif(s.seller_reference_id, '') AS sref,
       nullif(s.seller_order_id, '') AS soid,
       s.amazon_order_reference_id,
       s.currency::text AS currency, s.minor_units, s.amount, s.total_fee,
       false AS is_dup, false AS by_order
FROM settle.settlement_line s
WHERE s.seller_id = $1::text AND s.business_date = $2::date;
