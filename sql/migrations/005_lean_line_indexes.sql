-- 005_lean_line_indexes.sql: fewer, cheaper indexes on the settlement lines
-- and cheaper statistics, so loading a date costs what the data costs.
--
-- Measured at 143,000 lines a date against a 1,000,000-line table
-- (tests/bench): COPY into the bare table 0.49 s; each index adds to that,
-- (seller, transaction id, kind) the most (+0.5 to 1.3 s: its keys arrive
-- in random order) and the primary key next (+0.6 s).
--
-- * settlement_line_txn goes. No plan uses it: the duplicate and dispute
--   checks compare the date's lines with the window's in one hash join,
--   which beats 143,000 index probes at every size we measured.
-- * The primary key gains business_date after seller_id and takes over
--   settlement_line_date: one index serves both the uniqueness of a report
--   line and every per-date read. A report file belongs to exactly one
--   business date (settle.raw_report), so the key is as strict as before.
-- * ANALYZE samples 300 rows per unit of the statistics target; after each
--   date's load normalize analyzes the table, and the default target (100)
--   made that 0.4 s of a 2 s load. Ten is what the reconcile session
--   already uses for its own tables: the plans need row counts and the
--   common values of a few columns, nothing finer.
ALTER TABLE settle.settlement_line
    DROP CONSTRAINT settlement_line_pkey,
    ADD PRIMARY KEY (seller_id, business_date, source_sha256, source_line);
DROP INDEX settle.settlement_line_date;
DROP INDEX settle.settlement_line_txn;

DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT a.attrelid::regclass AS tab, a.attname
        FROM pg_attribute a
        WHERE a.attrelid IN ('settle.settlement_line'::regclass,
                             'settle.recon_result'::regclass)
          AND a.attnum > 0 AND NOT a.attisdropped
    LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET STATISTICS 10',
                       c.tab, c.attname);
    END LOOP;
END
$$;
