-- 001_schema.sql: settle's own schema. Everything settle writes lives here;
-- the merchant's ledger is only ever read, through settle.ledger_entry.
CREATE SCHEMA IF NOT EXISTS settle;
