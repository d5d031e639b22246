-- insert_recon_settlements.sql: the tie-out of each settlement of (seller,
-- date) into settle.recon_settlement (README "Settlements and the
-- tie-out"). The chain walks back from each settlement to the one that
-- ended where it started (same seller and currency), and on, as far as
-- settle.settlement_total holds settlements of this or earlier business
-- dates: a rerun, whatever later dates did, finds the same chain. The oldest
-- settlement of a chain starts from the balance its first payout row
-- emptied (0 without one); each later one from its predecessor's closing.
-- The payout columns are this date's results for the settlement's Transfer
-- lines (insert_recon_lines.sql).
--   $1 seller_id      text
--   $2 business_date  date
INSERT INTO settle.recon_settlement (seller_id, business_date,
    settlement_id, currency, opening, opening_from, chain_length, closing,
    left_after_payout, tie_out, payout_status, payout_entry)
WITH RECURSIVE chain (settlement_id, currency, at_id, at_start, depth,
                      before_net, first_from) AS (
    SELECT t.settlement_id, t.currency, t.settlement_id, t.settlement_start,
           0, 0::bigint, NULL::text
    FROM settle.settlement_total t
    WHERE t.seller_id = $1::text AND t.business_date = $2::date
    UNION ALL
    SELECT c.settlement_id, c.currency, p.settlement_id, p.settlement_start,
           c.depth + 1, c.before_net + p.net,
           coalesce(c.first_from, p.settlement_id)
    FROM chain c
    CROSS JOIN LATERAL (
        SELECT p.settlement_id, p.settlement_start, p.net
        FROM settle.settlement_total p
        WHERE p.seller_id = $1::text
          AND p.currency = c.currency
          AND p.settlement_end = c.at_start
          AND p.settlement_start < c.at_start
          AND p.business_date <= $2::date
        ORDER BY p.settlement_id
        LIMIT 1) p
),
root AS (
    SELECT DISTINCT ON (c.settlement_id, c.currency)
           c.settlement_id, c.currency, c.at_id, c.depth, c.before_net,
           c.first_from
    FROM chain c
    ORDER BY c.settlement_id, c.currency, c.depth DESC
),
opened AS (
    SELECT t.settlement_id, t.currency, t.net, t.payouts,
           t.through_last_payout, r.first_from, r.depth,
           CASE WHEN o.payouts > 0
                THEN -(o.first_payout + o.before_first_payout)
                ELSE 0 END + r.before_net AS opening
    FROM settle.settlement_total t
    JOIN root r ON r.settlement_id = t.settlement_id
               AND r.currency = t.currency
    JOIN settle.settlement_total o ON o.seller_id = t.seller_id
                                  AND o.settlement_id = r.at_id
                                  AND o.currency = r.currency
    WHERE t.seller_id = $1::text AND t.business_date = $2::date
),
payout AS (
    -- the date's transfer results (a few, through recon_result_transfer),
    -- each to its own line of this date
    SELECT l.settlement_id, l.currency,
           string_agg(DISTINCT r.status, ' ' ORDER BY r.status) AS status,
           string_agg(DISTINCT r.entry_id, ' ' ORDER BY r.entry_id)
               AS entry_id
    FROM settle.recon_result r
    JOIN settle.settlement_line l ON l.seller_id = r.seller_id
                                 AND l.source_sha256 = r.source_sha256
                                 AND l.source_line = r.source_line
                                 AND l.business_date = r.business_date
    WHERE r.seller_id = $1::text AND r.business_date = $2::date
      AND r.kind = 'transfer'
    GROUP BY l.settlement_id, l.currency
)
SELECT $1::text, $2::date, o.settlement_id, o.currency, o.opening,
       o.first_from, o.depth + 1, o.opening + o.net,
       CASE WHEN o.payouts > 0 THEN o.opening + o.through_last_payout END,
       CASE WHEN o.payouts = 0 THEN 'no_payout'
            WHEN o.opening + o.through_last_payout = 0 THEN 'ties'
            ELSE 'out_of_balance' END,
       p.status, p.entry_id
FROM opened o
LEFT JOIN payout p ON p.settlement_id = o.settlement_id
                  AND p.currency = o.currency;
