-- update_recon_by_order_groups.sql: the reference matches of the entries
-- of rc_ord (create_recon_by_order.sql: those found by by_order lines)
-- become rule 'order', every line of their group with them. A group of
-- one ledger entry whose lines settle less than the entry, with the same
-- sign and by more than the tolerance, is a part: the other shipments of
-- the order settle on later dates. Its lines are matched, the entry stays
-- open with what is left (rc_le is reduced by the part, so
-- insert_recon_missing.sql lists the rest as in transit), and
-- settle.recon_entry_use records the part (insert_recon_entry_use.sql).
-- l_before is what earlier dates settled of the entry. With rc_ord empty
-- (the usual day) the one-time check skips everything.
-- No parameters.
WITH upd AS (
    UPDATE rc_lm m
    SET rule = 'order',
        part = (m.n_entries = 1 AND m.l_amt IS NOT NULL
                AND sign(m.s_amt) = sign(m.l_amt)
                AND abs(m.s_amt) < abs(m.l_amt)
                AND abs(m.l_amt - m.s_amt) > o.tol),
        l_before = o.settled_before
    FROM rc_ord o
    WHERE m.entry_id = o.entry_id AND m.rule = 'reference'
      AND EXISTS (SELECT 1 FROM rc_ord)
    RETURNING m.entry_id, m.part, m.grp_pos, m.s_amt, m.s_fee
)
UPDATE rc_le e
SET amount_minor = e.amount_minor - u.s_amt,
    amount = e.amount - round(u.s_amt / e.scale, e.minor_units),
    fee_minor = e.fee_minor - u.s_fee,
    fee = e.fee - round(u.s_fee / e.scale, e.minor_units),
    settled_before = e.settled_before + u.s_amt,
    settled_fee_before = e.settled_fee_before + u.s_fee
FROM upd u
WHERE u.entry_id = e.entry_id AND u.part AND u.grp_pos = 1;
