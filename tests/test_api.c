/*
 * test_api.c: the parts of lib/api that need no server (the requests
 * themselves are tested end to end against the stand-in in
 * tests/integration/fetch_*.sh): the base URL by region, environment and
 * key id, and how a base URL splits into host and path prefix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "api.h"
#include "banned.h"

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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_url),
        cmocka_unit_test(test_init),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
