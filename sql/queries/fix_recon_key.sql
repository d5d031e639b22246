-- fix_recon_key.sql: one key pair per line and per entry. Where a line has
-- several candidate entries (a double booking in the ledger) or an entry
-- several lines (one id, two kinds), their pairs are replaced by those
-- where each side is the other's first choice: same kind first, then
-- booking time and id (for a line), settlement order (for an entry). The
-- usual day has no such pair: two integer hash aggregates and nothing
-- else. The losers stay unmatched and go on to the reference rule.
-- No parameters.
WITH bad AS MATERIALIZED (
    SELECT m.lid, m.entry_id
    FROM rc_lm m
    WHERE m.lid IN (SELECT lid FROM rc_lm GROUP BY lid HAVING count(*) > 1)
       OR m.entry_id IN (SELECT entry_id FROM rc_lm
                        GROUP BY entry_id HAVING count(*) > 1)
), del AS (
    DELETE FROM rc_lm m
    USING bad b
    WHERE m.lid = b.lid AND m.entry_id = b.entry_id
    RETURNING m.*
)
INSERT INTO rc_lm
SELECT rule, lid, entry_id, entry_ids, grp_n, grp_pos, n_entries,
       s_amt, s_fee, l_cur, l_amt_raw, l_amt, l_fee_raw, l_fee, part,
       l_before
FROM (SELECT d.*,
             row_number() OVER (PARTITION BY d.lid
                                ORDER BY e.kind = l.kind DESC, e.booked_at,
                                         e.entry_id) AS rl,
             row_number() OVER (PARTITION BY d.entry_id
                                ORDER BY e.kind = l.kind DESC,
                                         l.settlement_end, l.source_sha256,
                                         l.source_line) AS re
      FROM del d
      JOIN rc_line l ON l.lid = d.lid
      JOIN rc_le e ON e.entry_id = d.entry_id) x
WHERE rl = 1 AND re = 1;
