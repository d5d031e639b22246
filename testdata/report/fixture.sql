-- testdata/report/fixture.sql: one business date (2026-11-20) of seller
-- A1TESTSELLER as normalize and reconcile would leave it, written by hand
-- for tests/integration/report-golden.sh and disputes.sh. Amounts are minor units. Texts that
-- begin with = + - @ test the CSV formula guard. Reporting currency EUR.
-- The sums are chosen to be checked by hand (see expected/README).
BEGIN;
INSERT INTO settle.raw_report (seller_id, sha256, bytes, source, report_id,
    original_name, settlement_id, settlement_start, settlement_end,
    business_date)
VALUES ('A1TESTSELLER', repeat('a', 64), 1234, 'dir', NULL,
        'settlement-2026-11-20.csv', 'S1', '2026-11-06T00:00:00Z',
        '2026-11-20T12:00:00Z', '2026-11-20'),
       ('A1TESTSELLER', repeat('b', 64), 99, 'api', 'R-77',
        'report-77.csv', 'S2', '2026-11-06T00:00:00Z',
        '2026-11-20T12:00:00Z', '2026-11-20');

INSERT INTO settle.run (seller_id, business_date, ledger_cutoff, status,
    tool_version)
VALUES ('A1TESTSELLER', '2026-11-20', '2026-11-21T03:00:00Z', 'reconciled',
        '0.1.0');

CREATE TEMP TABLE l (src text, ln int, posted timestamptz, kind text,
    ptype text, txn text, sref text, oref text, sorder text, store text,
    descr text, ccy char(3), mu smallint, amount bigint, pfee bigint,
    ffee bigint, rate text, fxd date, netr bigint, status text,
    entry text, lamount bigint, lfee bigint, reason text);
INSERT INTO l VALUES
 -- USD, 2 decimals, rate 0.9211 EUR per USD
 ('a', 2, '2026-11-19T10:00:00Z', 'capture', 'Capture', 'P01-0000001-0000001-C000001', 'ORD-1', 'P01-0000001-0000001', 'ORD-1', 'My Store', 'Order 1', 'USD', 2, 10000, -290, -30, '0.9211', '2026-11-19', 8917, 'matched', 'L-1', 10000, -320, ''),
 ('a', 3, '2026-11-19T11:00:00Z', 'capture', 'Capture', 'P01-0000002-0000002-C000002', 'ORD-2', 'P01-0000002-0000002', 'ORD-2', '@x', '=SUM(A1)', 'USD', 2, 2550, -74, -30, '0.9211', '2026-11-19', 2254, 'amount_mismatch', 'L-2', 2500, NULL, 'settlement 25.50, ledger 25.00'),
 ('a', 4, '2026-11-19T12:00:00Z', 'refund', 'Refund', 'P01-0000001-0000001-R000001', 'ORD-1', 'P01-0000001-0000001', 'ORD-1', '+1', '-1 text', 'USD', 2, -5000, 145, 0, '0.9211', '2026-11-19', -4472, 'missing_in_ledger', NULL, NULL, NULL, 'no ledger entry'),
 ('a', 5, '2026-11-19T13:00:00Z', 'chargeback', 'Chargeback', 'P01-0000003-0000003-B000001', 'ORD-3', 'P01-0000003-0000003', 'ORD-3', 'My Store', 'Chargeback, "quoted"', 'USD', 2, -1999, 0, -1500, '0.9211', '2026-11-19', -3223, 'matched', 'L-3', -1999, NULL, ''),
 ('a', 6, '2026-11-20T09:00:00Z', 'transfer', 'Transfer', 'T-1', '', '', '', '', 'Payout', 'USD', 2, -3000, 0, 0, '0.9211', '2026-11-19', -2763, 'payout_matched', 'L-4', -3000, NULL, ''),
 ('a', 7, '2026-11-20T09:30:00Z', 'reserve', 'Reserve', '', '', '', '', '', 'Reserve hold', 'USD', 2, -500, 0, 0, '0.9211', '2026-11-19', -461, 'not_applicable', NULL, NULL, NULL, ''),
 ('a', 8, '2026-11-20T10:00:00Z', 'unknown', 'Mystery', 'X-1', '', '', '', '', 'Unknown type', 'USD', 2, 100, 0, 0, '0.9211', '2026-11-19', 92, 'unknown_type', NULL, NULL, NULL, 'unknown TransactionType ''Mystery'''),
 -- EUR, rate 1
 ('b', 2, '2026-11-19T08:00:00Z', 'capture', 'Capture', 'P02-0000001-0000001-C000001', 'DE-1', 'P02-0000001-0000001', 'DE-1', 'Laden', 'Bestellung 1', 'EUR', 2, 123456, -3580, -35, '1', '2026-11-19', 119841, 'matched_within_tolerance', 'L-5', 123455, NULL, ''),
 ('b', 3, '2026-11-19T08:00:00Z', 'atoz_claim', 'A-to-z Guarantee Claim', 'P02-0000002-0000002-Z000001', 'DE-2', 'P02-0000002-0000002', 'DE-2', 'Laden', 'Claim', 'EUR', 2, -2000, 0, 0, '1', '2026-11-19', -2000, 'matched', 'L-6', -2000, NULL, ''),
 -- JPY, 0 decimals
 ('b', 4, '2026-11-19T07:00:00Z', 'capture', 'Capture', 'P03-0000001-0000001-C000001', 'JP-1', 'P03-0000001-0000001', 'JP-1', 'Mise', 'Chuumon', 'JPY', 0, 1500, -54, -40, '0.006124', '2026-11-19', 873, 'fee_mismatch', 'L-7', 1500, -50, 'fee -94, ledger -50'),
 -- BHD, 3 decimals
 ('b', 5, '2026-11-19T06:00:00Z', 'capture', 'Capture', 'P04-0000001-0000001-C000001', 'BH-1', 'P04-0000001-0000001', 'BH-1', 'Souq', 'Order', 'BHD', 3, 1250, -36, -10, '2.437', '2026-11-19', 293, 'matched', 'L-8', 1250, NULL, '');

INSERT INTO settle.settlement_line (seller_id, business_date, source_sha256,
    source_line, settlement_id, settlement_start, settlement_end, posted_at,
    kind, provider_type, amazon_transaction_id, seller_reference_id,
    amazon_order_reference_id, seller_order_id, store_name, description,
    currency, minor_units, amount, percentage_fee, fixed_fee, total_fee, net,
    reporting_currency, fx_rate, fx_date, net_reporting)
SELECT 'A1TESTSELLER', '2026-11-20', repeat(src, 64), ln,
       CASE src WHEN 'a' THEN 'S1' ELSE 'S2' END,
       '2026-11-06T00:00:00Z', '2026-11-20T12:00:00Z', posted, kind, ptype,
       txn, sref, oref, sorder, store, descr, ccy, mu, amount, pfee, ffee,
       pfee + ffee, amount + pfee + ffee, 'EUR', rate, fxd, netr
  FROM l;

INSERT INTO settle.recon_result (seller_id, business_date, status,
    match_rule, source_sha256, source_line, kind, currency, minor_units,
    amazon_transaction_id, reference, entry_id, settlement_amount,
    settlement_fee, ledger_amount, ledger_fee, reason)
SELECT 'A1TESTSELLER', '2026-11-20', status,
       CASE WHEN entry IS NULL THEN 'none' ELSE 'key' END,
       repeat(src, 64), ln, kind, ccy, mu, txn, sorder, entry, amount,
       pfee + ffee, lamount, lfee, reason
  FROM l;

-- ledger entries no settlement explains
INSERT INTO settle.recon_result (seller_id, business_date, status,
    match_rule, kind, currency, minor_units, reference, entry_id,
    ledger_amount, reason, booked_at, age_days, due_date)
VALUES ('A1TESTSELLER', '2026-11-20', 'missing_in_settlement', 'none',
        'capture', 'USD', 2, 'ORD-9', 'L-9', 4200,
        'booked 2026-11-10, not settled', '2026-11-10T09:00:00Z', 10,
        '2026-11-13'),
       ('A1TESTSELLER', '2026-11-20', 'in_transit', 'none', 'capture', 'USD',
        2, 'ORD-10', 'L-10', 1000, 'booked 2026-11-19',
        '2026-11-19T09:00:00Z', 1, '2026-11-22');

-- an earlier date's transfer whose bank payout is still pending (an open
-- item of this date, not one of its lines)
INSERT INTO settle.recon_result (seller_id, business_date, status,
    match_rule, source_sha256, source_line, kind, currency, minor_units,
    settlement_amount, settlement_fee, reason, booked_at, age_days,
    due_date)
VALUES ('A1TESTSELLER', '2026-11-20', 'payout_pending', 'none',
        repeat('c', 64), 3, 'transfer', 'EUR', 2, -20000, 0,
        'transfer of 2026-11-19 (settlement S0): no ledger payout in EUR '
        || 'booked yet; awaited until 2026-11-26 12:00 UTC',
        '2026-11-19T10:00:00Z', 1, '2026-11-26');

-- the settlements' tie-out (009_settlements.sql): USD S1 opened with 10.00
-- carried from S0 and its transfer of -30.00 left 17.72 behind (out of
-- balance); EUR S2 has no payout. JPY and BHD of S2 are left out.
INSERT INTO settle.settlement_total (seller_id, settlement_id, currency,
    minor_units, business_date, settlement_start, settlement_end, lines,
    sales, refunds, chargebacks, reserve_released, reserve_held,
    adjustments, debt, carryover, other, fees, transfer, net, payouts,
    before_first_payout, first_payout, through_last_payout)
VALUES ('A1TESTSELLER', 'S1', 'USD', 2, '2026-11-20', '2026-11-06T00:00:00Z',
        '2026-11-20T12:00:00Z', 7, 12550, -5000, -1999, 0, -500, 0, 0, 0,
        100, -1779, -3000, 372, 1, 3772, -3000, 772),
       ('A1TESTSELLER', 'S2', 'EUR', 2, '2026-11-20', '2026-11-06T00:00:00Z',
        '2026-11-20T12:00:00Z', 2, 123456, 0, -2000, 0, 0, 0, 0, 0, 0,
        -3615, 0, 117841, 0, NULL, NULL, NULL);
-- their months, from the lines above, as reconcile writes them
SELECT settle.settlement_parts_of('A1TESTSELLER', '2026-11-20', 'UTC');
INSERT INTO settle.recon_settlement (seller_id, business_date,
    settlement_id, currency, opening, opening_from, chain_length, closing,
    left_after_payout, tie_out, payout_status, payout_entry)
VALUES ('A1TESTSELLER', '2026-11-20', 'S1', 'USD', 1000, 'S0', 2, 1372, 1772,
        'out_of_balance', 'payout_matched', 'L-4'),
       ('A1TESTSELLER', '2026-11-20', 'S2', 'EUR', 0, NULL, 1, 117841, NULL,
        'no_payout', NULL, NULL);
INSERT INTO settle.recon_result (seller_id, business_date, status,
    match_rule, kind, currency, minor_units, reference, settlement_amount,
    reason)
VALUES ('A1TESTSELLER', '2026-11-20', 'settlement_out_of_balance', 'tie_out',
        'settlement', 'USD', 2, 'S1', 1772,
        'settlement S1: the payout left 17.72 USD in the balance (opening '
        || '10.00 from settlement S0); Amazon''s payout should take all of it');

-- dispute cases: one overdue, one due later, one closed before the cutoff,
-- one closed after it (still open as of the cutoff)
INSERT INTO settle.dispute (seller_id, case_id, kind, capture_id,
    order_reference, opened_date, posted_at, respond_by, currency,
    minor_units, amount, recorded_at)
VALUES ('A1TESTSELLER', 'P01-0000003-0000003-B000001', 'chargeback',
        'P01-0000003-0000003-C000001', 'ORD-3', '2026-11-19',
        '2026-11-19T13:00:00Z', '2026-11-30', 'USD', 2, -1999,
        '2026-11-21T02:00:00Z'),
       ('A1TESTSELLER', 'P02-0000002-0000002-Z000001', 'atoz_claim', NULL,
        'DE-2', '2026-11-19', '2026-11-19T08:00:00Z', '2026-11-26', 'EUR', 2,
        -2000, '2026-11-21T02:00:00Z'),
       ('A1TESTSELLER', 'P05-OLD-B1', 'chargeback', NULL, '=cmd|x', '2026-11-01',
        '2026-11-01T10:00:00Z', '2026-11-12', 'USD', 2, -700,
        '2026-11-02T02:00:00Z'),
       ('A1TESTSELLER', 'P06-WON-B1', 'dispute', NULL, 'ORD-6', '2026-11-05',
        '2026-11-05T10:00:00Z', '2026-11-16', 'JPY', 0, -3000,
        '2026-11-06T02:00:00Z'),
       ('A1TESTSELLER', 'P07-LATE-B1', 'chargeback', NULL, 'ORD-7',
        '2026-11-10', '2026-11-10T10:00:00Z', '2026-11-21', 'USD', 2, -100,
        '2026-11-11T02:00:00Z');
INSERT INTO settle.dispute_outcome (seller_id, case_id, outcome, note,
    recorded_at)
VALUES ('A1TESTSELLER', 'P06-WON-B1', 'won', 'evidence accepted',
        '2026-11-15T09:00:00Z'),
       ('A1TESTSELLER', 'P07-LATE-B1', 'lost', 'after the cutoff',
        '2026-11-22T09:00:00Z');
COMMIT;
