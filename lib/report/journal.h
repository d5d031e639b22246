/*
 * journal.h: the journal (README "The journal"): journal.csv of a date or
 * a period, the balanced entries that post Amazon Pay's settlements to the
 * books, in the layout and with the accounts of journal.tmpl.
 *
 * One journal per settlement, currency and calendar month it spans
 * (settle.settlement_part): each category of its lines goes to its
 * account against the Amazon Pay clearing account, and the transfer from
 * clearing to the bank. A settlement that spans a month end gives one
 * journal per month, dated the month's last day, so each month closes on
 * its own and the clearing account carries the balance over. With a
 * reporting currency each journal is converted at the ECB rate of its
 * date, every line rounded once and the rounding left over posted to
 * fx_rounding, so it balances in both currencies.
 *
 * A journal that does not balance to the cent, or a settlement whose
 * months do not add up to its totals, is ST_ERR_INTERNAL (exit 70) naming
 * the settlement, and nothing is published.
 */
#ifndef ST_JOURNAL_H
#define ST_JOURNAL_H

#include "core/err.h"
#include "report/rows.h"

struct st_journal_opts {
    const char *reporting; /* ISO 4217 code, or NULL/"" for none */
    int fx_max_age_days;   /* as normalize uses it */
};

/*
 * Writes journal.csv into w->pub for the settlements recorded on the
 * dates of range (seller_id, first date, last date), with the template
 * w->templates->t[ST_TMPL_JOURNAL]; counts w->journals and
 * w->journal_lines.
 */
int st_journal_write(struct st_rows *w, const char *const *range,
                     const struct st_journal_opts *jo);

#endif
