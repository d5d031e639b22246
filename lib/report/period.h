/*
 * period.h: the period statement, one workbook and CSV set for the
 * business dates from D1 to D2 (a month to close; README "Closing a
 * month"), built from what the daily runs stored: no report is fetched
 * and nothing is reconciled again.
 *
 * out_dir/<seller>/period/<D1>_<D2>/ holds statement.xlsx (sheets Summary,
 * Days, Settlements, Open exceptions, Disputes), summary.csv, days.csv,
 * settlements.csv, exceptions.csv (the exceptions still open at D2),
 * disputes.csv (the cases open at D2's ledger cutoff) and manifest.json,
 * which lists each date with the SHA-256 of its own manifest. It is
 * published like a date's statements (report/publish) and is as
 * deterministic.
 *
 * Every date of the period must be reconciled: a date that is not is
 * ST_ERR_NOINPUT naming the dates, and nothing is written.
 */
#ifndef ST_PERIOD_H
#define ST_PERIOD_H

#include <stdint.h>

#include "core/err.h"
#include "io/db.h"
#include "report/statement.h"

/*
 * Writes and publishes the period statement of o->seller_id from date
 * from to o->date (inclusive; from <= o->date). res as for a date, its
 * lines being those of the whole period. Returns 0 or ST_ERR_*, as
 * st_statement_write, and ST_ERR_NOINPUT for a date not reconciled.
 */
int st_period_write(struct st_db *db, const struct st_statement_opts *o,
                    int32_t from, struct st_statement_result *res,
                    struct st_err *err);

/* st_statement_run for a period: loads the templates of cfg first. */
int st_period_run(struct st_db *db, const struct st_config *cfg, int32_t from,
                  int32_t to, const char *out_dir, struct st_log *log,
                  struct st_statement_result *res, struct st_err *err);

#endif
