-- select_disbursement_pages.sql: how many pages of Get Disbursements a
-- fetch of (seller, date) archived (012_disbursements.sql).
--   $1 seller_id      text
--   $2 business_date  date
SELECT count(*) AS pages
FROM settle.disbursement_page
WHERE seller_id = $1::text AND business_date = $2::date;
