/*
 * summary.h: what the report stage knows of a date before it writes a
 * row: the run's ledger cutoff, the count and sums of each (currency,
 * kind) from one GROUP BY, and the exchange rates the lines used.
 *
 * Sums are int64 minor units of their currency (net_rep: of the reporting
 * currency); sums that pass 64 bits are ST_ERR_OVERFLOW, never wrapped.
 * Currencies come in the query's order (by code), kinds too. A summary
 * owns its memory: st_summary_release frees it.
 */
#ifndef ST_SUMMARY_H
#define ST_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/err.h"
#include "io/db.h"

#define ST_SUMMARY_KIND_MAX 24

/* Sums of one (currency, kind), or of a whole currency. */
struct st_sums {
    int64_t lines;
    int64_t amount;
    int64_t pfee;
    int64_t ffee;
    int64_t tfee;
    int64_t net;
    int64_t net_rep;
    int64_t converted; /* lines with a net_reporting */
};

struct st_summary_kind {
    char kind[ST_SUMMARY_KIND_MAX];
    struct st_sums s;
};

struct st_summary_ccy {
    char code[4];
    int exp;
    char rep[4]; /* reporting currency, "" when none */
    int rep_exp;
    struct st_summary_kind *kinds;
    size_t nkinds;
    struct st_sums total;
    int64_t payouts;
    int64_t reserve;
    struct st_buf fx;        /* "2026-11-20 1.0856; ..." */
    struct st_sums streamed; /* what the lines summed to (report/rows) */
};

/* One exchange rate of the date, as the manifest lists it. */
struct st_summary_rate {
    char *currency;
    char *reporting;
    char *date; /* NULL when the line had none */
    char *rate;
    int64_t lines;
};

struct st_summary {
    char date[ST_DATE_LEN + 1]; /* the business date, for messages */
    char cutoff_text[48];       /* the run's ledger cutoff, for the manifest */
    char cutoff_ts[64];         /* the same as a timestamptz, for as-of reads */
    int have_cutoff;
    int cutoff_moved;
    struct st_summary_ccy *ccys;
    size_t nccy;
    struct st_summary_rate *rates;
    size_t nrates;
    uint64_t total_lines; /* lines of every currency, for progress */
};

/*
 * Reads the cutoff, the sums and the rates of seller_id and date
 * ("YYYY-MM-DD") into s, which the caller releases (also after an error).
 * ST_ERR_DATA for an unknown currency or lines of a currency that
 * disagree; ST_ERR_OVERFLOW when a sum passes 64 bits; the database's
 * codes for a failed query.
 */
int st_summary_load(struct st_db *db, const char *seller_id, const char *date,
                    struct st_summary *s, struct st_err *err);

/*
 * The same for the business dates from .. to ("YYYY-MM-DD", inclusive),
 * read from the stored line sums (settle.line_total) instead of the lines;
 * the cutoff and s->date are those of the last date, to.
 */
int st_summary_load_period(struct st_db *db, const char *seller_id,
                           const char *from, const char *to,
                           struct st_summary *s, struct st_err *err);

/* Frees what s holds and zeroes it; accepts a zeroed summary. */
void st_summary_release(struct st_summary *s);

/* The currency code of s, or NULL (borrowed from s). */
struct st_summary_ccy *st_summary_find(struct st_summary *s, const char *code);

/*
 * Adds v into *acc, or each field of v into acc. ST_ERR_OVERFLOW naming
 * s's date when a total passes 64 bits.
 */
int st_summary_add_i64(const struct st_summary *s, int64_t *acc, int64_t v,
                       struct st_err *err);
int st_summary_add(const struct st_summary *s, struct st_sums *acc,
                   const struct st_sums *v, struct st_err *err);

#endif
