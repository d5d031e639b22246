/*
 * test_api.c: lib/amazon/api without the stand-in (the stage is tested end to
 * end against it in tests/integration/fetch_*.sh): the base URL by region,
 * environment and key id, how a base URL splits into host and path prefix,
 * gunzipping a report document, and st_api_download against a scripted
 * loopback server (a forked child answering each connection with the next
 * canned response, tests/loopback.c) with the clock, the sleep and the
 * jitter injected: Get Report Document answering 202 ("not ready") is
 * asked again with backoff, GZIP documents arrive as their CSV bytes and
 * an unknown compressionAlgorithm is refused.
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
#include <zlib.h>

#include "amazon/api.h"
#include "loopback.h"
#include "core/banned.h"

#define PRIV_KEY   "testdata/keys/test-only-private.pem"
#define DOC_ID     "amzn1.tortuga.0.50001000002"
#define MAX_SCRIPT 8

/* What a report document holds once gunzipped (several lines, so that
 * gzip has something to compress). */
static const char report_csv[] =
    "\"SettlementId\",\"7000000002\"\n"
    "\"TransactionType\",\"Capture\",\"1.00\",\"EUR\"\n"
    "\"TransactionType\",\"Capture\",\"2.00\",\"EUR\"\n"
    "\"TransactionType\",\"Refund\",\"-1.00\",\"EUR\"\n";

struct base_case {
    const char *region;
    const char *environment;
    const char *key_id;
    const char *api_base_url;
    const char *want;
};

static const struct base_case base_cases[] = {
    {"na", "live", "AXXX", NULL, "https://pay-api.amazon.com/live"},
    {"eu", "live", "AXXX", NULL, "https://pay-api.amazon.eu/live"},
    {"jp", "sandbox", "AXXX", NULL, "https://pay-api.amazon.jp/sandbox"},
    {"na", "sandbox", NULL, NULL, "https://pay-api.amazon.com/sandbox"},
    /* environment-specific key ids carry the environment themselves */
    {"eu", "live", "LIVE-AXXX", NULL, "https://pay-api.amazon.eu"},
    {"na", "live", "SANDBOX-AXXX", NULL, "https://pay-api.amazon.com"},
    /* api_base_url wins, without its trailing slashes */
    {"na", "live", "AXXX", "http://127.0.0.1:8080/live/",
     "http://127.0.0.1:8080/live"},
    {"na", "live", "AXXX", "", "https://pay-api.amazon.com/live"},
};

static void
test_base_url(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(base_cases) / sizeof(base_cases[0]); i++) {
        const struct base_case *c = &base_cases[i];
        struct st_config cfg;
        struct st_buf b;
        struct st_err err;

        memset(&cfg, 0, sizeof(cfg));
        cfg.region = (char *)(uintptr_t)c->region;
        cfg.environment = (char *)(uintptr_t)c->environment;
        cfg.public_key_id = (char *)(uintptr_t)c->key_id;
        cfg.api_base_url = (char *)(uintptr_t)c->api_base_url;
        st_buf_init(&b, 1024);
        assert_int_equal(st_api_base_url(&cfg, &b, &err), 0);
        assert_string_equal(b.data, c->want);
        st_buf_release(&b);
    }
}

struct init_case {
    const char *url;
    int want_rc;
    const char *host;
    const char *prefix;
};

static const struct init_case init_cases[] = {
    {"https://pay-api.amazon.com/live", 0, "pay-api.amazon.com", "/live"},
    {"https://pay-api.amazon.eu", 0, "pay-api.amazon.eu", ""},
    {"http://127.0.0.1:5555/live/", 0, "127.0.0.1:5555", "/live"},
    {"http://localhost:1/a/b", 0, "localhost:1", "/a/b"},
    {"http://pay-api.amazon.com/live", ST_ERR_CONFIG, NULL, NULL},
    {"https://pay-api.amazon.com/live?x=1", ST_ERR_CONFIG, NULL, NULL},
    {"https://user:pw@pay-api.amazon.com/live", ST_ERR_CONFIG, NULL, NULL},
};

static void
test_init(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(init_cases) / sizeof(init_cases[0]); i++) {
        const struct init_case *c = &init_cases[i];
        struct st_api api;
        struct st_err err;
        int rc = st_api_init(&api, c->url, "na", "K", NULL, ST_SIGN_PSS_V2,
                             NULL, NULL, NULL, &err);

        if (rc != c->want_rc)
            fail_msg("%s: rc %d, want %d", c->url, rc, c->want_rc);
        if (rc == 0) {
            assert_string_equal(api.host, c->host);
            assert_string_equal(api.prefix, c->prefix);
        }
    }
}

/* Appends text to out as one gzip member (zlib, 16 + MAX_WBITS). */
static void
gzip_member(const char *text, size_t len, struct st_buf *out)
{
    z_stream zs;
    unsigned char tmp[4096];

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED,
                                  16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)text;
    zs.avail_in = (uInt)len;
    zs.next_out = tmp;
    zs.avail_out = (uInt)sizeof(tmp);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    st_buf_add(out, tmp, sizeof(tmp) - zs.avail_out);
    assert_int_equal(deflateEnd(&zs), Z_OK);
    assert_int_equal(st_buf_error(out), 0);
}

enum gz_shape {
    GZ_ONE,       /* text as one member */
    GZ_TWO,       /* text split in two members back to back */
    GZ_EMPTY,     /* a member of nothing */
    GZ_NO_TAIL,   /* one member without its 8-byte trailer's last 4 */
    GZ_HALF,      /* the first half of one member */
    GZ_BAD_CRC,   /* one member, a CRC byte flipped */
    GZ_GARBAGE,   /* one member, then bytes that are no member */
    GZ_NOT_GZIP,  /* the text itself */
    GZ_NO_INPUT,  /* zero bytes */
    GZ_HEAD_ONLY, /* one member, then the first 5 bytes of another */
};

struct gz_case {
    const char *name;
    size_t max;           /* of the output buffer; 0 for 1 MiB */
    const char *want_out; /* after "pre|"; NULL: want_rc != 0 */
    const char *want_msg; /* substring of err.msg */
    enum gz_shape shape;
    int want_rc;
};

static const struct gz_case gz_cases[] = {
    {.name = "one member", .shape = GZ_ONE, .want_out = report_csv},
    {.name = "two members back to back",
     .shape = GZ_TWO,
     .want_out = report_csv},
    {.name = "a member of nothing", .shape = GZ_EMPTY, .want_out = ""},
    {.name = "trailer cut short",
     .shape = GZ_NO_TAIL,
     .want_rc = ST_ERR_DATA,
     .want_msg = "cut short"},
    {.name = "stream cut in half",
     .shape = GZ_HALF,
     .want_rc = ST_ERR_DATA,
     .want_msg = "cut short"},
    {.name = "second member cut in its header",
     .shape = GZ_HEAD_ONLY,
     .want_rc = ST_ERR_DATA,
     .want_msg = "cut short"},
    {.name = "CRC mismatch",
     .shape = GZ_BAD_CRC,
     .want_rc = ST_ERR_DATA,
     .want_msg = "corrupt gzip stream"},
    {.name = "garbage after the member",
     .shape = GZ_GARBAGE,
     .want_rc = ST_ERR_DATA,
     .want_msg = "corrupt gzip stream"},
    {.name = "not gzip at all",
     .shape = GZ_NOT_GZIP,
     .want_rc = ST_ERR_DATA,
     .want_msg = "corrupt gzip stream"},
    {.name = "no input",
     .shape = GZ_NO_INPUT,
     .want_rc = ST_ERR_DATA,
     .want_msg = "empty gzip stream"},
    {.name = "more than the cap once gunzipped",
     .shape = GZ_ONE,
     .max = 40,
     .want_rc = ST_ERR_TOOLONG,
     .want_msg = "bytes once gunzipped"},
};

static void
build_gz(enum gz_shape shape, struct st_buf *in)
{
    size_t n = strlen(report_csv);

    switch (shape) {
    case GZ_ONE:
    case GZ_NO_TAIL:
    case GZ_HALF:
    case GZ_BAD_CRC:
    case GZ_GARBAGE:
    case GZ_HEAD_ONLY:
        gzip_member(report_csv, n, in);
        break;
    case GZ_TWO:
        gzip_member(report_csv, n / 2, in);
        gzip_member(report_csv + n / 2, n - n / 2, in);
        break;
    case GZ_EMPTY:
        gzip_member("", 0, in);
        break;
    case GZ_NOT_GZIP:
        st_buf_addstr(in, report_csv);
        break;
    case GZ_NO_INPUT:
        break;
    }
    if (shape == GZ_NO_TAIL)
        st_buf_truncate(in, in->len - 4);
    else if (shape == GZ_HALF)
        st_buf_truncate(in, in->len / 2);
    else if (shape == GZ_BAD_CRC)
        in->data[in->len - 8] ^= 0x01; /* first byte of the CRC-32 */
    else if (shape == GZ_GARBAGE)
        st_buf_addstr(in, "\n\n");
    else if (shape == GZ_HEAD_ONLY)
        st_buf_add(in, in->data, 5);
}

static void
test_gunzip(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(gz_cases) / sizeof(gz_cases[0]); i++) {
        const struct gz_case *c = &gz_cases[i];
        struct st_buf in;
        struct st_buf out;
        struct st_err err;
        int rc;

        st_buf_init(&in, 1 << 20);
        st_buf_init(&out, c->max != 0 ? c->max : 1 << 20);
        build_gz(c->shape, &in);
        st_buf_addstr(&out, "pre|");
        st_err_clear(&err);
        rc = st_api_gunzip(DOC_ID, in.data, in.len, &out, &err);
        if (rc != c->want_rc)
            fail_msg("%s: rc %d, want %d (%s)", c->name, rc, c->want_rc,
                     err.msg);
        if (rc == 0) {
            assert_int_equal(out.len, 4 + strlen(c->want_out));
            assert_memory_equal(out.data + 4, c->want_out, out.len - 4);
        } else {
            /* out untouched, error names the document */
            assert_string_equal(out.data, "pre|");
            assert_int_equal(st_buf_error(&out), 0);
            if (strstr(err.msg, c->want_msg) == NULL ||
                strstr(err.msg, DOC_ID) == NULL)
                fail_msg("%s: message '%s' lacks '%s' or the id", c->name,
                         err.msg, c->want_msg);
        }
        st_buf_release(&in);
        st_buf_release(&out);
    }
}

/* One canned answer per connection. */
enum step {
    ST_202,      /* Get Report Document: not ready */
    ST_429,      /* throttled, Retry-After: 0 */
    ST_DOC_NA,   /* Get Report Document, compressionAlgorithm "N/A" */
    ST_DOC_GZIP, /* ... "GZIP" */
    ST_DOC_ZIP,  /* ... "ZIP": unsupported */
    ST_DOC_NONE, /* ... no compressionAlgorithm */
    ST_CSV,      /* the download: the report itself */
    ST_GZ,       /* the download: the report gzipped */
    ST_GZ_CUT,   /* the download: the gzip stream cut short */
};

static void
answer(struct st_buf *b, const char *status, const char *type, const void *body,
       size_t n)
{
    st_buf_addf(b,
                "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                "Connection: close\r\n\r\n",
                status, type, n);
    st_buf_add(b, body, n);
}

static void
document(struct st_buf *b, int port, const char *comp)
{
    char json[512];
    int n;

    if (comp != NULL)
        n = snprintf(json, sizeof(json),
                     "{\"reportDocumentId\":\"%s\",\"url\":\"http://127.0.0.1:"
                     "%d/download/2?X-Expires=1\",\"compressionAlgorithm\":"
                     "\"%s\"}",
                     DOC_ID, port, comp);
    else
        n = snprintf(json, sizeof(json),
                     "{\"reportDocumentId\":\"%s\",\"url\":\"http://127.0.0.1:"
                     "%d/download/2?X-Expires=1\"}",
                     DOC_ID, port);
    assert_true(n > 0 && (size_t)n < sizeof(json));
    answer(b, "200 OK", "application/json", json, (size_t)n);
}

static void
build_step(enum step st, int port, struct st_buf *b)
{
    struct st_buf gz;

    st_buf_init(&gz, 1 << 20);
    switch (st) {
    case ST_202:
        answer(b, "202 Accepted", "application/json", "{}", 2);
        break;
    case ST_429:
        st_buf_addstr(b, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\n"
                         "Content-Length: 0\r\nConnection: close\r\n\r\n");
        break;
    case ST_DOC_NA:
        document(b, port, "N/A");
        break;
    case ST_DOC_GZIP:
        document(b, port, "GZIP");
        break;
    case ST_DOC_ZIP:
        document(b, port, "ZIP");
        break;
    case ST_DOC_NONE:
        document(b, port, NULL);
        break;
    case ST_CSV:
        answer(b, "200 OK", "text/csv", report_csv, strlen(report_csv));
        break;
    case ST_GZ:
    case ST_GZ_CUT:
        gzip_member(report_csv, strlen(report_csv), &gz);
        answer(b, "200 OK", "application/gzip", gz.data,
               st == ST_GZ ? gz.len : gz.len - 3);
        break;
    }
    st_buf_release(&gz);
    assert_int_equal(st_buf_error(b), 0);
}

struct dl_case {
    const char *name;
    const char *want_msg; /* substring of err.msg */
    int64_t max_attempts;
    int64_t want_sleeps[4]; /* in order; the rest 0 */
    enum step script[MAX_SCRIPT];
    int nscript;
    int want_rc;
    int want_report;       /* data holds report_csv */
    int want_doc_requests; /* Get Report Document requests seen */
    int want_nsleeps;
};

static const struct dl_case dl_cases[] = {
    {.name = "N/A: the body is the report",
     .script = {ST_DOC_NA, ST_CSV},
     .nscript = 2,
     .max_attempts = 5,
     .want_report = 1,
     .want_doc_requests = 1},
    {.name = "no compressionAlgorithm: the body is the report",
     .script = {ST_DOC_NONE, ST_CSV},
     .nscript = 2,
     .max_attempts = 5,
     .want_report = 1,
     .want_doc_requests = 1},
    {.name = "GZIP: gunzipped into the report's own bytes",
     .script = {ST_DOC_GZIP, ST_GZ},
     .nscript = 2,
     .max_attempts = 5,
     .want_report = 1,
     .want_doc_requests = 1},
    {.name = "GZIP cut short: DATA, naming the document",
     .script = {ST_DOC_GZIP, ST_GZ_CUT},
     .nscript = 2,
     .max_attempts = 5,
     .want_rc = ST_ERR_DATA,
     .want_doc_requests = 1,
     .want_msg = "report document '" DOC_ID "': gzip stream cut short"},
    {.name = "compressionAlgorithm ZIP: DATA",
     .script = {ST_DOC_ZIP},
     .nscript = 1,
     .max_attempts = 5,
     .want_rc = ST_ERR_DATA,
     .want_doc_requests = 1,
     .want_msg = "unsupported compressionAlgorithm 'ZIP'"},
    {.name = "202 twice, then 200: backoff 50, 100 (base 100, rnd 0)",
     .script = {ST_202, ST_202, ST_DOC_NA, ST_CSV},
     .nscript = 4,
     .max_attempts = 5,
     .want_report = 1,
     .want_doc_requests = 3,
     .want_sleeps = {50, 100},
     .want_nsleeps = 2},
    {.name = "429, then 202, then 200: both retried",
     .script = {ST_429, ST_202, ST_DOC_GZIP, ST_GZ},
     .nscript = 4,
     .max_attempts = 5,
     .want_report = 1,
     .want_doc_requests = 3,
     .want_sleeps = {50, 50},
     .want_nsleeps = 2},
    {.name = "202 past the attempts: TEMPFAIL",
     .script = {ST_202, ST_202, ST_202},
     .nscript = 3,
     .max_attempts = 3,
     .want_rc = ST_ERR_TEMPFAIL,
     .want_doc_requests = 3,
     .want_sleeps = {50, 100},
     .want_nsleeps = 2,
     .want_msg = "report document '" DOC_ID "' not ready after 3 attempts"},
};

static int
count(const char *hay, const char *needle)
{
    int n = 0;

    while ((hay = strstr(hay, needle)) != NULL) {
        n++;
        hay++;
    }
    return n;
}

static void
test_download(void **state)
{
    struct st_sign_key *key = NULL;
    struct st_err err;
    size_t i;

    (void)state;
    if (st_sign_key_load(PRIV_KEY, &key, &err) != 0)
        fail_msg("cannot load %s: %s", PRIV_KEY, err.msg);
    for (i = 0; i < sizeof(dl_cases) / sizeof(dl_cases[0]); i++) {
        const struct dl_case *c = &dl_cases[i];
        struct loopback srv;
        struct st_buf answers[MAX_SCRIPT];
        const char *text[MAX_SCRIPT];
        size_t len[MAX_SCRIPT];
        struct fake_world w;
        struct st_http_opts opts;
        struct st_http_env env;
        struct st_api api;
        struct st_buf data;
        char base[64];
        const char *log;
        int rc;
        int k;

        loopback_listen(&srv, "test_api");
        for (k = 0; k < c->nscript; k++) {
            st_buf_init(&answers[k], 1 << 20);
            build_step(c->script[k], srv.port, &answers[k]);
            text[k] = answers[k].data;
            len[k] = answers[k].len;
        }
        loopback_start(&srv, text, len, c->nscript);
        memset(&w, 0, sizeof(w));
        w.now = 1700000000;
        st_http_opts_init(&opts);
        opts.max_attempts = c->max_attempts;
        opts.backoff_base_ms = 100;
        opts.backoff_max_ms = 1000;
        opts.timeout_s = 5;
        env.now = fake_now;
        env.sleep_ms = fake_sleep;
        env.random = fake_random;
        env.ctx = &w;
        assert_true(snprintf(base, sizeof(base), "http://127.0.0.1:%d/live",
                             srv.port) < (int)sizeof(base));
        assert_int_equal(st_api_init(&api, base, "na", "K", key, ST_SIGN_PSS_V2,
                                     &opts, &env, NULL, &err),
                         0);
        st_buf_init(&data, 1 << 20);
        st_err_clear(&err);
        rc = st_api_download(&api, DOC_ID, &data, &err);
        log = loopback_stop(&srv);
        if (rc != c->want_rc)
            fail_msg("%s: rc %d, want %d (%s)", c->name, rc, c->want_rc,
                     err.msg);
        if (c->want_report) {
            assert_int_equal(data.len, strlen(report_csv));
            assert_memory_equal(data.data, report_csv, data.len);
        } else {
            assert_int_equal(data.len, 0);
        }
        k = count(log, "GET /live/v2/report-documents/" DOC_ID " ");
        if (k != c->want_doc_requests)
            fail_msg("%s: %d Get Report Document requests, want %d", c->name, k,
                     c->want_doc_requests);
        assert_int_equal(w.nslept, c->want_nsleeps);
        for (k = 0; k < 4 && c->want_sleeps[k] != 0; k++)
            assert_int_equal(w.slept[k], c->want_sleeps[k]);
        if (c->want_msg != NULL && strstr(err.msg, c->want_msg) == NULL)
            fail_msg("%s: message '%s' lacks '%s'", c->name, err.msg,
                     c->want_msg);
        st_buf_release(&data);
        for (k = 0; k < c->nscript; k++)
            st_buf_release(&answers[k]);
    }
    st_sign_key_free(key);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_url),
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_gunzip),
        cmocka_unit_test(test_download),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
