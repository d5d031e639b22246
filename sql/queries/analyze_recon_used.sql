-- analyze_recon_used.sql: statistics for the consumed entries before the
-- anti-join that finds the unexplained ones.
-- No parameters.
ANALYZE rc_used;
