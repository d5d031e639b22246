-- select_manifest_open_items.sql: the open items of a seller's business
-- date per currency and status, for manifest.json: how many, and their
-- amount as an exact decimal string in the currency (open-items.csv's
-- amount column summed; an entry whose amount is not a whole number of
-- minor units counts, with no amount).
--   $1 seller_id      text
--   $2 business_date  date
SELECT r.currency::text AS currency, r.status, count(*) AS items,
       round(sum(CASE WHEN r.source_sha256 IS NULL THEN r.ledger_amount
                      ELSE r.settlement_amount END)::numeric
             / power(10::numeric, min(r.minor_units)),
             min(r.minor_units))::text AS amount
  FROM settle.recon_result r
 WHERE r.seller_id = $1
   AND r.business_date = $2::date
   AND r.status IN ('in_transit', 'payout_pending')
 GROUP BY r.currency, r.status
 ORDER BY r.currency, r.status
