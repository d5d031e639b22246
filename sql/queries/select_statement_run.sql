-- select_statement_run.sql: the ledger cutoff of a seller's business date,
-- as text for the manifest and as a timestamptz for as-of reads.
--   $1 seller_id      text
--   $2 business_date  date
SELECT to_char(ledger_cutoff AT TIME ZONE 'UTC',
               'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ledger_cutoff_text,
       ledger_cutoff,
       cutoff_moved
  FROM settle.run
 WHERE seller_id = $1
   AND business_date = $2::date
