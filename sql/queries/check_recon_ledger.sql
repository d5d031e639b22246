-- check_recon_ledger.sql: the ledger contract (README "Connecting your ledger").
-- One row per contract column, in contract order: whether the view
-- settle.ledger_entry exists, the column, whether it is required, the type
-- the view has (NULL when the column is missing; domains resolved to their
-- base type), whether that type is acceptable, and the acceptable types.
-- No parameters.
WITH want (ord, col, required, types) AS (VALUES
    (1, 'entry_id', true, ARRAY['text', 'character varying', 'character',
                                'uuid', 'bigint', 'integer']),
    (2, 'recorded_at', true, ARRAY['timestamp with time zone']),
    (3, 'booked_at', true, ARRAY['timestamp with time zone']),
    (4, 'kind', true, ARRAY['text', 'character varying', 'character']),
    (5, 'provider_transaction_id', true,
        ARRAY['text', 'character varying', 'character']),
    (6, 'order_reference', true,
        ARRAY['text', 'character varying', 'character']),
    (7, 'currency', true, ARRAY['character', 'text', 'character varying']),
    (8, 'amount', true, ARRAY['numeric', 'bigint', 'integer', 'smallint']),
    (9, 'fee', true, ARRAY['numeric', 'bigint', 'integer', 'smallint']),
    (10, 'seller_id', false, ARRAY['text', 'character varying', 'character'])
), view AS (
    SELECT to_regclass('settle.ledger_entry') AS oid
), have AS (
    SELECT a.attname::text AS col,
           format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype
                            ELSE t.oid END, NULL) AS typ
    FROM view v
    JOIN pg_attribute a ON a.attrelid = v.oid
    JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attnum > 0 AND NOT a.attisdropped
)
SELECT (SELECT oid IS NOT NULL FROM view) AS view_exists,
       w.col,
       w.required,
       h.typ,
       coalesce(h.typ = ANY (w.types), false) AS ok,
       array_to_string(w.types, ' or ') AS want
FROM want w
LEFT JOIN have h ON h.col = w.col
ORDER BY w.ord;
