-- 012_disbursements.sql: Amazon's payouts to the bank, from Get
-- Disbursements (README "Asked of Amazon each night").
--
-- settle.disbursement_page: each page a fetch of a business date asked,
-- in the order asked, its bytes archived content-addressed like the
-- reports (archive_dir/sha256/...). A date that has pages is not asked
-- again: a rerun reads what was archived.
CREATE TABLE settle.disbursement_page (
    seller_id     text NOT NULL,
    business_date date NOT NULL,
    page          integer NOT NULL CHECK (page >= 1),
    sha256        char(64) NOT NULL,
    bytes         bigint NOT NULL,
    entries       integer NOT NULL,
    fetched_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (seller_id, business_date, page)
);

-- settle.disbursement: each payout once, by the reference the bank
-- statement shows (amazonDisbursementReferenceId); amount in minor units
-- of currency, positive when paid to the bank. business_date and
-- source_sha256 name the fetch and the archived page it came from first.
CREATE TABLE settle.disbursement (
    seller_id        text NOT NULL,
    reference        text NOT NULL,
    settlement_id    text NOT NULL,
    currency         char(3) NOT NULL,
    minor_units      smallint NOT NULL,
    amount           bigint NOT NULL,
    transaction_time timestamptz NOT NULL,
    business_date    date NOT NULL,
    source_sha256    char(64) NOT NULL,
    PRIMARY KEY (seller_id, reference)
);
CREATE INDEX disbursement_settlement
    ON settle.disbursement (seller_id, settlement_id);
