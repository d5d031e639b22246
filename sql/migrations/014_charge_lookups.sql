-- 014_charge_lookups.sql: what Get Charge and Get Refund answered for the
-- ledger entries that no settlement explains yet (README "Asked of Amazon
-- each night").
ALTER TABLE settle.api_lookup
    DROP CONSTRAINT api_lookup_resource_check,
    ADD CONSTRAINT api_lookup_resource_check
        CHECK (resource IN ('dispute', 'charge', 'refund'));

-- settle.charge_status: a charge or refund (by the ledger entry's
-- provider_transaction_id) as Amazon described it on the fetch of
-- business_date: statusDetails.state and .reasonCode. Appended, never
-- updated: reconcile of a date reads the latest status of a date up to
-- its own, so a rerun gives what it gave.
CREATE TABLE settle.charge_status (
    seller_id     text NOT NULL,
    object_id     text NOT NULL,
    business_date date NOT NULL,
    resource      text NOT NULL CHECK (resource IN ('charge', 'refund')),
    state         text NOT NULL,
    reason_code   text,
    PRIMARY KEY (seller_id, object_id, business_date)
);

-- A case Amazon decided records its outcome from Get Dispute's
-- resolution (lib/fetch/lookups.c): MerchantWon is won, BuyerWon lost,
-- and NoFault, which neither side won, no_fault.
ALTER TABLE settle.dispute_outcome
    DROP CONSTRAINT dispute_outcome_outcome_check,
    ADD CONSTRAINT dispute_outcome_outcome_check
        CHECK (outcome IN ('won', 'lost', 'accepted', 'no_fault'));
