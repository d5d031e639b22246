-- insert_dispute_outcome.sql: appends an outcome to a seller's dispute
-- case (append-only: the latest outcome wins). No row comes back when the
-- case does not exist.
--   $1 seller_id  text
--   $2 case_id    text
--   $3 outcome    text: won, lost or accepted (no_fault only from
--                 Get Dispute, lib/fetch/lookups.c)
--   $4 note       text
INSERT INTO settle.dispute_outcome (seller_id, case_id, outcome, note)
SELECT d.seller_id, d.case_id, $3, $4
  FROM settle.dispute d
 WHERE d.seller_id = $1
   AND d.case_id = $2
RETURNING case_id,
          to_char(recorded_at AT TIME ZONE 'UTC',
                  'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS recorded_at
