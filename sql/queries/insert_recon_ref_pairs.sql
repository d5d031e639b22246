-- insert_recon_ref_pairs.sql: rule 2, reference match, first one to one.
-- Left lines pair with left entries of the same (reference, kind,
-- currency) and the same exact amount, the n-th line (settlement order)
-- with the n-th entry (booking order); both leave the rest tables. This
-- keeps two shipments of one order, settled on different dates, from being
-- summed into one group. What remains is grouped by the next statement.
-- No parameters.
WITH l AS (
    SELECT r.*,
           row_number() OVER (PARTITION BY r.ref, r.kind, r.currency,
                                           r.amount
                              ORDER BY r.settlement_end, r.source_sha256,
                                       r.source_line) AS rk
    FROM rc_lrest r
), e AS (
    SELECT r.*,
           row_number() OVER (PARTITION BY r.ref, r.kind, r.currency,
                                           r.amount_minor
                              ORDER BY r.booked_at, r.entry_id) AS rk
    FROM rc_erest r
    WHERE r.amount_minor IS NOT NULL
), p AS (
    SELECT l.lid, e.entry_id, l.amount, l.total_fee, e.currency,
           e.amount AS e_amount, e.amount_minor, e.fee, e.fee_minor
    FROM l
    JOIN e ON e.ref = l.ref AND e.kind = l.kind AND e.currency = l.currency
          AND e.amount_minor = l.amount AND e.rk = l.rk
), ins AS (
    INSERT INTO rc_lm
    SELECT 'reference', lid, entry_id, NULL, 1, 1, 1, amount,
           total_fee, currency, e_amount, amount_minor, fee, fee_minor
    FROM p
), dl AS (
    DELETE FROM rc_lrest WHERE lid IN (SELECT lid FROM p)
)
DELETE FROM rc_erest WHERE entry_id IN (SELECT entry_id FROM p);
