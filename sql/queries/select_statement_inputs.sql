-- select_statement_inputs.sql: the archived raw reports of a seller's
-- business date, for the manifest's inputs.
--   $1 seller_id      text
--   $2 business_date  date
SELECT coalesce(original_name, '') AS name,
       sha256,
       bytes,
       report_id
  FROM settle.raw_report
 WHERE seller_id = $1
   AND business_date = $2::date
 ORDER BY sha256
