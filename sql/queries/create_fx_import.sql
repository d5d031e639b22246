-- create_fx_import.sql: the session's staging table for `settle fx import`
-- (no parameters); it disappears at the end of the transaction.
CREATE TEMPORARY TABLE fx_import (
    rate_date date NOT NULL,
    currency  char(3) NOT NULL,
    per_eur   numeric NOT NULL
) ON COMMIT DROP;
