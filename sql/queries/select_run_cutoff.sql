-- select_run_cutoff.sql: the ledger cutoff a date was reconciled as of.
-- $1 seller_id text, $2 business_date date
-- Returns: ledger_cutoff (NULL when never reconciled), no row when never run.
SELECT ledger_cutoff FROM settle.run
 WHERE seller_id = $1 AND business_date = $2::date
