-- upsert_fx_rate.sql: moves the staged ECB quotes into settle.fx_rate in
-- one statement. $1 (boolean): replace a stored quote whose value differs
-- (an ECB correction, `settle fx import --replace`); without it the caller
-- has refused such quotes already (select_fx_conflicts.sql). Storing the
-- same quotes again changes nothing. Returns one row: inserted (new
-- quotes), updated (changed quotes).
WITH up AS (
    INSERT INTO settle.fx_rate AS f (rate_date, currency, per_eur)
    SELECT rate_date, currency, per_eur
      FROM fx_import
        ON CONFLICT (rate_date, currency) DO UPDATE
       SET per_eur = EXCLUDED.per_eur
     WHERE $1::boolean AND f.per_eur IS DISTINCT FROM EXCLUDED.per_eur
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS inserted,
       count(*) FILTER (WHERE NOT inserted) AS updated
  FROM up;
