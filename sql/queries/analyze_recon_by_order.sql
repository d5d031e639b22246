-- analyze_recon_by_order.sql: statistics for rc_ord
-- (create_recon_by_order.sql), so the update after it is planned on its
-- real size.
-- No parameters.
ANALYZE rc_ord;
