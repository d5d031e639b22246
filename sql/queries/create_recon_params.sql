-- create_recon_params.sql: the currencies of this run (every ISO 4217 code
-- settle knows), their minor units, 10^minor_units as an exact numeric, and
-- the configured match tolerance in minor units.
--   $1 currencies     text[]
--   $2 minor_units    integer[]  (same order)
--   $3 tolerances     bigint[]   (same order; 0 when not configured)
CREATE TEMP TABLE rc_cur ON COMMIT DROP AS
SELECT c.currency, c.minor_units,
       power(10::numeric, c.minor_units)::numeric AS scale,
       c.tol
FROM unnest($1::text[], $2::integer[], $3::bigint[])
     AS c (currency, minor_units, tol);
