-- copy_settlement_lines.sql: the COPY that loads normalized lines (no
-- parameters; data follows as CSV). Text columns are always quoted by
-- normalize, and FORCE_NOT_NULL makes an empty one '' rather than NULL;
-- the unquoted empty FX columns are NULL.
COPY settle.settlement_line (seller_id, business_date, source_sha256,
    source_line, settlement_id, settlement_start, settlement_end, posted_at,
    kind, provider_type, amazon_transaction_id, seller_reference_id,
    amazon_order_reference_id, seller_order_id, store_name, description,
    currency, minor_units, amount, percentage_fee, fixed_fee, total_fee, net,
    reporting_currency, fx_rate, fx_date, net_reporting)
FROM STDIN (FORMAT csv, FORCE_NOT_NULL (settlement_id, provider_type,
    amazon_transaction_id, seller_reference_id, amazon_order_reference_id,
    seller_order_id, store_name, description));
