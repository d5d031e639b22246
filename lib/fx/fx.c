/*
 * fx.c: the table of ECB reference rates: one sorted array of quotes per
 * currency, searched by bisection, filled by st_fx_add or from a file read
 * by lib/fx/fx_csv. EUR is never stored: its quote is 1 on every
 * day.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "fx/fx.h"
#include "fx/fx_csv.h"
#include "core/banned.h"

/* ---------------------------------------------------------- the table */

struct quote {
    int64_t value;
    int32_t date;
    int32_t scale;
    uint32_t seq;
};

struct series {
    char code[4];
    struct quote *q;
    size_t n;
    size_t cap;
};

struct st_fx {
    struct series *s;
    size_t n;
    size_t cap;
    uint32_t seq;
    size_t total;
};

int
st_fx_new(struct st_fx **out, struct st_err *err)
{
    *out = st_calloc(1, sizeof(**out));
    if (*out == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory for FX rates");
    return 0;
}

void
st_fx_free(struct st_fx *fx)
{
    size_t i;

    if (fx == NULL)
        return;
    for (i = 0; i < fx->n; i++)
        st_free(fx->s[i].q);
    st_free(fx->s);
    st_free(fx);
}

static long
series_index(const struct st_fx *fx, const char *code)
{
    size_t i;

    for (i = 0; i < fx->n; i++)
        if (memcmp(fx->s[i].code, code, 3) == 0)
            return (long)i;
    return -1;
}

static const struct series *
series_of(const struct st_fx *fx, const char *code)
{
    long i = series_index(fx, code);

    return i < 0 ? NULL : &fx->s[i];
}

int
st_fx_add(struct st_fx *fx, int32_t date, const char *code,
          const struct st_rate *per_eur, struct st_err *err)
{
    long at = series_index(fx, code);
    struct series *s = at < 0 ? NULL : &fx->s[at];

    if (memcmp(code, "EUR", 3) == 0)
        return 0; /* always 1 */
    if (s == NULL) {
        if (fx->n == fx->cap || fx->s == NULL) {
            size_t cap = fx->cap ? fx->cap * 2 : 16;
            struct series *ns = st_reallocarray(fx->s, cap, sizeof(*ns));

            if (ns == NULL)
                goto nomem;
            fx->s = ns;
            fx->cap = cap;
        }
        s = &fx->s[fx->n++];
        memset(s, 0, sizeof(*s));
        memcpy(s->code, code, 3);
    }
    if (s->n == s->cap || s->q == NULL) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        struct quote *nq = st_reallocarray(s->q, cap, sizeof(*nq));

        if (nq == NULL)
            goto nomem;
        s->q = nq;
        s->cap = cap;
    }
    s->q[s->n].value = per_eur->value;
    s->q[s->n].scale = per_eur->scale;
    s->q[s->n].date = date;
    s->q[s->n].seq = fx->seq++;
    s->n++;
    fx->total++;
    return 0;
nomem:
    return st_err_set(err, ST_ERR_NOMEM, "out of memory for FX rates");
}

static int
quote_cmp(const void *a, const void *b)
{
    const struct quote *x = a;
    const struct quote *y = b;

    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
st_fx_sort(struct st_fx *fx)
{
    size_t i;
    size_t j;
    size_t k;

    fx->total = 0;
    for (i = 0; i < fx->n; i++) {
        struct series *s = &fx->s[i];

        qsort(s->q, s->n, sizeof(*s->q), quote_cmp);
        /* Of equal dates, the quote added last wins. */
        for (j = 0, k = 0; j < s->n; j++) {
            if (k > 0 && s->q[k - 1].date == s->q[j].date)
                k--;
            s->q[k++] = s->q[j];
        }
        s->n = k;
        fx->total += k;
    }
}

size_t
st_fx_count(const struct st_fx *fx)
{
    return fx->total;
}

static int
add_quote(void *ctx, const struct st_fx_quote *q, struct st_err *err)
{
    return st_fx_add(ctx, q->date, q->code, &q->per_eur, err);
}

int
st_fx_load_file(struct st_fx *fx, const char *path,
                struct st_problems *problems, struct st_err *err)
{
    struct st_fx_csv *r = NULL;
    int rc;

    if ((rc = st_fx_csv_new(path, add_quote, fx, problems, &r, err)) == 0 &&
        (rc = st_fx_csv_read_file(r, path, err)) == 0)
        st_fx_sort(fx);
    st_fx_csv_free(r);
    return rc;
}

/* ---------------------------------------------------------- converting */

/* Index of the latest quote on or before day, or -1. */
static long
latest_le(const struct series *s, int32_t day)
{
    size_t lo = 0;
    size_t hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->q[mid].date <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

static void
to_rate(const struct quote *q, struct st_rate *r)
{
    r->value = q->value;
    r->scale = q->scale;
}

int
st_fx_lookup(const struct st_fx *fx, const char *from, const char *to,
             int32_t on, int max_age_days, struct st_fx_rate *out,
             struct st_err *err)
{
    static const struct st_rate one = {1, 0};
    const struct series *a = NULL; /* from */
    const struct series *b = NULL; /* to */
    long i = -1;
    long j = -1;
    int32_t date = on;
    char d1[ST_DATE_LEN + 1];
    char d2[ST_DATE_LEN + 1];
    int n;

    memset(out, 0, sizeof(*out));
    out->num = one;
    out->den = one;
    if (memcmp(from, to, 3) == 0) {
        out->date = on;
        memcpy(out->text, "1", 2);
        return 0;
    }
    st_date_format(on, d1);
    if (memcmp(from, "EUR", 3) != 0 &&
        ((a = series_of(fx, from)) == NULL || (i = latest_le(a, on)) < 0))
        return st_err_set(err, ST_ERR_DATA,
                          "no ECB rate for %.3s on or before %s", from, d1);
    if (memcmp(to, "EUR", 3) != 0 &&
        ((b = series_of(fx, to)) == NULL || (j = latest_le(b, on)) < 0))
        return st_err_set(err, ST_ERR_DATA,
                          "no ECB rate for %.3s on or before %s", to, d1);
    /* Cross rate: walk back to the latest day quoting both. */
    while (a != NULL && b != NULL && i >= 0 && j >= 0 &&
           a->q[i].date != b->q[j].date) {
        if (a->q[i].date > b->q[j].date)
            i = latest_le(a, b->q[j].date);
        else
            j = latest_le(b, a->q[i].date);
    }
    if (i < 0 && a != NULL && b != NULL)
        return st_err_set(err, ST_ERR_DATA,
                          "no day on or before %s quotes both %.3s and %.3s",
                          d1, from, to);
    if (j < 0 && a != NULL && b != NULL)
        return st_err_set(err, ST_ERR_DATA,
                          "no day on or before %s quotes both %.3s and %.3s",
                          d1, from, to);
    if (a != NULL) {
        to_rate(&a->q[i], &out->den);
        date = a->q[i].date;
    }
    if (b != NULL) {
        to_rate(&b->q[j], &out->num);
        date = b->q[j].date;
    }
    if ((int64_t)on - date > max_age_days) {
        st_date_format(date, d2);
        return st_err_set(err, ST_ERR_DATA,
                          "the latest ECB rate for %.3s/%.3s on or before "
                          "%s is from %s, older than %d days",
                          from, to, d1, d2, max_age_days);
    }
    out->date = date;
    n = st_rate_format_ratio(&out->num, &out->den, 10, out->text,
                             sizeof(out->text));
    if (n < 0)
        return st_err_set(err, n, "cannot format the %.3s/%.3s rate", from, to);
    return 0;
}

int
st_fx_apply(const struct st_fx_rate *rate, const struct st_currency *from,
            const struct st_currency *to, int64_t amount, int64_t *out,
            struct st_err *err)
{
    return st_money_convert(amount, from->exponent, to->exponent, &rate->num,
                            &rate->den, out, err);
}
