-- insert_dispute_status.sql: a case as Get Dispute described it.
--   $1 seller_id      text
--   $2 case_id        text
--   $3 business_date  date
--   $4 state          text
--   $5 resolution     text or NULL
--   $6 reason_code    text or NULL
--   $7 deadline       text (ISO 8601) or NULL
INSERT INTO settle.dispute_status (seller_id, case_id, business_date, state,
                                   resolution, reason_code, deadline)
VALUES ($1::text, $2::text, $3::date, $4::text, $5::text, $6::text,
        $7::timestamptz);
