-- 013_dispute_lookups.sql: what Get Dispute answered for the open cases
-- (README "Asked of Amazon each night").
--
-- settle.api_lookup: each object a fetch of a business date asked Amazon
-- for, one by one, with the HTTP status (200, or 404 for an id Amazon
-- does not know: recorded, not fatal) and the SHA-256 of the answer's
-- bytes in the archive.
CREATE TABLE settle.api_lookup (
    seller_id     text NOT NULL,
    business_date date NOT NULL,
    resource      text NOT NULL CHECK (resource IN ('dispute')),
    object_id     text NOT NULL,
    http_status   integer NOT NULL,
    sha256        char(64) NOT NULL,
    fetched_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (seller_id, business_date, resource, object_id)
);

-- settle.lookup_done: the dates whose lookups of a kind ('dispute': Get
-- Dispute; 'charge': Get Charge and Get Refund) were made, with how many
-- objects were asked (0 too, and on a refusal), so that a date is asked
-- once: fetching it again, after its reconcile found new cases, must not
-- change what its statements say.
CREATE TABLE settle.lookup_done (
    seller_id     text NOT NULL,
    business_date date NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('dispute', 'charge')),
    objects       integer NOT NULL,
    refused       boolean NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (seller_id, business_date, kind)
);

-- settle.dispute_status: a case as Get Dispute described it on the fetch
-- of business_date: statusDetails.state and .resolution, the reasonCode,
-- and merchantResponseDeadline. Appended, never updated: the worklist of
-- a date reads the latest status of a date up to its own, so a rerun of
-- an earlier date shows what was known then.
CREATE TABLE settle.dispute_status (
    seller_id     text NOT NULL,
    case_id       text NOT NULL,
    business_date date NOT NULL,
    state         text NOT NULL,
    resolution    text,
    reason_code   text,
    deadline      timestamptz,
    PRIMARY KEY (seller_id, case_id, business_date)
);

-- Whether a case is open on date D: no outcome recorded, and Amazon has
-- not said Resolved or Closed by a lookup of D or earlier.
CREATE FUNCTION settle.dispute_open(p_seller text, p_case text, p_date date)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM settle.dispute_outcome o
                        WHERE o.seller_id = p_seller AND o.case_id = p_case)
       AND NOT EXISTS (SELECT 1 FROM settle.dispute_status s
                        WHERE s.seller_id = p_seller AND s.case_id = p_case
                          AND s.business_date <= p_date
                          AND s.state IN ('Resolved', 'Closed'))
$$;
