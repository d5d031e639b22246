-- insert_raw_report.sql: registers one archived raw report file.
-- $1  seller_id         text
-- $2  sha256            text (64 lower-case hex)
-- $3  bytes             bigint
-- $4  source            text ('api' or 'dir')
-- $5  report_id         text, NULL for files from a directory
-- $6  original_name     text, NULL when unknown
-- $7  settlement_id     text
-- $8  settlement_start  timestamptz (UTC, YYYY-MM-DDTHH:MM:SSZ)
-- $9  settlement_end    timestamptz (UTC, YYYY-MM-DDTHH:MM:SSZ)
-- $10 timezone          text, IANA zone of business dates
-- Archiving the same bytes again for the same seller adds nothing.
INSERT INTO settle.raw_report
    (seller_id, sha256, bytes, source, report_id, original_name,
     settlement_id, settlement_start, settlement_end, business_date)
VALUES ($1, $2, $3::bigint, $4, $5, $6, $7, $8::timestamptz,
        $9::timestamptz, ($9::timestamptz AT TIME ZONE $10)::date)
ON CONFLICT DO NOTHING
