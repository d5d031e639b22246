-- import.sql: books a ledger CSV into the reference ledger (reference.sql),
-- one ledger.book() call per entry in entry_id order. Used by the demo and
-- the end-to-end tests:
--
--   psql -v ON_ERROR_STOP=1 -f sql/ledger/import.sql < ledger.csv
--
-- Columns, with a header row: entry_id, recorded_at, booked_at, kind,
-- provider_transaction_id, order_reference, currency, amount, fee (empty
-- transaction id or reference: none).
CREATE TEMP TABLE import (entry_id text, recorded_at timestamptz,
    booked_at timestamptz, kind text, provider_transaction_id text,
    order_reference text, currency text, amount numeric, fee numeric);
\copy import FROM pstdin WITH (FORMAT csv, HEADER true)
SELECT count(ledger.book(entry_id, kind, nullif(provider_transaction_id, ''),
                         nullif(order_reference, ''), currency, booked_at,
                         amount, fee, NULL, recorded_at))
  FROM (SELECT * FROM import ORDER BY entry_id) i;
