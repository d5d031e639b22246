-- update_run_stage.sql: record that a stage of (seller, date) completed.
-- $1 seller_id text, $2 business_date date,
-- $3 status text: 'fetched', 'normalized', 'reconciled' or 'reported',
-- $4 tool_version text
UPDATE settle.run
   SET status = $3,
       fetched_at = CASE WHEN $3 = 'fetched' THEN now() ELSE fetched_at END,
       normalized_at = CASE WHEN $3 = 'normalized' THEN now()
                            ELSE normalized_at END,
       reconciled_at = CASE WHEN $3 = 'reconciled' THEN now()
                            ELSE reconciled_at END,
       reported_at = CASE WHEN $3 = 'reported' THEN now()
                          ELSE reported_at END,
       failed_stage = NULL,
       last_error = NULL,
       tool_version = $4,
       updated_at = now()
 WHERE seller_id = $1 AND business_date = $2::date
