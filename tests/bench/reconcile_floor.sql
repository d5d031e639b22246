-- reconcile_floor.sql: the load + reconcile baseline of `make bench`.
--
-- psql -f tests/bench/reconcile_floor.sql < normalized.csv
--
-- The least work a database can do for the job: \copy the same normalized
-- settlement lines settle loads (the normalized-line CSV of ARCHITECTURE.md, header row) into
-- an UNLOGGED table, then one INSERT ... SELECT whose hash join against
-- the ledger (bench.ledger, loaded by ledger.sql before the clock starts)
-- classifies every line and every ledger entry as matched, mismatched,
-- missing in the ledger or missing in the settlement. Key match only (the
-- transaction id), no reference or payout rules, no per-date scoping, no
-- transaction around it: a floor, not a reconciliation. tests/bench/run
-- times this whole psql process.
--
-- With -v durable=1 it is the same work made durable, as settle's must be:
-- logged tables, the lines under a primary key and the results under an
-- index (settle keeps a date's lines and results for reruns, reports and
-- audits), all in one transaction. For information beside the floor above:
-- it is what keeping the data costs before any of settle's rules.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench.floor_line, bench.floor_result;
CREATE UNLOGGED TABLE bench.floor_line (
    source_sha256             text,
    source_line               integer,
    seller_id                 text,
    settlement_id             text,
    settlement_start          timestamptz,
    settlement_end            timestamptz,
    posted_at                 timestamptz,
    kind                      text,
    provider_type             text,
    amazon_transaction_id     text,
    seller_reference_id       text,
    amazon_order_reference_id text,
    seller_order_id           text,
    store_name                text,
    description               text,
    currency                  char(3),
    amount                    numeric,
    percentage_fee            numeric,
    fixed_fee                 numeric,
    total_fee                 numeric,
    net                       numeric,
    reporting_currency        char(3),
    fx_rate                   text,
    fx_date                   date,
    net_reporting             numeric
);
CREATE UNLOGGED TABLE bench.floor_result (
    source_sha256 text,
    source_line   integer,
    entry_id      text,
    status        text NOT NULL
);
\if :{?durable}
BEGIN;
ALTER TABLE bench.floor_line SET LOGGED;
ALTER TABLE bench.floor_result SET LOGGED;
ALTER TABLE bench.floor_line ADD PRIMARY KEY (source_sha256, source_line);
CREATE INDEX ON bench.floor_result (source_sha256, source_line);
\endif
\copy bench.floor_line FROM pstdin WITH (FORMAT csv, HEADER true)
INSERT INTO bench.floor_result (source_sha256, source_line, entry_id, status)
SELECT l.source_sha256, l.source_line, e.entry_id,
       CASE WHEN e.entry_id IS NULL THEN 'missing_in_ledger'
            WHEN l.source_line IS NULL THEN 'missing_in_settlement'
            WHEN l.amount = e.amount
                 AND (e.fee IS NULL OR l.total_fee = e.fee) THEN 'matched'
            ELSE 'mismatched'
       END
FROM (SELECT * FROM bench.floor_line
      WHERE amazon_transaction_id IS NOT NULL) l
FULL JOIN (SELECT * FROM bench.ledger
           WHERE provider_transaction_id IS NOT NULL) e
    ON e.provider_transaction_id = l.amazon_transaction_id
UNION ALL
SELECT source_sha256, source_line, NULL, 'missing_in_ledger'
FROM bench.floor_line
WHERE amazon_transaction_id IS NULL
UNION ALL
SELECT NULL, NULL, entry_id, 'missing_in_settlement'
FROM bench.ledger
WHERE provider_transaction_id IS NULL;
\if :{?durable}
COMMIT;
\endif
