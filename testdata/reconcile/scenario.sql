-- scenario.sql: settlement lines and ledger entries with one case of every
-- reconciliation status, for tests/integration/reconcile.sh. Load after
-- `settle db migrate` and sql/ledger/reference.sql. Seller SELLER1; dates
-- 2026-03-03 (report bbbb...) and 2026-03-10 (report aaaa..., the date
-- under test). Amounts in minor units on the settlement side, in major
-- units (numeric) in the ledger, as the contract has them. The ledger rows
-- are recorded now, so every reconcile sees them.
\set ON_ERROR_STOP on
BEGIN;

CREATE FUNCTION pg_temp.line(p_sha text, p_line integer, p_date date,
    p_kind text, p_type text, p_txn text, p_sref text, p_sorder text,
    p_oref text, p_cur text, p_amount bigint, p_fee bigint,
    p_posted timestamptz)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO settle.settlement_line (seller_id, business_date,
        source_sha256, source_line, settlement_id, settlement_start,
        settlement_end, posted_at, kind, provider_type,
        amazon_transaction_id, seller_reference_id, seller_order_id,
        amazon_order_reference_id, currency, minor_units, amount,
        percentage_fee, fixed_fee, total_fee, net)
    VALUES ('SELLER1', p_date, repeat(p_sha, 64), p_line,
        'S' || to_char(p_date, 'MMDD'),
        (p_date - 7)::timestamp AT TIME ZONE 'UTC' + interval '12 hours',
        p_date::timestamp AT TIME ZONE 'UTC' + interval '12 hours',
        p_posted, p_kind, p_type, p_txn, p_sref, p_sorder, p_oref, p_cur,
        2, p_amount, p_fee, 0, p_fee, p_amount + p_fee);
$$;

INSERT INTO settle.raw_report (seller_id, sha256, bytes, source,
    original_name, settlement_id, settlement_start, settlement_end,
    business_date)
VALUES
    ('SELLER1', repeat('b', 64), 1000, 'dir', 'b.csv', 'S0303',
     '2026-02-24 12:00Z', '2026-03-03 12:00Z', '2026-03-03'),
    ('SELLER1', repeat('a', 64), 2000, 'dir', 'a.csv', 'S0310',
     '2026-03-03 12:00Z', '2026-03-10 12:00Z', '2026-03-10');

-- 2026-03-03: one capture, matched that day; it comes again on 03-10.
SELECT pg_temp.line('b', 2, '2026-03-03', 'capture', 'Capture',
    'P01-8000008-8000008-C000008', 'ORD-8', '', 'P01-8000008-8000008', 'USD',
    2500, -75, '2026-03-02 10:00Z');
SELECT ledger.book('L8', 'capture', 'P01-8000008-8000008-C000008', 'ORD-8',
    'USD', '2026-03-02 09:00Z', 25.00, -0.75);

-- 2026-03-10, report aaaa...
-- matched by transaction id
SELECT pg_temp.line('a', 2, '2026-03-10', 'capture', 'Capture',
    'P01-1000001-1000001-C000001', 'ORD-1', '', 'P01-1000001-1000001', 'USD',
    10000, -290, '2026-03-05 10:00Z');
SELECT ledger.book('L1', 'capture', 'P01-1000001-1000001-C000001', 'ORD-1',
    'USD', '2026-03-05 09:00Z', 100.00, -2.90);
-- a separately booked fee of that capture: explained by its id
SELECT ledger.book('L1FEE', 'fee', 'P01-1000001-1000001-C000001', 'ORD-1',
    'USD', '2026-03-05 09:00Z', 0, -0.10);
-- a separately booked fee known only by the order: explained by reference
SELECT ledger.book('L2FEE', 'fee', NULL, 'ORD-2',
    'USD', '2026-03-05 09:00Z', 0, -0.05);
-- matched by reference (the ledger does not know the Amazon id)
SELECT pg_temp.line('a', 3, '2026-03-10', 'capture', 'Capture',
    'P01-1000002-1000002-C000002', 'ORD-2', '', 'P01-1000002-1000002', 'USD',
    5000, -150, '2026-03-05 11:00Z');
SELECT ledger.book('L2', 'capture', NULL, 'ORD-2', 'USD',
    '2026-03-05 09:00Z', 50.00);
-- split capture: two lines (seller_order_id only) against one entry
SELECT pg_temp.line('a', 4, '2026-03-10', 'capture', 'Capture',
    'P01-1000003-1000003-C000003', '', 'ORD-3', 'P01-1000003-1000003', 'USD',
    3000, -90, '2026-03-06 10:00Z');
SELECT pg_temp.line('a', 5, '2026-03-10', 'capture', 'Capture',
    'P01-1000003-1000003-C000004', '', 'ORD-3', 'P01-1000003-1000003', 'USD',
    7000, -210, '2026-03-06 11:00Z');
SELECT ledger.book('L3', 'capture', NULL, 'ORD-3', 'USD',
    '2026-03-06 09:00Z', 100.00);
-- the reverse: one line against two entries of its reference
SELECT pg_temp.line('a', 20, '2026-03-10', 'capture', 'Capture',
    'P01-1000021-1000021-C000021', 'ORD-21', '', 'P01-1000021-1000021',
    'USD', 6000, -180, '2026-03-06 13:00Z');
SELECT ledger.book('L21A', 'capture', NULL, 'ORD-21', 'USD',
    '2026-03-06 09:00Z', 25.00);
SELECT ledger.book('L21B', 'capture', NULL, 'ORD-21', 'USD',
    '2026-03-06 09:30Z', 35.00);
-- a double booking in the ledger: the earlier entry matches, the other is
-- left over (missing in settlement)
SELECT pg_temp.line('a', 21, '2026-03-10', 'capture', 'Capture',
    'P01-1000022-1000022-C000022', 'ORD-22', '', 'P01-1000022-1000022',
    'USD', 3000, -90, '2026-03-07 12:00Z');
SELECT ledger.book('L22A', 'capture', 'P01-1000022-1000022-C000022',
    'ORD-22', 'USD', '2026-03-07 09:00Z', 30.00);
SELECT ledger.book('L22B', 'capture', 'P01-1000022-1000022-C000022',
    'ORD-22', 'USD', '2026-03-07 10:00Z', 30.00);
-- within tolerance (EUR:1)
SELECT pg_temp.line('a', 6, '2026-03-10', 'capture', 'Capture',
    'P01-1000004-1000004-C000005', 'ORD-4', '', 'P01-1000004-1000004', 'EUR',
    2000, -60, '2026-03-06 12:00Z');
SELECT ledger.book('L4', 'capture', 'P01-1000004-1000004-C000005', 'ORD-4',
    'EUR', '2026-03-06 09:00Z', 20.01, -0.60);
-- amount mismatch
SELECT pg_temp.line('a', 7, '2026-03-10', 'capture', 'Capture',
    'P01-1000005-1000005-C000006', 'ORD-5', '', 'P01-1000005-1000005', 'USD',
    1000, -30, '2026-03-07 10:00Z');
SELECT ledger.book('L5', 'capture', 'P01-1000005-1000005-C000006', 'ORD-5',
    'USD', '2026-03-07 09:00Z', 9.99, -0.30);
-- fee mismatch
SELECT pg_temp.line('a', 8, '2026-03-10', 'capture', 'Capture',
    'P01-1000006-1000006-C000007', 'ORD-6', '', 'P01-1000006-1000006', 'USD',
    4000, -120, '2026-03-07 11:00Z');
SELECT ledger.book('L6', 'capture', 'P01-1000006-1000006-C000007', 'ORD-6',
    'USD', '2026-03-07 09:00Z', 40.00, -1.30);
-- missing in ledger (another seller's entry with that id is invisible)
SELECT pg_temp.line('a', 9, '2026-03-10', 'capture', 'Capture',
    'P01-1000007-1000007-C000008', 'ORD-7', '', 'P01-1000007-1000007', 'USD',
    1500, -45, '2026-03-08 10:00Z');
SELECT ledger.book('L7OTHER', 'capture', 'P01-1000007-1000007-C000008',
    'ORD-7', 'USD', '2026-03-08 09:00Z', 15.00, NULL, 'OTHER');
-- duplicate of 2026-03-03's line
SELECT pg_temp.line('a', 10, '2026-03-10', 'capture', 'Capture',
    'P01-8000008-8000008-C000008', 'ORD-8', '', 'P01-8000008-8000008', 'USD',
    2500, -75, '2026-03-02 10:00Z');
-- a ledger amount that is not a whole number of cents
SELECT pg_temp.line('a', 11, '2026-03-10', 'capture', 'Capture',
    'P01-1000017-1000017-C000017', 'ORD-17', '', 'P01-1000017-1000017',
    'USD', 1000, -30, '2026-03-08 11:00Z');
SELECT ledger.book('L17', 'capture', 'P01-1000017-1000017-C000017',
    'ORD-17', 'USD', '2026-03-08 09:00Z', 10.005, -0.30);
-- payouts: matched (booked two days after the settlement end), mismatched
SELECT pg_temp.line('a', 12, '2026-03-10', 'transfer', 'Transfer', '', '',
    '', '', 'USD', -50000, 0, '2026-03-10 11:00Z');
SELECT ledger.book('L11', 'payout', NULL, NULL, 'USD', '2026-03-12 08:00Z',
    -500.00);
SELECT pg_temp.line('a', 13, '2026-03-10', 'transfer', 'Transfer', '', '',
    '', '', 'EUR', -20000, 0, '2026-03-10 11:00Z');
SELECT ledger.book('L12', 'payout', NULL, NULL, 'EUR', '2026-03-11 08:00Z',
    -199.00);
-- informational lines
SELECT pg_temp.line('a', 14, '2026-03-10', 'reserve', 'Reserve', '', '', '',
    '', 'USD', -5000, 0, '2026-03-10 11:00Z');
SELECT pg_temp.line('a', 15, '2026-03-10', 'carryover', 'Carryover', '', '',
    '', '', 'USD', 1000, 0, '2026-03-10 11:00Z');
SELECT pg_temp.line('a', 16, '2026-03-10', 'authorization', 'Authorization',
    'P01-1000009-1000009-A000009', 'ORD-9', '', 'P01-1000009-1000009', 'USD',
    0, 0, '2026-03-09 11:00Z');
-- unknown transaction type
SELECT pg_temp.line('a', 17, '2026-03-10', 'unknown', 'Mystery Credit',
    'P01-1000010-1000010-X000010', '', '', '', 'USD', 100, 0,
    '2026-03-09 12:00Z');
-- disputes: a chargeback of the first capture (matched in the ledger), an
-- A-to-z claim whose order has no capture
SELECT pg_temp.line('a', 18, '2026-03-10', 'chargeback', 'Chargeback',
    'P01-1000001-1000001-B000001', 'ORD-1', '', 'P01-1000001-1000001', 'USD',
    -10000, 0, '2026-03-09 10:00Z');
SELECT ledger.book('L15', 'chargeback', 'P01-1000001-1000001-B000001',
    'ORD-1', 'USD', '2026-03-09 09:00Z', -100.00);
SELECT pg_temp.line('a', 19, '2026-03-10', 'atoz_claim',
    'A-to-z Guarantee Claim', 'P01-2000000-2000000-A000001', 'ORD-20', '',
    'P01-2000000-2000000', 'USD', -2000, 0, '2026-03-09 23:30Z');
SELECT ledger.book('L16', 'atoz_claim', NULL, 'ORD-20', 'USD',
    '2026-03-09 09:00Z', -20.00);
-- ledger entries no settlement explains: 9 days old, and 1 day old
SELECT ledger.book('L9', 'capture', 'P01-1000011-1000011-C000011', 'ORD-11',
    'USD', '2026-03-01 09:00Z', 11.00);
SELECT ledger.book('L10', 'refund', 'P01-1000012-1000012-R000012', 'ORD-12',
    'USD', '2026-03-09 09:00Z', -12.00);
COMMIT;
