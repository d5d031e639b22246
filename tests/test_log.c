/*
 * test_log.c: lib/core/log into a memory stream with a pinned clock. Text
 * records for a terminal, JSON lines parsed back with jansson (escaping,
 * fields, errors with location, detail, hint and SQLSTATE, bytes that are
 * not UTF-8), level filtering and progress lines; two threads logging at
 * once never interleave their records.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/err.h"
#include "core/log.h"
#include "core/banned.h"

struct sink {
    FILE *f;
    char *data;
    size_t len;
    struct st_log log;
};

static time_t
pinned_clock(void)
{
    return 1700000000; /* 2023-11-14T22:13:20Z */
}

static int
setup(void **state)
{
    struct sink *s = calloc(1, sizeof(*s));

    if (s == NULL)
        return -1;
    s->f = open_memstream(&s->data, &s->len);
    if (s->f == NULL) {
        free(s);
        return -1;
    }
    st_log_init(&s->log, s->f, ST_LOG_TEXT);
    s->log.clock = pinned_clock;
    *state = s;
    return 0;
}

static int
teardown(void **state)
{
    struct sink *s = *state;

    (void)fclose(s->f);
    free(s->data);
    free(s);
    return 0;
}

/* What was written so far, NUL-terminated. */
static const char *
written(struct sink *s)
{
    assert_int_equal(fflush(s->f), 0);
    return s->data;
}

static void
test_text(void **state)
{
    struct sink *s = *state;
    const struct st_log_field f[] = {
        {"file", "a.csv", 0},
        {"rows", NULL, 1234},
        {"neg", NULL, -5},
    };

    st_log_msg(&s->log, ST_LOG_INFO, "normalize", "read %d lines", 3);
    st_log_msg(&s->log, ST_LOG_WARN, NULL, "odd line %s", "'x'");
    st_log_msg(&s->log, ST_LOG_ERROR, "fetch", "cannot connect");
    st_log_msg(&s->log, ST_LOG_DEBUG, "fetch", "dropped at INFO");
    st_log_fields(&s->log, ST_LOG_INFO, "report", f, 3, "done");
    assert_string_equal(written(s), "settle: normalize: read 3 lines\n"
                                    "settle: warning: odd line 'x'\n"
                                    "settle: fetch: error: cannot connect\n"
                                    "settle: report: done file=a.csv "
                                    "rows=1234 neg=-5\n");
}

struct level_case {
    enum st_log_level at;
    const char *want;
};

static void
test_levels(void **state)
{
    static const struct level_case cases[] = {
        {ST_LOG_ERROR, "settle: error: e\n"},
        {ST_LOG_WARN, "settle: error: e\nsettle: warning: w\n"},
        {ST_LOG_INFO, "settle: error: e\nsettle: warning: w\nsettle: i\n"},
        {ST_LOG_DEBUG, "settle: error: e\nsettle: warning: w\nsettle: i\n"
                       "settle: debug: d\n"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sink *s = NULL;

        if (setup((void **)&s) != 0) {
            fail_msg("setup failed");
            return;
        }
        s->log.level = cases[i].at;
        st_log_msg(&s->log, ST_LOG_ERROR, NULL, "e");
        st_log_msg(&s->log, ST_LOG_WARN, NULL, "w");
        st_log_msg(&s->log, ST_LOG_INFO, NULL, "i");
        st_log_msg(&s->log, ST_LOG_DEBUG, NULL, "d");
        assert_string_equal(written(s), cases[i].want);
        teardown((void **)&s);
    }
}

static void
test_text_err(void **state)
{
    struct sink *s = *state;
    struct st_err err;

    st_err_set(&err, ST_ERR_DATA, "unterminated quote");
    st_err_at(&err, "x.csv", 12, 3);
    st_err_detail(&err, "the field began at column %d", 1);
    st_err_hint(&err, "check the export");
    st_log_err(&s->log, "normalize", &err);
    st_err_set(&err, ST_ERR_DATA, "bad row");
    st_err_at(&err, "y.csv", 7, 0);
    st_log_err(&s->log, NULL, &err);
    st_err_set(&err, ST_ERR_IO, "gone");
    st_err_at(&err, "z.csv", 0, 0);
    st_log_err(&s->log, NULL, &err);
    st_err_clear(&err);
    err.code = ST_ERR_NOMEM;
    st_log_err(&s->log, NULL, &err);
    assert_string_equal(written(s),
                        "settle: normalize: error: x.csv:12:3: unterminated "
                        "quote\n"
                        "settle: detail: the field began at column 1\n"
                        "settle: hint: check the export\n"
                        "settle: error: y.csv:7: bad row\n"
                        "settle: error: z.csv: gone\n"
                        "settle: error: out of memory\n");
}

/* Splits the written text into lines and parses line n as JSON. */
static json_t *
json_line(struct sink *s, int n)
{
    const char *p = written(s);
    json_error_t jerr;
    json_t *o;
    size_t len;

    while (n-- > 0) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    len = strcspn(p, "\n");
    assert_int_equal(p[len], '\n');
    o = json_loadb(p, len, 0, &jerr);
    if (o == NULL)
        fail_msg("not JSON: %.*s (%s)", (int)len, p, jerr.text);
    assert_true(json_is_object(o));
    return o;
}

static void
expect_str(json_t *o, const char *key, const char *want)
{
    json_t *v = json_object_get(o, key);

    assert_non_null(v);
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), want);
}

static void
test_json(void **state)
{
    struct sink *s = *state;
    const struct st_log_field f[] = {
        {"date", "2024-01-31", 0},
        {"rows", NULL, 1234},
        {"seller", "A\"B\\C\n", 0},
    };
    json_t *o;

    s->log.format = ST_LOG_JSON;
    st_log_fields(&s->log, ST_LOG_INFO, "normalize", f, 3, "read \"%s\"\tdone",
                  "x.csv");
    st_log_msg(&s->log, ST_LOG_WARN, NULL, "w");
    st_log_msg(&s->log, ST_LOG_DEBUG, NULL, "dropped");

    o = json_line(s, 0);
    expect_str(o, "ts", "2023-11-14T22:13:20Z");
    expect_str(o, "level", "info");
    expect_str(o, "stage", "normalize");
    expect_str(o, "msg", "read \"x.csv\"\tdone");
    expect_str(o, "date", "2024-01-31");
    expect_str(o, "seller", "A\"B\\C\n");
    assert_true(json_is_integer(json_object_get(o, "rows")));
    assert_int_equal(json_integer_value(json_object_get(o, "rows")), 1234);
    assert_int_equal(json_object_size(o), 7);
    json_decref(o);

    o = json_line(s, 1);
    expect_str(o, "level", "warning");
    expect_str(o, "stage", "main");
    expect_str(o, "msg", "w");
    json_decref(o);
    /* two records, each on its own line, nothing else */
    assert_null(strchr(strchr(strchr(written(s), '\n') + 1, '\n') + 1, '\n'));
}

static void
test_json_err(void **state)
{
    struct sink *s = *state;
    struct st_err err;
    json_t *o;

    s->log.format = ST_LOG_JSON;
    st_err_set(&err, ST_ERR_DB, "cannot insert");
    memcpy(err.sqlstate, "23505", 6);
    st_err_detail(&err, "Key (id)=(1) already exists.");
    st_err_hint(&err, "rerun the stage");
    st_err_at(&err, "a.csv", 4, 2);
    st_log_err(&s->log, "reconcile", &err);

    o = json_line(s, 0);
    expect_str(o, "level", "error");
    expect_str(o, "stage", "reconcile");
    expect_str(o, "msg", "a.csv:4:2: cannot insert");
    expect_str(o, "error", "database error");
    expect_str(o, "sqlstate", "23505");
    expect_str(o, "detail", "Key (id)=(1) already exists.");
    expect_str(o, "hint", "rerun the stage");
    json_decref(o);
}

/* A message quoting bytes that are not UTF-8 still makes a JSON record. */
static void
test_json_not_utf8(void **state)
{
    struct sink *s = *state;
    const struct st_log_field f[] = {{"field", "caf\xe9", 0}};
    json_t *o;

    s->log.format = ST_LOG_JSON;
    st_log_fields(&s->log, ST_LOG_ERROR, "normalize", f, 1,
                  "bad name 'M\xfcller' in line %d", 3);
    o = json_line(s, 0);
    expect_str(o, "msg", "bad name 'M?ller' in line 3");
    expect_str(o, "field", "caf?");
    json_decref(o);
}

static void
test_progress(void **state)
{
    struct sink *s = *state;

    st_log_progress(&s->log, "normalize", 5, 10, "rows"); /* not a tty */
    assert_string_equal(written(s), "");
    s->log.progress = 1;
    st_log_progress(&s->log, "normalize", 5, 10, "rows");
    st_log_progress(&s->log, "normalize", 10, 10, "rows");
    st_log_progress(&s->log, "fetch", 7, 0, "reports");
    assert_string_equal(written(s), "\rsettle: normalize: 5/10 rows"
                                    "\rsettle: normalize: 10/10 rows\n"
                                    "\rsettle: fetch: 7 reports");
    s->log.format = ST_LOG_JSON; /* never in JSON */
    st_log_progress(&s->log, "normalize", 1, 10, "rows");
    s->log.format = ST_LOG_TEXT;
    s->log.level = ST_LOG_WARN; /* nor when quiet */
    st_log_progress(&s->log, "normalize", 1, 10, "rows");
    assert_string_equal(written(s), "\rsettle: normalize: 5/10 rows"
                                    "\rsettle: normalize: 10/10 rows\n"
                                    "\rsettle: fetch: 7 reports");
}

static void
test_null_log(void **state)
{
    struct st_log quiet;
    struct st_err err;

    (void)state;
    st_err_set(&err, ST_ERR_IO, "x");
    st_log_msg(NULL, ST_LOG_ERROR, NULL, "nothing");
    st_log_err(NULL, NULL, &err);
    st_log_progress(NULL, "x", 1, 2, "rows");
    st_log_init(&quiet, NULL, ST_LOG_TEXT);
    st_log_msg(&quiet, ST_LOG_ERROR, NULL, "nothing");
    st_log_err(&quiet, NULL, &err);
}

/*
 * Two threads share one log: every record, an error with its detail and
 * hint lines too, comes out whole.
 */
#define RACE_RECORDS 2000

struct racer {
    struct st_log *log;
    int id;
};

static void *
race(void *arg)
{
    const struct racer *r = arg;
    char name[8];
    int i;

    if (snprintf(name, sizeof(name), "t%d", r->id) >= (int)sizeof(name))
        return NULL;
    for (i = 0; i < RACE_RECORDS; i++) {
        struct st_log_field f[2] = {{.key = "thread", .s = name},
                                    {.key = "n", .i = i}};

        if (i % 10 == 0) {
            struct st_err err;

            st_err_set(&err, ST_ERR_DATA, "e %s %d", name, i);
            (void)snprintf(err.detail, sizeof(err.detail), "d %s %d", name, i);
            (void)snprintf(err.hint, sizeof(err.hint), "h %s %d", name, i);
            st_log_err(r->log, name, &err);
        } else {
            st_log_fields(r->log, ST_LOG_INFO, name, f, 2, "record %d", i);
        }
    }
    return NULL;
}

/* 1 when line (up to its newline) is exactly the text want. */
static int
line_is(const char *line, const char *want)
{
    size_t n = strlen(want);

    return strncmp(line, want, n) == 0 && line[n] == '\n';
}

static void
test_threads(void **state)
{
    struct sink *s = *state;
    struct racer r[2] = {{&s->log, 0}, {&s->log, 1}};
    pthread_t tid[2];
    int next[2] = {0, 0};
    const char *p;
    char want[128];

    assert_int_equal(pthread_create(&tid[0], NULL, race, &r[0]), 0);
    assert_int_equal(pthread_create(&tid[1], NULL, race, &r[1]), 0);
    assert_int_equal(pthread_join(tid[0], NULL), 0);
    assert_int_equal(pthread_join(tid[1], NULL), 0);
    assert_int_equal(fflush(s->f), 0);
    /* Each thread's records in its order, each whole. */
    for (p = s->data; *p != '\0';) {
        int t = strncmp(p, "settle: t1: ", 12) == 0;
        int i = next[t];

        assert_true(i < RACE_RECORDS);
        if (i % 10 == 0) {
            assert_true(snprintf(want, sizeof(want),
                                 "settle: t%d: error: e t%d %d", t, t,
                                 i) < (int)sizeof(want));
            assert_true(line_is(p, want));
            p = strchr(p, '\n') + 1;
            assert_true(snprintf(want, sizeof(want), "settle: detail: d t%d %d",
                                 t, i) < (int)sizeof(want));
            assert_true(line_is(p, want));
            p = strchr(p, '\n') + 1;
            assert_true(snprintf(want, sizeof(want), "settle: hint: h t%d %d",
                                 t, i) < (int)sizeof(want));
        } else {
            assert_true(snprintf(want, sizeof(want),
                                 "settle: t%d: record %d thread=t%d n=%d", t, i,
                                 t, i) < (int)sizeof(want));
        }
        assert_true(line_is(p, want));
        p = strchr(p, '\n') + 1;
        next[t]++;
    }
    assert_int_equal(next[0], RACE_RECORDS);
    assert_int_equal(next[1], RACE_RECORDS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text, setup, teardown),
        cmocka_unit_test(test_levels),
        cmocka_unit_test_setup_teardown(test_text_err, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_err, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_not_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
        cmocka_unit_test(test_null_log),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
    };

    return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
