-- analyze_recon_ledger.sql: statistics for the duplicates and the ledger
-- snapshot before the matching joins.
-- No parameters.
ANALYZE rc_dup, rc_le;
