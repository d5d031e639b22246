-- select_catchup_start.sql: where catch-up goes on from (lib/run/catchup.c):
-- the oldest date of the seller whose run started and did not close
-- (status other than reported) before the latest closed date (a failed
-- night, and a later date closed by hand since), else the day after the
-- latest closed date.
-- $1 seller_id text
-- Returns next_date (YYYY-MM-DD; NULL when no date was ever closed) and
-- closed_since, the dates closed from next_date on (catch-up skips them).
WITH last AS (
    SELECT max(business_date) AS d
      FROM settle.run
     WHERE seller_id = $1 AND status = 'reported'
), nxt AS (
    SELECT coalesce((SELECT min(r.business_date)
                       FROM settle.run r
                      WHERE r.seller_id = $1 AND r.status <> 'reported'
                        AND r.business_date < (SELECT d FROM last)),
                    (SELECT d + 1 FROM last)) AS d
)
SELECT (SELECT d FROM nxt)::text AS next_date,
       (SELECT count(*)
          FROM settle.run r
         WHERE r.seller_id = $1 AND r.status = 'reported'
           AND r.business_date >= (SELECT d FROM nxt)) AS closed_since
