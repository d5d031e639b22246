-- create_recon_use.sql: rc_use, the ledger entries this date's matches
-- used (every entry of rc_lm, all of a group's, and the payouts that
-- resolved an earlier date's pending transfer, rc_pend), each once: the
-- first line of a group names its entries (all of them). A part of a
-- split shipment comes with what it settled and complete = false.
-- insert_recon_entry_use.sql records them for the dates after this one;
-- insert_recon_open.sql carries the rest of rc_le forward.
-- No parameters.
CREATE TEMP TABLE rc_use ON COMMIT DROP AS
SELECT m.entry_id, m.part IS NOT TRUE AS complete,
       CASE WHEN m.part THEN m.s_amt END AS settled,
       CASE WHEN m.part THEN m.s_fee END AS settled_fee
FROM rc_lm m
WHERE m.entry_id IS NOT NULL AND m.entry_ids IS NULL
  AND m.grp_pos = 1
UNION ALL
SELECT unnest(m.entry_ids), true, NULL::bigint, NULL::bigint
FROM rc_lm m
WHERE m.entry_ids IS NOT NULL
UNION ALL
SELECT p.entry_id, true, NULL, NULL
FROM rc_pend p
WHERE p.entry_id IS NOT NULL;
