-- insert_recon_entry_use.sql: the ledger entries this date's matches used
-- (every entry of rc_lm, all of a group's, and the payouts that resolved
-- an earlier date's pending transfer, rc_pend), into
-- settle.recon_entry_use for the dates after it. A part of a split
-- shipment is recorded with what it settled and complete = false. Only
-- the first line of a group names its entries (all of them), so each
-- entry comes once.
--   $1 seller_id      text
--   $2 business_date  date
INSERT INTO settle.recon_entry_use (seller_id, entry_id, business_date,
                                    complete, settled, settled_fee)
SELECT $1::text, u.entry_id, $2::date, u.complete, u.settled,
       u.settled_fee
FROM (SELECT m.entry_id, m.part IS NOT TRUE AS complete,
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
      WHERE p.entry_id IS NOT NULL) u;
