-- bench-gen.sql: N generated settlement lines (seller SELLER1, date
-- 2026-03-10) and a ledger table of about N entries behind the view
-- settle.ledger_entry, for timing `settle reconcile` by hand:
--   createdb b && settle db migrate && psql -v n=100000 -f bench-gen.sql
--   SETTLE_SELLER_ID=SELLER1 settle -v reconcile --date 2026-03-10
-- (-v prints each statement's time). Mix: every 33rd line has no ledger
-- entry, every 50th entry has no Amazon id (matched by reference), every
-- 20th is 0.01 off, plus N/100 ledger-only entries.
\set N :n
CREATE TABLE public.bench_ledger (entry_id text, recorded_at timestamptz, booked_at timestamptz, kind text,
  provider_transaction_id text, order_reference text, currency char(3), amount numeric, fee numeric);
INSERT INTO settle.raw_report (seller_id, sha256, bytes, source, settlement_id, settlement_start, settlement_end, business_date)
VALUES ('SELLER1', repeat('a',64), 1, 'dir', 'S1', '2026-03-03 12:00Z', '2026-03-10 12:00Z', '2026-03-10');
INSERT INTO settle.settlement_line (seller_id, business_date, source_sha256, source_line, settlement_id, settlement_start,
  settlement_end, posted_at, kind, provider_type, amazon_transaction_id, seller_reference_id, seller_order_id,
  amazon_order_reference_id, currency, minor_units, amount, percentage_fee, fixed_fee, total_fee, net)
SELECT 'SELLER1', '2026-03-10', repeat('a',64), g + 1, 'S1', '2026-03-03 12:00Z', '2026-03-10 12:00Z',
  '2026-03-05 10:00Z'::timestamptz + (g % 1000) * interval '1 minute', 'capture', 'Capture',
  'P01-' || lpad(g::text, 7, '0') || '-0000000-C' || lpad(g::text, 6, '0'), 'ORD-' || g, '', 'P01-' || lpad(g::text, 7, '0') || '-0000000',
  'USD', 2, 1000 + g % 5000, -30, 0, -30, 970 + g % 5000
FROM generate_series(1, :N) g;
INSERT INTO public.bench_ledger
SELECT 'L' || g, now() - interval '1 hour', '2026-03-05 09:00Z'::timestamptz + (g % 1000) * interval '1 minute', 'capture',
  CASE WHEN g % 50 = 0 THEN NULL ELSE 'P01-' || lpad(g::text, 7, '0') || '-0000000-C' || lpad(g::text, 6, '0') END,
  'ORD-' || g, 'USD',
  CASE WHEN g % 20 = 0 THEN (1001 + g % 5000) / 100.0 ELSE (1000 + g % 5000) / 100.0 END, -0.30
FROM generate_series(1, :N) g WHERE g % 33 <> 0;
-- ledger-only entries
INSERT INTO public.bench_ledger
SELECT 'X' || g, now() - interval '1 hour', '2026-03-01 09:00Z', 'capture', 'P01-X' || g, 'ORDX-' || g, 'USD', 5.00, NULL
FROM generate_series(1, :N / 100) g;
CREATE VIEW settle.ledger_entry AS SELECT * FROM public.bench_ledger;
ANALYZE;
