/*
 * disbursement.h: Amazon Pay's Get Disbursements (GET /v2/disbursements,
 * README "Asked of Amazon each night"): one entry per payout to the bank,
 * with the settlement it pays and the reference the bank statement shows.
 *
 * A page is asked with startTime, endTime (the settlement dates, basic ISO
 * 8601 as every API date settle sends) and pageSize; a follow-up page
 * repeats them with the nextToken of the page before (the documentation
 * lists the four together; Get Reports, by contrast, wants nextToken
 * alone). Each page's bytes are what the archive keeps; st_disbursements_
 * parse reads them, so a rerun reads the archive and never the API.
 */
#ifndef ST_DISBURSEMENT_H
#define ST_DISBURSEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "amazon/api.h"
#include "core/buf.h"
#include "core/err.h"

/* Room for Amazon's ids and references (they are far shorter). */
#define ST_DISB_ID_MAX 128

/* One payout, as a page lists it. */
struct st_disbursement {
    char settlement_id[ST_DISB_ID_MAX];
    char reference[ST_DISB_ID_MAX]; /* amazonDisbursementReferenceId */
    char currency[4];
    int exponent;       /* the currency's minor units */
    int64_t amount;     /* minor units, positive: paid to the bank */
    char time[40];      /* transactionTime as Amazon wrote it */
    int64_t time_epoch; /* the same, in seconds (fraction dropped) */
};

struct st_disbursements {
    struct st_disbursement *items;
    size_t n;
    size_t cap;
};

/* Frees list's items and empties it; accepts NULL. */
void st_disbursements_release(struct st_disbursements *list);

/*
 * Reads one page (len bytes of JSON at page, named name in errors) into
 * list (appended) and its nextToken into token (NUL-terminated, "" on the
 * last page; token_size bytes). ST_ERR_DATA naming the entry and field
 * for anything that is not a payout settle can book: a missing id, an
 * unknown currency, an amount that is not a decimal of its currency.
 */
int st_disbursements_parse(const char *page, size_t len, const char *name,
                           struct st_disbursements *list, char *token,
                           size_t token_size, struct st_err *err);

/*
 * Asks one page of payouts with settlement dates in [since, until) (epoch
 * seconds), page_size entries (1..100), after token (NULL or "" for the
 * first page); its bytes go to body.
 */
int st_api_disbursements_page(struct st_api *api, int64_t since, int64_t until,
                              int page_size, const char *token,
                              struct st_buf *body, struct st_err *err);

#endif
