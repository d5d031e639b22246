-- create_recon_key.sql: rule 1, key match (README "What each reconciliation status means"). A line's
-- amazon_transaction_id equals an entry's provider_transaction_id. Payout
-- and fee entries never key-match; duplicate lines do not match. One hash
-- join; where an id repeats on either side (rare), fix_recon_key.sql keeps
-- one pair each. Creates rc_lm, the line-to-ledger pairs that the later
-- rules add to:
--   rule          key, reference, payout, payout_mismatch
--   lid           the line
--   entry_id      the (first) ledger entry; entry_ids lists every entry of
--                 a group of several, on the group's first line only
--   grp_n         settlement lines in the group (reference groups), else 1
--   grp_pos       this line's position in its group (1 = first)
--   n_entries     ledger entries on the ledger side
--   s_amt, s_fee  settlement amount and fee (group sums), minor units
--   l_cur, l_amt_raw, l_amt, l_fee_raw, l_fee
--                 ledger currency, amount and fee as booked (numeric, major
--                 units) and in exact minor units (NULL when not exact);
--                 l_fee_raw is NULL when the ledger books no fee
--   part          a match by order that settles only part of its entry
--                 (update_recon_by_order_groups.sql); NULL means false
--   l_before      what earlier dates settled of the entry (match by
--                 order only; minor units)
-- No parameters.
CREATE TEMP TABLE rc_lm ON COMMIT DROP AS
SELECT 'key'::text AS rule, l.lid, e.entry_id, NULL::text[] AS entry_ids,
       1 AS grp_n,
       1::bigint AS grp_pos, 1 AS n_entries, l.amount AS s_amt,
       l.total_fee AS s_fee, e.currency AS l_cur, e.amount AS l_amt_raw,
       e.amount_minor AS l_amt, e.fee AS l_fee_raw, e.fee_minor AS l_fee,
       NULL::boolean AS part, NULL::bigint AS l_before
FROM rc_line l
JOIN rc_le e ON e.ptxn = l.txn
WHERE l.kind NOT IN ('transfer', 'reserve', 'carryover', 'authorization')
  AND NOT l.is_dup
  AND e.kind NOT IN ('payout', 'fee');
