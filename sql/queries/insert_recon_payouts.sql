-- insert_recon_payouts.sql: the payout pairs of the date's transfer lines
-- into rc_lm, by the rule that paired them (payout_reference: by the bank
-- reference of the settlement's disbursement; payout: by amount and time) (the pairs of earlier dates' transfers only mark their
-- entries as explained, in create_recon_used.sql).
-- No parameters.
INSERT INTO rc_lm
SELECT CASE WHEN by_ref THEN 'payout_reference' ELSE 'payout' END, lid,
       entry_id, NULL, 1, 1, 1, amount, total_fee,
       l_cur, l_amt_raw, amount_minor, fee, fee_minor
FROM rc_pay
WHERE is_today;
