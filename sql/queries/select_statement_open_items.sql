-- select_statement_open_items.sql: the open items of a seller's business
-- date (README "Open items"): the ledger entries in transit (what is still
-- expected from Amazon) and the transfers whose bank payout is pending,
-- with their age and the days left until each becomes an exception. The
-- columns are the open items template's fields in the order of
-- lib/report/template.c (open_items_fields), then minor_units, each named
-- as its field. Ordered by every column, so the order is total.
--   $1 seller_id      text
--   $2 business_date  date
SELECT r.status,
       r.reason,
       r.kind,
       r.currency,
       r.entry_id AS ledger_entry_id,
       r.reference,
       CASE WHEN r.source_sha256 IS NULL THEN r.ledger_amount
            ELSE r.settlement_amount END AS amount,
       to_char(r.booked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
           AS booked_at,
       r.age_days,
       to_char(r.due_date, 'YYYY-MM-DD') AS due_date,
       r.due_date - r.business_date AS days_left,
       r.amazon_transaction_id,
       r.source_sha256,
       r.source_line,
       r.minor_units
  FROM settle.recon_result r
 WHERE r.seller_id = $1
   AND r.business_date = $2::date
   AND r.status IN ('in_transit', 'payout_pending')
 ORDER BY r.status, r.currency, r.due_date, r.booked_at, r.entry_id NULLS LAST,
          r.source_sha256 NULLS LAST, r.source_line NULLS LAST, r.reference,
          r.kind, r.reason, amount, r.age_days, r.amazon_transaction_id,
          r.minor_units
