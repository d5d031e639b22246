-- drop_recon_source.sql: drops rc_src (create_recon_source*.sql), so that a
-- session running several dates holds no view over settle.ledger_entry
-- between them.
DROP VIEW IF EXISTS rc_src;
