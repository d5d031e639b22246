/*
 * catchup.c: which dates a `settle run` without dates closes (catchup.h).
 */
#include <string.h>

#include "core/date.h"
#include "io/dbvalue.h"
#include "run/catchup.h"
#include "run/run.h"
#include "core/banned.h"

#define START_QUERY "queries/select_catchup_start.sql"

/* Where catch-up goes on from into *day (0 in *found: no date was ever
 * closed), and how many dates from there on are closed already. */
static int
catchup_start(struct st_db *db, const char *seller, int32_t *day, int *found,
              int64_t *closed, struct st_err *err)
{
    static const char *const names[2] = {"next_date", "closed_since"};
    PGresult *res = NULL;
    const char *v;
    int col[2];
    int rc;

    *found = 0;
    *closed = 0;
    rc = st_db_query(db, START_QUERY, 1, &seller, &res, err);
    if (rc != 0 ||
        (rc = st_db_columns(res, names, col, 2, START_QUERY, err)) != 0)
        goto out;
    if (PQgetisnull(res, 0, col[0]))
        goto out;
    v = st_db_text(res, 0, col[0]);
    if ((rc = st_date_parse(v, strlen(v), day, err)) != 0 ||
        (rc = st_db_i64(res, 0, col[1], START_QUERY, closed, err)) != 0)
        goto out;
    *found = 1;
out:
    PQclear(res);
    return rc;
}

int
st_catchup_plan(struct st_db *db, const struct st_config *cfg,
                struct st_catchup *c, struct st_err *err)
{
    const char *first = cfg->first_date;
    int32_t next = 0;
    int64_t closed = 0;
    int found = 0;
    int rc;

    memset(c, 0, sizeof(*c));
    if ((rc = st_config_require_seller(cfg, err)) != 0 ||
        (rc = st_run_yesterday(db, cfg, &c->yesterday, err)) != 0 ||
        (rc = catchup_start(db, cfg->seller_id, &next, &found, &closed, err)) !=
            0)
        return rc;
    if (found)
        c->from = next;
    else if (first != NULL && first[0] != '\0') {
        if ((rc = st_date_parse(first, strlen(first), &c->from, err)) != 0) {
            st_err_prefix(err, "first_date");
            return rc;
        }
    } else
        c->from = c->yesterday;
    c->unclosed =
        c->from <= c->yesterday ? c->yesterday - c->from + 1 - closed : 0;
    c->to = c->yesterday;
    if (c->unclosed > cfg->catchup_max_days)
        c->to = c->from + (int32_t)cfg->catchup_max_days - 1;
    return 0;
}
