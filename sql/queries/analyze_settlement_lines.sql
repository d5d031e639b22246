-- analyze_settlement_lines.sql: fresh statistics after a date's lines were
-- replaced, so that reconcile and report plan their joins with real sizes
-- (autovacuum would only catch up later). No parameters.
ANALYZE settle.settlement_line
