/*
 * rates.h: the ECB rates stored in settle.fx_rate: quotes stored from an
 * ECB file or answer, and read back into a struct st_fx for the database
 * path of normalize (settle normalize --date).
 *
 * A stored quote is what every date closed since was converted with, so
 * storing never changes it silently: a quote whose value differs from the
 * stored one for the same date and currency refuses the whole input
 * (ST_ERR_DATA, each difference a problem naming both values), unless the
 * caller asks to replace (an ECB correction, `settle fx import
 * --replace`). Storing the same quotes again changes nothing.
 */
#ifndef ST_RATES_H
#define ST_RATES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/problems.h"
#include "io/db.h"
#include "fx/fx.h"

/* Quotes to store: an ECB CSV file, or the same bytes in memory. */
struct st_rates_input {
    const char *name; /* the file's path, or a label for messages */
    const void *data; /* NULL: read the file at name */
    size_t len;
    int empty_ok; /* 1: no bytes at all is no quotes, not a problem */
    int replace;  /* 1: a differing quote replaces the stored one */
};

/* What st_rates_import did. */
struct st_rates_stats {
    long quotes;   /* quotes read */
    long inserted; /* new (date, currency) rows */
    long updated;  /* rows whose value changed (replace only) */
};

/*
 * Stores the quotes of in (any layout of fx_csv.h) in settle.fx_rate in
 * one transaction, as described above: COPY into a temporary table, the
 * differences checked, then one INSERT ... ON CONFLICT. Problems in the
 * input and differing quotes go to problems and nothing is stored
 * (ST_ERR_DATA); a missing file is ST_ERR_NOINPUT.
 */
int st_rates_import(struct st_db *db, const struct st_rates_input *in,
                    struct st_problems *problems, struct st_rates_stats *stats,
                    struct st_err *err);

/*
 * Loads the rates with rate_date in [from, to] (days since the epoch) into
 * fx and sorts it. A stored value that does not parse is ST_ERR_DATA
 * naming settle.fx_rate.
 */
int st_rates_load(struct st_db *db, int32_t from, int32_t to, struct st_fx *fx,
                  struct st_err *err);

#endif
