-- carry.sql: what reconcile carries from one date to the next, for
-- tests/integration/reconcile_carry.sh. Load after `settle db migrate` and
-- sql/ledger/reference.sql with psql -v base=YYYY-MM-DD: the dates under
-- test are D1 = base, D2 = base + 1, D3 = base + 2 (the test picks base a
-- few days before today, so a transfer's payout window, settlement end +
-- 7 days, is still open at the first cutoff). Seller SELLER1, USD and
-- EUR. Settlement amounts in minor units, ledger amounts in major units.
-- Cases, by order id:
--   ORDA  two shipments (references ORDA-S1, ORDA-S2) settled on D1
--         against one ledger entry under the order id
--   ORDB  one shipment against two ledger entries under the order id
--   ORDC  two shipments settled on D1 and D3 against one entry: a part on
--         D1 (the rest in transit on D1 and D2), completed on D3
--   ORDD  a ledger entry no settlement explains: in transit on D1 and D2,
--         missing on D3 (grace 3 days)
--   ORDE  a shipment whose own reference is in the ledger: no fallback
--   transfers of D1: USD, whose payout is booked after D2's run (pending
--         on D1 and D2, matched on D3), and EUR, never paid out (pending,
--         then a mismatch once the window has closed)
\set ON_ERROR_STOP on
BEGIN;

CREATE FUNCTION pg_temp.line(p_line integer, p_date date, p_kind text,
    p_type text, p_txn text, p_sref text, p_sorder text, p_cur text,
    p_amount bigint, p_fee bigint)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO settle.settlement_line (seller_id, business_date,
        source_sha256, source_line, settlement_id, settlement_start,
        settlement_end, posted_at, kind, provider_type,
        amazon_transaction_id, seller_reference_id, seller_order_id,
        currency, minor_units, amount, percentage_fee, fixed_fee,
        total_fee, net)
    VALUES ('SELLER1', p_date, repeat(to_char(p_date, 'DD'), 32), p_line,
        'S' || to_char(p_date, 'MMDD'),
        (p_date - 7)::timestamp AT TIME ZONE 'UTC' + interval '12 hours',
        p_date::timestamp AT TIME ZONE 'UTC' + interval '12 hours',
        p_date::timestamp AT TIME ZONE 'UTC' + interval '6 hours',
        p_kind, p_type, p_txn, p_sref, p_sorder, p_cur, 2, p_amount, p_fee,
        0, p_fee, p_amount + p_fee);
$$;

CREATE FUNCTION pg_temp.at(p_date date, p_hour integer)
RETURNS timestamptz LANGUAGE sql AS $$
    SELECT p_date::timestamp AT TIME ZONE 'UTC'
           + make_interval(hours => p_hour);
$$;

-- ORDA: two shipments on D1, one entry
SELECT pg_temp.line(2, :'base'::date, 'capture', 'Capture', 'T-A1',
    'ORDA-S1', 'ORDA', 'USD', 6000, -180);
SELECT pg_temp.line(3, :'base'::date, 'capture', 'Capture', 'T-A2',
    'ORDA-S2', 'ORDA', 'USD', 4000, -120);
SELECT ledger.book('LA', 'capture', NULL, 'ORDA', 'USD',
    pg_temp.at(:'base'::date - 2, 9), 100.00);
-- ORDB: one shipment, two entries
SELECT pg_temp.line(4, :'base'::date, 'capture', 'Capture', 'T-B1',
    'ORDB-S1', 'ORDB', 'USD', 5000, -150);
SELECT ledger.book('LB1', 'capture', NULL, 'ORDB', 'USD',
    pg_temp.at(:'base'::date - 2, 9), 20.00);
SELECT ledger.book('LB2', 'capture', NULL, 'ORDB', 'USD',
    pg_temp.at(:'base'::date - 2, 10), 30.00);
-- ORDC: 70.00 on D1, 30.00 on D3; the entry books the whole fee
SELECT pg_temp.line(5, :'base'::date, 'capture', 'Capture', 'T-C1',
    'ORDC-S1', 'ORDC', 'USD', 7000, -210);
SELECT pg_temp.line(2, :'base'::date + 2, 'capture', 'Capture', 'T-C2',
    'ORDC-S2', 'ORDC', 'USD', 3000, -90);
SELECT ledger.book('LC', 'capture', NULL, 'ORDC', 'USD',
    pg_temp.at(:'base'::date - 1, 9), 100.00, -3.00);
-- ORDD: never settled
SELECT ledger.book('LD', 'capture', 'T-D1', 'ORDD', 'USD',
    pg_temp.at(:'base'::date - 1, 9), 15.00);
-- ORDE: the shipment's own reference is booked; the order id is not used
SELECT pg_temp.line(6, :'base'::date, 'capture', 'Capture', 'T-E1',
    'ORDE-S1', 'ORDE', 'USD', 2500, -75);
SELECT ledger.book('LE1', 'capture', NULL, 'ORDE-S1', 'USD',
    pg_temp.at(:'base'::date - 2, 9), 25.00);
SELECT ledger.book('LE', 'capture', NULL, 'ORDE', 'USD',
    pg_temp.at(:'base'::date - 2, 9), 99.00);
-- the transfers of D1
SELECT pg_temp.line(7, :'base'::date, 'transfer', 'Transfer', '', '', '',
    'USD', -100000, 0);
SELECT pg_temp.line(8, :'base'::date, 'transfer', 'Transfer', '', '', '',
    'EUR', -50000, 0);
COMMIT;
