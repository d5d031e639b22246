-- select_raw_reports_for_date.sql: the archived reports of one business
-- date, in a total order (settlement end, then sha256), for normalize.
--   $1 seller_id (text)
--   $2 business_date (date, YYYY-MM-DD)
-- Columns: sha256, original_name ('' when unknown), settlement_start as
-- YYYY-MM-DDTHH:MM:SSZ (UTC).
SELECT sha256,
       coalesce(original_name, '') AS original_name,
       to_char(settlement_start AT TIME ZONE 'UTC',
               'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS settlement_start
  FROM settle.raw_report
 WHERE seller_id = $1
   AND business_date = $2::date
 ORDER BY settlement_end, sha256;
