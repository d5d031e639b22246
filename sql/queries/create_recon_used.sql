-- create_recon_used.sql: every ledger entry this run consumed or found
-- explained: the entries of rc_lm (all of a group's) except those a split
-- shipment settled only in part (they stay open, with what is left), and
-- the payouts that an earlier date's transfer explains.
-- No parameters.
CREATE TEMP TABLE rc_used ON COMMIT DROP AS
SELECT entry_id FROM rc_lm WHERE entry_id IS NOT NULL AND part IS NOT TRUE
UNION ALL
SELECT unnest(entry_ids) FROM rc_lm WHERE entry_ids IS NOT NULL
UNION ALL
SELECT entry_id FROM rc_pay WHERE NOT is_today;
