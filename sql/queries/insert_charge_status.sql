-- insert_charge_status.sql: a charge or refund as Amazon described it.
--   $1 seller_id      text
--   $2 object_id      text
--   $3 business_date  date
--   $4 resource       text, charge or refund
--   $5 state          text
--   $6 reason_code    text or NULL
INSERT INTO settle.charge_status (seller_id, object_id, business_date,
                                  resource, state, reason_code)
VALUES ($1::text, $2::text, $3::date, $4::text, $5::text, $6::text);
