-- 001_schema.sql: settle's own schema and the migration ledger.
-- Everything settle writes lives in schema settle; the merchant's ledger is
-- only ever read, through the view settle.ledger_entry (README "Connecting your ledger"),
-- which the merchant defines and no migration creates or replaces.
CREATE SCHEMA IF NOT EXISTS settle;

CREATE TABLE IF NOT EXISTS settle.schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
