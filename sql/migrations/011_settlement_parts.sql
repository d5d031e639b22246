-- 011_settlement_parts.sql: each settlement cut at the month ends it
-- spans, for the journal (README "The journal").
--
-- settle.settlement_part: per settlement (SettlementId and currency) and
-- calendar month of the business time zone, the sums of the lines posted
-- in that month by category, in minor units, with the fees by the
-- category of the line that carried them. A line's month is that of its
-- posted_at, held inside [settlement_start, settlement_end]. part_date is
-- the journal's date: the month's last day, or the day the settlement
-- ends when that comes first. The parts of a settlement add up to its
-- settle.settlement_total row; both are written once, by the same
-- reconcile (insert_settlement_parts.sql), and kept.
CREATE TABLE settle.settlement_part (
    seller_id        text NOT NULL,
    settlement_id    text NOT NULL,
    currency         char(3) NOT NULL,
    month            date NOT NULL, -- its first day
    minor_units      smallint NOT NULL,
    part_date        date NOT NULL,
    lines            integer NOT NULL,
    sales            bigint NOT NULL,
    refunds          bigint NOT NULL,
    chargebacks      bigint NOT NULL,
    reserve_released bigint NOT NULL,
    reserve_held     bigint NOT NULL,
    adjustments      bigint NOT NULL,
    debt             bigint NOT NULL,
    carryover        bigint NOT NULL,
    other            bigint NOT NULL,
    transfer         bigint NOT NULL,
    fee_sales        bigint NOT NULL, -- total_fee of capture lines
    fee_refunds      bigint NOT NULL,
    fee_chargebacks  bigint NOT NULL,
    fee_other        bigint NOT NULL, -- of every other line
    net              bigint NOT NULL,
    PRIMARY KEY (seller_id, settlement_id, currency, month)
);

-- The settlements tied out before this migration get their parts from
-- the lines of the date that recorded them, cut in the time zone that
-- date was reconciled in.
CREATE FUNCTION settle.settlement_parts_of(p_seller text, p_date date,
                                           p_timezone text)
RETURNS void LANGUAGE sql AS $$
INSERT INTO settle.settlement_part (seller_id, settlement_id, currency,
    month, minor_units, part_date, lines, sales, refunds, chargebacks,
    reserve_released, reserve_held, adjustments, debt, carryover, other,
    transfer, fee_sales, fee_refunds, fee_chargebacks, fee_other, net)
SELECT p_seller, x.settlement_id, x.currency, x.month, min(x.minor_units),
       least((x.month + interval '1 month' - interval '1 day')::date,
             max(x.end_date)),
       count(*),
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
       coalesce(sum(x.amount) FILTER (WHERE x.kind = 'transfer'), 0),
       coalesce(sum(x.total_fee) FILTER (WHERE x.kind = 'capture'), 0),
       coalesce(sum(x.total_fee) FILTER (WHERE x.kind = 'refund'), 0),
       coalesce(sum(x.total_fee) FILTER (WHERE x.kind IN ('chargeback',
                                         'atoz_claim', 'dispute')), 0),
       coalesce(sum(x.total_fee) FILTER (WHERE x.kind NOT IN ('capture',
                             'refund', 'chargeback', 'atoz_claim',
                             'dispute')), 0),
       sum(x.net)
FROM (SELECT l.settlement_id, l.currency, l.minor_units, l.kind, l.amount,
             l.total_fee, l.net,
             date_trunc('month', greatest(l.settlement_start,
                                          least(l.posted_at, l.settlement_end))
                                 AT TIME ZONE p_timezone)::date AS month,
             (l.settlement_end AT TIME ZONE p_timezone)::date AS end_date
      FROM settle.settlement_line l
      JOIN settle.settlement_total t
        ON t.seller_id = l.seller_id AND t.settlement_id = l.settlement_id
       AND t.currency = l.currency AND t.business_date = l.business_date
      WHERE l.seller_id = p_seller AND l.business_date = p_date
        AND NOT EXISTS (SELECT 1 FROM settle.settlement_part p
                        WHERE p.seller_id = t.seller_id
                          AND p.settlement_id = t.settlement_id
                          AND p.currency = t.currency)) x
GROUP BY x.settlement_id, x.currency, x.month
$$;

SELECT settle.settlement_parts_of(d.seller_id, d.business_date,
                                  coalesce(r.open_timezone, 'UTC'))
FROM (SELECT DISTINCT seller_id, business_date
      FROM settle.settlement_total) d
LEFT JOIN settle.run r ON r.seller_id = d.seller_id
                      AND r.business_date = d.business_date;
