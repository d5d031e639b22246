-- 003_recon_entries.sql: every ledger entry a reconciliation result used.
--
-- A result row names one ledger entry in entry_id. When several ledger
-- entries together match one group of settlement lines (reference match,
-- README "What each reconciliation status means"), entry_ids lists all of them, sorted, on the
-- group's first line; entry_id is then the first of the list. Later dates
-- read both columns (through the index on seller and date) to know which
-- entries are already consumed, so an entry is matched at most once across
-- dates too.
ALTER TABLE settle.recon_result ADD COLUMN entry_ids text[];
