-- insert_disbursement_page.sql: one archived page of Get Disbursements.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 page           integer, from 1 in the order asked
--   $4 sha256         text, of the page's bytes in the archive
--   $5 bytes          bigint
--   $6 entries        integer
INSERT INTO settle.disbursement_page (seller_id, business_date, page, sha256,
                                      bytes, entries)
VALUES ($1::text, $2::date, $3::integer, $4::text, $5::bigint, $6::integer);
