-- insert_recon_pending.sql: one result per earlier transfer of rc_pend,
-- on this date: payout_matched (and the payout counts as used),
-- payout_pending again, or payout_mismatch once the window has closed.
-- The row names the transfer's own date and settlement in its reason;
-- booked_at is the transfer's posting, age_days its age on this date,
-- due_date the day its window closes.
--   $1 seller_id      text
--   $2 business_date  date
INSERT INTO settle.recon_result (seller_id, business_date, status,
    match_rule, source_sha256, source_line, kind, currency, minor_units,
    entry_id, settlement_amount, settlement_fee, ledger_amount, reason,
    booked_at, age_days, due_date)
SELECT $1::text, $2::date, p.status,
       CASE WHEN p.entry_id IS NOT NULL THEN 'payout' ELSE 'none' END,
       p.source_sha256,
       p.source_line, 'transfer', p.currency, c.minor_units, p.entry_id,
       p.amount, p.total_fee, p.amount_minor,
       'transfer of ' || p.business_date::text || ' (settlement '
       || p.settlement_id || '): '
       || CASE p.status
          WHEN 'payout_matched' THEN
              'matched by ledger payout ' || p.entry_id
              || CASE WHEN p.amount_minor <> p.amount
                      THEN ' within tolerance: ledger '
                           || round(p.amount_minor::numeric / c.scale,
                                    c.minor_units)::text
                           || ' vs settlement '
                           || round(p.amount::numeric / c.scale,
                                    c.minor_units)::text
                      ELSE '' END
          ELSE
              settle.payout_wait_reason(p.currency, p.settlement_start,
                                        p.settlement_end,
                                        p.status = 'payout_pending')
          END,
       p.posted_at, $2::date - (p.posted_at AT TIME ZONE 'UTC')::date,
       (settle.payout_window_end(p.settlement_end) AT TIME ZONE 'UTC')::date
FROM rc_pend p
JOIN rc_cur c ON c.currency = p.currency;
