/*
 * dispute.c: Get Dispute asked and read (amazon/dispute.h).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "amazon/dispute.h"
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
deadline(json_t *v, struct st_api_dispute *d, const char *name,
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

int
st_dispute_parse(const char *json, size_t len, const char *name,
                 struct st_api_dispute *d, struct st_err *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr);
    json_t *sd;
    int rc;

    memset(d, 0, sizeof(*d));
    if (root == NULL || !json_is_object(root)) {
        rc = st_err_set(err, ST_ERR_DATA, "%s: not a JSON object", name);
        goto out;
    }
    sd = json_object_get(root, "statusDetails");
    if ((rc = text(root, "disputeId", d->dispute_id, sizeof(d->dispute_id),
                   name, err)) != 0 ||
        (rc = text(root, "chargeId", d->charge_id, sizeof(d->charge_id), name,
                   err)) != 0 ||
        (rc = text(sd, "state", d->state, sizeof(d->state), name, err)) != 0 ||
        (rc = text(sd, "resolution", d->resolution, sizeof(d->resolution), name,
                   err)) != 0 ||
        (rc = text(sd, "reasonCode", d->reason_code, sizeof(d->reason_code),
                   name, err)) != 0 ||
        (rc = deadline(json_object_get(root, "merchantResponseDeadline"), d,
                       name, err)) != 0)
        goto out;
    if (d->dispute_id[0] == '\0' || d->state[0] == '\0')
        rc = st_err_set(err, ST_ERR_DATA, "%s: no %s", name,
                        d->dispute_id[0] == '\0' ? "disputeId"
                                                 : "statusDetails.state");
out:
    json_decref(root);
    return rc;
}

int
st_api_get_dispute(struct st_api *api, const char *id, struct st_buf *body,
                   long *status, struct st_err *err)
{
    char path[ST_DISPUTE_TEXT_MAX + 16];

    if (snprintf(path, sizeof(path), "/v2/disputes/%s", id) >=
        (int)sizeof(path))
        return st_err_set(err, ST_ERR_DATA, "dispute id '%.40s' too long", id);
    return st_api_get_status(api, path, NULL, 0, body, status, err);
}
