-- select_doctor_rates.sql: the newest stored ECB quote of a currency and
-- its age in days on today (UTC), for `settle doctor`.
-- $1 currency text (the reporting currency's rates are per EUR; for EUR
--    itself any quote shows the rates are being kept)
-- Returns newest (YYYY-MM-DD, NULL when none) and age_days.
SELECT max(rate_date)::text AS newest,
       (now() AT TIME ZONE 'UTC')::date - max(rate_date) AS age_days
  FROM settle.fx_rate
 WHERE currency = $1 OR $1 = 'EUR'
