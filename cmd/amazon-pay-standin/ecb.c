/*
 * ecb.c: the stand-in's ECB Data Portal: GET /ecb/service/data/EXR/KEY
 * ?startPeriod=D1&endPeriod=D2&format=csvdata answers the quotes of
 * --rates FILE within [D1, D2] as the Data Portal's CSV
 * (detail=dataonly: KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,
 * TIME_PERIOD,OBS_VALUE), one row per observation, by currency then date.
 * A range without quotes is 404 {"detail":"No results found."}, as the
 * Data Portal answers now, or with --fx-empty-200 an empty 200, as it
 * answered in 2024. Faults: --fx-fail-503 N, --fx-stall N (the first N
 * requests answered only after --fx-stall-ms MS), --fx-unpublished-after
 * D (quotes after D are not published yet). The series key is not
 * interpreted: every currency of the file is served.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/problems.h"
#include "fx/fx_csv.h"
#include "standin.h"
#include "core/banned.h"

static int
keep_quote(void *ctx, const struct st_fx_quote *q, struct st_err *err)
{
    struct ecb *e = ctx;
    struct ecb_quote *nq;

    if (q->len >= sizeof(nq->text))
        return st_err_set(err, ST_ERR_DATA, "rate too long");
    nq = st_reallocarray(e->q, e->n + 1, sizeof(*nq));
    if (nq == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    e->q = nq;
    nq = &e->q[e->n++];
    nq->date = q->date;
    memcpy(nq->code, q->code, 4);
    memcpy(nq->text, q->text, q->len);
    nq->text[q->len] = '\0';
    return 0;
}

static int
by_code_date(const void *x, const void *y)
{
    const struct ecb_quote *a = x;
    const struct ecb_quote *b = y;
    int c = strcmp(a->code, b->code);

    if (c != 0)
        return c;
    return (a->date > b->date) - (a->date < b->date);
}

int
ecb_load(struct standin *s, const char *path)
{
    struct st_problems p;
    struct st_fx_csv *r = NULL;
    struct st_err err;
    int rc;

    st_problems_init(&p);
    if ((rc = st_fx_csv_new(path, keep_quote, &s->ecb, &p, &r, &err)) == 0)
        rc = st_fx_csv_read_file(r, path, &err);
    st_fx_csv_free(r);
    if (rc != 0 || p.total > 0) {
        char line[512];

        fprintf(stderr, "amazon-pay-standin: %s\n",
                rc != 0 ? err.msg
                        : st_problem_format(&p.kept[0], line, sizeof(line)));
        return -1;
    }
    qsort(s->ecb.q, s->ecb.n, sizeof(*s->ecb.q), by_code_date);
    return 0;
}

void
ecb_release(struct standin *s)
{
    st_free(s->ecb.q);
}

/* The body for [from, to]: the header and one row per quote. */
static size_t
ecb_body(const struct ecb *e, int32_t from, int32_t to, struct st_buf *b)
{
    size_t i;
    size_t rows = 0;

    st_buf_addstr(b, "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,"
                     "TIME_PERIOD,OBS_VALUE\r\n");
    for (i = 0; i < e->n; i++) {
        const struct ecb_quote *q = &e->q[i];
        char d[ST_DATE_LEN + 1];

        if (q->date < from || q->date > to || q->date > e->published_until)
            continue;
        st_date_format(q->date, d);
        st_buf_addf(b, "EXR.D.%s.EUR.SP00.A,D,%s,EUR,SP00,A,%s,%s\r\n", q->code,
                    q->code, d, q->text);
        rows++;
    }
    return rows;
}

/* Parses a period argument (YYYY-MM-DD); -1 when missing or bad. */
static int
period(const struct args *a, const char *name, int32_t *day)
{
    const char *v = arg(a, name);
    struct st_err err;

    return v != NULL && st_date_parse(v, strlen(v), day, &err) == 0 ? 0 : -1;
}

enum MHD_Result
ecb_serve(struct MHD_Connection *c, struct standin *s, const char *url,
          const struct args *a)
{
    static const char none[] = "{\"title\":\"Not Found\",\"status\":404,"
                               "\"detail\":\"No results found.\"}";
    const char *format = arg(a, "format");
    struct st_buf b;
    int32_t from;
    int32_t to;
    enum MHD_Result ret;

    if (take_fault(s, &s->ecb.stall)) {
        struct timespec ts = {s->ecb.stall_ms / 1000,
                              (s->ecb.stall_ms % 1000) * 1000000L};

        nanosleep(&ts, NULL);
    }
    if (take_fault(s, &s->ecb.fail_503))
        return send_text(c, s, "GET", url, 503, "text/plain",
                         "Service Unavailable", NULL);
    if (period(a, "startPeriod", &from) != 0 ||
        period(a, "endPeriod", &to) != 0)
        return send_text(c, s, "GET", url, 400, "text/plain",
                         "startPeriod and endPeriod (YYYY-MM-DD) wanted", NULL);
    if (format == NULL || strcmp(format, "csvdata") != 0)
        return send_text(c, s, "GET", url, 406, "text/plain",
                         "only format=csvdata is served", NULL);
    st_buf_init(&b, (size_t)64 * 1024 * 1024);
    if (ecb_body(&s->ecb, from, to, &b) == 0)
        ret = s->ecb.empty_200
                  ? send_text(c, s, "GET", url, 200, "text/csv", "", NULL)
                  : send_text(c, s, "GET", url, 404, "application/json", none,
                              NULL);
    else if (st_buf_error(&b) != 0)
        ret = MHD_NO;
    else
        ret = send_text(c, s, "GET", url, 200, "text/csv", b.data, NULL);
    st_buf_release(&b);
    return ret;
}
