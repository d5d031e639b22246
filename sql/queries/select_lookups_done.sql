-- select_lookups_done.sql: how many objects of the resources a fetch of
-- (seller, date) looked up (013_dispute_lookups.sql).
--   $1 seller_id      text
--   $2 business_date  date
--   $3 resources      text[]
SELECT count(*) AS lookups
FROM settle.api_lookup
WHERE seller_id = $1::text AND business_date = $2::date
  AND resource = ANY ($3::text[]);
