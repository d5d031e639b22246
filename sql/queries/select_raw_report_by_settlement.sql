-- select_raw_report_by_settlement.sql: the files already archived for one
-- settlement of the seller, oldest first. Amazon never changes a
-- settlement report, so a second file with other bytes is refused.
-- $1  seller_id      text
-- $2  settlement_id  text
SELECT sha256, coalesce(original_name, '') AS original_name
  FROM settle.raw_report
 WHERE seller_id = $1 AND settlement_id = $2
 ORDER BY archived_at, sha256
