-- create_recon_source_seller.sql: rc_src when settle.ledger_entry has a
-- seller_id column: this seller's rows and rows with seller_id NULL. A
-- view cannot take parameters, so the seller comes from the setting
-- settle.seller_id that set_recon_session.sql gives the transaction.
CREATE OR REPLACE TEMP VIEW rc_src AS
SELECT e.entry_id, e.recorded_at, e.booked_at, e.kind,
       e.provider_transaction_id, e.order_reference, e.currency, e.amount,
       e.fee
FROM settle.ledger_entry e
WHERE e.seller_id IS NULL
   OR e.seller_id::text = (SELECT current_setting('settle.seller_id'));
