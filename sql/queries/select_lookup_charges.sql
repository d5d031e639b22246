-- select_lookup_charges.sql: the charges and refunds a fetch of date D
-- asks Amazon about: the provider transaction ids of the ledger entries
-- that the latest reconciled date before D left in_transit or
-- missing_in_settlement (captures ask Get Charge, refunds Get Refund),
-- the longest waiting first, at most $3.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 limit          integer (what api_lookups_max leaves)
SELECT x.object_id, x.resource
  FROM (SELECT DISTINCT ON (r.amazon_transaction_id)
               r.amazon_transaction_id AS object_id,
               CASE WHEN r.kind = 'refund' THEN 'refund' ELSE 'charge' END
                   AS resource,
               r.booked_at
          FROM settle.recon_result r
         WHERE r.seller_id = $1::text
           AND r.business_date = (SELECT max(p.business_date)
                                    FROM settle.run p
                                   WHERE p.seller_id = $1::text
                                     AND p.business_date < $2::date
                                     AND p.status IN ('reconciled',
                                                      'reported'))
           AND r.status IN ('in_transit', 'missing_in_settlement')
           AND r.kind IN ('capture', 'refund')
           AND coalesce(r.amazon_transaction_id, '') <> ''
         ORDER BY r.amazon_transaction_id, r.booked_at) x
 ORDER BY x.booked_at, x.object_id
 LIMIT $3::integer;
