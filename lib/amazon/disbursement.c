/*
 * disbursement.c: a page of Get Disbursements asked and read
 * (amazon/disbursement.h).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "amazon/disbursement.h"
#include "core/alloc.h"
#include "core/currency.h"
#include "core/money.h"
#include "core/banned.h"

void
st_disbursements_release(struct st_disbursements *list)
{
    if (list == NULL)
        return;
    st_free(list->items);
    memset(list, 0, sizeof(*list));
}

/* Member key of o as a non-empty string that fits size, into dst. */
static int
field(json_t *o, const char *key, char *dst, size_t size, const char *name,
      size_t i, struct st_err *err)
{
    const char *s = json_string_value(json_object_get(o, key));

    if (s == NULL || s[0] == '\0' || strlen(s) >= size)
        return st_err_set(err, ST_ERR_DATA, "%s: disbursement %zu: '%s' is %s",
                          name, i + 1, key,
                          s == NULL      ? "missing"
                          : s[0] == '\0' ? "empty"
                                         : "too long");
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

/* transactionTime, with or without a fraction, into d->time_epoch. */
static int
read_time(struct st_disbursement *d, const char *name, size_t i,
          struct st_err *err)
{
    if (st_api_instant(d->time, &d->time_epoch) == 0)
        return 0;
    return st_err_set(err, ST_ERR_DATA,
                      "%s: disbursement %zu: transactionTime '%.40s' is not "
                      "an ISO 8601 instant",
                      name, i + 1, d->time);
}

/* Entry i of the page's list into d. */
static int
read_entry(json_t *o, struct st_disbursement *d, const char *name, size_t i,
           struct st_err *err)
{
    const struct st_currency *c;
    char amount[64];
    int rc;

    memset(d, 0, sizeof(*d));
    if (!json_is_object(o))
        return st_err_set(err, ST_ERR_DATA,
                          "%s: disbursement %zu is not an object", name, i + 1);
    if ((rc = field(o, "settlementId", d->settlement_id,
                    sizeof(d->settlement_id), name, i, err)) != 0 ||
        (rc = field(o, "amazonDisbursementReferenceId", d->reference,
                    sizeof(d->reference), name, i, err)) != 0 ||
        (rc = field(o, "currencyCode", d->currency, sizeof(d->currency), name,
                    i, err)) != 0 ||
        (rc = field(o, "amount", amount, sizeof(amount), name, i, err)) != 0 ||
        (rc = field(o, "transactionTime", d->time, sizeof(d->time), name, i,
                    err)) != 0 ||
        (rc = read_time(d, name, i, err)) != 0)
        return rc;
    if ((c = st_currency_find(d->currency, strlen(d->currency))) == NULL)
        return st_err_set(err, ST_ERR_DATA,
                          "%s: disbursement %zu: unknown currency '%s'", name,
                          i + 1, d->currency);
    d->exponent = c->exponent;
    if ((rc = st_money_parse(amount, strlen(amount), c->exponent, 0, &d->amount,
                             err)) != 0)
        st_err_prefix(err, "%s: disbursement %zu: amount", name, i + 1);
    return rc;
}

static int
append(struct st_disbursements *list, const struct st_disbursement *d,
       struct st_err *err)
{
    if (list->n == list->cap) {
        size_t cap = list->cap == 0 ? 8 : list->cap * 2;
        struct st_disbursement *p =
            st_reallocarray(list->items, cap, sizeof(*p));

        if (p == NULL)
            return st_err_set(err, ST_ERR_NOMEM, "cannot hold disbursements");
        list->items = p;
        list->cap = cap;
    }
    list->items[list->n++] = *d;
    return 0;
}

int
st_disbursements_parse(const char *page, size_t len, const char *name,
                       struct st_disbursements *list, char *token,
                       size_t token_size, struct st_err *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(page, len, 0, &jerr);
    json_t *items;
    struct st_disbursement d;
    const char *next;
    size_t i;
    int rc = 0;

    token[0] = '\0';
    if (root == NULL || !json_is_object(root)) {
        rc =
            st_err_set(err, ST_ERR_DATA, "%s: not a JSON object%s%s", name,
                       root == NULL ? ": " : "", root == NULL ? jerr.text : "");
        goto out;
    }
    items = json_object_get(root, "disbursements");
    if (items != NULL && !json_is_array(items)) {
        rc = st_err_set(err, ST_ERR_DATA, "%s: 'disbursements' is not a list",
                        name);
        goto out;
    }
    for (i = 0; rc == 0 && i < json_array_size(items); i++)
        if ((rc = read_entry(json_array_get(items, i), &d, name, i, err)) == 0)
            rc = append(list, &d, err);
    next = json_string_value(json_object_get(root, "nextToken"));
    if (rc == 0 && next != NULL) {
        if (strlen(next) >= token_size)
            rc = st_err_set(err, ST_ERR_DATA, "%s: nextToken too long", name);
        else
            memcpy(token, next, strlen(next) + 1);
    }
out:
    json_decref(root);
    return rc;
}

int
st_api_disbursements_page(struct st_api *api, int64_t since, int64_t until,
                          int page_size, const char *token, struct st_buf *body,
                          struct st_err *err)
{
    char s[ST_SIGN_DATE_LEN + 1];
    char u[ST_SIGN_DATE_LEN + 1];
    char ps[ST_API_PAGE_SIZE_LEN];
    struct st_sign_pair q[4];
    size_t n = 3;

    st_sign_format_date(since, s);
    st_sign_format_date(until, u);
    st_api_page_size(page_size, ps);
    q[0].name = "startTime";
    q[0].value = s;
    q[1].name = "endTime";
    q[1].value = u;
    q[2].name = "pageSize";
    q[2].value = ps;
    if (token != NULL && token[0] != '\0') {
        q[3].name = "nextToken";
        q[3].value = token;
        n = 4;
    }
    return st_api_get(api, "/v2/disbursements", q, n, body, err);
}
