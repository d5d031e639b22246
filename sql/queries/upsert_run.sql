-- upsert_run.sql: make sure (seller, date) has its settle.run row and read
-- where the last run of it stopped.
-- $1 seller_id text, $2 business_date date, $3 tool_version text
-- Returns: status, failed_stage (NULL unless status = 'failed').
INSERT INTO settle.run AS r (seller_id, business_date, tool_version)
VALUES ($1, $2::date, $3)
ON CONFLICT (seller_id, business_date)
    DO UPDATE SET updated_at = now()
RETURNING r.status, r.failed_stage
