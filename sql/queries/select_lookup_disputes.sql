-- select_lookup_disputes.sql: the dispute cases a fetch of date D asks
-- Get Dispute for: opened on or before D and open then (no outcome, not
-- resolved or closed at Amazon: settle.dispute_open); the most urgent
-- first, at most $3.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 limit          integer (api_lookups_max)
SELECT d.case_id AS object_id, 'dispute' AS resource
  FROM settle.dispute d
 WHERE d.seller_id = $1::text
   AND d.opened_date <= $2::date
   AND settle.dispute_open(d.seller_id, d.case_id, $2::date)
 ORDER BY d.respond_by, d.case_id
 LIMIT $3::integer;
