-- insert_recon_ref_groups.sql: rule 2, reference match by groups. The
-- lines and entries still left are grouped by (reference, kind, currency);
-- a group present on both sides is one match: several lines against one
-- entry (split captures), one line against several entries, or several
-- against several. Sums are compared later. entry_id on every line of the
-- group is the group's first entry; the group's first line also lists all
-- of them (entry_ids) when there are several.
-- No parameters.
WITH lg AS (
    SELECT ref, kind, currency, count(*) AS n, sum(amount) AS s_amt,
           sum(total_fee) AS s_fee
    FROM rc_lrest
    GROUP BY ref, kind, currency
), eg AS (
    SELECT ref, kind, currency, count(*) AS m,
           array_agg(entry_id ORDER BY entry_id) AS ids,
           sum(amount) AS amount,
           CASE WHEN bool_and(amount_minor IS NOT NULL)
                THEN sum(amount_minor) END AS amount_minor,
           sum(fee) AS fee,
           CASE WHEN bool_and(fee IS NULL OR fee_minor IS NOT NULL)
                THEN sum(fee_minor) END AS fee_minor
    FROM rc_erest
    GROUP BY ref, kind, currency
)
INSERT INTO rc_lm
SELECT 'reference', l.lid, eg.ids[1],
       CASE WHEN eg.m > 1 AND l.pos = 1 THEN eg.ids END,
       lg.n, l.pos, eg.m, lg.s_amt, lg.s_fee, eg.currency, eg.amount,
       eg.amount_minor, eg.fee, eg.fee_minor
FROM (SELECT r.*,
             row_number() OVER (PARTITION BY r.ref, r.kind, r.currency
                                ORDER BY r.settlement_end, r.source_sha256,
                                         r.source_line) AS pos
      FROM rc_lrest r) l
JOIN lg ON lg.ref = l.ref AND lg.kind = l.kind AND lg.currency = l.currency
JOIN eg ON eg.ref = l.ref AND eg.kind = l.kind AND eg.currency = l.currency;
