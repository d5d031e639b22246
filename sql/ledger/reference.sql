-- reference.sql: a small double-entry ledger and its settle.ledger_entry view.
--
-- This is the ledger of the demo and the tests, and a worked example of the
-- ledger contract (README "Connecting your ledger").
-- Load it after `settle db migrate` (psql -f sql/ledger/reference.sql);
-- loading it again keeps the data and only replaces the view.
--
-- One journal entry is one business event (a capture, a refund, a payout
-- ...). Its postings move money between accounts and sum to zero:
--
--   amazon_pay       asset: the merchant's balance at Amazon Pay
--   amazon_pay_fees  expense: Amazon Pay's fees (a cost is a debit, +)
--   sales, refunds, chargebacks, adjustments   income and contra-income
--   bank             asset: the bank account payouts go to
--
-- A capture of 100.00 with a fee of 2.90 is
--   amazon_pay +100.00 / sales -100.00 / amazon_pay_fees +2.90 /
--   amazon_pay -2.90
-- and the view shows it as amount 100.00 (gross), fee -2.90 (signed like the
-- report's fee columns). A payout of 950.00 is bank +950.00 /
-- amazon_pay -950.00: amount -950.00, the sign of the report's Transfer line.
--
-- The ledger is append-only: UPDATE, DELETE and TRUNCATE are refused, so a
-- rerun "as of" an earlier cutoff sees exactly what it saw then. A
-- correction is a new journal entry that reverses or adjusts the old one.
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS ledger;

CREATE TABLE IF NOT EXISTS ledger.journal (
    journal_id              text PRIMARY KEY,
    seller_id               text,  -- NULL: any seller
    kind                    text NOT NULL,
    provider_transaction_id text,
    order_reference         text,
    currency                char(3) NOT NULL,
    booked_at               timestamptz NOT NULL,
    recorded_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    memo                    text NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS ledger.posting (
    journal_id text NOT NULL REFERENCES ledger.journal,
    line       integer NOT NULL,
    account    text NOT NULL CHECK (account IN ('amazon_pay',
        'amazon_pay_fees', 'sales', 'refunds', 'chargebacks', 'adjustments',
        'bank')),
    amount     numeric NOT NULL,
    PRIMARY KEY (journal_id, line)
);

CREATE OR REPLACE FUNCTION ledger.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP,
        TG_TABLE_NAME
        USING HINT = 'book a correcting journal entry instead';
END
$$;

-- Every journal touched by a statement must balance (set-based, once per
-- statement, so bulk loads stay fast).
CREATE OR REPLACE FUNCTION ledger.check_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad text;
BEGIN
    SELECT p.journal_id INTO bad
    FROM ledger.posting p
    WHERE p.journal_id IN (SELECT journal_id FROM new_postings)
    GROUP BY p.journal_id
    HAVING sum(p.amount) <> 0
    LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'journal entry % does not balance', bad;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS journal_append_only ON ledger.journal;
CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON ledger.journal
    FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
DROP TRIGGER IF EXISTS journal_no_truncate ON ledger.journal;
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON ledger.journal
    FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
DROP TRIGGER IF EXISTS posting_append_only ON ledger.posting;
CREATE TRIGGER posting_append_only BEFORE UPDATE OR DELETE ON ledger.posting
    FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
DROP TRIGGER IF EXISTS posting_no_truncate ON ledger.posting;
CREATE TRIGGER posting_no_truncate BEFORE TRUNCATE ON ledger.posting
    FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
DROP TRIGGER IF EXISTS posting_balanced ON ledger.posting;
CREATE TRIGGER posting_balanced AFTER INSERT ON ledger.posting
    REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger.check_balanced();

-- ledger.postings_of: the balanced postings of one event: the gross on
-- amazon_pay against the account of its kind, and the fee (when not NULL)
-- on amazon_pay against amazon_pay_fees. Signed like the report.
CREATE OR REPLACE FUNCTION ledger.postings_of(p_kind text, p_gross numeric,
    p_fee numeric)
RETURNS TABLE (line integer, account text, amount numeric)
LANGUAGE sql IMMUTABLE AS $$
    SELECT v.n, v.account, v.amount
    FROM (VALUES
        (1, 'amazon_pay', p_gross),
        (2, CASE p_kind WHEN 'capture' THEN 'sales'
                        WHEN 'refund' THEN 'refunds'
                        WHEN 'payout' THEN 'bank'
                        WHEN 'chargeback' THEN 'chargebacks'
                        WHEN 'atoz_claim' THEN 'chargebacks'
                        WHEN 'dispute' THEN 'chargebacks'
                        ELSE 'adjustments' END, -p_gross),
        (3, 'amazon_pay', p_fee),
        (4, 'amazon_pay_fees', -p_fee)) AS v(n, account, amount)
    WHERE v.amount IS NOT NULL;
$$;

-- ledger.book: books one event as a balanced journal entry, for the demo,
-- the tests and by-hand corrections. gross and fee are signed like the
-- report (fee NULL: the entry books no fee). Bulk loads insert journal and
-- posting rows set-based (sql/ledger/import.sql).
CREATE OR REPLACE FUNCTION ledger.book(
    p_journal_id text, p_kind text, p_provider_transaction_id text,
    p_order_reference text, p_currency text, p_booked_at timestamptz,
    p_gross numeric, p_fee numeric DEFAULT NULL,
    p_seller_id text DEFAULT NULL,
    p_recorded_at timestamptz DEFAULT clock_timestamp())
RETURNS void LANGUAGE sql AS $$
    INSERT INTO ledger.journal (journal_id, seller_id, kind,
        provider_transaction_id, order_reference, currency, booked_at,
        recorded_at)
    VALUES (p_journal_id, p_seller_id, p_kind, p_provider_transaction_id,
        p_order_reference, p_currency, p_booked_at, p_recorded_at);
    INSERT INTO ledger.posting (journal_id, line, account, amount)
    SELECT p_journal_id, p.line, p.account, p.amount
    FROM ledger.postings_of(p_kind, p_gross, p_fee) p;
$$;

-- The contract view: one row per journal entry that touches amazon_pay.
-- amount is the gross movement of the Amazon Pay balance (the balance
-- change minus the fee part), fee the fee part, signed like the report
-- (a cost is negative), NULL when the entry books no fee.
CREATE OR REPLACE VIEW settle.ledger_entry AS
SELECT j.journal_id AS entry_id,
       j.recorded_at,
       j.booked_at,
       j.kind,
       j.provider_transaction_id,
       j.order_reference,
       j.currency,
       p.balance - coalesce(p.fee, 0) AS amount,
       p.fee,
       j.seller_id
FROM ledger.journal j
JOIN (SELECT journal_id,
             sum(amount) FILTER (WHERE account = 'amazon_pay') AS balance,
             -sum(amount) FILTER (WHERE account = 'amazon_pay_fees') AS fee
      FROM ledger.posting
      GROUP BY journal_id
      HAVING count(*) FILTER (WHERE account = 'amazon_pay') > 0) p
    ON p.journal_id = j.journal_id;

COMMENT ON VIEW settle.ledger_entry IS
    'settle ledger contract (README: Connecting your ledger) over the reference ledger';
