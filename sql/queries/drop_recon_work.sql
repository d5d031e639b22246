-- drop_recon_work.sql: the temporary tables of the run, dropped before its
-- commit. ON COMMIT DROP alone is not enough when reconcile runs inside
-- an outer transaction (its commit then only releases a savepoint, as in
-- `settle rerun`), and a second reconcile on that connection would find
-- them still there.
-- No parameters.
DROP TABLE IF EXISTS rc_cur, rc_line, rc_dup, rc_le, rc_lm, rc_lrest,
    rc_erest, rc_pay, rc_used, rc_ord, rc_tr, rc_pend,
    rc_use;
