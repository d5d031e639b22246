/*
 * ecb.h: the ECB euro reference rates, fetched from the ECB Data Portal
 * into settle.fx_rate (settle fx fetch, and settle run before normalize).
 *
 * The request is GET fx_url?startPeriod=D1&endPeriod=D2&format=csvdata
 * &detail=dataonly (fx_url names the daily EXR series of every currency
 * against the euro), sent by lib/io/http with the same transport,
 * timeouts, retries and TLS rules as the Amazon Pay API (https, or http to
 * loopback only). The answer is SDMX CSV, read by lib/fx/fx_csv and
 * stored by lib/fx/rates, whose rules hold: idempotent, and a quote
 * that differs from a stored one is refused (ST_ERR_DATA). A range without
 * quotes (weekends, TARGET holidays, a day not published yet: the ECB
 * publishes around 16:00 CET) is answered empty or 404 "No results found";
 * both are no quotes, not an error. Any other 404 is ST_ERR_CONFIG (check
 * fx_url).
 */
#ifndef ST_ECB_H
#define ST_ECB_H

#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/problems.h"
#include "io/db.h"
#include "io/http.h"
#include "fx/rates.h"

struct st_ecb_opts {
    /* first retry delay in ms, or < 0 for lib/io/http's default (tests) */
    int64_t backoff_base_ms;
    /* clock, sleep and jitter; NULL for the real ones */
    const struct st_http_env *env;
};

/* Fills opts with the defaults: default backoff, real env. */
void st_ecb_opts_init(struct st_ecb_opts *opts);

/*
 * Appends the request URL for [from, to] (days since the epoch) to out:
 * fx_url, then its query ('?' or '&' as fx_url needs).
 */
void st_ecb_url(const char *fx_url, int32_t from, int32_t to,
                struct st_buf *out);

/*
 * Asks the ECB for the quotes of [from, to]; body gets the CSV, empty when
 * the range has none. Returns 0 or the error of lib/io/http (69, 75, 78
 * ...), with fx_url's host in the message.
 */
int st_ecb_get(const struct st_config *cfg, int32_t from, int32_t to,
               const struct st_ecb_opts *opts, struct st_log *log,
               struct st_buf *body, struct st_err *err);

/*
 * st_ecb_get, then st_rates_import of the answer (problems get its bad
 * rows and refused quotes, named "ECB D1..D2:LINE").
 */
int st_ecb_fetch(struct st_db *db, const struct st_config *cfg, int32_t from,
                 int32_t to, const struct st_ecb_opts *opts, struct st_log *log,
                 struct st_problems *problems, struct st_rates_stats *stats,
                 struct st_err *err);

/*
 * What settle run does before normalizing date, when reporting_currency is
 * set: nothing when settle.fx_rate has quotes dated `date`; else fetches
 * from the day after the latest stored quote (at most fx_max_age_days
 * back) up to date. When that fails but a stored quote lies within
 * fx_max_age_days of date, it warns and returns 0 (normalize uses that
 * quote, as ever); otherwise it returns the fetch's error.
 */
int st_ecb_ensure(struct st_db *db, const struct st_config *cfg, int32_t date,
                  const struct st_ecb_opts *opts, struct st_log *log,
                  struct st_err *err);

/*
 * Doctor's check of the source: asks for the ten days up to `today` and
 * reads the answer, without storing it. *quotes and *latest (0 when
 * none) say what came back; a malformed answer is ST_ERR_DATA.
 */
int st_ecb_probe(const struct st_config *cfg, int32_t today,
                 const struct st_ecb_opts *opts, long *quotes, int32_t *latest,
                 struct st_err *err);

#endif
