-- ledger.sql: the bench's ledger, loaded once before anything is timed.
--
-- psql -v ledger_mode=table|reference -f tests/bench/ledger.sql < ledger.csv
--
-- The generator's ledger.csv (header row; the columns of the ledger
-- contract, README "Connecting your ledger") goes into bench.ledger with \copy, indexed
-- on the keys a merchant's ledger would have, and analysed. The psql floor
-- (reconcile_floor.sql) joins against this table.
--
-- ledger_mode=table (default): settle.ledger_entry is a plain view over
-- bench.ledger, so settle and the floor read the same rows the same way.
-- ledger_mode=reference: the rows are booked into the project's reference
-- double-entry ledger (sql/ledger/reference.sql, loaded by tests/bench/run
-- just before this script) and settle.ledger_entry is its view, which
-- aggregates postings: closer to a real ledger, slower to read.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\if :{?ledger_mode}
\else
\set ledger_mode table
\endif
CREATE SCHEMA IF NOT EXISTS bench;
CREATE SCHEMA IF NOT EXISTS settle;
DROP TABLE IF EXISTS bench.ledger CASCADE;
CREATE TABLE bench.ledger (
    entry_id                text PRIMARY KEY,
    recorded_at             timestamptz NOT NULL,
    booked_at               timestamptz NOT NULL,
    kind                    text NOT NULL,
    provider_transaction_id text,
    order_reference         text,
    currency                char(3) NOT NULL,
    amount                  numeric NOT NULL,
    fee                     numeric
);
\copy bench.ledger (entry_id, recorded_at, booked_at, kind, provider_transaction_id, order_reference, currency, amount, fee) FROM pstdin WITH (FORMAT csv, HEADER true)
CREATE INDEX ON bench.ledger (provider_transaction_id);
CREATE INDEX ON bench.ledger (order_reference);
CREATE INDEX ON bench.ledger (booked_at);
ANALYZE bench.ledger;

SELECT :'ledger_mode' = 'reference' AS reference_mode \gset
\if :reference_mode
INSERT INTO ledger.journal (journal_id, seller_id, kind,
    provider_transaction_id, order_reference, currency, booked_at,
    recorded_at)
SELECT entry_id, NULL, kind, provider_transaction_id, order_reference,
       currency, booked_at, recorded_at
FROM bench.ledger;
INSERT INTO ledger.posting (journal_id, line, account, amount)
SELECT l.entry_id, v.n, v.account, v.amount
FROM bench.ledger l
CROSS JOIN LATERAL (VALUES
    (1, 'amazon_pay', l.amount),
    (2, CASE l.kind WHEN 'capture' THEN 'sales'
                    WHEN 'refund' THEN 'refunds'
                    WHEN 'payout' THEN 'bank'
                    WHEN 'chargeback' THEN 'chargebacks'
                    WHEN 'atoz_claim' THEN 'chargebacks'
                    WHEN 'dispute' THEN 'chargebacks'
                    ELSE 'adjustments' END, -l.amount),
    (3, 'amazon_pay', l.fee),
    (4, 'amazon_pay_fees', -l.fee)) AS v(n, account, amount)
WHERE v.amount IS NOT NULL;
ANALYZE ledger.journal;
ANALYZE ledger.posting;
\else
DROP VIEW IF EXISTS settle.ledger_entry;
CREATE VIEW settle.ledger_entry AS
SELECT entry_id, recorded_at, booked_at, kind, provider_transaction_id,
       order_reference, currency, amount, fee
FROM bench.ledger;
\endif
