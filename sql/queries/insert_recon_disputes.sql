-- insert_recon_disputes.sql: opens a case in settle.dispute for each
-- chargeback, A-to-z claim and dispute line of the date (README
-- "Disputes"). case_id is the line's transaction id (the first line by settlement
-- order when it repeats); respond_by is the UTC posted date + 11 days
-- (chargeback, dispute) or + 7 (A-to-z claim), estimated. capture_id is
-- set only when exactly one capture of this seller, on the archived dates
-- within lookback_days up to the date, shares the order prefix (the first
-- three dash-separated parts of the id, e.g. P01-1111111-1111111), read
-- by key: one range of the index settlement_line_txn per case, from the
-- prefix up to the prefix followed by '.', the character after '-'
-- (bytewise, text_pattern_ops), then the exact prefix compared; a case
-- without a prefix reads nothing (NULL bounds). The lookup is a lateral
-- aggregate per case, never a join against a table of prefixes, whose
-- estimate of one row made PostgreSQL compare every case with every
-- prefix (quadratic in the day's cases). A case already open is left
-- alone, so reruns add nothing.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 lookback_days  integer
WITH cases AS (
    SELECT DISTINCT ON (l.txn)
           l.txn, l.kind, l.amazon_order_reference_id, l.posted_at,
           l.currency, l.minor_units, l.amount,
           CASE WHEN split_part(l.txn, '-', 3) <> ''
                THEN split_part(l.txn, '-', 1) || '-'
                     || split_part(l.txn, '-', 2) || '-'
                     || split_part(l.txn, '-', 3) END AS prefix
    FROM rc_line l
    WHERE l.kind IN ('chargeback', 'atoz_claim', 'dispute') AND l.txn <> ''
    ORDER BY l.txn, l.settlement_end, l.source_sha256, l.source_line
)
INSERT INTO settle.dispute (seller_id, case_id, kind, capture_id,
    order_reference, opened_date, posted_at, respond_by,
    respond_by_estimated, currency, minor_units, amount)
SELECT $1::text, c.txn, c.kind, k.capture_id,
       nullif(c.amazon_order_reference_id, ''), $2::date, c.posted_at,
       (c.posted_at AT TIME ZONE 'UTC')::date
       + CASE c.kind WHEN 'atoz_claim' THEN 7 ELSE 11 END,
       true, c.currency, c.minor_units, c.amount
FROM cases c
CROSS JOIN LATERAL (
    SELECT CASE WHEN count(DISTINCT p.amazon_transaction_id) = 1
                THEN min(p.amazon_transaction_id) END
               AS capture_id
    FROM settle.settlement_line p
    WHERE p.seller_id = $1::text
      AND p.amazon_transaction_id <> ''
      AND p.amazon_transaction_id ~>=~ c.prefix
      AND p.amazon_transaction_id ~<~ (c.prefix || '.')
      AND split_part(p.amazon_transaction_id, '-', 1) || '-'
          || split_part(p.amazon_transaction_id, '-', 2) || '-'
          || split_part(p.amazon_transaction_id, '-', 3) = c.prefix
      AND p.kind = 'capture'
      AND p.business_date >= $2::date - $3::integer
      AND p.business_date <= $2::date) k
ON CONFLICT (seller_id, case_id) DO NOTHING;
