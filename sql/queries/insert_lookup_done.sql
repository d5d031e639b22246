-- insert_lookup_done.sql: a date's lookups of a kind are made.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 kind           text, dispute or charge
--   $4 objects        integer, how many were asked
--   $5 refused        boolean, Amazon refused the key (401/403)
INSERT INTO settle.lookup_done (seller_id, business_date, kind, objects,
                                refused)
VALUES ($1::text, $2::date, $3::text, $4::integer, $5::boolean);
