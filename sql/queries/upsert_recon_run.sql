-- upsert_recon_run.sql: the run row of (seller, date) for reconcile, and
-- its ledger cutoff T. T is set once, at the first reconcile of the date
-- that commits, to the start of this transaction (now()); later runs keep
-- it; --new-cutoff moves it to now() and marks the run cutoff_moved.
--   $1 seller_id      text
--   $2 business_date  date
--   $3 tool_version   text
--   $4 new_cutoff     boolean
-- Returns ledger_cutoff (timestamptz) and cutoff_moved (boolean).
INSERT INTO settle.run AS r (seller_id, business_date, ledger_cutoff,
                             cutoff_moved, tool_version)
VALUES ($1::text, $2::date, now(), $4::boolean, $3::text)
ON CONFLICT (seller_id, business_date) DO UPDATE
SET ledger_cutoff = CASE WHEN $4::boolean OR r.ledger_cutoff IS NULL
                         THEN now() ELSE r.ledger_cutoff END,
    cutoff_moved = r.cutoff_moved OR $4::boolean,
    tool_version = EXCLUDED.tool_version,
    updated_at = now()
RETURNING ledger_cutoff, cutoff_moved;
