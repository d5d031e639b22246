-- insert_recon_payout_rest.sql: the date's transfer lines that found no
-- payout within tolerance, paired (for the report: both amounts side by
-- side) with an unused payout entry of the same currency booked in their
-- window, nearest the settlement end first. They become payout_mismatch;
-- a transfer with no such entry stays unpaired (payout_mismatch too, with
-- no ledger side).
-- No parameters.
WITH t AS (
    SELECT l.*
    FROM rc_line l
    WHERE l.kind = 'transfer'
      AND NOT l.is_dup
      AND NOT EXISTS (SELECT 1 FROM rc_pay p WHERE p.lid = l.lid)
), c AS (
    SELECT t.lid, t.amount, t.total_fee, e.entry_id,
           e.currency AS l_cur, e.amount AS l_amt_raw, e.amount_minor,
           e.fee, e.fee_minor,
           row_number() OVER (PARTITION BY t.lid
                              ORDER BY abs(extract(epoch FROM e.booked_at
                                               - t.settlement_end)),
                                       e.entry_id) AS rl,
           row_number() OVER (PARTITION BY e.entry_id
                              ORDER BY abs(extract(epoch FROM e.booked_at
                                               - t.settlement_end)),
                                       t.source_sha256, t.source_line) AS re
    FROM t
    JOIN rc_le e ON e.currency = t.currency
    WHERE e.kind = 'payout'
      AND e.booked_at >= t.settlement_start
      AND e.booked_at <= settle.payout_window_end(t.settlement_end)
      AND NOT EXISTS (SELECT 1 FROM rc_pay p WHERE p.entry_id = e.entry_id)
)
INSERT INTO rc_lm
SELECT 'payout_mismatch', lid, entry_id, NULL, 1, 1, 1, amount,
       total_fee, l_cur, l_amt_raw, amount_minor, fee, fee_minor
FROM c
WHERE rl = 1 AND re = 1;
