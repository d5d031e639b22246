-- analyze_recon_rest.sql: statistics for what is left for the reference
-- match (usually small).
-- No parameters.
ANALYZE rc_lrest, rc_erest;
