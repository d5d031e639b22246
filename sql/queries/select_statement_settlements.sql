-- select_statement_settlements.sql: the settlements of a seller's business
-- dates from $2 to $3 (a date: both the same; a period statement) tied out (README "Settlements and the tie-out"), from
-- settle.recon_settlement and settle.settlement_total. activity is every
-- category and the fees; check = opening + activity + transfer - closing,
-- 0 when the categories account for every line's net. bank_reference and
-- disbursed are the payouts Get Disbursements named for the settlement
-- (012_disbursements.sql), as fetched by its date: a later fetch never
-- changes an earlier date's statement. The columns are the
-- settlements template's fields in the order of lib/report/template.c
-- (settlements_fields), then minor_units, each named as its field.
-- Ordered by currency and settlement end, then id, a total order.
--   $1 seller_id  text
--   $2 from_date  date
--   $3 to_date    date
SELECT t.settlement_id,
       t.currency,
       to_char(t.settlement_start AT TIME ZONE 'UTC',
               'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS settlement_start,
       to_char(t.settlement_end AT TIME ZONE 'UTC',
               'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS settlement_end,
       t.lines,
       s.opening,
       CASE WHEN s.opening_from IS NOT NULL
            THEN 'settlement ' || s.opening_from
            WHEN t.payouts > 0 THEN 'inferred from the payout'
            ELSE 'none' END AS opening_from,
       t.sales,
       t.refunds,
       t.fees,
       t.chargebacks,
       t.reserve_released,
       t.reserve_held,
       t.adjustments,
       t.debt,
       t.carryover,
       t.other,
       a.activity,
       t.transfer,
       s.closing,
       s.opening + a.activity + t.transfer - s.closing AS "check",
       s.left_after_payout,
       CASE s.tie_out WHEN 'out_of_balance' THEN 'settlement_out_of_balance'
                      ELSE s.tie_out END AS tie_out,
       s.payout_status,
       s.payout_entry,
       d.bank_reference,
       d.disbursed,
       t.minor_units
  FROM settle.recon_settlement s
  JOIN settle.settlement_total t
    ON t.seller_id = s.seller_id
   AND t.settlement_id = s.settlement_id
   AND t.currency = s.currency
 CROSS JOIN LATERAL (
       SELECT t.sales + t.refunds + t.fees + t.chargebacks
              + t.reserve_released + t.reserve_held + t.adjustments + t.debt
              + t.carryover + t.other AS activity) a
 CROSS JOIN LATERAL (
       SELECT string_agg(p.reference, ' ' ORDER BY p.reference)
                  AS bank_reference,
              sum(p.amount) AS disbursed
         FROM settle.disbursement p
        WHERE p.seller_id = s.seller_id
          AND p.settlement_id = s.settlement_id
          AND p.currency = s.currency
          AND p.business_date <= s.business_date) d
 WHERE s.seller_id = $1
   AND s.business_date BETWEEN $2::date AND $3::date
 ORDER BY t.currency, t.settlement_end, t.settlement_id
