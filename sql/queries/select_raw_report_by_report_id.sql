-- select_raw_report_by_report_id.sql: whether a report fetched through the
-- API is already archived for the seller.
-- $1  seller_id  text
-- $2  report_id  text (Amazon reportId)
-- Returns one row per archived file of that report (normally 0 or 1).
SELECT sha256
  FROM settle.raw_report
 WHERE seller_id = $1 AND report_id = $2
