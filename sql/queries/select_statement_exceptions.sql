-- select_statement_exceptions.sql: the exceptions of a seller's business
-- dates from $2 to $3 (README "What each reconciliation status means":
-- amount_mismatch, fee_mismatch, missing_in_ledger, missing_in_settlement,
-- duplicate_in_settlement, payout_mismatch, settlement_out_of_balance, and
-- lines of kind unknown), with both sides' amounts. A date's report gives
-- its date twice. For a period (README "Closing a month") these are the
-- exceptions still open at its end: each date's, found once (settle never
-- reopens a line once its date is reconciled), but a ledger entry missing
-- in settlement only as the last date finds it, since every date finds it
-- again while it stays unexplained. age_days counts from the date found,
-- or for a ledger entry from its booking, to $3. The columns are the
-- exceptions template's fields in the order of lib/report/template.c
-- (exceptions_fields), then minor_units, each named as its field (the
-- report reads them by name). Ordered by every column, so the order is
-- total.
--   $1 seller_id  text
--   $2 from_date  date
--   $3 to_date    date
SELECT r.status,
       r.reason,
       r.kind,
       r.currency,
       to_char(l.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
           AS posted_at,
       r.amazon_transaction_id,
       r.reference,
       r.entry_id AS ledger_entry_id,
       r.settlement_amount,
       r.settlement_fee,
       r.ledger_amount,
       r.ledger_fee,
       r.settlement_amount - r.ledger_amount AS difference,
       r.match_rule,
       r.source_sha256,
       r.source_line,
       to_char(r.business_date, 'YYYY-MM-DD') AS business_date,
       $3::date - CASE WHEN r.source_sha256 IS NULL AND r.booked_at IS NOT NULL
                       THEN (r.booked_at AT TIME ZONE 'UTC')::date
                       ELSE r.business_date END AS age_days,
       r.minor_units
  FROM settle.recon_result r
  LEFT JOIN settle.settlement_line l
    ON l.seller_id = r.seller_id
   AND l.business_date = r.business_date
   AND l.source_sha256 = r.source_sha256
   AND l.source_line = r.source_line
 WHERE r.seller_id = $1
   AND r.business_date BETWEEN $2::date AND $3::date
   AND (r.status IN ('amount_mismatch', 'fee_mismatch', 'missing_in_ledger',
                     'missing_in_settlement', 'duplicate_in_settlement',
                     'payout_mismatch', 'unknown_type',
                     'settlement_out_of_balance')
        OR r.kind = 'unknown')
   AND NOT (r.status = 'missing_in_settlement' AND r.source_sha256 IS NULL
            AND r.business_date < $3::date)
 ORDER BY r.status, r.currency, r.business_date, r.source_sha256 NULLS LAST,
          r.source_line NULLS LAST, r.entry_id NULLS LAST, posted_at,
          r.amazon_transaction_id, r.reference, r.kind, r.reason,
          r.settlement_amount, r.settlement_fee, r.ledger_amount,
          r.ledger_fee, r.match_rule, r.minor_units
