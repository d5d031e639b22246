-- update_run_failed.sql: record that a stage of (seller, date) failed, so
-- the next run resumes there.
-- $1 seller_id text, $2 business_date date, $3 stage text, $4 error text
UPDATE settle.run
   SET status = 'failed',
       failed_stage = $3,
       last_error = $4,
       updated_at = now()
 WHERE seller_id = $1 AND business_date = $2::date
