-- select_yesterday.sql: yesterday's date in a time zone, the default
-- business date of `settle run`.
-- $1 timezone text (IANA name)
SELECT ((now() AT TIME ZONE $1)::date - 1)::text AS yesterday
