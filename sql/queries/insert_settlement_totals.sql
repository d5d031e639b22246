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
--   $1 seller_id      text
--   $2 business_date  date
INSERT INTO settle.settlement_total (seller_id, settlement_id, currency,
    minor_units, business_date, settlement_start, settlement_end, lines,
    sales, refunds, chargebacks, reserve_released, reserve_held,
    adjustments, debt, carryover, other, fees, transfer, net, payouts,
    before_first_payout, first_payout, through_last_payout)
SELECT $1::text, x.settlement_id, x.currency, min(x.minor_units),
       $2::date, min(x.settlement_start), max(x.settlement_end), count(*),
       coalesce(sum(x.amount) FILTER (WHERE x.kind = 'capture'), 0),
       coalesce(sum(x.amount) FILTER (WHERE x.kind = 'refund'), 0),
       coalesce(sum(x.amount) FILTER (WHERE x.kind IN ('chargeback',
                                      'atoz_claim', 'dispute')), 0),
       coalesce(sum(x.amount) FILTER (WHERE x.kind = 'reserve'
                                        AND x.amount > 0), 0),
       coalesce(sum(x.amount) FILTER (WHERE x.kind = 'reserve'
                                        AND x.amount < 0), 0),
       coalesce(sum(x.amount) FILTER (WHERE x.kind = 'adjustment'), 0),
       coalesce(sum(x.amount) FILTER (WHERE x.kind = 'debt'), 0),
       coalesce(sum(x.amount) FILTER (WHERE x.kind = 'carryover'), 0),
       coalesce(sum(x.amount) FILTER (WHERE x.kind IN ('authorization',
                                      'unknown')), 0),
       sum(x.total_fee),
       coalesce(sum(x.amount) FILTER (WHERE x.kind = 'transfer'), 0),
       sum(x.net),
       count(*) FILTER (WHERE x.payout),
       (array_agg(x.running - x.net ORDER BY x.source_sha256, x.source_line) FILTER (WHERE x.payout))[1],
       (array_agg(x.net ORDER BY x.source_sha256, x.source_line) FILTER (WHERE x.payout))[1],
       (array_agg(x.running ORDER BY x.source_sha256 DESC,
                  x.source_line DESC) FILTER (WHERE x.payout))[1]
FROM (SELECT l.settlement_id, l.currency, l.minor_units, l.settlement_start,
             l.settlement_end, l.posted_at, l.source_sha256, l.source_line,
             l.kind, l.amount, l.total_fee, l.net,
             l.kind = 'transfer'
                 OR (l.kind = 'carryover' AND l.amount < 0
                     AND NOT bool_or(l.kind = 'transfer')
                             OVER (PARTITION BY l.settlement_id,
                                                l.currency)) AS payout,
             sum(l.net) OVER (PARTITION BY l.settlement_id, l.currency
                              ORDER BY l.source_sha256, l.source_line
                              ROWS UNBOUNDED PRECEDING) AS running
      FROM settle.settlement_line l
      WHERE l.seller_id = $1::text AND l.business_date = $2::date) x
GROUP BY x.settlement_id, x.currency
ON CONFLICT (seller_id, settlement_id, currency) DO NOTHING;
