/*
 * objects.c: the stand-in's resources beyond the reports, each from a JSON
 * file of the folder in the shape Amazon answers.
 *
 * Get Disbursements (GET PREFIX/v2/disbursements) from disbursements.json
 * ({"disbursements": [...]}): a payout is listed when its transactionTime
 * falls in [startTime, endTime) (both required, basic ISO 8601); pageSize
 * 1..100 (default 10, at most --page-cap); a nextToken (opaque, with '+',
 * '/' and '=' in it) comes with the other parameters repeated.
 *
 * Get Dispute, Get Charge and Get Refund (GET PREFIX/v2/disputes/{id},
 * /charges/{id}, /refunds/{id}) from disputes.json, charges.json and
 * refunds.json ({"disputes": [...]} and so on): the object whose
 * disputeId, chargeId or refundId it is, else 404 ResourceNotFound.
 *
 * --deny-disbursements and --deny-lookups answer 403 UnauthorizedAccess,
 * as Amazon does for a key without the permission.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "standin.h"
#include "core/banned.h"

/* dir/file into *out, a JSON object with the list key; none is fine. */
static int
load_json(const char *dir, const char *file, const char *key, json_t **out)
{
    char path[4096];
    json_error_t jerr;
    FILE *f;

    if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
        return -1;
    if ((f = fopen(path, "rb")) == NULL)
        return 0; /* none: an empty list */
    *out = json_loadf(f, 0, &jerr);
    (void)fclose(f);
    if (*out == NULL || !json_is_array(json_object_get(*out, key))) {
        fprintf(stderr, "amazon-pay-standin: %s: %s\n", path,
                *out == NULL ? jerr.text : "no list of that name");
        return -1;
    }
    return 0;
}

int
objects_load(struct standin *s, const char *dir)
{
    if (load_json(dir, "disbursements.json", "disbursements",
                  &s->disbursements) != 0 ||
        load_json(dir, "disputes.json", "disputes", &s->disputes) != 0 ||
        load_json(dir, "charges.json", "charges", &s->charges) != 0 ||
        load_json(dir, "refunds.json", "refunds", &s->refunds) != 0)
        return -1;
    return 0;
}

/* transactionTime of o in seconds ("2026-03-02T17:08:26.717Z"), or -1. */
static int64_t
when(json_t *o)
{
    const char *t = json_string_value(json_object_get(o, "transactionTime"));
    char whole[20 + 1];
    int64_t e;

    if (t == NULL || strlen(t) < 19)
        return -1;
    memcpy(whole, t, 19); /* the fraction and zone off: always UTC here */
    memcpy(whole + 19, "Z", 2);
    return st_datetime_parse(whole, 20, &e, NULL) == 0 ? e : -1;
}

enum MHD_Result
disbursements_serve(struct MHD_Connection *c, struct standin *s,
                    const char *url, const struct args *a)
{
    const char *st = arg(a, "startTime");
    const char *et = arg(a, "endTime");
    const char *ps = arg(a, "pageSize");
    const char *token = arg(a, "nextToken");
    json_t *all = json_object_get(s->disbursements, "disbursements");
    json_t *list = json_array();
    json_t *root = json_object();
    int64_t since;
    int64_t until;
    unsigned long offset = 0;
    long page = 10;
    size_t i;
    size_t k = 0;
    char next[64];

    if (list == NULL || root == NULL) {
        json_decref(list);
        json_decref(root);
        return MHD_NO;
    }
    json_object_set_new(root, "disbursements", list);
    if (s->deny_disbursements) {
        json_decref(root);
        return send_error(c, s, "GET", url, 403, "UnauthorizedAccess",
                          "the key may not read disbursements");
    }
    if (st == NULL || et == NULL || (since = parse_basic(st)) < 0 ||
        (until = parse_basic(et)) < 0 ||
        (ps != NULL && ((page = strtol(ps, NULL, 10)) < 1 || page > 100)) ||
        (token != NULL && sscanf(token, "d+%lu/=", &offset) != 1)) {
        json_decref(root);
        return send_error(c, s, "GET", url, 400, "InvalidParameterValue",
                          "startTime and endTime are required; pageSize "
                          "1..100; nextToken as given");
    }
    if (s->page_cap > 0 && page > s->page_cap)
        page = s->page_cap;
    for (i = 0; i < json_array_size(all); i++) {
        json_t *o = json_array_get(all, i);
        int64_t t = when(o);

        if (t < since || t >= until)
            continue;
        if (k >= offset && k < offset + (size_t)page)
            json_array_append(list, o);
        k++;
    }
    if (k > offset + (size_t)page) {
        (void)snprintf(next, sizeof(next),
                       "d+%lu/=", offset + (unsigned long)page);
        json_object_set_new(root, "nextToken", json_string(next));
    }
    return send_json(c, s, "GET", url, 200, root);
}

enum MHD_Result
object_serve(struct MHD_Connection *c, struct standin *s, const char *url,
             const char *rest)
{
    static const struct {
        const char *prefix; /* of rest */
        const char *list;
        const char *id_field;
    } kinds[] = {
        {"/disputes/", "disputes", "disputeId"},
        {"/charges/", "charges", "chargeId"},
        {"/refunds/", "refunds", "refundId"},
    };
    json_t *files[3] = {s->disputes, s->charges, s->refunds};
    json_t *all;
    const char *id;
    size_t k;
    size_t i;

    for (k = 0; k < 3; k++)
        if (strncmp(rest, kinds[k].prefix, strlen(kinds[k].prefix)) == 0)
            break;
    if (k == 3)
        return send_error(c, s, "GET", url, 404, "ResourceNotFound",
                          "no such resource");
    if (s->deny_lookups)
        return send_error(c, s, "GET", url, 403, "UnauthorizedAccess",
                          "the key may not read this object");
    id = rest + strlen(kinds[k].prefix);
    all = json_object_get(files[k], kinds[k].list);
    for (i = 0; i < json_array_size(all); i++) {
        json_t *o = json_array_get(all, i);
        const char *v =
            json_string_value(json_object_get(o, kinds[k].id_field));

        if (v != NULL && strcmp(v, id) == 0)
            return send_json(c, s, "GET", url, 200, json_incref(o));
    }
    return send_error(c, s, "GET", url, 404, "ResourceNotFound",
                      "no such object");
}
