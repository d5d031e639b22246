-- create_recon_rest_entries.sql: the ledger entries left for rule 2: with
-- a reference, not payouts or fees, not consumed by the key match. Read
-- only when some line is left (a one-time check), so a day where every
-- line matched by key does not scan the ledger again. Only references
-- that some left line carries can match, so only those entries are kept.
-- No parameters.
CREATE TEMP TABLE rc_erest ON COMMIT DROP AS
SELECT e.entry_id, e.ref, e.kind, e.currency, e.amount,
       e.amount_minor, e.fee, e.fee_minor, e.booked_at
FROM rc_le e
WHERE EXISTS (SELECT 1 FROM rc_lrest)
  AND e.ref IS NOT NULL
  AND e.ref IN (SELECT ref FROM rc_lrest)
  AND e.kind NOT IN ('payout', 'fee')
  AND NOT EXISTS (SELECT 1 FROM rc_lm m WHERE m.entry_id = e.entry_id);
