/*
 * catchup.h: the dates a `settle run` without dates closes (README "Missed
 * nights"): every date from the day after the last closed one (status
 * reported) up to yesterday in the configured time zone, oldest first,
 * and before them a date whose run failed and was overtaken by a later
 * date closed by hand (the dates closed in between are skipped, not run
 * again); before any date was closed, from first_date, or yesterday alone
 * when it is not set. One run closes at most catchup_max_days calendar
 * dates of that span; the next run goes on where it stopped.
 */
#ifndef ST_CATCHUP_H
#define ST_CATCHUP_H

#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "io/db.h"

/* Warn when the oldest unclosed date is this old: Amazon keeps 90 days. */
#define ST_CATCHUP_WARN_AGE_DAYS 60

struct st_catchup {
    int32_t yesterday; /* days since the epoch */
    int32_t from;      /* the first date to close */
    int32_t to;        /* the last date this run closes; < from: none */
    int64_t unclosed;  /* dates from `from` up to yesterday not closed */
};

/* Works out *c for cfg->seller_id from settle.run. */
int st_catchup_plan(struct st_db *db, const struct st_config *cfg,
                    struct st_catchup *c, struct st_err *err);

#endif
