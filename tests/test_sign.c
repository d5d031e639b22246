/*
 * test_sign.c: lib/amazon/sign against the Java SDK's 34 vectors (from
 * ../shared, skipped when absent), the project's own vectors in testdata/sign/,
 * and real signatures checked with the public half of the test-only key pair:
 * the right salt verifies, the other salt and a forgery must not.
 * Run from the source root (make check does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "amazon/sign.h"
#include "skip.h"
#include "core/banned.h"

#define JAVA_VECTORS \
    "../shared/reference/amazon-pay/java-sdk-signing-testdata.json"
#define OWN_VECTORS "testdata/sign/vectors.json"
#define PRIV_KEY    "testdata/keys/test-only-private.pem"
#define PUB_KEY     "testdata/keys/test-only-public.pem"
#define WRONG_KEY   "testdata/keys/test-only-wrong-private.pem"
#define MAXP        16

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        p = malloc((size_t)n + 1);
        if (p != NULL && fread(p, 1, (size_t)n, f) == (size_t)n) {
            p[n] = '\0';
            *len = (size_t)n;
        } else {
            free(p);
            p = NULL;
        }
    }
    if (fclose(f) != 0) {
        free(p);
        p = NULL;
    }
    return p;
}

/* Removes the one trailing comma before the final ']' of the SDK file. */
static void
strip_trailing_comma(char *s, size_t len)
{
    size_t i = len;

    while (i > 0 && s[i - 1] != ']')
        i--;
    if (i == 0)
        return;
    i--;
    while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\n' || s[i - 1] == '\r'))
        i--;
    if (i > 0 && s[i - 1] == ',')
        s[i - 1] = ' ';
}

static void
test_java_vectors(void **state)
{
    char *text;
    size_t len = 0;
    json_t *root;
    json_error_t jerr;
    size_t i;
    int passed = 0;
    int skipped = 0;

    (void)state;
    text = slurp(JAVA_VECTORS, &len);
    if (text == NULL) {
        SKIP_BECAUSE("no SDK vectors at " JAVA_VECTORS);
        return;
    }
    strip_trailing_comma(text, len);
    root = json_loads(text, 0, &jerr);
    free(text);
    assert_non_null(root);
    assert_int_equal(json_array_size(root), 34);
    for (i = 0; i < json_array_size(root); i++) {
        json_t *v = json_array_get(root, i);
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *want_cr =
            json_string_value(json_object_get(v, "canonicalRequest"));
        const char *want_sts =
            json_string_value(json_object_get(v, "stringToSign"));
        const char *payload = json_string_value(json_object_get(v, "payload"));
        json_t *params = json_object_get(v, "parameters");
        struct st_sign_pair p[MAXP];
        struct st_sign_pair h[5];
        struct st_sign_request req;
        struct st_buf cr;
        struct st_buf sts;
        struct st_err err;
        enum st_sign_alg alg;
        const char *key;
        json_t *vals;
        size_t np = 0;
        size_t nl;

        assert_non_null(name);
        if (strcmp(name, "get-slashes") == 0) {
            /* Java's URI parser reads //foo// as a host; see 8.8 A. */
            skipped++;
            continue;
        }
        json_object_foreach(params, key, vals)
        {
            size_t j;

            for (j = 0; j < json_array_size(vals); j++) {
                assert_true(np < MAXP);
                p[np].name = key;
                p[np].value = json_string_value(json_array_get(vals, j));
                np++;
            }
        }
        st_sign_std_headers(h, "20180524T223710Z", "pay-api.amazon.eu", "EU");
        memset(&req, 0, sizeof(req));
        req.method = json_string_value(json_object_get(v, "method"));
        req.path = json_string_value(json_object_get(v, "uri"));
        req.params = p;
        req.nparams = np;
        req.headers = h;
        req.nheaders = 5;
        req.payload = payload;
        req.payload_len = payload != NULL ? strlen(payload) : 0;
        st_buf_init(&cr, 1 << 20);
        st_buf_init(&sts, 1 << 20);
        assert_int_equal(st_sign_canonical_request(&req, &cr, &err), 0);
        if (strcmp(cr.data, want_cr) != 0)
            fail_msg("%s: canonical request\n got: %s\nwant: %s", name, cr.data,
                     want_cr);
        nl = strcspn(want_sts, "\n");
        assert_true(nl < strlen(want_sts));
        {
            char algname[64];

            assert_true(nl < sizeof(algname));
            memcpy(algname, want_sts, nl);
            algname[nl] = '\0';
            assert_int_equal(st_sign_alg_parse(algname, &alg, &err), 0);
        }
        assert_int_equal(
            st_sign_string_to_sign(alg, cr.data, cr.len, &sts, &err), 0);
        if (strcmp(sts.data, want_sts) != 0)
            fail_msg("%s: string to sign\n got: %s\nwant: %s", name, sts.data,
                     want_sts);
        passed++;
        st_buf_release(&cr);
        st_buf_release(&sts);
    }
    json_decref(root);
    assert_int_equal(passed, 32);
    assert_int_equal(skipped, 2);
}

static void
test_own_vectors(void **state)
{
    json_t *root;
    json_error_t jerr;
    size_t i;

    (void)state;
    root = json_load_file(OWN_VECTORS, 0, &jerr);
    if (root == NULL)
        fail_msg("cannot load %s: %s", OWN_VECTORS, jerr.text);
    assert_true(json_array_size(root) >= 18);
    for (i = 0; i < json_array_size(root); i++) {
        json_t *v = json_array_get(root, i);
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *want_hash = json_string_value(json_object_get(v, "hash"));
        const char *want_query = json_string_value(json_object_get(v, "query"));
        const char *payload = json_string_value(json_object_get(v, "payload"));
        json_t *params = json_object_get(v, "params");
        json_t *extra = json_object_get(v, "extra_headers");
        struct st_sign_pair p[MAXP];
        struct st_sign_pair h[8];
        struct st_sign_request req;
        struct st_buf cr;
        struct st_buf q;
        struct st_buf sts;
        struct st_err err;
        enum st_sign_alg alg;
        size_t j;
        size_t nh = 5;

        for (j = 0; j < json_array_size(params); j++) {
            json_t *pair = json_array_get(params, j);

            assert_true(j < MAXP);
            p[j].name = json_string_value(json_array_get(pair, 0));
            p[j].value = json_string_value(json_array_get(pair, 1));
        }
        st_sign_std_headers(h, json_string_value(json_object_get(v, "date")),
                            json_string_value(json_object_get(v, "host")),
                            json_string_value(json_object_get(v, "region")));
        for (j = 0; j < json_array_size(extra); j++, nh++) {
            json_t *pair = json_array_get(extra, j);

            assert_true(nh < 8);
            h[nh].name = json_string_value(json_array_get(pair, 0));
            h[nh].value = json_string_value(json_array_get(pair, 1));
        }
        memset(&req, 0, sizeof(req));
        req.method = json_string_value(json_object_get(v, "method"));
        req.path = json_string_value(json_object_get(v, "path"));
        req.params = p;
        req.nparams = json_array_size(params);
        req.headers = h;
        req.nheaders = nh;
        req.payload = payload;
        req.payload_len = strlen(payload);
        assert_int_equal(
            st_sign_alg_parse(
                json_string_value(json_object_get(v, "algorithm")), &alg, &err),
            0);
        st_buf_init(&cr, 1 << 20);
        st_buf_init(&q, 1 << 20);
        st_buf_init(&sts, 1 << 20);
        assert_int_equal(st_sign_canonical_request(&req, &cr, &err), 0);
        assert_int_equal(
            st_sign_string_to_sign(alg, cr.data, cr.len, &sts, &err), 0);
        if (strcmp(strchr(sts.data, '\n') + 1, want_hash) != 0)
            fail_msg("%s: hash %s, want %s\ncanonical request:\n%s", name,
                     strchr(sts.data, '\n') + 1, want_hash, cr.data);
        assert_int_equal(st_sign_query(p, req.nparams, &q, &err), 0);
        if (want_query != NULL && strcmp(q.data, want_query) != 0)
            fail_msg("%s: query %s, want %s", name, q.data, want_query);
        st_buf_release(&cr);
        st_buf_release(&q);
        st_buf_release(&sts);
    }
    json_decref(root);
}

struct enc_case {
    const char *in;
    int keep_slash;
    const char *want;
};

static const struct enc_case enc_cases[] = {
    {"abcXYZ019-_.~", 0, "abcXYZ019-_.~"},
    {"a b", 0, "a%20b"},
    {"*", 0, "%2A"},
    {"a/b", 0, "a%2Fb"},
    {"a/b", 1, "a/b"},
    {"+=,", 0, "%2B%3D%2C"},
    {"\xe1\x88\xb4", 0, "%E1%88%B4"},
    {"", 0, ""},
};

static void
test_encode(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
        struct st_buf b;

        st_buf_init(&b, 256);
        st_sign_encode(enc_cases[i].in, strlen(enc_cases[i].in),
                       enc_cases[i].keep_slash, &b);
        assert_string_equal(b.data, enc_cases[i].want);
        st_buf_release(&b);
    }
}

static void
test_header_canonical_form(void **state)
{
    static const struct st_sign_pair h[] = {
        {"X-Amz-Pay-Region", "  na  "},
        {"Accept", "application/json"},
        {"X-Extra", " a   b \t c "},
    };
    struct st_sign_request req;
    struct st_buf cr;
    struct st_buf sh;
    struct st_err err;

    (void)state;
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.path = "";
    req.headers = h;
    req.nheaders = 3;
    st_buf_init(&cr, 4096);
    st_buf_init(&sh, 4096);
    assert_int_equal(st_sign_canonical_request(&req, &cr, &err), 0);
    assert_string_equal(cr.data,
                        "GET\n/\n\naccept:application/json\n"
                        "x-amz-pay-region:na\nx-extra:a b c\n\n"
                        "accept;x-amz-pay-region;x-extra\n"
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495"
                        "991b7852b855");
    assert_int_equal(st_sign_signed_headers(&req, &sh, &err), 0);
    assert_string_equal(sh.data, "accept;x-amz-pay-region;x-extra");
    st_buf_release(&cr);
    st_buf_release(&sh);
}

static void
test_format_date(void **state)
{
    char d[ST_SIGN_DATE_LEN + 1];

    (void)state;
    st_sign_format_date(1527201430, d); /* the SDK vectors' date */
    assert_string_equal(d, "20180524T223710Z");
    st_sign_format_date(0, d);
    assert_string_equal(d, "19700101T000000Z");
}

static void
test_alg_parse(void **state)
{
    enum st_sign_alg alg = ST_SIGN_PSS;
    struct st_err err;

    (void)state;
    assert_int_equal(st_sign_alg_parse("AMZN-PAY-RSASSA-PSS-V2", &alg, &err),
                     0);
    assert_int_equal(alg, ST_SIGN_PSS_V2);
    assert_int_equal(st_sign_alg_salt(alg), 32);
    assert_int_equal(st_sign_alg_parse("AMZN-PAY-RSASSA-PSS", &alg, &err), 0);
    assert_int_equal(alg, ST_SIGN_PSS);
    assert_int_equal(st_sign_alg_salt(alg), 20);
    assert_int_equal(st_sign_alg_parse("HMAC-SHA256", &alg, &err),
                     ST_ERR_CONFIG);
    assert_int_equal(st_sign_alg_parse(NULL, &alg, &err), ST_ERR_CONFIG);
}

static const char sts_text[] =
    "AMZN-PAY-RSASSA-PSS-V2\n"
    "5632e74221a956f593eee877d5eacdc65e14983f96bc9d86609bff9981d977c8";

static void
check_salt(enum st_sign_alg alg, enum st_sign_alg other)
{
    struct st_sign_key *priv = NULL;
    struct st_sign_key *pub = NULL;
    struct st_sign_key *wrong = NULL;
    struct st_buf sig;
    struct st_buf sig2;
    struct st_err err;
    size_t n = sizeof(sts_text) - 1;

    st_buf_init(&sig, 4096);
    st_buf_init(&sig2, 4096);
    assert_int_equal(st_sign_key_load(PRIV_KEY, &priv, &err), 0);
    assert_int_equal(st_sign_pubkey_load(PUB_KEY, &pub, &err), 0);
    assert_int_equal(st_sign_key_load(WRONG_KEY, &wrong, &err), 0);
    assert_int_equal(st_sign_signature(priv, alg, sts_text, n, &sig, &err), 0);
    assert_int_equal(sig.len, 344); /* 2048-bit key, Base64 */
    assert_null(strchr(sig.data, '\n'));
    assert_int_equal(st_sign_verify(pub, alg, sts_text, n, sig.data, &err), 0);
    /* the other salt length must fail (no automatic salt detection) */
    assert_int_equal(st_sign_verify(pub, other, sts_text, n, sig.data, &err),
                     ST_ERR_CRYPTO);
    /* another message, another key */
    assert_int_equal(st_sign_verify(pub, alg, sts_text, n - 1, sig.data, &err),
                     ST_ERR_CRYPTO);
    assert_int_equal(st_sign_verify(wrong, alg, sts_text, n, sig.data, &err),
                     ST_ERR_CRYPTO);
    /* randomised: a second signature differs and verifies too */
    assert_int_equal(st_sign_signature(priv, alg, sts_text, n, &sig2, &err), 0);
    assert_string_not_equal(sig.data, sig2.data);
    assert_int_equal(st_sign_verify(pub, alg, sts_text, n, sig2.data, &err), 0);
    /* a flipped character is a forgery */
    sig2.data[10] = sig2.data[10] == 'A' ? 'B' : 'A';
    assert_int_equal(st_sign_verify(pub, alg, sts_text, n, sig2.data, &err),
                     ST_ERR_CRYPTO);
    assert_int_equal(st_sign_verify(pub, alg, sts_text, n, "abc", &err),
                     ST_ERR_CRYPTO);
    st_buf_release(&sig);
    st_buf_release(&sig2);
    st_sign_key_free(priv);
    st_sign_key_free(pub);
    st_sign_key_free(wrong);
}

static void
test_signature_v2_salt32(void **state)
{
    (void)state;
    check_salt(ST_SIGN_PSS_V2, ST_SIGN_PSS);
}

static void
test_signature_v1_salt20(void **state)
{
    (void)state;
    check_salt(ST_SIGN_PSS, ST_SIGN_PSS_V2);
}

static void
test_authorization(void **state)
{
    static const struct st_sign_pair params[] = {{"nextToken", "abc+/=DEF"}};
    struct st_sign_pair h[5];
    struct st_sign_request req;
    struct st_sign_key *priv = NULL;
    struct st_sign_key *pub = NULL;
    struct st_buf auth;
    struct st_buf sts;
    struct st_err err;
    const char *sig;
    static const char prefix[] =
        "AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=TESTKEY1, SignedHeaders="
        "accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-region, "
        "Signature=";

    (void)state;
    st_sign_std_headers(h, "20240115T010203Z", "pay-api.amazon.com", "na");
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.path = "/live/v2/reports";
    req.params = params;
    req.nparams = 1;
    req.headers = h;
    req.nheaders = 5;
    st_buf_init(&auth, 4096);
    st_buf_init(&sts, 4096);
    assert_int_equal(st_sign_key_load(PRIV_KEY, &priv, &err), 0);
    assert_int_equal(st_sign_pubkey_load(PUB_KEY, &pub, &err), 0);
    assert_int_equal(st_sign_authorization(priv, ST_SIGN_PSS_V2, "TESTKEY1",
                                           &req, &auth, &sts, &err),
                     0);
    assert_memory_equal(auth.data, prefix, sizeof(prefix) - 1);
    assert_string_equal(sts.data, "AMZN-PAY-RSASSA-PSS-V2\n"
                                  "402da0aebca1dc5e7c91158b04ac474999756a2b05"
                                  "2aa3fbfa0d652b25d2b302");
    sig = auth.data + sizeof(prefix) - 1;
    assert_int_equal(strlen(sig), 344);
    assert_int_equal(
        st_sign_verify(pub, ST_SIGN_PSS_V2, sts.data, sts.len, sig, &err), 0);
    st_buf_release(&auth);
    st_buf_release(&sts);
    st_sign_key_free(priv);
    st_sign_key_free(pub);
}

static void
test_key_errors(void **state)
{
    struct st_sign_key *k = NULL;
    struct st_err err;

    (void)state;
    assert_int_equal(st_sign_key_load("testdata/keys/no-such.pem", &k, &err),
                     ST_ERR_NOINPUT);
    assert_null(k);
    /* a public key is not a private key, and the error names no content */
    assert_int_equal(st_sign_key_load(PUB_KEY, &k, &err), ST_ERR_CRYPTO);
    assert_null(strstr(err.msg, "BEGIN"));
    assert_int_equal(st_sign_pubkey_load(PRIV_KEY, &k, &err), ST_ERR_CRYPTO);
    assert_int_equal(st_sign_key_load("testdata/keys/README", &k, &err),
                     ST_ERR_CRYPTO);
    assert_null(k);
    st_sign_key_free(NULL);
}

/* Fails each allocation in turn: NOMEM and no leak (ASan checks), then 0. */
static void
test_alloc_failures(void **state)
{
    static const struct st_sign_pair params[] = {{"b", "2"}, {"a", "1"}};
    struct st_sign_pair h[5];
    struct st_sign_request req;
    long nth;
    int rc = ST_ERR_NOMEM;

    (void)state;
    st_sign_std_headers(h, "20240115T010203Z", "pay-api.amazon.com", "na");
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.path = "/live/v2/reports";
    req.params = params;
    req.nparams = 2;
    req.headers = h;
    req.nheaders = 5;
    for (nth = 1; nth < 200 && rc != 0; nth++) {
        struct st_buf cr;
        struct st_err err;

        st_buf_init(&cr, 4096);
        st_alloc_fail_at(nth);
        rc = st_sign_canonical_request(&req, &cr, &err);
        st_alloc_fail_at(0);
        assert_true(rc == 0 || rc == ST_ERR_NOMEM || rc == ST_ERR_TOOLONG);
        st_buf_release(&cr);
    }
    assert_int_equal(rc, 0);
    assert_true(nth > 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_java_vectors),
        cmocka_unit_test(test_own_vectors),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_header_canonical_form),
        cmocka_unit_test(test_format_date),
        cmocka_unit_test(test_alg_parse),
        cmocka_unit_test(test_signature_v2_salt32),
        cmocka_unit_test(test_signature_v1_salt20),
        cmocka_unit_test(test_authorization),
        cmocka_unit_test(test_key_errors),
        cmocka_unit_test(test_alloc_failures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
