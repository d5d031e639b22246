-- 004_line_indexes.sql: look a settlement line's result up by the line.
-- The report joins every line of a date to its result on (seller, date,
-- file, line); with only (seller, date) indexed, a plan made before the
-- statistics caught up could compare every line with every result of the
-- date. This index makes that join cheap in any plan; it also covers what
-- recon_result_date served, so that one goes.
CREATE INDEX recon_result_line
    ON settle.recon_result (seller_id, business_date, source_sha256,
                            source_line);
DROP INDEX settle.recon_result_date;
