-- select_doctor_privileges.sql: what the connected role may do, for
-- `settle doctor` (README "Roles"). No parameters. One row each:
--   write_settle   settle's tables the role cannot read and write (detail
--                  lists them); ok when there is none
--   read_ledger    the role may SELECT the ledger view settle.ledger_entry
--   ledger_tables  tables and views under the ledger view that the role
--                  could write (detail); ok when there is none
SELECT 'write_settle' AS what, count(*) = 0 AS ok,
       coalesce(string_agg(c.relname, ', ' ORDER BY c.relname), '') AS detail
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'settle' AND c.relkind IN ('r', 'p')
   AND NOT (has_table_privilege(c.oid, 'SELECT')
            AND has_table_privilege(c.oid, 'INSERT')
            AND has_table_privilege(c.oid, 'UPDATE')
            AND has_table_privilege(c.oid, 'DELETE'))
UNION ALL
SELECT 'read_ledger',
       coalesce(has_table_privilege(to_regclass('settle.ledger_entry'),
                                    'SELECT'), false),
       ''
UNION ALL
SELECT 'ledger_tables', count(*) = 0,
       coalesce(string_agg(n.nspname || '.' || c.relname, ', '
                           ORDER BY n.nspname, c.relname), '')
  FROM (SELECT DISTINCT d.refobjid
          FROM pg_rewrite w
          JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass
                          AND d.objid = w.oid
                          AND d.refclassid = 'pg_class'::regclass
         WHERE w.ev_class = to_regclass('settle.ledger_entry')
           AND d.refobjid <> w.ev_class) t
  JOIN pg_class c ON c.oid = t.refobjid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v')
   AND (has_table_privilege(c.oid, 'INSERT')
        OR has_table_privilege(c.oid, 'UPDATE')
        OR has_table_privilege(c.oid, 'DELETE'))
