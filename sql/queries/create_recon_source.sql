-- create_recon_source.sql: rc_src, the ledger view as reconcile reads it,
-- when settle.ledger_entry has no seller_id column (every row is this
-- seller's). A view, so create_recon_ledger.sql reads the ledger once,
-- through it; create_recon_source_seller.sql is the other shape. Temporary
-- and created inside the reconcile transaction; drop_recon_work.sql drops
-- it.
CREATE OR REPLACE TEMP VIEW rc_src AS
SELECT e.entry_id, e.recorded_at, e.booked_at, e.kind,
       e.provider_transaction_id, e.order_reference, e.currency, e.amount,
       e.fee
FROM settle.ledger_entry e;
