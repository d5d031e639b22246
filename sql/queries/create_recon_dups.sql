-- create_recon_dups.sql: the lines of the date that repeat a (transaction
-- id, kind) already seen within lookback_days of archived reports, with
-- the first occurrence. Order is (settlement end, file sha256, line): the
-- earliest keeps its match, every later one is a duplicate. Informational
-- kinds (reserve, carryover, authorization) and lines without a
-- transaction id are not checked. The earlier lines are read by key: one
-- scan of the index settlement_line_txn with the date's ids as an array
-- (= ANY), so the cost follows the date's lines, never the window's, whose
-- number grows with lookback_days. Only keys seen more than once are
-- ranked: the date's lines among them are found by hashed lookups (a key
-- seen once carries its line's lid), never by a join that would sort every
-- line of the date, so a day without repeats costs one hash aggregate, the
-- index scan and no sort.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 lookback_days  integer
CREATE TEMP TABLE rc_dup ON COMMIT DROP AS
WITH keys AS MATERIALIZED (
    SELECT txn, kind, count(*) AS n, min(lid) AS lid
    FROM rc_line
    WHERE txn <> '' AND kind NOT IN ('reserve', 'carryover', 'authorization')
    GROUP BY txn, kind
), prior AS MATERIALIZED (
    SELECT s.amazon_transaction_id AS txn, s.kind, s.settlement_end,
           s.source_sha256, s.source_line, s.settlement_id
    FROM settle.settlement_line s
    JOIN keys k ON k.txn = s.amazon_transaction_id AND k.kind = s.kind
    WHERE s.seller_id = $1::text
      AND s.amazon_transaction_id = ANY ((SELECT array_agg(txn)
                                          FROM keys)::text[])
      AND s.amazon_transaction_id <> ''
      AND s.business_date >= $2::date - $3::integer
      AND s.business_date < $2::date
), repeated AS MATERIALIZED (
    SELECT txn, kind FROM keys WHERE n > 1
    UNION
    SELECT txn, kind FROM prior
), candidates AS (
    SELECT l.lid, l.txn, l.kind, l.settlement_end, l.source_sha256,
           l.source_line, l.settlement_id
    FROM rc_line l
    WHERE l.lid IN (SELECT k.lid
                    FROM keys k
                    JOIN repeated r ON r.txn = k.txn AND r.kind = k.kind
                    WHERE k.n = 1)
       OR (l.txn, l.kind) IN (SELECT txn, kind FROM keys WHERE n > 1)
    UNION ALL
    SELECT NULL, p.txn, p.kind, p.settlement_end, p.source_sha256,
           p.source_line, p.settlement_id
    FROM prior p
), ranked AS (
    SELECT c.*,
           row_number() OVER w AS rn,
           first_value(c.source_sha256) OVER w AS first_sha256,
           first_value(c.source_line) OVER w AS first_line,
           first_value(c.settlement_id) OVER w AS first_settlement_id
    FROM candidates c
    WINDOW w AS (PARTITION BY c.txn, c.kind
                 ORDER BY c.settlement_end, c.source_sha256, c.source_line)
)
SELECT lid, first_sha256, first_line, first_settlement_id
FROM ranked
WHERE rn > 1 AND lid IS NOT NULL;
