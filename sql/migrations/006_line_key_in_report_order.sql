-- 006_line_key_in_report_order.sql: the settlement lines' primary key in
-- the order the statements list them: seller, business date, currency,
-- posted_at, then report file and line.
--
-- The report reads a date's lines with their results in that order. With
-- the key of 005 PostgreSQL had to join the date's lines and results by
-- hash and sort them whole before the first row (a second a date at
-- 143,000 lines, the report idle all along); in key order it streams them
-- from the first row on, each line's results fetched by index beside it.
-- The key costs about what the old one did to load (measured at
-- 143,000 lines a date against a 1,000,000-line table, tests/bench), and
-- per-date reads still use its first two columns.
--
-- It is as strict as the key it replaces: a report file is identified by
-- its SHA-256 and its lines are parsed from those bytes alone, so a file
-- and line number decide currency and posted_at; two rows with the same
-- file and line are the same row, and collide here as they did before.
ALTER TABLE settle.settlement_line
    DROP CONSTRAINT settlement_line_pkey,
    ADD PRIMARY KEY (seller_id, business_date, currency, posted_at,
                     source_sha256, source_line);
