-- insert_settlement_totals.sql: the sums of each settlement of (seller,
-- date) by category into settle.settlement_total (009_settlements.sql),
-- written once: a settlement's lines never change, so a settlement
-- already there is left as it is, with its recorded_at. The payout
-- columns follow the report's own row order (a settlement is one file),
-- not posted_at: Amazon lists a line sent again with its first posting
-- time, which may come before the payout that precedes it in the file.
-- The payout rows are the Transfer lines; a settlement without one pays
-- nothing out, and its Carryover lines that set the balance aside (the
-- payout on hold) stand in for it.
-- The sums are one hash aggregate of the date's lines. The running
-- balance at a payout row (the net of the rows up to it, in file order)
-- is summed for the payout rows alone, a few a settlement, by a join of
-- each to the lines of its settlement up to it: no sort of the date's
-- lines, whose window over every line cost a third of a second a date at
-- 143,000 lines.
--   $1 seller_id      text
--   $2 business_date  date
WITH l AS MATERIALIZED (
    SELECT l.settlement_id, l.currency, l.minor_units, l.settlement_start,
           l.settlement_end, l.source_sha256, l.source_line, l.kind,
           l.amount, l.total_fee, l.net
    FROM settle.settlement_line l
    WHERE l.seller_id = $1::text AND l.business_date = $2::date
), g AS MATERIALIZED (
    SELECT l.settlement_id, l.currency, min(l.minor_units) AS minor_units,
           min(l.settlement_start) AS settlement_start,
           max(l.settlement_end) AS settlement_end, count(*) AS lines,
           coalesce(sum(l.amount) FILTER (WHERE l.kind = 'capture'), 0)
               AS sales,
           coalesce(sum(l.amount) FILTER (WHERE l.kind = 'refund'), 0)
               AS refunds,
           coalesce(sum(l.amount) FILTER (WHERE l.kind IN ('chargeback',
                                          'atoz_claim', 'dispute')), 0)
               AS chargebacks,
           coalesce(sum(l.amount) FILTER (WHERE l.kind = 'reserve'
                                            AND l.amount > 0), 0)
               AS reserve_released,
           coalesce(sum(l.amount) FILTER (WHERE l.kind = 'reserve'
                                            AND l.amount < 0), 0)
               AS reserve_held,
           coalesce(sum(l.amount) FILTER (WHERE l.kind = 'adjustment'), 0)
               AS adjustments,
           coalesce(sum(l.amount) FILTER (WHERE l.kind = 'debt'), 0) AS debt,
           coalesce(sum(l.amount) FILTER (WHERE l.kind = 'carryover'), 0)
               AS carryover,
           coalesce(sum(l.amount) FILTER (WHERE l.kind IN ('authorization',
                                          'unknown')), 0) AS other,
           sum(l.total_fee) AS fees,
           coalesce(sum(l.amount) FILTER (WHERE l.kind = 'transfer'), 0)
               AS transfer,
           sum(l.net) AS net,
           bool_or(l.kind = 'transfer') AS has_transfer
    FROM l
    GROUP BY l.settlement_id, l.currency
), pay AS (
    SELECT p.settlement_id, p.currency, p.source_sha256, p.source_line,
           p.net, sum(l.net) AS running
    FROM (SELECT l.*
          FROM l
          JOIN g ON g.settlement_id = l.settlement_id
                AND g.currency = l.currency
          WHERE l.kind = 'transfer'
             OR (l.kind = 'carryover' AND l.amount < 0
                 AND NOT g.has_transfer)) p
    JOIN l ON l.settlement_id = p.settlement_id AND l.currency = p.currency
          AND (l.source_sha256, l.source_line)
              <= (p.source_sha256, p.source_line)
    GROUP BY p.settlement_id, p.currency, p.source_sha256, p.source_line,
             p.net
), pays AS (
    SELECT settlement_id, currency, count(*) AS payouts,
           (array_agg(running - net ORDER BY source_sha256,
                      source_line))[1] AS before_first_payout,
           (array_agg(net ORDER BY source_sha256, source_line))[1]
               AS first_payout,
           (array_agg(running ORDER BY source_sha256 DESC,
                      source_line DESC))[1] AS through_last_payout
    FROM pay
    GROUP BY settlement_id, currency
)
INSERT INTO settle.settlement_total (seller_id, settlement_id, currency,
    minor_units, business_date, settlement_start, settlement_end, lines,
    sales, refunds, chargebacks, reserve_released, reserve_held,
    adjustments, debt, carryover, other, fees, transfer, net, payouts,
    before_first_payout, first_payout, through_last_payout)
SELECT $1::text, g.settlement_id, g.currency, g.minor_units, $2::date,
       g.settlement_start, g.settlement_end, g.lines, g.sales, g.refunds,
       g.chargebacks, g.reserve_released, g.reserve_held, g.adjustments,
       g.debt, g.carryover, g.other, g.fees, g.transfer, g.net,
       coalesce(p.payouts, 0), p.before_first_payout, p.first_payout,
       p.through_last_payout
FROM g
LEFT JOIN pays p ON p.settlement_id = g.settlement_id
                AND p.currency = g.currency
ON CONFLICT (seller_id, settlement_id, currency) DO NOTHING;
