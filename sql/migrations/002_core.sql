-- 002_core.sql: the tables of the four stages.
--
-- Money columns are bigint counts of minor units of the row's currency;
-- minor_units (the ISO 4217 exponent) travels with each line so SQL can
-- compare with the ledger's numeric amounts exactly:
--   amount_minor = ledger.amount * 10 ^ minor_units.

-- Every raw file in the archive (archive_dir/sha256/ab/cdef...), by seller.
CREATE TABLE settle.raw_report (
    seller_id        text NOT NULL,
    sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    bytes            bigint NOT NULL CHECK (bytes >= 0),
    source           text NOT NULL CHECK (source IN ('api', 'dir')),
    report_id        text,          -- Amazon reportId (api), else NULL
    original_name    text,          -- file name as downloaded or found
    settlement_id    text NOT NULL,
    settlement_start timestamptz NOT NULL,
    settlement_end   timestamptz NOT NULL,
    business_date    date NOT NULL, -- settlement_end in the configured zone
    archived_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, sha256)
);
CREATE INDEX raw_report_date ON settle.raw_report (seller_id, business_date);

-- One row per money movement of a date's reports (ARCHITECTURE.md "The normalized line").
-- Replaced as a whole for (seller_id, business_date) by normalize.
CREATE TABLE settle.settlement_line (
    seller_id                 text NOT NULL,
    business_date             date NOT NULL,
    source_sha256             text NOT NULL,
    source_line               integer NOT NULL,
    settlement_id             text NOT NULL,
    settlement_start          timestamptz NOT NULL,
    settlement_end            timestamptz NOT NULL,
    posted_at                 timestamptz NOT NULL,
    kind                      text NOT NULL CHECK (kind IN ('capture',
        'refund', 'chargeback', 'atoz_claim', 'dispute', 'authorization',
        'adjustment', 'debt', 'transfer', 'reserve', 'carryover',
        'unknown')),
    provider_type             text NOT NULL,
    amazon_transaction_id     text NOT NULL DEFAULT '',
    seller_reference_id       text NOT NULL DEFAULT '',
    amazon_order_reference_id text NOT NULL DEFAULT '',
    seller_order_id           text NOT NULL DEFAULT '',
    store_name                text NOT NULL DEFAULT '',
    description               text NOT NULL DEFAULT '',
    currency                  char(3) NOT NULL,
    minor_units               smallint NOT NULL,
    amount                    bigint NOT NULL,
    percentage_fee            bigint NOT NULL,
    fixed_fee                 bigint NOT NULL,
    total_fee                 bigint NOT NULL,
    net                       bigint NOT NULL,
    reporting_currency        char(3),
    fx_rate                   text,  -- display only, 10 significant digits
    fx_date                   date,
    net_reporting             bigint,
    PRIMARY KEY (seller_id, source_sha256, source_line)
);
CREATE INDEX settlement_line_date
    ON settle.settlement_line (seller_id, business_date);
CREATE INDEX settlement_line_txn
    ON settle.settlement_line (seller_id, amazon_transaction_id, kind);

-- ECB reference rates: units of currency per 1 EUR, exact as quoted.
CREATE TABLE settle.fx_rate (
    rate_date date NOT NULL,
    currency  char(3) NOT NULL,
    per_eur   numeric NOT NULL CHECK (per_eur > 0),
    PRIMARY KEY (rate_date, currency)
);

-- One row per (seller, business date): the ledger cutoff T, fixed at the
-- first reconcile, and each stage's completion, so a failed run resumes.
CREATE TABLE settle.run (
    seller_id      text NOT NULL,
    business_date  date NOT NULL,
    ledger_cutoff  timestamptz,
    cutoff_moved   boolean NOT NULL DEFAULT false,
    status         text NOT NULL DEFAULT 'started' CHECK (status IN
        ('started', 'fetched', 'normalized', 'reconciled', 'reported',
         'failed')),
    fetched_at     timestamptz,
    normalized_at  timestamptz,
    reconciled_at  timestamptz,
    reported_at    timestamptz,
    failed_stage   text,
    last_error     text,
    tool_version   text NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, business_date)
);

-- Reconciliation results of a date (README "What each reconciliation status means"). A row is either
-- one settlement line with its status (source_sha256/source_line set) or a
-- ledger entry that no settlement explains (missing_in_settlement,
-- in_transit; source columns NULL). Replaced as a whole per date.
CREATE TABLE settle.recon_result (
    seller_id          text NOT NULL,
    business_date      date NOT NULL,
    status             text NOT NULL CHECK (status IN ('matched',
        'matched_within_tolerance', 'amount_mismatch', 'fee_mismatch',
        'missing_in_ledger', 'duplicate_in_settlement',
        'missing_in_settlement', 'in_transit', 'payout_matched',
        'payout_mismatch', 'not_applicable', 'unknown_type')),
    match_rule         text,  -- key, reference, payout, duplicate, none
    source_sha256      text,
    source_line        integer,
    kind               text NOT NULL,
    currency           char(3) NOT NULL,
    minor_units        smallint NOT NULL,
    amazon_transaction_id text,
    reference          text,
    entry_id           text,  -- ledger side, NULL when missing_in_ledger
    settlement_amount  bigint,
    settlement_fee     bigint,
    ledger_amount      bigint,
    ledger_fee         bigint,
    reason             text NOT NULL DEFAULT ''
);
CREATE INDEX recon_result_date
    ON settle.recon_result (seller_id, business_date);

-- Dispute and chargeback cases, opened by reconcile from chargeback,
-- A-to-z claim and dispute lines; they persist across days.
CREATE TABLE settle.dispute (
    seller_id            text NOT NULL,
    case_id              text NOT NULL, -- AmazonTransactionId of the line
    kind                 text NOT NULL CHECK (kind IN ('chargeback',
        'atoz_claim', 'dispute')),
    capture_id           text,  -- only when exactly one capture matches
    order_reference      text,
    opened_date          date NOT NULL,
    posted_at            timestamptz NOT NULL,
    respond_by           date NOT NULL,
    respond_by_estimated boolean NOT NULL DEFAULT true,
    currency             char(3) NOT NULL,
    minor_units          smallint NOT NULL,
    amount               bigint NOT NULL,
    recorded_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, case_id)
);

-- Outcomes are appended, never updated, and read as of a cutoff, so a rerun
-- of an earlier date shows what was known then.
CREATE TABLE settle.dispute_outcome (
    seller_id   text NOT NULL,
    case_id     text NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('won', 'lost', 'accepted')),
    note        text NOT NULL DEFAULT '',
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    FOREIGN KEY (seller_id, case_id) REFERENCES settle.dispute
);
