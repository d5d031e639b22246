/*
 * catchup.c: which dates a `settle run` without dates closes (catchup.h).
 */
#include <string.h>

#include "core/date.h"
#include "io/dbvalue.h"
#include "run/catchup.h"
#include "run/run.h"
#include "core/banned.h"

#define LAST_CLOSED_QUERY "queries/select_last_closed.sql"

/* The latest closed date into *day, or 0 in *found when there is none. */
static int
last_closed(struct st_db *db, const char *seller, int32_t *day, int *found,
            struct st_err *err)
{
    static const char *const names[1] = {"last_closed"};
    PGresult *res = NULL;
    const char *v;
    int col;
    int rc;

    *found = 0;
    rc = st_db_query(db, LAST_CLOSED_QUERY, 1, &seller, &res, err);
    if (rc != 0 ||
        (rc = st_db_columns(res, names, &col, 1, LAST_CLOSED_QUERY, err)) != 0)
        goto out;
    if (PQgetisnull(res, 0, col))
        goto out;
    v = st_db_text(res, 0, col);
    if ((rc = st_date_parse(v, strlen(v), day, err)) == 0)
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
    int32_t last = 0;
    int found = 0;
    int rc;

    memset(c, 0, sizeof(*c));
    if ((rc = st_config_require_seller(cfg, err)) != 0 ||
        (rc = st_run_yesterday(db, cfg, &c->yesterday, err)) != 0 ||
        (rc = last_closed(db, cfg->seller_id, &last, &found, err)) != 0)
        return rc;
    if (found)
        c->from = last + 1;
    else if (first != NULL && first[0] != '\0') {
        if ((rc = st_date_parse(first, strlen(first), &c->from, err)) != 0) {
            st_err_prefix(err, "first_date");
            return rc;
        }
    } else
        c->from = c->yesterday;
    c->unclosed = c->from <= c->yesterday ? c->yesterday - c->from + 1 : 0;
    c->to = c->yesterday;
    if (c->unclosed > cfg->catchup_max_days)
        c->to = c->from + (int32_t)cfg->catchup_max_days - 1;
    return 0;
}
