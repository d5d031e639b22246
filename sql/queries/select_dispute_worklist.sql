-- select_dispute_worklist.sql: the dispute and chargeback worklist of a
-- seller at date D. A case's status is its latest outcome recorded at or
-- before the as-of instant (all outcomes when it is NULL), else 'resolved'
-- or 'closed' when Get Dispute said so on D or before (the latest
-- settle.dispute_status of a date up to D), else 'open'. That status also
-- gives the confirmed deadline (merchantResponseDeadline, its UTC date)
-- instead of the estimate, and Amazon's state and resolution.
-- Open cases opened on or before D are always listed; closed ones only
-- when not open_only and opened within lookback days of D. Open cases come
-- first, by respond-by date (overdue first), then case id. The columns
-- are the disputes template's fields in the order of
-- lib/report/template.c (disputes_fields), then minor_units, each named as
-- its field (read by name).
--   $1 seller_id      text
--   $2 date D         date
--   $3 as-of          timestamptz, or NULL for every outcome
--   $4 open_only      boolean
--   $5 lookback_days  integer
SELECT d.case_id,
       d.kind,
       d.capture_id,
       d.order_reference,
       to_char(d.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
           AS opened_at,
       coalesce((a.deadline AT TIME ZONE 'UTC')::date, d.respond_by)
           AS respond_by,
       CASE WHEN a.deadline IS NULL AND d.respond_by_estimated
            THEN 'estimated' ELSE 'confirmed' END AS respond_by_estimated,
       CASE WHEN c.status = 'open'
            THEN coalesce((a.deadline AT TIME ZONE 'UTC')::date,
                          d.respond_by) - $2::date END AS days_left,
       d.amount,
       d.currency,
       c.status,
       coalesce(o.note, '') AS note,
       a.state AS amazon_state,
       a.resolution,
       d.minor_units
  FROM settle.dispute d
  LEFT JOIN (
        SELECT DISTINCT ON (s.case_id) s.case_id, s.state, s.resolution,
               s.deadline
          FROM settle.dispute_status s
         WHERE s.seller_id = $1
           AND s.business_date <= $2::date
         ORDER BY s.case_id, s.business_date DESC) a
         ON a.case_id = d.case_id
  LEFT JOIN LATERAL (
        SELECT x.outcome, x.note
          FROM settle.dispute_outcome x
         WHERE x.seller_id = d.seller_id
           AND x.case_id = d.case_id
           AND ($3::timestamptz IS NULL OR x.recorded_at <= $3::timestamptz)
         ORDER BY x.recorded_at DESC, x.outcome DESC, x.note DESC
         LIMIT 1) o ON true
 CROSS JOIN LATERAL (
        SELECT coalesce(o.outcome,
                        CASE WHEN a.state IN ('Resolved', 'Closed')
                             THEN lower(a.state) END,
                        'open') AS status) c
 WHERE d.seller_id = $1
   AND d.opened_date <= $2::date
   AND (c.status = 'open'
        OR (NOT $4::boolean AND d.opened_date > $2::date - $5::integer))
 ORDER BY c.status <> 'open',
          coalesce((a.deadline AT TIME ZONE 'UTC')::date, d.respond_by),
          d.case_id
