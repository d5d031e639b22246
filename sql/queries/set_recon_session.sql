-- set_recon_session.sql: settings of the reconcile transaction, local to
-- it: memory for its hash joins and hash aggregates (a million lines
-- against a million ledger entries fit instead of spilling), and a small
-- statistics sample for the ANALYZE of its temporary tables (sizes and
-- rough distinct counts are all the plans need). JIT is off: compiling
-- the long CASE expressions costs more than it saves on these one-pass
-- statements (over a second per million rows). settle.seller_id is the
-- seller, for the view of create_recon_source_seller.sql.
--   $1 seller_id  text
SELECT set_config('work_mem', '128MB', true),
       set_config('default_statistics_target', '10', true),
       set_config('jit', 'off', true),
       set_config('settle.seller_id', $1::text, true);
