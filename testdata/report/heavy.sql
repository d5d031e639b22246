-- testdata/report/heavy.sql: 1,100,000 USD lines (and their results) for
-- seller HEAVY on 2026-11-20, made with generate_series, for
-- tests/integration/report-heavy.sh: one currency past Excel's 1,048,575
-- data rows, so it must continue on a sheet "USD (2)".
INSERT INTO settle.settlement_line (seller_id, business_date, source_sha256,
    source_line, settlement_id, settlement_start, settlement_end, posted_at,
    kind, provider_type, amazon_transaction_id, seller_reference_id,
    amazon_order_reference_id, seller_order_id, store_name, description,
    currency, minor_units, amount, percentage_fee, fixed_fee, total_fee, net)
SELECT 'HEAVY', '2026-11-20', repeat('c', 64), g, 'S9',
       '2026-11-06T00:00:00Z', '2026-11-20T12:00:00Z',
       '2026-11-19T00:00:00Z'::timestamptz + (g / 20) * interval '1 second',
       'capture', 'Capture', 'P09-' || g || '-C', 'ORD-' || g,
       'P09-' || g, 'ORD-' || g, 'Store', 'Order ' || g, 'USD', 2,
       1000 + g % 997, -29, -30, -59, 1000 + g % 997 - 59
  FROM generate_series(1, 1100000) AS g;
INSERT INTO settle.recon_result (seller_id, business_date, status,
    match_rule, source_sha256, source_line, kind, currency, minor_units,
    amazon_transaction_id, reference, entry_id, settlement_amount,
    settlement_fee, ledger_amount, ledger_fee)
SELECT 'HEAVY', '2026-11-20', 'matched', 'key', repeat('c', 64), g,
       'capture', 'USD', 2, 'P09-' || g || '-C', 'ORD-' || g, 'L-' || g,
       1000 + g % 997, -59, 1000 + g % 997, NULL
  FROM generate_series(1, 1100000) AS g;
ANALYZE settle.settlement_line;
ANALYZE settle.recon_result;
