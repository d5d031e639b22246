-- insert_recon_lines.sql: one result per settlement line of the date
-- (README "What each reconciliation status means": pairing by id, by
-- reference, statuses), with a reason an accountant can
-- read. Status, in order of precedence:
--   not_applicable           reserve, carryover, authorization
--   unknown_type             kind unknown (an exception; a ledger entry
--                            with its transaction id is shown, and consumed)
--   duplicate_in_settlement  (transaction id, kind) settled before
--   payout_matched / payout_pending / payout_mismatch   transfer lines;
--                            pending while no payout is booked and the
--                            window (settlement end + 7 days) is still open
--                            at the ledger cutoff
--   missing_in_ledger        no key, reference or group match
--   matched                  a part of a split shipment (match by order):
--                            the rest of its entry is still expected
--   amount_mismatch          |settlement - ledger| > tolerance, other
--                            currency, or a ledger amount that is not a
--                            whole number of minor units
--   fee_mismatch             the ledger books a fee and it differs by more
--                            than the tolerance (or is not exact)
--   matched_within_tolerance some difference, none above the tolerance
--   matched                  equal
-- Amounts compared are exact minor units; a group (split capture) compares
-- sums, shown on every line's reason, and carries the ledger side's amounts
-- on its first line only, so sums over ledger_amount stay right; a part
-- carries the part it settled as its ledger amount, and no ledger fee.
-- The status is computed once a line (OFFSET 0 keeps its subquery from
-- being inlined into each of the six places that read it).
--   $1 seller_id      text
--   $2 business_date  date
--   $3 ledger_cutoff  timestamptz
INSERT INTO settle.recon_result (seller_id, business_date, status,
    match_rule, source_sha256, source_line, kind, currency, minor_units,
    amazon_transaction_id, reference, entry_id, entry_ids,
    settlement_amount, settlement_fee, ledger_amount, ledger_fee, reason,
    booked_at, age_days, due_date)
SELECT $1::text, $2::date, st.status,
       CASE WHEN st.status = 'duplicate_in_settlement' THEN 'duplicate'
            WHEN m.rule = 'payout_mismatch' THEN 'payout'
            ELSE coalesce(m.rule, 'none') END,
       l.source_sha256, l.source_line, l.kind, l.currency, l.minor_units,
       nullif(l.txn, ''), l.ref, m.entry_id, m.entry_ids, l.amount,
       l.total_fee,
       CASE WHEN m.grp_pos = 1 AND m.l_cur = l.currency
            THEN CASE WHEN m.part THEN m.s_amt ELSE m.l_amt END END,
       CASE WHEN m.grp_pos = 1 AND m.l_cur = l.currency
                 AND m.part IS NOT TRUE
            THEN m.l_fee END,
       rs.reason,
       CASE WHEN st.status = 'payout_pending' THEN l.posted_at END,
       CASE WHEN st.status = 'payout_pending'
            THEN $2::date - (l.posted_at AT TIME ZONE 'UTC')::date END,
       CASE WHEN st.status = 'payout_pending'
            THEN (settle.payout_window_end(l.settlement_end)
                  AT TIME ZONE 'UTC')::date END
FROM rc_line l
JOIN rc_cur c ON c.currency = l.currency
LEFT JOIN rc_dup d ON d.lid = l.lid
LEFT JOIN rc_lm m ON m.lid = l.lid
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN l.kind IN ('reserve', 'carryover', 'authorization')
            THEN 'not_applicable'
        WHEN l.kind = 'unknown' THEN 'unknown_type'
        WHEN d.lid IS NOT NULL THEN 'duplicate_in_settlement'
        WHEN l.kind = 'transfer' THEN
            CASE WHEN m.rule IN ('payout', 'payout_reference')
                 THEN 'payout_matched'
                 WHEN m.entry_id IS NULL
                      AND $3::timestamptz
                          < settle.payout_window_end(l.settlement_end)
                     THEN 'payout_pending'
                 ELSE 'payout_mismatch' END
        WHEN m.rule IS NULL THEN 'missing_in_ledger'
        WHEN m.part THEN 'matched'
        WHEN m.l_cur <> l.currency OR m.l_amt IS NULL
             OR abs(m.s_amt - m.l_amt) > c.tol THEN 'amount_mismatch'
        WHEN m.l_fee_raw IS NOT NULL
             AND (m.l_fee IS NULL OR abs(m.s_fee - m.l_fee) > c.tol)
            THEN 'fee_mismatch'
        WHEN m.s_amt <> m.l_amt
             OR (m.l_fee_raw IS NOT NULL AND m.s_fee <> m.l_fee)
            THEN 'matched_within_tolerance'
        ELSE 'matched' END AS status
    OFFSET 0) st
CROSS JOIN LATERAL (
    SELECT CASE WHEN m.grp_n > 1 OR m.n_entries > 1
                THEN ' (reference ' || l.ref || ': ' || m.grp_n
                     || CASE WHEN m.grp_n = 1 THEN ' settlement line, '
                             ELSE ' settlement lines, ' END
                     || m.n_entries
                     || CASE WHEN m.n_entries = 1 THEN ' ledger entry)'
                             ELSE ' ledger entries)' END
                ELSE '' END AS grp,
           CASE WHEN m.l_fee_raw IS NOT NULL AND m.l_fee IS NOT NULL
                     AND m.s_fee <> m.l_fee
                THEN 'ledger fee '
                     || round(m.l_fee::numeric / c.scale, c.minor_units)::text
                     || ' vs settlement fee '
                     || round(m.s_fee::numeric / c.scale, c.minor_units)::text
                ELSE '' END AS fees,
           'ledger ' || round(m.l_amt::numeric / c.scale, c.minor_units)::text
           || ' vs settlement '
           || round(m.s_amt::numeric / c.scale, c.minor_units)::text AS amounts,
           CASE WHEN m.rule = 'order'
                THEN 'matched by seller order id ' || l.ref
                     || CASE WHEN l.by_order
                             THEN ' (reference ' || l.sref
                                  || ' has no ledger entry)'
                             ELSE '' END
                WHEN m.rule = 'key' THEN 'matched by transaction id'
                ELSE 'matched by reference' END AS how,
           CASE WHEN m.part
                THEN '; part of ledger entry ' || m.entry_id || ' ('
                     || round((m.l_amt + m.l_before)::numeric / c.scale,
                              c.minor_units)::text || ' booked'
                     || CASE WHEN m.l_before <> 0
                             THEN ', '
                                  || round(m.l_before::numeric / c.scale,
                                           c.minor_units)::text
                                  || ' settled before'
                             ELSE '' END
                     || '), '
                     || round((m.l_amt - m.s_amt)::numeric / c.scale,
                              c.minor_units)::text
                     || ' still expected'
                WHEN coalesce(m.l_before, 0) <> 0
                THEN '; what is left of ledger entry ' || m.entry_id || ' ('
                     || round((m.l_amt + m.l_before)::numeric / c.scale,
                              c.minor_units)::text || ' booked, '
                     || round(m.l_before::numeric / c.scale,
                              c.minor_units)::text
                     || ' settled before)'
                ELSE '' END AS part
) x
CROSS JOIN LATERAL (
    SELECT CASE st.status
        WHEN 'matched' THEN x.how || x.part || x.grp
        WHEN 'not_applicable' THEN
            'informational ' || l.kind || ' line, not reconciled'
        WHEN 'unknown_type' THEN
            'unknown transaction type ''' || l.provider_type || ''''
            || CASE WHEN m.entry_id IS NOT NULL
                    THEN '; ledger entry ' || m.entry_id
                         || ' has its transaction id'
                    ELSE '' END
        WHEN 'duplicate_in_settlement' THEN
            'transaction ' || l.txn || ' (' || l.kind
            || ') already settled in report '
            || left(d.first_sha256, 12) || ' line ' || d.first_line
            || ' (settlement ' || d.first_settlement_id || ')'
        WHEN 'payout_matched' THEN
            'transfer matched by ledger payout ' || m.entry_id
            || CASE WHEN m.rule = 'payout_reference'
                    THEN ' by the bank reference Amazon gave for its'
                         || ' settlement'
                    ELSE '' END
            || CASE WHEN m.s_amt <> m.l_amt
                    THEN ' within tolerance: ' || x.amounts ELSE '' END
        WHEN 'payout_pending' THEN
            settle.payout_wait_reason(l.currency, l.settlement_start,
                                      l.settlement_end, true)
        WHEN 'payout_mismatch' THEN
            CASE WHEN m.entry_id IS NULL
                 THEN settle.payout_wait_reason(l.currency,
                          l.settlement_start, l.settlement_end, false)
                 WHEN m.l_amt IS NULL
                 THEN 'ledger payout amount ' || m.l_amt_raw::text
                      || ' is not a whole number of ' || l.currency
                      || ' minor units'
                 ELSE 'ledger payout ' || m.entry_id || ' '
                      || round(m.l_amt::numeric / c.scale, c.minor_units)::text
                      || ' vs settlement transfer '
                      || round(m.s_amt::numeric / c.scale, c.minor_units)::text
                      || CASE WHEN m.l_amt = -m.s_amt
                              THEN ' (opposite sign: the view must show a'
                                   || ' payout as negative, as the report'
                                   || ' shows the transfer)'
                              ELSE '' END
            END
        WHEN 'missing_in_ledger' THEN
            CASE WHEN l.txn = '' AND l.ref IS NULL
                 THEN 'no ledger entry: the line has neither a transaction'
                      || ' id nor a reference'
                 ELSE 'no ledger entry with '
                      || concat_ws(' or ',
                             'transaction id ' || nullif(l.txn, ''),
                             'reference ' || l.ref)
                      || ' (' || l.kind || ', ' || l.currency || ')'
            END
        WHEN 'amount_mismatch' THEN
            CASE WHEN m.l_cur IS DISTINCT FROM l.currency
                 THEN 'ledger currency ' || coalesce(m.l_cur, '(none)')
                      || ' vs settlement currency ' || l.currency
                 WHEN m.l_amt IS NULL
                 THEN 'ledger amount ' || coalesce(m.l_amt_raw::text, 'NULL')
                      || ' is not a whole number of ' || l.currency
                      || ' minor units (' || l.minor_units || ' decimals)'
                 ELSE x.amounts
                      || CASE WHEN x.fees <> '' THEN '; ' || x.fees
                              ELSE '' END
            END || x.part || x.grp
        WHEN 'fee_mismatch' THEN
            CASE WHEN m.l_fee IS NULL
                 THEN 'ledger fee ' || m.l_fee_raw::text
                      || ' is not a whole number of ' || l.currency
                      || ' minor units (' || l.minor_units || ' decimals)'
                 ELSE x.fees END || x.grp
        WHEN 'matched_within_tolerance' THEN
            'within tolerance '
            || round(c.tol::numeric / c.scale, c.minor_units)::text || ' '
            || l.currency || ': '
            || CASE WHEN m.s_amt <> m.l_amt THEN x.amounts ELSE '' END
            || CASE WHEN m.s_amt <> m.l_amt AND x.fees <> '' THEN '; '
                    ELSE '' END
            || x.fees || x.part || x.grp
    END AS reason
) rs;
