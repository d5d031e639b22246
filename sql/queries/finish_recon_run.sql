-- finish_recon_run.sql: marks (seller, date) reconciled, in the same
-- transaction as the results, with the time zone and lookback its open
-- entries (settle.recon_open) were computed with, for the next date.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 lookback_days  integer
--   $4 timezone       text
UPDATE settle.run
SET status = 'reconciled', reconciled_at = now(), failed_stage = NULL,
    last_error = NULL, updated_at = now(),
    open_lookback_days = $3::integer, open_timezone = $4::text
WHERE seller_id = $1::text AND business_date = $2::date;
