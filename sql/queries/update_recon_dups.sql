-- update_recon_dups.sql: flags the date's duplicate lines in rc_line, so
-- the matching statements filter on a column instead of anti-joining.
-- No parameters.
UPDATE rc_line l SET is_dup = true FROM rc_dup d WHERE d.lid = l.lid;
