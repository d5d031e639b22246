-- 010_line_totals.sql: the sums of a date's lines, kept for the period
-- statements (README "Closing a month"), which read these rows instead of
-- the lines again.
--
-- settle.line_total: per (seller, business date, currency, kind, exchange
-- rate) the count and sums of the lines, in minor units; net_reporting is
-- the sum of the lines' converted nets (NULL when none was converted) and
-- converted how many had one. Replaced with the date's results by each
-- reconcile (insert_line_totals.sql). The dates reconciled before this
-- migration get theirs here.
CREATE TABLE settle.line_total (
    seller_id          text NOT NULL,
    business_date      date NOT NULL,
    currency           char(3) NOT NULL,
    kind               text NOT NULL,
    minor_units        smallint NOT NULL,
    reporting_currency char(3),
    fx_date            date,
    fx_rate            text,
    lines              bigint NOT NULL,
    amount             numeric NOT NULL,
    percentage_fee     numeric NOT NULL,
    fixed_fee          numeric NOT NULL,
    total_fee          numeric NOT NULL,
    net                numeric NOT NULL,
    net_reporting      numeric,
    converted          bigint NOT NULL
);
CREATE INDEX line_total_date ON settle.line_total (seller_id, business_date);

INSERT INTO settle.line_total (seller_id, business_date, currency, kind,
    minor_units, reporting_currency, fx_date, fx_rate, lines, amount,
    percentage_fee, fixed_fee, total_fee, net, net_reporting, converted)
SELECT l.seller_id, l.business_date, l.currency, l.kind, l.minor_units,
       l.reporting_currency, l.fx_date, l.fx_rate, count(*), sum(l.amount),
       sum(l.percentage_fee), sum(l.fixed_fee), sum(l.total_fee), sum(l.net),
       sum(l.net_reporting), count(l.net_reporting)
FROM settle.settlement_line l
JOIN settle.run r ON r.seller_id = l.seller_id
                 AND r.business_date = l.business_date
WHERE r.status IN ('reconciled', 'reported')
GROUP BY l.seller_id, l.business_date, l.currency, l.kind, l.minor_units,
         l.reporting_currency, l.fx_date, l.fx_rate;
