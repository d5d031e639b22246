-- create_recon_by_order.sql: rc_ord, the ledger entries that a reference
-- match of by_order lines (update_recon_by_order.sql) found, with what
-- earlier dates settled of each (settled_before) and the currency's
-- tolerance: the groups that update_recon_by_order_groups.sql turns into
-- matches by order. A table of its own, analyzed, so that the update
-- joins by hash however many there are; on the usual day no line is
-- by_order and the one-time check at the top skips the joins.
-- No parameters.
CREATE TEMP TABLE rc_ord ON COMMIT DROP AS
SELECT e.entry_id, e.settled_before, c.tol
FROM (SELECT DISTINCT m.entry_id
      FROM rc_lm m
      JOIN rc_line l ON l.lid = m.lid
      WHERE l.by_order AND m.rule = 'reference') g
JOIN rc_le e ON e.entry_id = g.entry_id
JOIN rc_cur c ON c.currency = e.currency
WHERE EXISTS (SELECT 1 FROM rc_line WHERE by_order);
