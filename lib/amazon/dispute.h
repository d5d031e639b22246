/*
 * dispute.h: Amazon Pay's Get Dispute (GET /v2/disputes/{disputeId},
 * README "Asked of Amazon each night"): where a chargeback stands and by
 * when the merchant must answer. There is no list call: the ids are those
 * of the settlement's chargeback, claim and dispute lines (settle.dispute).
 */
#ifndef ST_DISPUTE_API_H
#define ST_DISPUTE_API_H

#include <stddef.h>
#include <stdint.h>

#include "amazon/api.h"
#include "core/buf.h"
#include "core/err.h"

#define ST_DISPUTE_TEXT_MAX 128

/* What settle reads of a dispute object ("" when absent). */
struct st_api_dispute {
    char dispute_id[ST_DISPUTE_TEXT_MAX];
    char charge_id[ST_DISPUTE_TEXT_MAX];
    char state[32];      /* UnderReview, ActionRequired, Resolved, Closed */
    char resolution[32]; /* BuyerWon, MerchantWon, NoFault */
    char reason_code[64];
    char deadline[32]; /* merchantResponseDeadline as YYYY-MM-DDTHH:MM:SSZ */
};

/*
 * Reads a Get Dispute answer (len bytes at json, named name in errors)
 * into d. The deadline may come as ISO 8601 (a fraction of a second is
 * dropped) or as epoch seconds, a number or a string of digits (both are
 * seen in Amazon's examples). ST_ERR_DATA naming the field for a missing
 * disputeId or statusDetails.state, or a deadline that is neither.
 */
int st_dispute_parse(const char *json, size_t len, const char *name,
                     struct st_api_dispute *d, struct st_err *err);

/*
 * Asks Get Dispute for id; the answer's bytes go to body and its HTTP
 * status to *status, also for a refusal (404: Amazon does not know it).
 */
int st_api_get_dispute(struct st_api *api, const char *id, struct st_buf *body,
                       long *status, struct st_err *err);

#endif
