/*
 * fx_csv.h: the ECB's euro reference rates as CSV, read exactly.
 *
 * Three layouts, told apart by the header row:
 *  - eurofxref-hist.csv: "wide", `Date,USD,JPY,...,ZAR,` (trailing comma),
 *    one row per TARGET business day, newest first;
 *  - eurofxref.csv: the same for one day, cells separated by ", ", the
 *    date written "13 April 2026";
 *  - the ECB Data Portal's SDMX answer (format=csvdata): "long", one row
 *    per observation, `KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,
 *    EXR_SUFFIX,TIME_PERIOD,OBS_VALUE[,...]`, columns found by name. Only
 *    daily (FREQ D) reference rates (EXR_TYPE SP00, EXR_SUFFIX A) against
 *    the euro (CURRENCY_DENOM EUR) are accepted.
 * `N/A`, `NaN` or an empty cell means no quote. Each quote stays an exact
 * decimal (struct st_rate), delivered with the line it was read from.
 */
#ifndef ST_FX_CSV_H
#define ST_FX_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/money.h"
#include "core/problems.h"

/* One quote as read: code units per EUR on date. */
struct st_fx_quote {
    int32_t date;     /* days since the epoch */
    char code[4];     /* "USD", NUL-terminated */
    const char *text; /* the cell as written (borrowed, not NUL-ended) */
    size_t len;       /* its length */
    struct st_rate per_eur;
    long line; /* physical line of the row, 1-based */
};

/* Called once per quote; returns 0 or a negative ST_ERR_*. */
typedef int (*st_fx_quote_fn)(void *ctx, const struct st_fx_quote *q,
                              struct st_err *err);

struct st_fx_csv; /* opaque */

/*
 * Creates a reader in *out (free with st_fx_csv_free). Bad rows
 * (unparseable date or rate, a code that is not three capital letters,
 * the wrong number of cells, an observation that is not a daily reference
 * rate against the euro) go to problems as FILE:LINE:COL; file and
 * problems are borrowed. Once problems grew, no further quote is
 * delivered (the caller refuses the input). Returns 0 or ST_ERR_NOMEM.
 */
int st_fx_csv_new(const char *file, st_fx_quote_fn fn, void *ctx,
                  struct st_problems *problems, struct st_fx_csv **out,
                  struct st_err *err);
void st_fx_csv_free(struct st_fx_csv *r);

/* Feeds len bytes; 0 or a hard error (CSV-level errors become problems). */
int st_fx_csv_feed(struct st_fx_csv *r, const void *data, size_t len,
                   struct st_err *err);

/*
 * Ends the input. A file without a header row is a problem, except when
 * it is empty and empty_ok is 1 (the Data Portal's answer for a range
 * without quotes).
 */
int st_fx_csv_finish(struct st_fx_csv *r, int empty_ok, struct st_err *err);

/*
 * Reads the file at path to its end and finishes. ST_ERR_NOINPUT when it
 * cannot be opened, ST_ERR_IO on read errors.
 */
int st_fx_csv_read_file(struct st_fx_csv *r, const char *path,
                        struct st_err *err);

/* Quotes delivered so far. */
long st_fx_csv_quotes(const struct st_fx_csv *r);

#endif
