-- analyze_recon_lines.sql: statistics for the currencies and the lines
-- just read, so the joins that follow are planned with their real sizes.
-- No parameters.
ANALYZE rc_cur, rc_line;
