/*
 * fx.h: ECB euro reference rates, held exactly and applied with one
 * rounding.
 *
 * The ECB publishes every quote as units of a currency per 1 EUR; the
 * files and answers it comes in are read by lib/fx/fx_csv, stored
 * in settle.fx_rate by lib/fx/rates.
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
 * Reads the ECB CSV file at path (any layout of fx_csv.h) into fx and
 * sorts it. Problems in the file go to problems (the caller refuses the
 * file when total grew).
 * ST_ERR_NOINPUT when the file cannot be opened, ST_ERR_IO on read errors.
 */
int st_fx_load_file(struct st_fx *fx, const char *path,
                    struct st_problems *problems, struct st_err *err);

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
