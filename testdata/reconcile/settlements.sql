-- settlements.sql: settlements to tie out, for
-- tests/integration/settlements.sh. Load after `settle db migrate` and
-- sql/ledger/reference.sql (an empty ledger is enough: the tie-out reads
-- the settlement's own lines). Seller SELLER1, three business dates
-- 2026-05-01 (D1) .. 05-03 (D3); each settlement runs from 22:00 UTC of
-- the day before to 22:00 UTC of its date. Amounts in minor units; the
-- row order in each file is the source_line.
--   USD  S1 (D1) -> S2 (D2) -> S3 (D3), a chain. S1's transfer of -100.00
--        opens the file: its opening is inferred, 100.00, and its closing
--        100.00 - 100.00 + 48.50 - 10.00 = 38.50 (a carryover out and back
--        after the transfer changes nothing: with a Transfer, a Carryover is
--        not a payout row). S2's transfer pays that
--        exactly; closing 19.40 - 4.85 + 2.00 - 1.00 = 15.55. S3's
--        transfer pays only 15.00: 0.55 is left, out of balance; closing
--        0.55 + 29.10 = 29.65.
--   EUR  E1 (D1) has no payout: opening 0, closing 80.00. E3 (D3) does
--        not start where E1 ended (E2 is missing): its opening is inferred
--        from its transfer after a carryover of 5.00 brought back: 80.00.
--   GBP  G1 (D1) sets its balance aside (Carryover -20.00, the payout row)
--        before a capture of 10.00: opening 20.00, closing 10.00. G2 (D2)
--        brings the 20.00 back and pays 30.00: it ties.
\set ON_ERROR_STOP on
BEGIN;

CREATE FUNCTION pg_temp.line(p_sid text, p_date date, p_line integer,
    p_kind text, p_type text, p_cur text, p_amount bigint, p_fee bigint,
    p_start date DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO settle.settlement_line (seller_id, business_date,
        source_sha256, source_line, settlement_id, settlement_start,
        settlement_end, posted_at, kind, provider_type,
        amazon_transaction_id, seller_reference_id, seller_order_id,
        currency, minor_units, amount, percentage_fee, fixed_fee,
        total_fee, net)
    VALUES ('SELLER1', p_date, encode(sha256(convert_to(p_sid, 'UTF8')), 'hex'),
        p_line, p_sid,
        coalesce(p_start, p_date - 1)::timestamp AT TIME ZONE 'UTC'
            + interval '22 hours',
        p_date::timestamp AT TIME ZONE 'UTC' + interval '22 hours',
        p_date::timestamp AT TIME ZONE 'UTC' + make_interval(hours => p_line),
        p_kind, p_type,
        CASE WHEN p_kind IN ('capture', 'refund')
             THEN p_sid || '-' || p_line ELSE '' END,
        '', '', p_cur, 2, p_amount, p_fee, 0, p_fee, p_amount + p_fee);
$$;

SELECT pg_temp.line('S1', '2026-05-01', 2, 'transfer', 'Transfer', 'USD', -10000, 0);
SELECT pg_temp.line('S1', '2026-05-01', 3, 'capture', 'Capture', 'USD', 5000, -150);
SELECT pg_temp.line('S1', '2026-05-01', 4, 'reserve', 'Reserve', 'USD', -1000, 0);
SELECT pg_temp.line('S1', '2026-05-01', 5, 'carryover', 'Carryover', 'USD', -300, 0);
SELECT pg_temp.line('S1', '2026-05-01', 6, 'carryover', 'Carryover', 'USD', 300, 0);
SELECT pg_temp.line('S2', '2026-05-02', 2, 'transfer', 'Transfer', 'USD', -3850, 0);
SELECT pg_temp.line('S2', '2026-05-02', 3, 'capture', 'Capture', 'USD', 2000, -60);
SELECT pg_temp.line('S2', '2026-05-02', 4, 'refund', 'Refund', 'USD', -500, 15);
SELECT pg_temp.line('S2', '2026-05-02', 5, 'adjustment', 'Adjustment', 'USD', 200, 0);
SELECT pg_temp.line('S2', '2026-05-02', 6, 'debt', 'Debt', 'USD', -100, 0);
SELECT pg_temp.line('S3', '2026-05-03', 2, 'transfer', 'Transfer', 'USD', -1500, 0);
SELECT pg_temp.line('S3', '2026-05-03', 3, 'capture', 'Capture', 'USD', 3000, -90);

SELECT pg_temp.line('E1', '2026-05-01', 2, 'capture', 'Capture', 'EUR', 8000, 0);
SELECT pg_temp.line('E3', '2026-05-03', 2, 'carryover', 'Carryover', 'EUR', 500, 0);
SELECT pg_temp.line('E3', '2026-05-03', 3, 'transfer', 'Transfer', 'EUR', -8500, 0);

SELECT pg_temp.line('G1', '2026-05-01', 2, 'carryover', 'Carryover', 'GBP', -2000, 0);
SELECT pg_temp.line('G1', '2026-05-01', 3, 'capture', 'Capture', 'GBP', 1000, 0);
SELECT pg_temp.line('G2', '2026-05-02', 2, 'carryover', 'Carryover', 'GBP', 2000, 0);
SELECT pg_temp.line('G2', '2026-05-02', 3, 'transfer', 'Transfer', 'GBP', -3000, 0);

INSERT INTO settle.raw_report (seller_id, sha256, bytes, source,
    settlement_id, settlement_start, settlement_end, business_date)
SELECT DISTINCT seller_id, source_sha256, 1, 'dir', settlement_id,
       settlement_start, settlement_end, business_date
FROM settle.settlement_line;
INSERT INTO settle.run (seller_id, business_date, status, tool_version)
SELECT DISTINCT seller_id, business_date, 'normalized', 'test'
FROM settle.settlement_line;
COMMIT;
