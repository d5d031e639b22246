/*
 * payouts.c: the payouts of a business date from Get Disbursements
 * (fetch/fetch.h): every page archived, then the pages and the payouts
 * recorded in one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "amazon/disbursement.h"
#include "core/alloc.h"
#include "core/date.h"
#include "fetch/fetch.h"
#include "io/archive.h"
#include "io/dbvalue.h"
#include "core/banned.h"

#define PAGE_MAX   ((size_t)16 * 1024 * 1024)
#define PAGE_SIZE  100
#define PAGES_MAX  1000
#define TOKEN_MAX  2048
#define PAGE_QUERY "queries/select_disbursement_pages.sql"

/* One archived page: its hash, size and payouts. */
struct page {
    char hex[ST_SHA256_HEX_LEN + 1];
    size_t bytes;
    size_t first; /* its payouts in the list: [first, first + n) */
    size_t n;
};

struct payouts {
    struct st_db *db;
    const struct st_config *cfg;
    struct st_log *log;
    struct st_err *err;
    char date[ST_DATE_LEN + 1];
    struct page pages[PAGES_MAX];
    int npages;
    struct st_disbursements list;
};

/* 1 in *done when the date's pages are already archived. */
static int
already(struct payouts *p, int *done)
{
    const char *params[2] = {p->cfg->seller_id, p->date};
    int64_t n = 0;
    int rc = st_db_query_i64(p->db, PAGE_QUERY, 2, params, &n, p->err);

    *done = n > 0;
    return rc;
}

/* Asks, archives and reads every page; a refusal (401/403) in *denied. */
static int
ask(struct payouts *p, struct st_api *api, int64_t since, int64_t until,
    int *denied)
{
    struct st_buf body;
    char token[TOKEN_MAX] = "";
    char name[64];
    int rc = 0;

    st_buf_init(&body, PAGE_MAX);
    do {
        struct page *pg = &p->pages[p->npages];

        if (p->npages == PAGES_MAX) {
            rc = st_err_set(p->err, ST_ERR_DATA,
                            "Get Disbursements: more than %d pages", PAGES_MAX);
            break;
        }
        st_buf_reset(&body);
        rc = st_api_disbursements_page(api, since, until, PAGE_SIZE, token,
                                       &body, p->err);
        if (rc == ST_ERR_PERM && p->npages == 0) {
            *denied = 1; /* err keeps why, for the warning */
            rc = 0;
            break;
        }
        (void)snprintf(name, sizeof(name), "Get Disbursements page %d",
                       p->npages + 1);
        pg->first = p->list.n;
        if (rc != 0 ||
            (rc = st_disbursements_parse(body.data, body.len, name, &p->list,
                                         token, sizeof(token), p->err)) != 0 ||
            (rc = st_archive_store(p->cfg->archive_dir, body.data, body.len,
                                   pg->hex, NULL, p->err)) != 0)
            break;
        pg->bytes = body.len;
        pg->n = p->list.n - pg->first;
        p->npages++;
    } while (token[0] != '\0');
    st_buf_release(&body);
    return rc;
}

/* Payout i of page pg into the database. */
static int
record_payout(struct payouts *p, const struct page *pg, size_t i)
{
    const struct st_disbursement *d = &p->list.items[i];
    char minor[8];
    char amount[24];
    const char *v[9];

    (void)snprintf(minor, sizeof(minor), "%d", d->exponent);
    (void)snprintf(amount, sizeof(amount), "%lld", (long long)d->amount);
    v[0] = p->cfg->seller_id;
    v[1] = d->reference;
    v[2] = d->settlement_id;
    v[3] = d->currency;
    v[4] = minor;
    v[5] = amount;
    v[6] = d->time;
    v[7] = p->date;
    v[8] = pg->hex;
    return st_db_query(p->db, "queries/insert_disbursement.sql", 9, v, NULL,
                       p->err);
}

/* The pages and their payouts, in one transaction. */
static int
record(struct payouts *p)
{
    int rc = st_db_begin(p->db, p->err);
    int k;
    size_t i;

    for (k = 0; rc == 0 && k < p->npages; k++) {
        const struct page *pg = &p->pages[k];
        char no[16];
        char bytes[24];
        char entries[24];
        const char *v[6] = {p->cfg->seller_id, p->date, no,
                            pg->hex,           bytes,   entries};

        (void)snprintf(no, sizeof(no), "%d", k + 1);
        (void)snprintf(bytes, sizeof(bytes), "%zu", pg->bytes);
        (void)snprintf(entries, sizeof(entries), "%zu", pg->n);
        rc = st_db_query(p->db, "queries/insert_disbursement_page.sql", 6, v,
                         NULL, p->err);
        for (i = pg->first; rc == 0 && i < pg->first + pg->n; i++)
            rc = record_payout(p, pg, i);
    }
    if (rc == 0)
        return st_db_commit(p->db, p->err);
    st_db_rollback(p->db);
    return rc;
}

int
st_fetch_payouts(struct st_db *db, const struct st_config *cfg,
                 struct st_api *api, int32_t date, int64_t since, int64_t until,
                 struct st_log *log, struct st_err *err)
{
    static struct payouts zero;
    struct payouts *p = st_malloc(sizeof(*p));
    int denied = 0;
    int done = 0;
    int rc;

    if (p == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    *p = zero;
    p->db = db;
    p->cfg = cfg;
    p->log = log;
    p->err = err;
    st_date_format(date, p->date);
    if ((rc = already(p, &done)) == 0 && done)
        st_log_msg(log, ST_LOG_INFO, "fetch",
                   "the payouts of %s are archived: not asked again", p->date);
    else if (rc == 0 && (rc = ask(p, api, since, until, &denied)) == 0 &&
             denied) {
        st_log_msg(log, ST_LOG_WARN, "fetch",
                   "Get Disbursements refused (%s): the night goes on "
                   "without the payouts; give the key that permission",
                   err != NULL ? err->msg : "?");
        st_err_clear(err);
    } else if (rc == 0 && (rc = record(p)) == 0) {
        st_log_msg(log, ST_LOG_INFO, "fetch",
                   "%zu payouts in %d pages of Get Disbursements", p->list.n,
                   p->npages);
    }
    st_disbursements_release(&p->list);
    st_free(p);
    return rc;
}
