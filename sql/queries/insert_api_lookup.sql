-- insert_api_lookup.sql: one object asked of Amazon.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 resource       text
--   $4 object_id      text
--   $5 http_status    integer
--   $6 sha256         text, of the answer's bytes in the archive
INSERT INTO settle.api_lookup (seller_id, business_date, resource,
                               object_id, http_status, sha256)
VALUES ($1::text, $2::date, $3::text, $4::text, $5::integer, $6::text);
