-- select_raw_report_business_date.sql: the business date of an instant,
-- as raw_report.business_date computes it.
-- $1  instant   timestamptz (UTC, YYYY-MM-DDTHH:MM:SSZ)
-- $2  timezone  text, IANA zone
-- Returns one row: the date as YYYY-MM-DD.
SELECT to_char(($1::timestamptz AT TIME ZONE $2)::date, 'YYYY-MM-DD')
           AS business_date
