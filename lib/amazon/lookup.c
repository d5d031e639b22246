/*
 * lookup.c: Get Dispute, Get Charge and Get Refund asked and read
 * (amazon/lookup.h).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "amazon/lookup.h"
#include "core/date.h"
#include "core/num.h"
#include "core/banned.h"

/* Member key of o, when a string, into dst ("" when absent). */
static int
text(json_t *o, const char *key, char *dst, size_t size, const char *name,
     struct st_err *err)
{
    const char *s = json_string_value(json_object_get(o, key));

    dst[0] = '\0';
    if (s == NULL)
        return 0;
    if (strlen(s) >= size)
        return st_err_set(err, ST_ERR_DATA, "%s: '%s' is too long", name, key);
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

/* merchantResponseDeadline: ISO 8601 or epoch seconds, into d->deadline. */
static int
deadline(json_t *v, struct st_api_object *d, const char *name,
         struct st_err *err)
{
    const char *s = json_string_value(v);
    int64_t epoch = 0;
    int ok;

    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_integer(v)) {
        epoch = (int64_t)json_integer_value(v);
        ok = epoch > 0;
    } else if (s != NULL && s[0] >= '0' && s[0] <= '9' &&
               strchr(s, '-') == NULL) {
        ok = st_parse_i64(s, 1, INT64_MAX, &epoch) == 0;
    } else {
        ok = s != NULL && st_api_instant(s, &epoch) == 0;
    }
    if (!ok)
        return st_err_set(err, ST_ERR_DATA,
                          "%s: merchantResponseDeadline is not an instant",
                          name);
    st_datetime_format(epoch, d->deadline);
    return 0;
}

static const struct {
    const char *resource;
    const char *id_field;
    const char *path;
} kinds[] = {
    [ST_LOOKUP_DISPUTE] = {"dispute", "disputeId", "/v2/disputes/"},
    [ST_LOOKUP_CHARGE] = {"charge", "chargeId", "/v2/charges/"},
    [ST_LOOKUP_REFUND] = {"refund", "refundId", "/v2/refunds/"},
};

const char *
st_lookup_resource(enum st_lookup_kind kind)
{
    return kinds[kind].resource;
}

enum st_lookup_kind
st_lookup_kind(const char *resource)
{
    size_t k;

    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        if (strcmp(kinds[k].resource, resource) == 0)
            return (enum st_lookup_kind)k;
    return ST_LOOKUP_CHARGE;
}

int
st_lookup_parse(enum st_lookup_kind kind, const char *json, size_t len,
                const char *name, struct st_api_object *o, struct st_err *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr);
    json_t *sd;
    int rc;

    memset(o, 0, sizeof(*o));
    if (root == NULL || !json_is_object(root)) {
        rc = st_err_set(err, ST_ERR_DATA, "%s: not a JSON object", name);
        goto out;
    }
    sd = json_object_get(root, "statusDetails");
    if (sd == NULL)
        sd = json_object_get(root, "statusDetail");
    if ((rc = text(root, kinds[kind].id_field, o->id, sizeof(o->id), name,
                   err)) != 0 ||
        (rc = text(root, "chargeId", o->charge_id, sizeof(o->charge_id), name,
                   err)) != 0 ||
        (rc = text(sd, "state", o->state, sizeof(o->state), name, err)) != 0 ||
        (rc = text(sd, "resolution", o->resolution, sizeof(o->resolution), name,
                   err)) != 0 ||
        (rc = text(sd, "reasonCode", o->reason_code, sizeof(o->reason_code),
                   name, err)) != 0 ||
        (rc = deadline(json_object_get(root, "merchantResponseDeadline"), o,
                       name, err)) != 0)
        goto out;
    if (o->id[0] == '\0' || o->state[0] == '\0')
        rc = st_err_set(err, ST_ERR_DATA, "%s: no %s", name,
                        o->id[0] == '\0' ? kinds[kind].id_field
                                         : "statusDetails.state");
out:
    json_decref(root);
    return rc;
}

int
st_api_lookup(struct st_api *api, enum st_lookup_kind kind, const char *id,
              struct st_buf *body, long *status, struct st_err *err)
{
    char path[ST_LOOKUP_TEXT_MAX + 16];

    if (snprintf(path, sizeof(path), "%s%s", kinds[kind].path, id) >=
        (int)sizeof(path))
        return st_err_set(err, ST_ERR_DATA, "%s id '%.40s' too long",
                          kinds[kind].resource, id);
    return st_api_get_status(api, path, NULL, 0, body, status, err);
}
