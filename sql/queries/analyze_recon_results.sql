-- analyze_recon_results.sql: fresh statistics after a date's results were
-- replaced, so that the report plans its joins with real sizes. No
-- parameters.
ANALYZE settle.recon_result
