/*
 * test_handoff.c: struct st_handoff, two buffers between two threads.
 * Many buffers of a known byte pattern cross from a producer thread to the
 * consumer and must arrive whole and in order; a close ends the consumer
 * after the last buffer; an error of either side reaches the other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/handoff.h"
#include "core/banned.h"

#define NPUT 2000
#define MAXB ((size_t)4096)

/* Byte i of the stream: no period that a swap or a reset could hide. */
static char
pattern(uint64_t i)
{
    return (char)((i * 2654435761u) >> 13);
}

struct producer {
    struct st_handoff *h;
    int fail_after; /* close with ST_ERR_IO after this many puts; -1 never */
    int puts;       /* puts that succeeded */
    int put_rc;     /* the first put that failed, or 0 */
};

static void *
produce(void *arg)
{
    struct producer *p = arg;
    struct st_buf b;
    struct st_err e;
    uint64_t at = 0;
    int i;
    int rc = 0;

    st_buf_init(&b, MAXB);
    for (i = 0; i < NPUT; i++) {
        size_t n = 1 + (size_t)(i * 7919) % (MAXB - 1); /* 1..MAXB-1 bytes */
        size_t k;

        if (i == p->fail_after) {
            st_err_set(&e, ST_ERR_IO, "producer failed at %d", i);
            rc = ST_ERR_IO;
            break;
        }
        for (k = 0; k < n; k++)
            st_buf_addch(&b, pattern(at + k));
        if ((p->put_rc = st_handoff_put(p->h, &b, NULL)) != 0)
            break;
        at += n;
        p->puts++;
        if (b.len != 0) /* the buffer given back must be empty */
            break;
    }
    st_handoff_close(p->h, rc, rc != 0 ? &e : NULL);
    st_buf_release(&b);
    return NULL;
}

struct consumed {
    uint64_t bytes;
    int bufs;
    int bad;   /* the first byte out of order, or 0 */
    int after; /* buffers taken after the consumer failed */
};

/* Takes until the end, or fails with ST_ERR_DATA after stop_after bufs. */
static void
consume(struct st_handoff *h, struct consumed *c, int stop_after)
{
    const struct st_buf *b;
    struct st_err e;

    while (st_handoff_take(h, &b)) {
        size_t k;

        for (k = 0; k < b->len && !c->bad; k++)
            if (b->data[k] != pattern(c->bytes + k))
                c->bad = 1;
        c->bytes += b->len;
        c->bufs++;
        if (c->bufs == stop_after) {
            st_err_set(&e, ST_ERR_DATA, "consumer failed");
            st_handoff_done(h, ST_ERR_DATA, &e);
            break;
        }
        st_handoff_done(h, 0, NULL);
    }
    /* After a failure, count what still arrives (nothing should). */
    while (stop_after >= 0 && st_handoff_take(h, &b)) {
        c->after++;
        st_handoff_done(h, 0, NULL);
    }
}

static uint64_t
total_bytes(int nput)
{
    uint64_t t = 0;
    int i;

    for (i = 0; i < nput; i++)
        t += 1 + (size_t)(i * 7919) % (MAXB - 1);
    return t;
}

/*
 * A handoff h of MAXB-byte buffers between p, on a thread of its own, and
 * the consumer c on this one, which fails after stop_after buffers (-1:
 * never); returns when both have finished.
 */
static void
run_pair(struct st_handoff *h, struct producer *p, struct consumed *c,
         int stop_after)
{
    struct st_err err;
    pthread_t th;

    assert_int_equal(st_handoff_init(h, MAXB, &err), 0);
    assert_int_equal(pthread_create(&th, NULL, produce, p), 0);
    consume(h, c, stop_after);
    assert_int_equal(pthread_join(th, NULL), 0);
}

static void
test_every_byte_in_order(void **state)
{
    struct st_handoff h;
    struct producer p = {&h, -1, 0, 0};
    struct consumed c = {0, 0, 0, 0};
    struct st_err err;

    (void)state;
    run_pair(&h, &p, &c, -1);
    assert_int_equal(p.put_rc, 0);
    assert_int_equal(p.puts, NPUT);
    assert_int_equal(c.bufs, NPUT);
    assert_int_equal(c.bad, 0);
    assert_true(c.bytes == total_bytes(NPUT));
    assert_int_equal(st_handoff_error(&h, &err), 0);
    st_handoff_release(&h);
    st_handoff_release(&h); /* twice is fine */
}

/* Single-threaded: what was put before the close still arrives. */
static void
test_close(void **state)
{
    struct st_handoff h;
    struct st_buf b;
    const struct st_buf *got = NULL;
    struct st_err err;

    (void)state;
    assert_int_equal(st_handoff_init(&h, 16, &err), 0);
    st_buf_init(&b, 16);
    st_buf_addstr(&b, "last");
    assert_int_equal(st_handoff_put(&h, &b, &err), 0);
    assert_int_equal(b.len, 0);
    st_handoff_close(&h, 0, NULL);
    assert_int_equal(st_handoff_take(&h, &got), 1);
    assert_non_null(got);
    assert_string_equal(got->data, "last");
    st_handoff_done(&h, 0, NULL);
    assert_int_equal(st_handoff_take(&h, &got), 0);
    assert_null(got);
    assert_int_equal(st_handoff_take(&h, &got), 0); /* and stays ended */
    /* A put after the close is refused. */
    st_buf_addstr(&b, "late");
    assert_int_equal(st_handoff_put(&h, &b, &err), ST_ERR_INTERNAL);
    assert_string_equal(b.data, "late");
    assert_int_equal(st_handoff_error(&h, NULL), 0);
    st_buf_release(&b);
    st_handoff_release(&h);
}

/* A closing producer with nothing handed over ends a waiting consumer. */
static void
test_close_empty(void **state)
{
    struct st_handoff h;
    struct producer p = {&h, 0, 0, 0};
    struct consumed c = {0, 0, 0, 0};
    struct st_err err;

    (void)state;
    run_pair(&h, &p, &c, -1);
    assert_int_equal(c.bufs, 0);
    assert_int_equal(st_handoff_error(&h, &err), ST_ERR_IO);
    st_handoff_release(&h);
}

/* The producer's error: what came before it arrives, then the error. */
static void
test_producer_error(void **state)
{
    struct st_handoff h;
    struct producer p = {&h, 500, 0, 0};
    struct consumed c = {0, 0, 0, 0};
    struct st_err err;

    (void)state;
    run_pair(&h, &p, &c, -1);
    assert_int_equal(p.puts, 500);
    assert_int_equal(c.bufs, 500);
    assert_int_equal(c.bad, 0);
    assert_true(c.bytes == total_bytes(500));
    st_err_clear(&err);
    assert_int_equal(st_handoff_error(&h, &err), ST_ERR_IO);
    assert_int_equal(err.code, ST_ERR_IO);
    assert_string_equal(err.msg, "producer failed at 500");
    st_handoff_release(&h);
}

/* The consumer's error stops the producer at its next put. */
static void
test_consumer_error(void **state)
{
    struct st_handoff h;
    struct producer p = {&h, -1, 0, 0};
    struct consumed c = {0, 0, 0, 0};
    struct st_err err;

    (void)state;
    run_pair(&h, &p, &c, 10);
    assert_int_equal(c.bufs, 10);
    assert_int_equal(c.after, 0);
    assert_int_equal(p.put_rc, ST_ERR_DATA);
    assert_int_equal(p.puts, 10);
    st_err_clear(&err);
    assert_int_equal(st_handoff_error(&h, &err), ST_ERR_DATA);
    assert_string_equal(err.msg, "consumer failed");
    st_handoff_release(&h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_byte_in_order),
        cmocka_unit_test(test_close),
        cmocka_unit_test(test_close_empty),
        cmocka_unit_test(test_producer_error),
        cmocka_unit_test(test_consumer_error),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
