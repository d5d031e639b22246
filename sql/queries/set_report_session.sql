-- set_report_session.sql: settings of the report's read-only transaction,
-- local to it: memory enough to sort the exceptions and the dispute
-- worklist in memory rather than on disk, and no JIT: compiling the
-- statement queries costs about 0.1 s a date and saves nothing on
-- one-pass reads of one date.
SELECT set_config('work_mem', '64MB', true),
       set_config('jit', 'off', true);
