-- update_recon_by_order.sql: rule 2's fallback (README "What each
-- reconciliation status means"). A line left by the key match whose
-- seller_reference_id finds no ledger entry of its kind and currency, and
-- whose seller_order_id does, takes the order id as its reference and is
-- marked by_order: the shipments of one order, each settled under its own
-- reference, against the order the shop booked once. Lines whose two ids
-- are equal (or one is empty) are never touched, so the usual day is one
-- scan of rc_line that updates nothing.
-- No parameters.
WITH cand AS MATERIALIZED (
    SELECT l.lid, l.sref, l.soid, l.kind, l.currency
    FROM rc_line l
    WHERE l.sref IS NOT NULL AND l.soid IS NOT NULL AND l.sref <> l.soid
      AND l.kind IN ('capture', 'refund', 'chargeback', 'atoz_claim',
                     'dispute', 'adjustment', 'debt')
      AND NOT l.is_dup
      AND NOT EXISTS (SELECT 1 FROM rc_lm m WHERE m.lid = l.lid)
), open_entry AS (
    SELECT e.ref, e.kind, e.currency
    FROM rc_le e
    WHERE e.ref IN (SELECT sref FROM cand UNION SELECT soid FROM cand)
      AND e.kind NOT IN ('payout', 'fee')
      AND NOT EXISTS (SELECT 1 FROM rc_lm m WHERE m.entry_id = e.entry_id)
)
UPDATE rc_line l
SET ref = c.soid, by_order = true
FROM cand c
WHERE l.lid = c.lid
  AND NOT EXISTS (SELECT 1 FROM open_entry o
                  WHERE o.ref = c.sref AND o.kind = c.kind
                    AND o.currency = c.currency)
  AND EXISTS (SELECT 1 FROM open_entry o
              WHERE o.ref = c.soid AND o.kind = c.kind
                AND o.currency = c.currency);
