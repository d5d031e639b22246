-- insert_recon_tie_outs.sql: a settlement_out_of_balance result for each
-- settlement of (seller, date) whose payout did not empty the balance
-- (insert_recon_settlements.sql): no line or ledger entry of its own, the
-- settlement id as its reference, the balance left as its amount.
--   $1 seller_id      text
--   $2 business_date  date
INSERT INTO settle.recon_result (seller_id, business_date, status,
    match_rule, kind, currency, minor_units, reference, settlement_amount,
    reason)
SELECT $1::text, $2::date, 'settlement_out_of_balance', 'tie_out',
       'settlement', s.currency, t.minor_units, s.settlement_id,
       s.left_after_payout,
       'settlement ' || s.settlement_id || ': the payout left '
       || settle.minor_text(s.left_after_payout, t.minor_units) || ' '
       || s.currency || ' in the balance (opening '
       || settle.minor_text(s.opening, t.minor_units)
       || CASE WHEN s.opening_from IS NOT NULL
               THEN ' from settlement ' || s.opening_from
               ELSE ' inferred' END
       || '); Amazon''s payout should take all of it'
FROM settle.recon_settlement s
JOIN settle.settlement_total t ON t.seller_id = s.seller_id
                              AND t.settlement_id = s.settlement_id
                              AND t.currency = s.currency
WHERE s.seller_id = $1::text AND s.business_date = $2::date
  AND s.tie_out = 'out_of_balance';
