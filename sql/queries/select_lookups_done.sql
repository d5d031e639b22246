-- select_lookups_done.sql: whether a fetch of (seller, date) made its
-- lookups of kind already (settle.lookup_done, 013_dispute_lookups.sql).
--   $1 seller_id      text
--   $2 business_date  date
--   $3 kind           text, dispute or charge
SELECT count(*) AS done
FROM settle.lookup_done
WHERE seller_id = $1::text AND business_date = $2::date
  AND kind = $3::text;
