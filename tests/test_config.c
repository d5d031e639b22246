/*
 * test_config.c: lib/core/config. Defaults; the file format (comments, blank
 * lines, errors naming file and line, unknown keys, integer bounds); the
 * precedence defaults < file < environment < flags with each source
 * recorded; tolerances; libpq's private-key permission rule; secrets masked
 * in `config show`; and every allocation failing in turn.
 *
 * The fixtures are files in a temporary directory made by the setup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "tmpdir.h"
#include "core/banned.h"

/* The tests that fail allocations leave none failing after them. */
static int
teardown(void **state)
{
    st_alloc_fail_at(0);
    return test_tmpdir_teardown(state);
}

/* Writes text to dir/name with mode; returns the path (in fx->path). */
static const char *
write_file(struct test_tmpdir *fx, const char *name, const char *text,
           mode_t mode)
{
    FILE *f;
    int n = snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);

    assert_true(n > 0 && (size_t)n < sizeof(fx->path));
    f = fopen(fx->path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(fx->path, mode), 0);
    return fx->path;
}

/* The "key = value  # source" line of `config show` for key. */
static void
show_line(const struct st_config *cfg, const char *key, char *line, size_t size)
{
    struct st_buf b;
    const char *p;
    size_t klen = strlen(key);
    size_t n;

    st_buf_init(&b, 1 << 16);
    st_config_show(cfg, &b);
    assert_int_equal(st_buf_error(&b), 0);
    line[0] = '\0';
    for (p = b.data; *p != '\0'; p += n + (p[n] == '\n')) {
        n = strcspn(p, "\n");
        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == ' ') {
            assert_true(n < size);
            memcpy(line, p, n);
            line[n] = '\0';
            break;
        }
    }
    st_buf_release(&b);
    assert_true(line[0] != '\0');
}

/* Asserts that key shows as value from source ("default", "file", ...). */
static void
expect_setting(const struct st_config *cfg, const char *key, const char *value,
               const char *source)
{
    char line[512];
    char want[512];
    int n =
        snprintf(want, sizeof(want), "%-22s = %s  # %s", key, value, source);

    assert_true(n > 0 && (size_t)n < sizeof(want));
    show_line(cfg, key, line, sizeof(line));
    assert_string_equal(line, want);
}

/* ---------------------------------------------------------------- defaults */

static void
test_defaults(void **state)
{
    static const char *const defaults[][2] = {
        {"database", ""},
        {"region", "na"},
        {"environment", "live"},
        {"public_key_id", "(unset)"},
        {"private_key_file", "(unset)"},
        {"signature_algorithm", "AMZN-PAY-RSASSA-PSS-V2"},
        {"api_base_url", "(unset)"},
        {"ca_file", "(unset)"},
        {"seller_id", "(unset)"},
        {"timezone", "UTC"},
        {"reporting_currency", ""},
        {"archive_dir", "var/archive"},
        {"out_dir", "var/out"},
        {"tolerance", ""},
        {"unsettled_grace_days", "3"},
        {"metrics_file", ""},
        {"template_dir", "(unset)"},
        {"fx_max_age_days", "7"},
        {"lookback_days", "120"},
        {"http_timeout_s", "60"},
        {"http_max_attempts", "5"},
        {"first_date", ""},
        {"catchup_max_days", "30"},
        {"api_lookups_max", "500"},
        {"fx_url", "https://data-api.ecb.europa.eu/service/data/EXR/"
                   "D..EUR.SP00.A"},
    };
    struct st_config cfg;
    struct st_err err;
    size_t i;

    (void)state;
    assert_int_equal(st_config_init(&cfg, &err), 0);
    assert_int_equal(sizeof(defaults) / sizeof(defaults[0]), ST_CONFIG_NKEYS);
    for (i = 0; i < ST_CONFIG_NKEYS; i++)
        expect_setting(&cfg, defaults[i][0], defaults[i][1], "default");
    assert_string_equal(cfg.region, "na");
    assert_true(cfg.lookback_days == 120);
    assert_true(cfg.http_max_attempts == 5);
    assert_int_equal(cfg.ntolerances, 0);
    assert_null(cfg.seller_id);
    assert_null(cfg.config_file);
    assert_int_equal(st_config_require_seller(&cfg, &err), ST_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "seller_id"));
    st_config_release(&cfg);
    st_config_release(&cfg);
    st_config_release(NULL);
}

/* ---------------------------------------------------------------- set */

struct set_case {
    const char *key;
    const char *value;
    int rc;
};

static const struct set_case set_cases[] = {
    {"region", "eu", 0},
    {"region", "jp", 0},
    {"region", "us", ST_ERR_CONFIG},
    {"region", "EU", ST_ERR_CONFIG},
    {"region", "", ST_ERR_CONFIG},
    {"environment", "sandbox", 0},
    {"environment", "test", ST_ERR_CONFIG},
    {"signature_algorithm", "AMZN-PAY-RSASSA-PSS", 0},
    {"signature_algorithm", "HMAC", ST_ERR_CONFIG},
    {"lookback_days", "1", 0},
    {"lookback_days", "3660", 0},
    {"lookback_days", "0", ST_ERR_CONFIG},
    {"lookback_days", "3661", ST_ERR_CONFIG},
    {"lookback_days", "-1", ST_ERR_CONFIG},
    {"lookback_days", "12x", ST_ERR_CONFIG},
    {"lookback_days", "", ST_ERR_CONFIG},
    {"lookback_days", " 12", ST_ERR_CONFIG},
    {"lookback_days", "99999999999999999999", ST_ERR_CONFIG},
    {"unsettled_grace_days", "0", 0},
    {"fx_max_age_days", "366", 0},
    {"fx_max_age_days", "367", ST_ERR_CONFIG},
    {"http_timeout_s", "3600", 0},
    {"http_timeout_s", "0", ST_ERR_CONFIG},
    {"http_max_attempts", "20", 0},
    {"http_max_attempts", "21", ST_ERR_CONFIG},
    {"reporting_currency", "EUR", 0},
    {"reporting_currency", "", 0},
    {"reporting_currency", "eur", ST_ERR_CONFIG},
    {"reporting_currency", "EURO", ST_ERR_CONFIG},
    {"reporting_currency", "ABC", ST_ERR_CONFIG},
    {"first_date", "2026-03-02", 0},
    {"first_date", "", 0},
    {"first_date", "2026-02-30", ST_ERR_CONFIG},
    {"first_date", "2026-3-2", ST_ERR_CONFIG},
    {"catchup_max_days", "1", 0},
    {"catchup_max_days", "0", ST_ERR_CONFIG},
    {"catchup_max_days", "3661", ST_ERR_CONFIG},
    {"api_lookups_max", "0", 0},
    {"api_lookups_max", "100001", ST_ERR_CONFIG},
    {"seller_id", "A1B2C3", 0},
    {"nonsense", "1", ST_ERR_CONFIG},
    {"Region", "eu", ST_ERR_CONFIG},
    {"", "x", ST_ERR_CONFIG},
};

static void
test_set(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(set_cases) / sizeof(set_cases[0]); i++) {
        const struct set_case *c = &set_cases[i];
        struct st_config cfg;
        struct st_err err;
        int rc;

        assert_int_equal(st_config_init(&cfg, NULL), 0);
        st_err_clear(&err);
        rc = st_config_set(&cfg, c->key, c->value, ST_SRC_FLAG, &err);
        print_message("%s = '%s' -> %d %s\n", c->key, c->value, rc, err.msg);
        assert_int_equal(rc, c->rc);
        if (rc == 0) {
            expect_setting(&cfg, c->key, c->value, "flag");
        } else {
            assert_int_equal(err.code, rc);
            assert_non_null(strstr(err.msg, c->key));
        }
        st_config_release(&cfg);
    }
}

/* A refused value leaves the previous one and its source in place. */
static void
test_set_refused_keeps_old(void **state)
{
    struct st_config cfg;

    (void)state;
    assert_int_equal(st_config_init(&cfg, NULL), 0);
    assert_int_equal(
        st_config_set(&cfg, "lookback_days", "30", ST_SRC_ENV, NULL), 0);
    assert_int_equal(
        st_config_set(&cfg, "lookback_days", "0", ST_SRC_FLAG, NULL),
        ST_ERR_CONFIG);
    expect_setting(&cfg, "lookback_days", "30", "env");
    assert_int_equal(
        st_config_set(&cfg, "tolerance", "USD:2", ST_SRC_ENV, NULL), 0);
    assert_int_equal(
        st_config_set(&cfg, "tolerance", "USD:x", ST_SRC_FLAG, NULL),
        ST_ERR_CONFIG);
    expect_setting(&cfg, "tolerance", "USD:2", "env");
    assert_true(st_config_tolerance(&cfg, "USD") == 2);
    st_config_release(&cfg);
}

/* ---------------------------------------------------------------- tolerance */

struct tol_case {
    const char *text;
    int rc;
    int n;
    const char *ccy[3];
    int64_t minor[3];
};

static const struct tol_case tol_cases[] = {
    {"", 0, 0, {NULL}, {0}},
    {"USD:0,JPY:0,EUR:1", 0, 3, {"USD", "JPY", "EUR"}, {0, 0, 1}},
    {"USD:0, EUR:15 ,BHD:5", 0, 3, {"USD", "EUR", "BHD"}, {0, 15, 5}},
    {"CLF:2305843009213693951", 0, 1, {"CLF"}, {INT64_MAX / 4}},
    {"CLF:2305843009213693952", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"USD", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"USD:", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"USD:-1", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"USD:1x", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"US:1", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"usd:1", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"ABC:1", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"USD:1,USD:2", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"USD:1,", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {",USD:1", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"USD:1,,EUR:1", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"USD:1;EUR:2", ST_ERR_CONFIG, 0, {NULL}, {0}},
    {"USD=1", ST_ERR_CONFIG, 0, {NULL}, {0}},
};

static void
test_tolerance(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(tol_cases) / sizeof(tol_cases[0]); i++) {
        const struct tol_case *c = &tol_cases[i];
        struct st_config cfg;
        struct st_err err;
        int j;

        assert_int_equal(st_config_init(&cfg, NULL), 0);
        st_err_clear(&err);
        print_message("tolerance '%s'\n", c->text);
        assert_int_equal(
            st_config_set(&cfg, "tolerance", c->text, ST_SRC_FILE, &err),
            c->rc);
        if (c->rc != 0)
            assert_non_null(strstr(err.msg, c->text));
        assert_int_equal(cfg.ntolerances, c->n);
        for (j = 0; j < c->n; j++)
            assert_true(st_config_tolerance(&cfg, c->ccy[j]) == c->minor[j]);
        assert_true(st_config_tolerance(&cfg, "GBP") == 0);
        st_config_release(&cfg);
    }
}

/* ---------------------------------------------------------------- file */

static void
test_file(void **state)
{
    struct test_tmpdir *fx = *state;
    struct st_config cfg;
    struct st_err err;
    const char *path;

    path = write_file(fx, "ok.conf",
                      "# settle configuration\n"
                      "\n"
                      "   \t\n"
                      "region = eu\n"
                      "  environment=sandbox  \n"
                      "\t# indented comment\n"
                      "seller_id =  A1B2C3  \n"
                      "database = host=db password=x=y dbname=settle\n"
                      "lookback_days = 30\n"
                      "tolerance = USD:0,EUR:1\n"
                      "metrics_file =\n"
                      "out_dir = /srv/out # not a comment\n"
                      "timezone = Europe/Berlin", /* no final newline */
                      0600);
    assert_int_equal(st_config_init(&cfg, NULL), 0);
    assert_int_equal(st_config_load_file(&cfg, path, &err), 0);
    expect_setting(&cfg, "region", "eu", "file");
    expect_setting(&cfg, "environment", "sandbox", "file");
    expect_setting(&cfg, "seller_id", "A1B2C3", "file");
    expect_setting(&cfg, "lookback_days", "30", "file");
    expect_setting(&cfg, "metrics_file", "", "file");
    expect_setting(&cfg, "out_dir", "/srv/out # not a comment", "file");
    expect_setting(&cfg, "timezone", "Europe/Berlin", "file");
    expect_setting(&cfg, "fx_max_age_days", "7", "default");
    assert_string_equal(cfg.database, "host=db password=x=y dbname=settle");
    assert_true(st_config_tolerance(&cfg, "EUR") == 1);
    assert_string_equal(cfg.config_file, path);
    assert_int_equal(st_config_require_seller(&cfg, &err), 0);
    st_config_release(&cfg);
}

struct bad_file_case {
    const char *text;
    int rc;
    long line;
    const char *msg; /* a part of the message */
};

static const struct bad_file_case bad_file_cases[] = {
    {"region = eu\nno equals sign here\n", ST_ERR_CONFIG, 2,
     "expected 'key = value'"},
    {"# c\n\nregoin = eu\n", ST_ERR_CONFIG, 3, "unknown setting 'regoin'"},
    {"lookback_days = 0\n", ST_ERR_CONFIG, 1, "lookback_days"},
    {"\n\n\nhttp_max_attempts = 21\n", ST_ERR_CONFIG, 4, "1 to 20"},
    {"= eu\n", ST_ERR_CONFIG, 1, "unknown setting ''"},
    {"region eu\n", ST_ERR_CONFIG, 1, "expected"},
    {"tolerance = USD:1,XYZ:1\n", ST_ERR_CONFIG, 1, "XYZ"},
};

static void
test_file_errors(void **state)
{
    struct test_tmpdir *fx = *state;
    size_t i;

    for (i = 0; i < sizeof(bad_file_cases) / sizeof(bad_file_cases[0]); i++) {
        const struct bad_file_case *c = &bad_file_cases[i];
        struct st_config cfg;
        struct st_err err;
        const char *path = write_file(fx, "bad.conf", c->text, 0600);

        assert_int_equal(st_config_init(&cfg, NULL), 0);
        st_err_clear(&err);
        assert_int_equal(st_config_load_file(&cfg, path, &err), c->rc);
        print_message("%s:%ld: %s\n", err.file, err.line, err.msg);
        assert_int_equal(err.code, c->rc);
        assert_string_equal(err.file, path);
        assert_int_equal(err.line, c->line);
        assert_non_null(strstr(err.msg, c->msg));
        assert_null(cfg.config_file);
        st_config_release(&cfg);
    }
}

static void
test_file_missing_and_long(void **state)
{
    struct test_tmpdir *fx = *state;
    struct st_config cfg;
    struct st_err err;
    char path[160];
    char *text;
    int n;

    n = snprintf(path, sizeof(path), "%s/missing.conf", fx->dir);
    assert_true(n > 0 && (size_t)n < sizeof(path));
    assert_int_equal(st_config_init(&cfg, NULL), 0);
    assert_int_equal(st_config_load_file(&cfg, path, &err), ST_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "missing.conf"));

    /* a line longer than the reader's 4 KiB is refused, not split */
    text = malloc(6000);
    assert_non_null(text);
    memcpy(text, "out_dir = ", 10);
    memset(text + 10, 'a', 5000);
    memcpy(text + 5010, "\n", 2);
    assert_int_equal(st_config_load_file(
                         &cfg, write_file(fx, "long.conf", text, 0600), &err),
                     ST_ERR_CONFIG);
    free(text);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.msg, "too long"));
    expect_setting(&cfg, "out_dir", "var/out", "default");
    st_config_release(&cfg);
}

/*
 * Copies the NULL-terminated list src into a writable environment array
 * like environ (string literals are const under -Wwrite-strings).
 */
static char **
env_new(const char *const *src)
{
    size_t n = 0;
    size_t i;
    char **env;

    while (src[n] != NULL)
        n++;
    env = calloc(n + 1, sizeof(*env));
    assert_non_null(env);
    for (i = 0; i < n; i++) {
        env[i] = strdup(src[i]);
        assert_non_null(env[i]);
    }
    return env;
}

static void
env_free(char **env)
{
    size_t i;

    for (i = 0; env[i] != NULL; i++)
        free(env[i]);
    free(env);
}

/* ---------------------------------------------------------------- env */

static void
test_env(void **state)
{
    static const char *const env_text[] = {
        "PATH=/usr/bin",
        "SETTLE_REGION=jp",
        "SETTLE_CONFIG=/etc/settle.conf", /* names the file, not a key */
        "SETTLE_PG_ENV=/tmp/x",           /* not ours to read here */
        "SETTLE_SELLER_ID=ENVSELLER",
        "SETTLE_=x",
        "SETTLE_LOOKBACK_DAYS", /* no '=': ignored */
        "settle_region=eu",     /* lower case prefix: ignored */
        NULL,
    };
    static const char *const bad_text[] = {"SETTLE_LOOKBACK_DAYS=0", NULL};
    char **env = env_new(env_text);
    char **bad = env_new(bad_text);
    struct st_config cfg;
    struct st_err err;

    (void)state;
    assert_int_equal(st_config_init(&cfg, NULL), 0);
    assert_int_equal(st_config_load_env(&cfg, env, &err), 0);
    expect_setting(&cfg, "region", "jp", "env");
    expect_setting(&cfg, "seller_id", "ENVSELLER", "env");
    expect_setting(&cfg, "lookback_days", "120", "default");
    assert_int_equal(st_config_load_env(&cfg, NULL, &err), 0);
    assert_int_equal(st_config_load_env(&cfg, bad, &err), ST_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "SETTLE_LOOKBACK_DAYS"));
    st_config_release(&cfg);
    env_free(env);
    env_free(bad);
}

/* defaults < file < env < flag, each source recorded */
static void
test_precedence(void **state)
{
    struct test_tmpdir *fx = *state;
    static const char *const env_text[] = {"SETTLE_ENVIRONMENT=sandbox",
                                           "SETTLE_LOOKBACK_DAYS=60",
                                           "SETTLE_OUT_DIR=/env/out", NULL};
    char **env = env_new(env_text);
    struct st_config cfg;
    struct st_err err;
    const char *path = write_file(fx, "prec.conf",
                                  "region = eu\n"
                                  "environment = live\n"
                                  "lookback_days = 30\n"
                                  "out_dir = /file/out\n"
                                  "archive_dir = /file/archive\n",
                                  0600);

    (void)state;
    assert_int_equal(st_config_init(&cfg, &err), 0);
    assert_int_equal(st_config_load_file(&cfg, path, &err), 0);
    assert_int_equal(st_config_load_env(&cfg, env, &err), 0);
    assert_int_equal(
        st_config_set(&cfg, "out_dir", "/flag/out", ST_SRC_FLAG, &err), 0);
    expect_setting(&cfg, "timezone", "UTC", "default");
    expect_setting(&cfg, "region", "eu", "file");
    expect_setting(&cfg, "archive_dir", "/file/archive", "file");
    expect_setting(&cfg, "environment", "sandbox", "env");
    expect_setting(&cfg, "lookback_days", "60", "env");
    expect_setting(&cfg, "out_dir", "/flag/out", "flag");
    assert_string_equal(cfg.out_dir, "/flag/out");
    assert_true(cfg.lookback_days == 60);
    st_config_release(&cfg);
    env_free(env);
}

/* ---------------------------------------------------------------- key file */

struct key_case {
    mode_t mode;
    int root_rc;  /* owned by root */
    int other_rc; /* owned by anyone else */
};

static const struct key_case key_cases[] = {
    {0600, 0, 0},
    {0400, 0, 0},
    {0700, 0, 0},
    {0640, 0, ST_ERR_PERM},
    {0440, 0, ST_ERR_PERM},
    {0644, ST_ERR_PERM, ST_ERR_PERM},
    {0660, ST_ERR_PERM, ST_ERR_PERM},
    {0604, ST_ERR_PERM, ST_ERR_PERM},
    {0650, ST_ERR_PERM, ST_ERR_PERM},
    {0601, ST_ERR_PERM, ST_ERR_PERM},
    {0666, ST_ERR_PERM, ST_ERR_PERM},
};

static void
test_key_file(void **state)
{
    struct test_tmpdir *fx = *state;
    size_t i;

    for (i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
        const struct key_case *c = &key_cases[i];
        struct st_config cfg;
        struct st_err err;
        const char *path =
            write_file(fx, "key.pem", "-----BEGIN PRIVATE KEY-----\n", c->mode);
        int want = geteuid() == 0 ? c->root_rc : c->other_rc;

        assert_int_equal(st_config_init(&cfg, NULL), 0);
        assert_int_equal(
            st_config_set(&cfg, "private_key_file", path, ST_SRC_FILE, NULL),
            0);
        st_err_clear(&err);
        print_message("mode %04o uid %d\n", (unsigned)c->mode, (int)geteuid());
        assert_int_equal(st_config_check_key_file(&cfg, &err), want);
        if (want != 0) {
            assert_non_null(strstr(err.msg, "key.pem"));
            assert_non_null(strstr(err.hint, "0600"));
        }
        /* Owned by another user, group-readable is never allowed. */
        if (geteuid() == 0) {
            assert_int_equal(chown(path, 65534, 65534), 0);
            assert_int_equal(st_config_check_key_file(&cfg, NULL), c->other_rc);
            assert_int_equal(chown(path, 0, 0), 0);
        }
        st_config_release(&cfg);
    }
}

static void
test_key_file_missing(void **state)
{
    struct test_tmpdir *fx = *state;
    struct st_config cfg;
    struct st_err err;
    char path[160];
    int n = snprintf(path, sizeof(path), "%s/nokey.pem", fx->dir);

    assert_true(n > 0 && (size_t)n < sizeof(path));
    assert_int_equal(st_config_init(&cfg, NULL), 0);
    assert_int_equal(st_config_check_key_file(&cfg, &err), ST_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "private_key_file"));
    assert_int_equal(
        st_config_set(&cfg, "private_key_file", path, ST_SRC_FILE, NULL), 0);
    assert_int_equal(st_config_check_key_file(&cfg, &err), ST_ERR_NOINPUT);
    assert_non_null(strstr(err.msg, "nokey.pem"));
    /* a directory is not a key file */
    assert_int_equal(
        st_config_set(&cfg, "private_key_file", fx->dir, ST_SRC_FILE, NULL), 0);
    assert_int_equal(st_config_check_key_file(&cfg, &err), ST_ERR_CONFIG);
    st_config_release(&cfg);
}

/* ---------------------------------------------------------------- show */

struct mask_case {
    const char *database;
    const char *shown;
};

static const struct mask_case mask_cases[] = {
    {"", ""},
    {"host=db dbname=settle", "host=db dbname=settle"},
    {"host=db password=s3cret dbname=settle",
     "host=db password=**** dbname=settle"},
    {"password=s3cret", "password=****"},
    {"host=db password = 's3 cr\\'et' dbname=x",
     "host=db password = **** dbname=x"},
    {"sslpassword=k3y password=s3cret", "sslpassword=**** password=****"},
    {"user=passwordless host=db", "user=passwordless host=db"},
    {"host=db password", "host=db ****"},
    {"postgresql://u:s3cret@db:5432/settle",
     "postgresql://u:****@db:5432/settle"},
    {"postgres://u:s3cret@db", "postgres://u:****@db"},
    {"postgresql://u@db/settle", "postgresql://u@db/settle"},
    {"postgresql://db/settle?user=u&password=s3cret&sslmode=require",
     "postgresql://db/settle?user=u&password=****&sslmode=require"},
    {"postgresql://u:s3cret@db/x?sslpassword=k3y",
     "postgresql://u:****@db/x?sslpassword=****"},
    {"postgresql://u:s3c@ret@db/x", "postgresql://u:****@db/x"},
};

static void
test_show_masks_secrets(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(mask_cases) / sizeof(mask_cases[0]); i++) {
        const struct mask_case *c = &mask_cases[i];
        struct st_config cfg;
        struct st_buf b;

        assert_int_equal(st_config_init(&cfg, NULL), 0);
        assert_int_equal(
            st_config_set(&cfg, "database", c->database, ST_SRC_ENV, NULL), 0);
        expect_setting(&cfg, "database", c->shown, "env");
        st_buf_init(&b, 1 << 16);
        st_config_show(&cfg, &b);
        assert_null(strstr(b.data, "s3"));
        assert_null(strstr(b.data, "k3y"));
        st_buf_release(&b);
        st_config_release(&cfg);
    }
}

static void
test_canonical(void **state)
{
    struct st_config cfg;
    struct st_buf b;

    (void)state;
    assert_int_equal(st_config_init(&cfg, NULL), 0);
    assert_int_equal(
        st_config_set(&cfg, "database", "password=s3cret", ST_SRC_ENV, NULL),
        0);
    assert_int_equal(st_config_set(&cfg, "seller_id", "A1", ST_SRC_ENV, NULL),
                     0);
    st_buf_init(&b, 1 << 16);
    st_config_canonical(&cfg, &b);
    assert_int_equal(st_buf_error(&b), 0);
    assert_string_equal(b.data, "seller_id=A1\n"
                                "timezone=UTC\n"
                                "reporting_currency=\n"
                                "tolerance=\n"
                                "unsettled_grace_days=3\n"
                                "fx_max_age_days=7\n"
                                "lookback_days=120\n");
    st_buf_release(&b);
    st_config_release(&cfg);
}

/* ---------------------------------------------------------------- NOMEM */

/*
 * Fails the 1st, 2nd, ... allocation of init + file + env + show until a
 * run gets through; every failing run returns ST_ERR_NOMEM (or a show
 * buffer in error) and, released, leaks nothing under ASan.
 */
static void
test_alloc_failures(void **state)
{
    struct test_tmpdir *fx = *state;
    static const char *const env_text[] = {"SETTLE_REGION=jp",
                                           "SETTLE_TOLERANCE=USD:1", NULL};
    char **env = env_new(env_text);
    const char *path = write_file(fx, "nomem.conf",
                                  "region = eu\nseller_id = S\n"
                                  "database = password=x\n",
                                  0600);
    long n;
    int done = 0;

    for (n = 1; n < 200 && !done; n++) {
        struct st_config cfg;
        struct st_err err;
        struct st_buf b;
        int rc;

        st_buf_init(&b, 1 << 16);
        st_err_clear(&err);
        st_alloc_fail_at(n);
        rc = st_config_init(&cfg, &err);
        if (rc == 0) {
            rc = st_config_load_file(&cfg, path, &err);
            if (rc == 0)
                rc = st_config_load_env(&cfg, env, &err);
            if (rc == 0) {
                st_config_show(&cfg, &b);
                rc = st_buf_error(&b);
            }
            st_config_release(&cfg);
        }
        st_alloc_fail_at(0);
        st_buf_release(&b);
        if (rc == 0) {
            done = 1;
        } else {
            assert_int_equal(rc, ST_ERR_NOMEM);
            if (err.code != 0)
                assert_int_equal(err.code, ST_ERR_NOMEM);
        }
    }
    env_free(env);
    assert_true(done);
    assert_true(n > 10); /* it did fail a good number of times first */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_set_refused_keeps_old),
        cmocka_unit_test(test_tolerance),
        cmocka_unit_test_setup_teardown(test_file, test_tmpdir_setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_errors, test_tmpdir_setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_file_missing_and_long,
                                        test_tmpdir_setup, teardown),
        cmocka_unit_test(test_env),
        cmocka_unit_test_setup_teardown(test_precedence, test_tmpdir_setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_key_file, test_tmpdir_setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_key_file_missing,
                                        test_tmpdir_setup, teardown),
        cmocka_unit_test(test_show_masks_secrets),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test_setup_teardown(test_alloc_failures, test_tmpdir_setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
