-- select_fx_conflicts.sql: the staged quotes whose value differs from the
-- one settle.fx_rate holds for the same date and currency (no parameters),
-- first 20 by line, with the number of them all in every row. A stored
-- quote is what closed dates were converted with, so it is never replaced
-- without `settle fx import --replace`.
SELECT i.line, i.rate_date, i.currency, i.per_eur::text AS quoted,
       f.per_eur::text AS stored, count(*) OVER () AS total
  FROM fx_import i
  JOIN settle.fx_rate f USING (rate_date, currency)
 WHERE f.per_eur <> i.per_eur
 ORDER BY i.line
 LIMIT 20;
