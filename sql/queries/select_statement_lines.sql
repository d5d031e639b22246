-- select_statement_lines.sql: every settlement line of a seller's business
-- date with its reconciliation result, for statement-<CCY>.csv and the
-- currency sheets. The columns are the statement template's fields in the
-- order of lib/report/template.c (statement_fields), then minor_units, each
-- named as its field (the report reads them by name). The order is total:
-- currency, posted_at, source file, source line.
-- A line that reconcile has not seen has status 'unreconciled'.
--   $1 seller_id      text
--   $2 business_date  date
SELECT to_char(l.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
           AS posted_at,
       l.kind,
       l.provider_type,
       coalesce(r.status, 'unreconciled') AS status,
       l.amazon_transaction_id,
       l.seller_reference_id,
       l.amazon_order_reference_id,
       l.seller_order_id,
       l.store_name,
       l.description,
       l.currency,
       l.amount,
       l.percentage_fee,
       l.fixed_fee,
       l.total_fee,
       l.net,
       l.reporting_currency,
       l.fx_rate,
       l.fx_date,
       l.net_reporting,
       r.entry_id AS ledger_entry_id,
       r.ledger_amount,
       r.ledger_fee,
       r.match_rule,
       r.reason,
       l.settlement_id,
       to_char(l.settlement_start AT TIME ZONE 'UTC',
               'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS settlement_start,
       to_char(l.settlement_end AT TIME ZONE 'UTC',
               'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS settlement_end,
       l.source_sha256,
       l.source_line,
       l.minor_units
  FROM settle.settlement_line l
  LEFT JOIN settle.recon_result r
    ON r.seller_id = l.seller_id
   AND r.business_date = l.business_date
   AND r.source_sha256 = l.source_sha256
   AND r.source_line = l.source_line
 WHERE l.seller_id = $1
   AND l.business_date = $2::date
 ORDER BY l.currency, l.posted_at, l.source_sha256, l.source_line,
          r.status, r.entry_id
