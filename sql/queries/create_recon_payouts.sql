-- create_recon_payouts.sql: rule 5, payouts. The transfer lines of rc_tr
-- (the date's and the earlier dates' within lookback_days) against
-- ledger payout entries of the same currency whose amount is within the
-- currency's tolerance of the transfer's, and which are either booked
-- within [settlement start, settlement end + 7 days] or carry, as their
-- provider_transaction_id, the bank reference Get Disbursements gave for
-- the transfer's settlement (settle.disbursement, fetched by this date,
-- for the transfer's amount). Signs are compared as they are: the view
-- shows a payout the way the report shows a transfer, as money leaving
-- the Amazon Pay balance (negative). Each transfer and each entry is used
-- once: a pair is kept when each is the other's first choice (the bank
-- reference first, then the closest amount, then time, then id); by_ref
-- says which way it matched.
--   $1 seller_id      text
--   $2 business_date  date
CREATE TEMP TABLE rc_pay ON COMMIT DROP AS
WITH t AS (
    SELECT t.*, d.reference AS bank_reference
    FROM rc_tr t
    LEFT JOIN LATERAL (
        SELECT p.reference
        FROM settle.disbursement p
        WHERE p.seller_id = $1::text
          AND p.settlement_id = t.settlement_id
          AND p.currency = t.currency
          AND p.amount = -t.amount
          AND p.business_date <= $2::date
        ORDER BY p.reference
        LIMIT 1) d ON true
), c AS (
    SELECT t.*, e.entry_id, e.currency AS l_cur, e.amount AS l_amt_raw,
           e.amount_minor, e.fee, e.fee_minor,
           coalesce(e.ptxn = t.bank_reference, false) AS by_ref,
           row_number() OVER (PARTITION BY t.source_sha256, t.source_line
                              ORDER BY coalesce(e.ptxn = t.bank_reference,
                                                false) DESC,
                                       abs(e.amount_minor - t.amount),
                                       e.booked_at, e.entry_id) AS rl,
           row_number() OVER (PARTITION BY e.entry_id
                              ORDER BY coalesce(e.ptxn = t.bank_reference,
                                                false) DESC,
                                       abs(e.amount_minor - t.amount),
                                       t.settlement_end, t.source_sha256,
                                       t.source_line) AS re
    FROM t
    JOIN rc_le e ON e.currency = t.currency
    JOIN rc_cur k ON k.currency = t.currency
    WHERE e.kind = 'payout' AND e.amount_minor IS NOT NULL
      AND (e.ptxn = t.bank_reference
           OR (e.booked_at >= t.settlement_start
               AND e.booked_at <= settle.payout_window_end(t.settlement_end)))
      AND abs(e.amount_minor - t.amount) <= k.tol
)
SELECT * FROM c WHERE rl = 1 AND re = 1;
