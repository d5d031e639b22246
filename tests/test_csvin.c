/*
 * test_csvin.c: lib/io/csvin, the streaming CSV reader. Each case is fed
 * whole, then again one byte at a time (rows must not depend on where the
 * chunks are cut), and its rows are compared as text: "LINE:f1|f2|...\n"
 * per row, fields with their bytes as they are. The cases cover both the
 * fast path for plain rows and libcsv, which reads every other row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "io/csvin.h"
#include "core/err.h"
#include "core/banned.h"

struct collect {
    struct st_buf out;
    long stop_after; /* rows before ST_CSVIN_STOP; 0 = never */
    long rows;
};

static int
collect_row(void *ctx, const struct st_csvin_row *row, struct st_err *err)
{
    struct collect *c = ctx;
    size_t i;

    (void)err;
    st_buf_addf(&c->out, "%ld:", row->line);
    for (i = 0; i < row->n; i++) {
        assert_int_equal(row->field[i][row->len[i]], '\0');
        if (i > 0)
            st_buf_addch(&c->out, '|');
        st_buf_add(&c->out, row->field[i], row->len[i]);
    }
    st_buf_addch(&c->out, '\n');
    c->rows++;
    if (c->stop_after > 0 && c->rows == c->stop_after)
        return ST_CSVIN_STOP;
    return 0;
}

struct csv_case {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    int rc;     /* of feed + finish */
    long err_line;
    const char *want;
    size_t want_len; /* 0: strlen(want) */
};

static const struct csv_case cases[] = {
    {"plain LF", "a,b\nc,d\n", 0, 0, 0, "1:a|b\n2:c|d\n", 0},
    {"CRLF", "a,b\r\nc,d\r\n", 0, 0, 0, "1:a|b\n2:c|d\n", 0},
    {"no final newline", "a,b\nc,d", 0, 0, 0, "1:a|b\n2:c|d\n", 0},
    {"BOM dropped", "\xEF\xBB\xBF\"a\",\"b\"\n", 0, 0, 0, "1:a|b\n", 0},
    {"BOM only", "\xEF\xBB\xBF", 0, 0, 0, "", 0},
    {"two bytes, not a BOM", "\xEF\xBB", 0, 0, 0, "1:\xEF\xBB\n", 0},
    {"BOM-like text kept later", "x\n\xEF\xBB\xBF\n", 0, 0, 0,
     "1:x\n2:\xEF\xBB\xBF\n", 0},
    {"blank lines skipped, counted", "a\n\n\r\n\nb\n", 0, 0, 0, "1:a\n5:b\n",
     0},
    {"quoted comma and quote", "\"x,y\",\"say \"\"hi\"\"\"\n", 0, 0, 0,
     "1:x,y|say \"hi\"\n", 0},
    {"line break inside quotes", "\"a\nb\",c\nd\n", 0, 0, 0, "1:a\nb|c\n3:d\n",
     0},
    {"CRLF inside quotes", "\"a\r\nb\"\r\nc\r\n", 0, 0, 0, "1:a\r\nb\n3:c\n",
     0},
    {"empty fields", ",,\n\"\",\n", 0, 0, 0, "1:||\n2:|\n", 0},
    {"trailing comma", "\"a\",\"b\",\n", 0, 0, 0, "1:a|b|\n", 0},
    {"spaces kept", " a , b \n", 0, 0, 0, "1: a | b \n", 0},
    {"non-ASCII", "M\xC3\xBCller,\xE4\xBE\x8B\n", 0, 0, 0,
     "1:M\xC3\xBCller|\xE4\xBE\x8B\n", 0},
    {"NUL inside a field", "a\0b,c\n", 6, 0, 0, "1:a\0b|c\n", 8},
    {"empty input", "", 0, 0, 0, "", 0},
    {"quote in unquoted field", "a,b\nc\"d,e\n", 0, ST_ERR_DATA, 2, "1:a|b\n",
     0},
    {"text after closing quote", "\"a\"x,b\n", 0, ST_ERR_DATA, 1, "", 0},
    {"unterminated quote", "a\n\"open,\nmore", 0, ST_ERR_DATA, 2, "1:a\n", 0},
    /* rows of the fast path's plain shape, and what is not */
    {"doubled quotes", "\"a\"\"b\",\"\"\"\"\nc,\"d\"\"\"\n", 0, 0, 0,
     "1:a\"b|\"\n2:c|d\"\n", 0},
    {"CR line ends", "a,\"b\"\rc\r\"d\"\n", 0, 0, 0, "1:a|b\n1:c\n1:d\n", 0},
    {"quoted field ends the input", "a\n\"b\"", 0, 0, 0, "1:a\n2:b\n", 0},
    {"comma ends the input", "\"a\",", 0, 0, 0, "1:a|\n", 0},
    {"quote ends the input", "a\n\"", 0, ST_ERR_DATA, 2, "1:a\n", 0},
    {"space after closing quote", "a\n\"b\" ,c\n", 0, ST_ERR_DATA, 2, "1:a\n",
     0},
    {"line breaks in quotes, then a bad row", "\"a\nb\",\"c\r\n\"\nx\"y\n", 0,
     ST_ERR_DATA, 4, "1:a\nb|c\r\n\n", 0},
    {"bad row, then plain rows", "a\"b\n\"c\"\n", 0, ST_ERR_DATA, 1, "", 0},
};

/* Writes len bytes to a new temporary file; returns its open fd. */
static int
temp_fd(const void *data, size_t len)
{
    char path[] = "/tmp/test_csvin_XXXXXX";
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static void
sum_chunk(void *ctx, const void *data, size_t len)
{
    (void)data;
    *(size_t *)ctx += len;
}

/* mode 0: one feed; 1: byte by byte; 2: st_csvin_read_fd (two threads) */
static void
run_case(const struct csv_case *t, int bytewise)
{
    struct collect c;
    struct st_csvin *r = NULL;
    struct st_err err;
    size_t len = t->len ? t->len : strlen(t->in);
    size_t want_len = t->want_len ? t->want_len : strlen(t->want);
    size_t i;
    int rc = 0;

    memset(&c, 0, sizeof(c));
    st_buf_init(&c.out, 1 << 20);
    st_err_clear(&err);
    assert_int_equal(st_csvin_new("t.csv", collect_row, &c, &r, &err), 0);
    if (bytewise == 2) {
        int fd = temp_fd(t->in, len);
        size_t seen = 0;

        rc = st_csvin_read_fd(r, fd, sum_chunk, &seen, &err);
        assert_true(rc != 0 || seen == len);
        close(fd);
    } else if (bytewise) {
        for (i = 0; i < len && rc == 0; i++)
            rc = st_csvin_feed(r, t->in + i, 1, &err);
    } else {
        rc = st_csvin_feed(r, t->in, len, &err);
    }
    if (rc == 0 && bytewise != 2)
        rc = st_csvin_finish(r, &err);
    if (rc != t->rc || c.out.len != want_len ||
        memcmp(c.out.data, t->want, c.out.len) != 0)
        fail_msg("%s (mode %d): rc %d, rows:\n%s", t->name, bytewise, rc,
                 c.out.data);
    if (t->rc != 0) {
        assert_string_equal(err.file, "t.csv");
        assert_int_equal(err.line, t->err_line);
        /* The reader stays failed. */
        assert_int_equal(st_csvin_feed(r, "x\n", 2, &err), t->rc);
    }
    st_csvin_free(r);
    st_buf_release(&c.out);
}

static void
test_cases(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_case(&cases[i], 0);
        run_case(&cases[i], 1);
        run_case(&cases[i], 2);
    }
}

static void
test_stop(void **state)
{
    struct collect c;
    struct st_csvin *r = NULL;
    struct st_err err;

    (void)state;
    memset(&c, 0, sizeof(c));
    st_buf_init(&c.out, 4096);
    c.stop_after = 2;
    assert_int_equal(st_csvin_new(NULL, collect_row, &c, &r, &err), 0);
    assert_int_equal(st_csvin_feed(r, "a\nb\nc\n", 6, &err), ST_CSVIN_STOP);
    assert_int_equal(st_csvin_feed(r, "d\n", 2, &err), ST_CSVIN_STOP);
    assert_int_equal(st_csvin_finish(r, &err), ST_CSVIN_STOP);
    assert_string_equal(c.out.data, "1:a\n2:b\n");
    st_csvin_free(r);
    st_buf_release(&c.out);
}

/* A stop ends the parse: the rest of a large buffer is not read. */
static void
test_stop_early(void **state)
{
    struct collect c;
    struct st_csvin *r = NULL;
    struct st_err err;
    struct st_buf in;
    long i;

    (void)state;
    memset(&c, 0, sizeof(c));
    st_buf_init(&c.out, 4096);
    st_buf_init(&in, 8u << 20);
    for (i = 0; i < 200000; i++)
        st_buf_addf(&in, "row %ld,x\n", i);
    assert_int_equal(st_buf_error(&in), 0);
    c.stop_after = 1;
    assert_int_equal(st_csvin_new(NULL, collect_row, &c, &r, &err), 0);
    assert_int_equal(st_csvin_feed(r, in.data, in.len, &err), ST_CSVIN_STOP);
    assert_string_equal(c.out.data, "1:row 0|x\n");
    /* libcsv went no further than one slice of the 2.5 MB */
    assert_true(st_csvin_line(r) < 10000);
    st_csvin_free(r);
    st_buf_release(&in);
    st_buf_release(&c.out);
}

static int
fail_row(void *ctx, const struct st_csvin_row *row, struct st_err *err)
{
    (void)ctx;
    (void)row;
    return st_err_set(err, ST_ERR_IO, "callback failed");
}

static void
test_callback_error(void **state)
{
    struct st_csvin *r = NULL;
    struct st_err err;

    (void)state;
    assert_int_equal(st_csvin_new("x", fail_row, NULL, &r, &err), 0);
    /* The first three bytes wait for the BOM check, so feed more. */
    assert_int_equal(st_csvin_feed(r, "a\nb\n", 4, &err), ST_ERR_IO);
    assert_string_equal(err.msg, "callback failed");
    st_csvin_free(r);
    st_csvin_free(NULL);
}

static int
count_row(void *ctx, const struct st_csvin_row *row, struct st_err *err)
{
    (void)row;
    (void)err;
    (*(long *)ctx)++;
    return 0;
}

static void
test_limits(void **state)
{
    struct st_csvin *r = NULL;
    struct st_err err;
    struct st_buf b;
    long rows = 0;
    size_t i;

    (void)state;
    /* more fields than ST_CSVIN_MAX_FIELDS */
    st_buf_init(&b, 1 << 20);
    st_buf_addstr(&b, "ok\n");
    for (i = 0; i <= ST_CSVIN_MAX_FIELDS; i++)
        st_buf_addch(&b, ',');
    st_buf_addch(&b, '\n');
    assert_int_equal(st_csvin_new("w", count_row, &rows, &r, &err), 0);
    assert_int_equal(st_csvin_feed(r, b.data, b.len, &err), ST_ERR_DATA);
    assert_int_equal(err.line, 2);
    assert_int_equal(rows, 1);
    st_csvin_free(r);
    /* a row longer than ST_CSVIN_MAX_ROW */
    st_buf_release(&b);
    st_buf_init(&b, 4 << 20);
    st_buf_addch(&b, '"');
    for (i = 0; i < ST_CSVIN_MAX_ROW + 10; i++)
        st_buf_addch(&b, 'x');
    st_buf_addstr(&b, "\"\n");
    assert_int_equal(st_buf_error(&b), 0);
    rows = 0;
    assert_int_equal(st_csvin_new("l", count_row, &rows, &r, &err), 0);
    assert_int_equal(st_csvin_feed(r, b.data, b.len, &err), ST_ERR_DATA);
    assert_int_equal(rows, 0);
    st_csvin_free(r);
    st_buf_release(&b);
}

/* Feeds in in pieces of chunk bytes (0: st_csvin_read_fd); the rows. */
static int
read_in_chunks(const struct st_buf *in, size_t chunk, struct st_buf *out,
               struct st_err *err)
{
    struct collect c;
    struct st_csvin *r = NULL;
    size_t i;
    int rc;

    memset(&c, 0, sizeof(c));
    st_buf_init(&c.out, 64 << 20);
    assert_int_equal(st_csvin_new("f", collect_row, &c, &r, err), 0);
    if (chunk == 0) {
        int fd = temp_fd(in->data, in->len);

        rc = st_csvin_read_fd(r, fd, NULL, NULL, err);
        close(fd);
    } else {
        rc = 0;
        for (i = 0; i < in->len && rc == 0; i += chunk)
            rc = st_csvin_feed(r, in->data + i,
                               in->len - i < chunk ? in->len - i : chunk, err);
        if (rc == 0)
            rc = st_csvin_finish(r, err);
    }
    st_csvin_free(r);
    *out = c.out;
    return rc;
}

/*
 * The rows do not depend on how the input is cut: plain rows read whole
 * or carried across a cut, a row too long to carry (read by libcsv, and
 * every row after it), quoted line breaks and doubled quotes.
 */
static void
test_chunking(void **state)
{
    static const size_t chunks[] = {1, 7, 64, 4096, 1 << 20, 0};
    static const char head[] = "1:0|say \"0\"|plain 0|||two\nlines\n3:1|";
    struct st_buf in;
    struct st_buf want;
    struct st_err err;
    long i;
    size_t k;

    (void)state;
    st_buf_init(&in, 16 << 20);
    for (i = 0; i < 3000; i++) {
        st_buf_addf(&in, "\"%ld\",\"say \"\"%ld\"\"\",plain %ld,,\"\"", i, i,
                    i);
        if (i % 97 == 0)
            st_buf_addstr(&in, ",\"two\nlines\"");
        if (i == 1500) { /* one field of 200 KiB with line breaks */
            long n;

            st_buf_addstr(&in, ",\"");
            for (n = 0; n < 200L * 1024; n++)
                st_buf_addch(&in, n % 1000 == 999 ? '\n' : 'x');
            st_buf_addch(&in, '"');
        }
        st_buf_addstr(&in, i % 5 == 0 ? "\r\n" : "\n");
    }
    st_buf_addstr(&in, "\"last\",\"no line end\"");
    assert_int_equal(st_buf_error(&in), 0);
    assert_int_equal(read_in_chunks(&in, in.len, &want, &err), 0);
    /* 3000 line ends, 31 two-line fields, 204 line breaks in the long one */
    assert_memory_equal(want.data, head, sizeof(head) - 1);
    assert_non_null(strstr(want.data, "\n3236:last|no line end\n"));
    for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
        struct st_buf got;

        assert_int_equal(read_in_chunks(&in, chunks[k], &got, &err), 0);
        if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
            fail_msg("chunks of %zu: rows differ", chunks[k]);
        st_buf_release(&got);
    }
    /* a malformed row after the long one: located the same way */
    st_buf_addstr(&in, "\nx\"y\n");
    for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
        struct st_buf got;

        assert_int_equal(read_in_chunks(&in, chunks[k], &got, &err),
                         ST_ERR_DATA);
        assert_int_equal(err.line, 3237);
        st_buf_release(&got);
    }
    st_buf_release(&want);
    st_buf_release(&in);
}

/* Every allocation failing in turn: ST_ERR_NOMEM, no leak, no crash. */
static void
test_nomem(void **state)
{
    static const char in[] = "\"a\",\"b\"\n\"c\",\"d\",\"e\"\n";
    long nth;

    (void)state;
    for (nth = 1; nth < 20; nth++) {
        struct st_csvin *r = NULL;
        struct st_err err;
        long rows = 0;
        int rc;

        st_alloc_fail_at(nth);
        rc = st_csvin_new("m", count_row, &rows, &r, &err);
        if (rc == 0) {
            rc = st_csvin_feed(r, in, sizeof(in) - 1, &err);
            if (rc == 0)
                rc = st_csvin_finish(r, &err);
        }
        st_alloc_fail_at(0);
        st_csvin_free(r);
        assert_true(rc == 0 || rc == ST_ERR_NOMEM);
        if (rc == 0) {
            assert_int_equal(rows, 2);
            break;
        }
    }
    assert_true(nth < 20);
    /* the same through the two-thread reader */
    for (nth = 1; nth < 60; nth++) {
        struct st_csvin *r = NULL;
        struct st_err err;
        long rows = 0;
        int fd = temp_fd(in, sizeof(in) - 1);
        int rc;

        st_alloc_fail_at(nth);
        rc = st_csvin_new("m", count_row, &rows, &r, &err);
        if (rc == 0)
            rc = st_csvin_read_fd(r, fd, NULL, NULL, &err);
        st_alloc_fail_at(0);
        st_csvin_free(r);
        close(fd);
        assert_true(rc == 0 || rc == ST_ERR_NOMEM);
        if (rc == 0) {
            assert_int_equal(rows, 2);
            break;
        }
    }
    assert_true(nth < 60);
}

/*
 * Many batches through the two-thread reader: the same rows, lines and
 * order as one feed; and a row function that fails half-way stops it.
 */
static void
test_read_fd_large(void **state)
{
    struct st_buf in;
    struct collect a;
    struct collect b;
    struct st_csvin *r = NULL;
    struct st_err err;
    long i;
    int fd;

    (void)state;
    st_buf_init(&in, 64 << 20);
    for (i = 0; i < 60000; i++)
        st_buf_addf(&in, "\"%ld\",\"multi\nline %ld\",x%s\r\n%s", i, i,
                    i % 7 == 0 ? "" : ",y", i % 1000 == 0 ? "\n" : "");
    assert_int_equal(st_buf_error(&in), 0);
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    st_buf_init(&a.out, 64 << 20);
    st_buf_init(&b.out, 64 << 20);
    assert_int_equal(st_csvin_new("a", collect_row, &a, &r, &err), 0);
    assert_int_equal(st_csvin_feed(r, in.data, in.len, &err), 0);
    assert_int_equal(st_csvin_finish(r, &err), 0);
    st_csvin_free(r);
    fd = temp_fd(in.data, in.len);
    assert_int_equal(st_csvin_new("b", collect_row, &b, &r, &err), 0);
    assert_int_equal(st_csvin_read_fd(r, fd, NULL, NULL, &err), 0);
    st_csvin_free(r);
    assert_int_equal(a.rows, 60000);
    assert_int_equal(b.rows, 60000);
    assert_int_equal(a.out.len, b.out.len);
    assert_memory_equal(a.out.data, b.out.data, a.out.len);

    /* stop half-way: the reader thread is told and joined */
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    st_buf_reset(&b.out);
    b.rows = 0;
    b.stop_after = 30000;
    assert_int_equal(st_csvin_new("c", collect_row, &b, &r, &err), 0);
    assert_int_equal(st_csvin_read_fd(r, fd, NULL, NULL, &err), ST_CSVIN_STOP);
    assert_int_equal(b.rows, 30000);
    st_csvin_free(r);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(st_csvin_new("d", fail_row, NULL, &r, &err), 0);
    assert_int_equal(st_csvin_read_fd(r, fd, NULL, NULL, &err), ST_ERR_IO);
    st_csvin_free(r);
    close(fd);
    /* a read error */
    assert_int_equal(st_csvin_new("e", collect_row, &b, &r, &err), 0);
    assert_int_equal(st_csvin_read_fd(r, -1, NULL, NULL, &err), ST_ERR_IO);
    assert_non_null(strstr(err.msg, "cannot read 'e'"));
    st_csvin_free(r);
    st_buf_release(&in);
    st_buf_release(&a.out);
    st_buf_release(&b.out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_callback_error),
        cmocka_unit_test(test_chunking),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_nomem),
        cmocka_unit_test(test_read_fd_large),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
