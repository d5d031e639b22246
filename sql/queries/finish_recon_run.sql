-- finish_recon_run.sql: marks (seller, date) reconciled, in the same
-- transaction as the results.
--   $1 seller_id      text
--   $2 business_date  date
UPDATE settle.run
SET status = 'reconciled', reconciled_at = now(), failed_stage = NULL,
    last_error = NULL, updated_at = now()
WHERE seller_id = $1::text AND business_date = $2::date;
