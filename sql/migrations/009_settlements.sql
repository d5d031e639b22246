-- 009_settlements.sql: every Amazon settlement tied out (README
-- "Settlements and the tie-out").
--
-- settle.settlement_total: one row per settlement (SettlementId and
-- currency), the sums of its lines by category, in minor units. They are a
-- function of the settlement's lines alone, which the archive never lets
-- change, so a row is written once (ON CONFLICT DO NOTHING) by the first
-- reconcile of its business date and kept (recorded_at is when). A date
-- reads the settlements of its own and earlier business dates, as
-- recon_entry_use is read, so dates are reconciled oldest first.
-- A payout row is a Transfer or, in a settlement without one, a Carryover
-- that sets the balance aside (negative); the three payout columns are the net of the lines posted
-- before the first payout row, the first payout row's net, and the net of
-- the lines up to and including the last payout row, in the report's row
-- order. NULL when the settlement has no payout row.
CREATE TABLE settle.settlement_total (
    seller_id           text NOT NULL,
    settlement_id       text NOT NULL,
    currency            char(3) NOT NULL,
    minor_units         smallint NOT NULL,
    business_date       date NOT NULL,
    settlement_start    timestamptz NOT NULL,
    settlement_end      timestamptz NOT NULL,
    lines               integer NOT NULL,
    sales               bigint NOT NULL, -- capture amounts
    refunds             bigint NOT NULL,
    chargebacks         bigint NOT NULL, -- chargeback, atoz_claim, dispute
    reserve_released    bigint NOT NULL, -- reserve rows > 0
    reserve_held        bigint NOT NULL, -- reserve rows < 0
    adjustments         bigint NOT NULL,
    debt                bigint NOT NULL,
    carryover           bigint NOT NULL,
    other               bigint NOT NULL, -- authorization, unknown
    fees                bigint NOT NULL, -- total_fee of every line
    transfer            bigint NOT NULL,
    net                 bigint NOT NULL,
    payouts             integer NOT NULL,
    before_first_payout bigint,
    first_payout        bigint,
    through_last_payout bigint,
    recorded_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (seller_id, settlement_id, currency)
);
-- The chain: a settlement's predecessor ends where it starts.
CREATE INDEX settlement_total_chain
    ON settle.settlement_total (seller_id, currency, settlement_end);

-- settle.recon_settlement: the tie-out of each settlement of a business
-- date, replaced with the date's results. opening is the balance the
-- settlement started from: the previous settlement's closing when the
-- chain reaches one (opening_from names it), else inferred from the first
-- payout row, which empties the balance (opening_from NULL). closing =
-- opening + net. left_after_payout is the balance right after the last
-- payout row, 0 when the payouts took exactly what was there; tie_out is
-- 'ties', 'out_of_balance' (also a settlement_out_of_balance result) or
-- 'no_payout'. payout_status and payout_entry are reconcile's result for
-- the settlement's Transfer lines.
CREATE TABLE settle.recon_settlement (
    seller_id         text NOT NULL,
    business_date     date NOT NULL,
    settlement_id     text NOT NULL,
    currency          char(3) NOT NULL,
    opening           bigint NOT NULL,
    opening_from      text,
    chain_length      integer NOT NULL,
    closing           bigint NOT NULL,
    left_after_payout bigint,
    tie_out           text NOT NULL CHECK (tie_out IN ('ties',
        'out_of_balance', 'no_payout')),
    payout_status     text,
    payout_entry      text,
    PRIMARY KEY (seller_id, business_date, settlement_id, currency)
);

ALTER TABLE settle.recon_result
    DROP CONSTRAINT recon_result_status_check,
    ADD CONSTRAINT recon_result_status_check CHECK (status IN ('matched',
        'matched_within_tolerance', 'amount_mismatch', 'fee_mismatch',
        'missing_in_ledger', 'duplicate_in_settlement',
        'missing_in_settlement', 'in_transit', 'payout_matched',
        'payout_pending', 'payout_mismatch', 'not_applicable',
        'unknown_type', 'settlement_out_of_balance'));

-- An amount of minor units as text with its decimals: (-61240, 2) gives
-- -612.40, (24331, 0) gives 24331.
CREATE FUNCTION settle.minor_text(amount bigint, minor_units smallint)
RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT round(amount::numeric / power(10::numeric, minor_units),
                 minor_units)::text
$$;
