-- roles.sql: the least-privilege roles settle's users connect as (README
-- "Roles"). Run by `settle db migrate --roles`, after the migrations, or
-- on its own with psql by a role that may create roles (a superuser, or
-- CREATEROLE with the grant option on schema settle). Safe to run again;
-- run it again after every migration, so new tables get their grants.
--
--   settle_job      the nightly job: reads and writes settle's own tables,
--                   SELECT on the ledger view settle.ledger_entry only;
--                   no right on the ledger's own tables.
--   settle_reader   the accountant's tools: reads settle's tables (the
--                   statements' figures, results, disputes, runs); writes
--                   nothing.
--   settle_auditor  reads everything and runs `settle rerun`. A rerun
--                   rebuilds the date in one transaction that it rolls
--                   back, so the role holds the write privileges of that
--                   transaction; its sessions start read-only
--                   (default_transaction_read_only), so a psql session of
--                   the auditor cannot write by accident. settle rerun
--                   turns its own transaction read-write.
--
-- The roles get no password here: give the one that logs in a password,
-- or map it in pg_hba.conf / pg_ident.conf, as your site does.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['settle_job', 'settle_reader', 'settle_auditor']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', r);
        END IF;
    END LOOP;
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO settle_job, '
                   'settle_auditor', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO settle_reader',
                   current_database());
END
$$;

ALTER ROLE settle_auditor SET default_transaction_read_only = on;

GRANT USAGE ON SCHEMA settle TO settle_job, settle_reader, settle_auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA settle
    TO settle_job, settle_reader, settle_auditor;
GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA settle
    TO settle_job, settle_auditor;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA settle
    TO settle_job, settle_auditor;

-- The ledger view is read, never written: a simple view is updatable,
-- and an INSERT through it would land in the ledger's table.
DO $$
BEGIN
    IF to_regclass('settle.ledger_entry') IS NOT NULL THEN
        REVOKE INSERT, UPDATE, DELETE ON settle.ledger_entry
            FROM settle_job, settle_auditor;
    END IF;
END
$$;
