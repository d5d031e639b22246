-- select_journal_parts.sql: the journal's input (README "The journal"):
-- every settlement recorded on a business date of the range, once, cut
-- into its months (settle.settlement_part), oldest first. parts and
-- part_no number a settlement's months; ties says that its parts add up,
-- category by category, to its settle.settlement_total row (false also
-- when it has no parts).
--   $1 seller_id  text
--   $2 from       date
--   $3 to         date
SELECT t.settlement_id, t.currency, t.minor_units,
       to_char(t.business_date, 'YYYY-MM-DD') AS business_date,
       to_char(p.part_date, 'YYYY-MM-DD') AS part_date,
       to_char(p.month, 'YYYY-MM') AS month,
       count(p.month) OVER w AS parts,
       row_number() OVER (w ORDER BY p.month) AS part_no,
       p.sales, p.refunds, p.chargebacks, p.reserve_released, p.reserve_held,
       p.adjustments, p.debt, p.carryover, p.other, p.transfer,
       p.fee_sales, p.fee_refunds, p.fee_chargebacks, p.fee_other, p.net,
       coalesce(sum(p.lines) OVER w = t.lines
                AND sum(p.sales) OVER w = t.sales
                AND sum(p.refunds) OVER w = t.refunds
                AND sum(p.chargebacks) OVER w = t.chargebacks
                AND sum(p.reserve_released) OVER w = t.reserve_released
                AND sum(p.reserve_held) OVER w = t.reserve_held
                AND sum(p.adjustments) OVER w = t.adjustments
                AND sum(p.debt) OVER w = t.debt
                AND sum(p.carryover) OVER w = t.carryover
                AND sum(p.other) OVER w = t.other
                AND sum(p.transfer) OVER w = t.transfer
                AND sum(p.fee_sales + p.fee_refunds + p.fee_chargebacks
                        + p.fee_other) OVER w = t.fees
                AND sum(p.net) OVER w = t.net, false) AS ties
FROM settle.settlement_total t
LEFT JOIN settle.settlement_part p
       ON p.seller_id = t.seller_id AND p.settlement_id = t.settlement_id
      AND p.currency = t.currency
WHERE t.seller_id = $1::text
  AND t.business_date BETWEEN $2::date AND $3::date
WINDOW w AS (PARTITION BY t.settlement_id, t.currency)
ORDER BY t.business_date, t.settlement_start, t.settlement_id, t.currency,
         p.month;
