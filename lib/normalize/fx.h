/*
 * fx.h: ECB euro reference rates, read exactly and applied with one
 * rounding.
 *
 * The ECB publishes every quote as units of a currency per 1 EUR, in a
 * "wide" CSV: a header `Date,USD,JPY,...,ZAR,` (trailing comma), then one
 * row per TARGET business day, newest first (eurofxref-hist.csv), or a
 * single day (eurofxref.csv, whose cells are separated by ", " and whose
 * date reads "13 April 2026"). `N/A` or an empty cell means no quote. Both
 * layouts are read; each quote stays an exact decimal (struct st_rate).
 *
 * A struct st_fx holds quotes per currency, sorted by date after
 * st_fx_sort. A conversion on day D uses the latest quotes on or before D;
 * when neither currency is EUR, the latest day on or before D on which
 * both were quoted, and goes through EUR: amount * to_quote / from_quote,
 * rounded half-even once. A quote older than max_age_days before D is an
 * error, never a silent stale conversion.
 */
#ifndef ST_FX_H
#define ST_FX_H

#include <stddef.h>
#include <stdint.h>

#include "core/currency.h"
#include "core/err.h"
#include "core/money.h"
#include "core/problems.h"

/* ---------------------------------------------------------- reading */

/*
 * Called once per quote of an ECB file: date (days since the epoch),
 * currency code ("USD", NUL-terminated), the cell as written (text, len;
 * borrowed) and its exact value. Returns 0 or a negative ST_ERR_*.
 */
typedef int (*st_fx_quote_fn)(void *ctx, int32_t date, const char *code,
                              const char *text, size_t len,
                              const struct st_rate *rate, struct st_err *err);

struct st_fx_csv; /* opaque */

/*
 * Creates an ECB CSV reader in *out (free with st_fx_csv_free). Bad rows
 * (unparseable date or rate, a code that is not three capital letters,
 * the wrong number of cells) go to problems as FILE:LINE:COL; file and
 * problems are borrowed. Returns 0 or ST_ERR_NOMEM.
 */
int st_fx_csv_new(const char *file, st_fx_quote_fn fn, void *ctx,
                  struct st_problems *problems, struct st_fx_csv **out,
                  struct st_err *err);
void st_fx_csv_free(struct st_fx_csv *r);

/* Feeds len bytes; 0 or a hard error (CSV-level errors become problems). */
int st_fx_csv_feed(struct st_fx_csv *r, const void *data, size_t len,
                   struct st_err *err);

/* Ends the input; a file without a header row is a problem. */
int st_fx_csv_finish(struct st_fx_csv *r, struct st_err *err);

/* Quotes delivered so far. */
long st_fx_csv_quotes(const struct st_fx_csv *r);

/* ---------------------------------------------------------- the table */

struct st_fx; /* opaque */

/* Creates an empty table in *out (free with st_fx_free). */
int st_fx_new(struct st_fx **out, struct st_err *err);
void st_fx_free(struct st_fx *fx);

/*
 * Adds one quote: code (3 bytes) per EUR on date. A second quote of the
 * same code and date replaces the first. Call st_fx_sort before lookups.
 */
int st_fx_add(struct st_fx *fx, int32_t date, const char *code,
              const struct st_rate *per_eur, struct st_err *err);

/* Sorts the quotes by date (after the last st_fx_add). */
void st_fx_sort(struct st_fx *fx);

/* Number of quotes held. */
size_t st_fx_count(const struct st_fx *fx);

/*
 * Reads the ECB CSV file at path into fx (and sorts it). Problems in the
 * file go to problems (the caller refuses the file when total grew).
 * ST_ERR_NOINPUT when the file cannot be opened, ST_ERR_IO on read errors.
 */
int st_fx_load_file(struct st_fx *fx, const char *path,
                    struct st_problems *problems, struct st_err *err);

/* ---------------------------------------------------------- database */

struct st_db;

/* What st_fx_import did. */
struct st_fx_import_stats {
    long quotes;   /* quotes read from the file */
    long inserted; /* new (date, currency) rows */
    long updated;  /* rows whose value changed */
};

/*
 * Loads the ECB CSV file at path into settle.fx_rate in one transaction:
 * COPY into a temporary table, then one INSERT ... SELECT ... ON CONFLICT
 * DO UPDATE (only where the value differs), so importing the same file
 * twice changes nothing and an ECB correction replaces the old quote.
 * Problems in the file go to problems and nothing is loaded (ST_ERR_DATA).
 */
int st_fx_import(struct st_db *db, const char *path,
                 struct st_problems *problems, struct st_fx_import_stats *stats,
                 struct st_err *err);

/* ---------------------------------------------------------- converting */

#define ST_FX_RATE_TEXT 48

/*
 * The rate from one currency into another on a day: num / den, both
 * positive exact decimals (to's quote over from's quote; 1 for EUR), the
 * date of the quotes, and the ratio to 10 significant digits for display
 * (README, "Normalized lines without a database").
 */
struct st_fx_rate {
    struct st_rate num;
    struct st_rate den;
    int32_t date;
    char text[ST_FX_RATE_TEXT];
};

/*
 * Finds the rate from `from` into `to` for day `on`. Equal currencies give
 * rate 1 dated `on`. Fails with ST_ERR_DATA naming the currency and the
 * day when no quote exists on or before `on`, or when the quote used is
 * more than max_age_days older than `on`.
 */
int st_fx_lookup(const struct st_fx *fx, const char *from, const char *to,
                 int32_t on, int max_age_days, struct st_fx_rate *out,
                 struct st_err *err);

/*
 * Converts amount (minor units of from) into minor units of to at rate,
 * rounding half-even once. ST_ERR_OVERFLOW when it does not fit.
 */
int st_fx_apply(const struct st_fx_rate *rate, const struct st_currency *from,
                const struct st_currency *to, int64_t amount, int64_t *out,
                struct st_err *err);

#endif
