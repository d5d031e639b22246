-- create_fx_import.sql: the session's staging table for the ECB quotes of
-- `settle fx import` and `settle fx fetch` (no parameters); line is where
-- the quote was read, for messages. It disappears at the end of the
-- transaction.
CREATE TEMPORARY TABLE fx_import (
    rate_date date NOT NULL,
    currency  char(3) NOT NULL,
    per_eur   numeric NOT NULL,
    line      bigint NOT NULL
) ON COMMIT DROP;
