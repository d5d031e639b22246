-- import.sql: books a ledger CSV into the reference ledger (reference.sql)
-- in two set-based statements (journal entries, then their postings from
-- ledger.postings_of, as ledger.book would book each), so the balance
-- check runs once. Used by the demo and the end-to-end tests:
--
--   psql -v ON_ERROR_STOP=1 -f sql/ledger/import.sql < ledger.csv
--
-- Columns, with a header row: entry_id, recorded_at, booked_at, kind,
-- provider_transaction_id, order_reference, currency, amount, fee (empty
-- transaction id or reference: none). Prints how many were booked.
CREATE TEMP TABLE import (entry_id text, recorded_at timestamptz,
    booked_at timestamptz, kind text, provider_transaction_id text,
    order_reference text, currency text, amount numeric, fee numeric);
\copy import FROM pstdin WITH (FORMAT csv, HEADER true)
BEGIN;
INSERT INTO ledger.journal (journal_id, seller_id, kind,
    provider_transaction_id, order_reference, currency, booked_at,
    recorded_at)
SELECT entry_id, NULL, kind, nullif(provider_transaction_id, ''),
       nullif(order_reference, ''), currency, booked_at,
       recorded_at
  FROM import
 ORDER BY entry_id;
INSERT INTO ledger.posting (journal_id, line, account, amount)
SELECT i.entry_id, p.line, p.account, p.amount
  FROM import i
 CROSS JOIN LATERAL ledger.postings_of(i.kind, i.amount, i.fee) p
 ORDER BY i.entry_id, p.line;
COMMIT;
SELECT count(*) FROM import;
