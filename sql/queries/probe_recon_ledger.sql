-- probe_recon_ledger.sql: reads nothing, but needs SELECT on the view
-- settle.ledger_entry (and the view's owner on its tables), so a missing
-- privilege fails here with SQLSTATE 42501 before any work.
-- No parameters.
SELECT 1 FROM settle.ledger_entry LIMIT 0;
