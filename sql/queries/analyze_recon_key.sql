-- analyze_recon_key.sql: statistics for the key pairs, which the next
-- statements anti-join against.
-- No parameters.
ANALYZE rc_lm;
