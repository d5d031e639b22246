/*
 * lookup.h: the objects settle asks Amazon Pay for one by one (README
 * "Asked of Amazon each night"): Get Dispute (GET /v2/disputes/{id}),
 * where a chargeback stands and by when the merchant must answer; Get
 * Charge and Get Refund (GET /v2/charges/{id}, /v2/refunds/{id}), why a
 * ledger entry has not settled. There is no list call: the ids are those
 * of the settlement's case lines (settle.dispute) and of the ledger's
 * entries (provider_transaction_id).
 */
#ifndef ST_LOOKUP_H
#define ST_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "amazon/api.h"
#include "core/buf.h"
#include "core/err.h"

#define ST_LOOKUP_TEXT_MAX 128

enum st_lookup_kind {
    ST_LOOKUP_DISPUTE = 0,
    ST_LOOKUP_CHARGE,
    ST_LOOKUP_REFUND,
};

/* What settle reads of an object ("" when absent). */
struct st_api_object {
    char id[ST_LOOKUP_TEXT_MAX]; /* disputeId, chargeId or refundId */
    char charge_id[ST_LOOKUP_TEXT_MAX];
    char state[32]; /* statusDetails.state */
    char resolution[32];
    char reason_code[64];
    char deadline[32]; /* merchantResponseDeadline, YYYY-MM-DDTHH:MM:SSZ */
};

/* "dispute", "charge" or "refund": settle.api_lookup's resource. */
const char *st_lookup_resource(enum st_lookup_kind kind);

/* The kind of such a resource name (a charge for any other). */
enum st_lookup_kind st_lookup_kind(const char *resource);

/*
 * Reads an answer of kind (len bytes at json, named name in errors) into
 * o. statusDetails may also be statusDetail (older refund answers). A
 * dispute's deadline may come as ISO 8601 (a fraction of a second is
 * dropped) or as epoch seconds, a number or a string of digits (both are
 * seen in Amazon's examples). ST_ERR_DATA naming the field for a missing
 * id or state, or a deadline that is neither.
 */
int st_lookup_parse(enum st_lookup_kind kind, const char *json, size_t len,
                    const char *name, struct st_api_object *o,
                    struct st_err *err);

/*
 * Asks for object id of kind; the answer's bytes go to body and its HTTP
 * status to *status, also for a refusal (404: Amazon does not know it).
 */
int st_api_lookup(struct st_api *api, enum st_lookup_kind kind, const char *id,
                  struct st_buf *body, long *status, struct st_err *err);

#endif
