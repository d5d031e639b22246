/*
 * test_http.c: lib/io/http against a scripted loopback server (a forked
 * child answering each connection with the next canned response,
 * tests/loopback.c), with
 * the clock, the sleep and the jitter injected: nothing really sleeps.
 * Covers the retry rules, Retry-After, the error mapping, a fresh
 * signature per attempt, body limits and the loopback-only http:// rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "core/alloc.h"
#include "io/http.h"
#include "loopback.h"
#include "core/banned.h"

#define MAX_SCRIPT 8

static int
fake_sign(void *ctx, int64_t now, struct st_buf *headers, struct st_err *err)
{
    struct fake_world *w = ctx;

    (void)err;
    if (w->signs < 16)
        w->signed_at[w->signs] = now;
    w->signs++;
    st_buf_addf(headers, "x-test-attempt: %d\nx-test-now: %lld\n", w->signs,
                (long long)now);
    return 0;
}

/* The int members last, so that the struct has no padding. */
struct case_ {
    const char *name;
    const char *script[MAX_SCRIPT];
    int64_t max_attempts;
    size_t max_body;
    long want_status;
    int64_t want_sleeps[4];
    const char *want_body;
    const char *want_reason;
    const char *want_message; /* Amazon's message, on one line */
    const char *want_msg;     /* substring of err.msg */
    int nscript;
    int want_rc;
    int want_attempts;
    int want_nsleeps;
};

#define OK200 "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
#define S503  "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
#define S500  "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"
#define S429(ra)                                         \
    "HTTP/1.1 429 Too Many Requests\r\nRetry-After: " ra \
    "\r\nContent-Length: 0\r\n\r\n"
#define S401                                                               \
    "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"      \
    "Content-Length: 82\r\n\r\n"                                           \
    "{\"reasonCode\":\"InvalidRequestSignature\",\"message\":\"Unable to " \
    "verify signature\\nx\"}"
#define S404 "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
#define CUT  "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"

static const struct case_ cases[] = {
    {.name = "200 at once",
     .script = {OK200},
     .nscript = 1,
     .max_attempts = 5,
     .want_rc = 0,
     .want_status = 200,
     .want_attempts = 1,
     .want_body = "hello"},
    {.name = "503 twice, then 200: backoff 50, 100 (base 100, rnd 0)",
     .script = {S503, S503, OK200},
     .nscript = 3,
     .max_attempts = 5,
     .want_rc = 0,
     .want_status = 200,
     .want_attempts = 3,
     .want_sleeps = {50, 100},
     .want_nsleeps = 2,
     .want_body = "hello"},
    {.name = "429 with Retry-After 7: waits 7 s",
     .script = {S429("7"), OK200},
     .nscript = 2,
     .max_attempts = 5,
     .want_rc = 0,
     .want_status = 200,
     .want_attempts = 2,
     .want_sleeps = {7000},
     .want_nsleeps = 1},
    {.name = "429 with Retry-After 3600: capped at 20 s",
     .script = {S429("3600"), OK200},
     .nscript = 2,
     .max_attempts = 5,
     .want_rc = 0,
     .want_status = 200,
     .want_attempts = 2,
     .want_sleeps = {20000},
     .want_nsleeps = 1},
    {.name = "429 past the attempts: TEMPFAIL",
     .script = {S429("0"), S429("0"), S429("0")},
     .nscript = 3,
     .max_attempts = 3,
     .want_rc = ST_ERR_TEMPFAIL,
     .want_status = 429,
     .want_attempts = 3,
     .want_nsleeps = 2,
     .want_msg = "gave up after 3 attempts"},
    {.name = "500 past the attempts: UNAVAILABLE",
     .script = {S500, S500},
     .nscript = 2,
     .max_attempts = 2,
     .want_rc = ST_ERR_UNAVAILABLE,
     .want_status = 500,
     .want_attempts = 2,
     .want_nsleeps = 1,
     .want_msg = "HTTP 500"},
    {.name = "401 InvalidRequestSignature: PERM, not retried",
     .script = {S401},
     .nscript = 1,
     .max_attempts = 5,
     .want_rc = ST_ERR_PERM,
     .want_status = 401,
     .want_attempts = 1,
     .want_reason = "InvalidRequestSignature",
     .want_message = "Unable to verify signature\\nx",
     .want_msg = "HTTP 401 InvalidRequestSignature"},
    {.name = "404: HTTP error, not retried",
     .script = {S404},
     .nscript = 1,
     .max_attempts = 5,
     .want_rc = ST_ERR_HTTP,
     .want_status = 404,
     .want_attempts = 1},
    {.name = "body cut short, then whole",
     .script = {CUT, OK200},
     .nscript = 2,
     .max_attempts = 5,
     .want_rc = 0,
     .want_status = 200,
     .want_attempts = 2,
     .want_nsleeps = 1,
     .want_body = "hello"},
    {.name = "body over max_body: TOOLONG",
     .script = {OK200},
     .nscript = 1,
     .max_attempts = 5,
     .max_body = 3,
     .want_rc = ST_ERR_TOOLONG,
     .want_attempts = 1,
     .want_msg = "response too large"},
};

static void
test_cases(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct case_ *c = &cases[i];
        struct loopback srv;
        struct fake_world w;
        struct st_http_opts opts;
        struct st_http_env env;
        struct st_http_request req;
        struct st_http_response resp;
        struct st_err err;
        char url[64];
        const char *log;
        int rc;
        int k;

        memset(&w, 0, sizeof(w));
        w.now = 1700000000;
        loopback_listen(&srv, "test_http");
        loopback_start(&srv, c->script, NULL, c->nscript);
        st_http_opts_init(&opts);
        opts.max_attempts = c->max_attempts;
        opts.backoff_base_ms = 100;
        opts.backoff_max_ms = 1000;
        opts.retry_after_max_ms = 20000;
        opts.timeout_s = 5;
        env.now = fake_now;
        env.sleep_ms = fake_sleep;
        env.random = fake_random;
        env.ctx = &w;
        assert_true(snprintf(url, sizeof(url), "http://127.0.0.1:%d/x?y=1",
                             srv.port) < (int)sizeof(url));
        memset(&req, 0, sizeof(req));
        req.method = "GET";
        req.url = url;
        req.sign = fake_sign;
        req.sign_ctx = &w;
        st_http_response_init(&resp, c->max_body ? c->max_body : 1 << 20);
        st_err_clear(&err);
        rc = st_http_do(&opts, &env, &req, &resp, NULL, &err);
        log = loopback_stop(&srv);
        if (rc != c->want_rc)
            fail_msg("%s: rc %d, want %d (%s)", c->name, rc, c->want_rc,
                     err.msg);
        assert_int_equal(resp.status, c->want_status);
        assert_int_equal(resp.attempts, c->want_attempts);
        /* a fresh signature per attempt, each with its own time */
        assert_int_equal(w.signs, c->want_attempts);
        for (k = 1; k < w.signs && k < 16; k++)
            assert_true(w.signed_at[k] > w.signed_at[k - 1]);
        for (k = 1; k <= c->want_attempts; k++) {
            char h[32];

            assert_true(snprintf(h, sizeof(h), "x-test-attempt: %d", k) <
                        (int)sizeof(h));
            if (strstr(log, h) == NULL)
                fail_msg("%s: attempt %d not seen by the server", c->name, k);
        }
        if (c->want_nsleeps > 0 || c->want_attempts > 1)
            assert_int_equal(w.nslept, c->want_attempts - 1);
        for (k = 0; k < 4 && c->want_sleeps[k] != 0; k++)
            assert_int_equal(w.slept[k], c->want_sleeps[k]);
        if (c->want_body != NULL)
            assert_string_equal(resp.body.data, c->want_body);
        if (c->want_reason != NULL)
            assert_string_equal(resp.reason_code, c->want_reason);
        if (c->want_message != NULL) {
            assert_string_equal(resp.message, c->want_message);
            assert_string_equal(err.detail, c->want_message);
        }
        if (c->want_msg != NULL && strstr(err.msg, c->want_msg) == NULL)
            fail_msg("%s: message '%s' lacks '%s'", c->name, err.msg,
                     c->want_msg);
        /* the query string never appears in messages */
        assert_null(strstr(err.msg, "y=1"));
        st_http_response_release(&resp);
    }
}

static void
test_no_server(void **state)
{
    struct fake_world w;
    struct st_http_opts opts;
    struct st_http_env env;
    struct st_http_request req;
    struct st_http_response resp;
    struct st_err err;

    (void)state;
    memset(&w, 0, sizeof(w));
    st_http_opts_init(&opts);
    opts.max_attempts = 3;
    opts.timeout_s = 5;
    env.now = fake_now;
    env.sleep_ms = fake_sleep;
    env.random = fake_random;
    env.ctx = &w;
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.url = "http://127.0.0.1:9/nothing";
    st_http_response_init(&resp, 1024);
    assert_int_equal(st_http_do(&opts, &env, &req, &resp, NULL, &err),
                     ST_ERR_UNAVAILABLE);
    assert_int_equal(resp.attempts, 3);
    assert_int_equal(w.nslept, 2);
    assert_int_equal(resp.status, 0);
    st_http_response_release(&resp);
}

struct url_case {
    const char *url;
    int want;
};

static const struct url_case url_cases[] = {
    {"https://pay-api.amazon.com/live", 0},
    {"https://pay-api.amazon.eu", 0},
    {"http://127.0.0.1:8080/live", 0},
    {"http://127.1.2.3/", 0},
    {"http://localhost:9/x", 0},
    {"http://[::1]:8080/live", 0},
    {"http://pay-api.amazon.com/live", ST_ERR_CONFIG},
    {"http://128.0.0.1/", ST_ERR_CONFIG},
    {"http://10.0.0.1/", ST_ERR_CONFIG},
    {"http://127.0.0.1.example.com/", ST_ERR_CONFIG},
    {"http://[::2]/", ST_ERR_CONFIG},
    {"ftp://127.0.0.1/", ST_ERR_CONFIG},
    {"file:///etc/passwd", ST_ERR_CONFIG},
    {"not a url", ST_ERR_CONFIG},
};

static void
test_check_url(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
        struct st_err err;
        int rc = st_http_check_url(url_cases[i].url, &err);

        if (rc != url_cases[i].want)
            fail_msg("%s: rc %d, want %d", url_cases[i].url, rc,
                     url_cases[i].want);
    }
}

struct backoff_case {
    int retry;
    uint32_t rnd;
    int64_t retry_after;
    int64_t want;
};

/* base 1000, max 8000, Retry-After cap 30000; rnd 0 unless given */
static const struct backoff_case backoff_cases[] = {
    {.retry = 1, .retry_after = -1, .want = 500}, /* [500, 1000] */
    /* the top of the range, then one past it: wraps within the range */
    {.retry = 1, .retry_after = -1, .rnd = 500, .want = 1000},
    {.retry = 1, .retry_after = -1, .rnd = 501, .want = 500},
    {.retry = 2, .retry_after = -1, .want = 1000},  /* 2000 -> [1000, 2000] */
    {.retry = 3, .retry_after = -1, .want = 2000},  /* 4000 */
    {.retry = 4, .retry_after = -1, .want = 4000},  /* 8000 */
    {.retry = 5, .retry_after = -1, .want = 4000},  /* capped at 8000 */
    {.retry = 30, .retry_after = -1, .want = 4000}, /* no overflow */
    /* Retry-After longer than the backoff, shorter, capped, 0 */
    {.retry = 1, .retry_after = 5000, .want = 5000},
    {.retry = 4, .retry_after = 100, .want = 4000},
    {.retry = 1, .retry_after = 100000, .want = 30000},
    {.retry = 1, .retry_after = 0, .want = 500},
};

static void
test_backoff(void **state)
{
    struct st_http_opts opts;
    size_t i;

    (void)state;
    st_http_opts_init(&opts);
    opts.backoff_base_ms = 1000;
    opts.backoff_max_ms = 8000;
    opts.retry_after_max_ms = 30000;
    for (i = 0; i < sizeof(backoff_cases) / sizeof(backoff_cases[0]); i++) {
        const struct backoff_case *c = &backoff_cases[i];
        int64_t got =
            st_http_backoff_ms(&opts, c->retry, c->retry_after, c->rnd);

        if (got != c->want)
            fail_msg("case %zu: %lld, want %lld", i, (long long)got,
                     (long long)c->want);
    }
}

/* Fails each of lib/io/http's allocations in turn: NOMEM, no leak, then 0. */
static void
test_alloc_failures(void **state)
{
    static const char *const script[] = {
        OK200, OK200, OK200, OK200, OK200, OK200, OK200, OK200, OK200, OK200,
        OK200, OK200, OK200, OK200, OK200, OK200, OK200, OK200, OK200, OK200};
    struct loopback srv;
    struct fake_world w;
    struct st_http_opts opts;
    struct st_http_env env;
    struct st_http_request req;
    char url[64];
    long nth;
    int rc = ST_ERR_NOMEM;

    (void)state;
    memset(&w, 0, sizeof(w));
    loopback_listen(&srv, "test_http");
    loopback_start(&srv, script, NULL, 20);
    st_http_opts_init(&opts);
    opts.max_attempts = 1;
    opts.timeout_s = 5;
    env.now = fake_now;
    env.sleep_ms = fake_sleep;
    env.random = fake_random;
    env.ctx = &w;
    assert_true(snprintf(url, sizeof(url), "http://127.0.0.1:%d/", srv.port) <
                (int)sizeof(url));
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.url = url;
    req.sign = fake_sign;
    req.sign_ctx = &w;
    for (nth = 1; nth < 20 && rc != 0; nth++) {
        struct st_http_response resp;
        struct st_err err;

        st_http_response_init(&resp, 1024);
        st_alloc_fail_at(nth);
        rc = st_http_do(&opts, &env, &req, &resp, NULL, &err);
        st_alloc_fail_at(0);
        if (rc != 0 && rc != ST_ERR_NOMEM)
            fail_msg("allocation %ld: rc %d (%s)", nth, rc, err.msg);
        st_http_response_release(&resp);
    }
    (void)loopback_stop(&srv);
    assert_int_equal(rc, 0);
    assert_true(nth > 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),          cmocka_unit_test(test_no_server),
        cmocka_unit_test(test_check_url),      cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_alloc_failures),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
