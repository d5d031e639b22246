-- create_recon_rest_lines.sql: the lines left for rule 2, reference match:
-- kinds that book against an order, with a reference, not duplicates and
-- not matched by key.
-- No parameters.
CREATE TEMP TABLE rc_lrest ON COMMIT DROP AS
SELECT l.lid, l.ref, l.kind, l.currency, l.amount, l.total_fee,
       l.settlement_end, l.source_sha256, l.source_line
FROM rc_line l
WHERE l.ref IS NOT NULL
  AND l.kind IN ('capture', 'refund', 'chargeback', 'atoz_claim', 'dispute',
                 'adjustment', 'debt')
  AND NOT l.is_dup
  AND NOT EXISTS (SELECT 1 FROM rc_lm m WHERE m.lid = l.lid);
