/*
 * handoff.h: two buffers taking turns between a producer and a consumer
 * thread. The producer fills its own struct st_buf while the consumer
 * drains the one handed over before; st_handoff_put swaps them once the
 * consumer is done, so at most two buffers are ever in flight and memory
 * stays bounded by them.
 *
 * Either side may fail, and the first error of either is the handoff's:
 * a consumer's error (st_handoff_done with rc != 0) makes every later
 * st_handoff_put return it, so the producer stops; a producer's error
 * (st_handoff_close with rc != 0) still lets the consumer drain what was
 * handed over before it, then st_handoff_take ends and st_handoff_error
 * reports it. The producer always calls st_handoff_close, even after an
 * error, and the threads are joined before st_handoff_release.
 *
 * The consumer's buffer is borrowed from the handoff between
 * st_handoff_take and st_handoff_done; the producer's is the caller's.
 */
#ifndef ST_HANDOFF_H
#define ST_HANDOFF_H

#include <pthread.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

struct st_handoff {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct st_buf slot; /* handed over; the consumer's while full */
    int full;           /* slot holds bytes the consumer has not finished */
    int closed;         /* the producer will hand over no more */
    int rc;             /* the first error of either side */
    struct st_err err;
};

/*
 * Prepares h; its buffer holds at most max bytes, like the producer's.
 * Returns 0, or ST_ERR_INTERNAL when no mutex or condition variable can
 * be made (h is then as after st_handoff_release).
 */
int st_handoff_init(struct st_handoff *h, size_t max, struct st_err *err);

/* Frees h. Both threads must be done with it. A no-op on a zeroed h. */
void st_handoff_release(struct st_handoff *h);

/*
 * Producer: waits until the consumer has finished the buffer before, then
 * hands b's bytes over; b gets the consumer's drained buffer, empty.
 * Returns 0, or the handoff's first error (err filled when not NULL), and
 * then b is left as it was.
 */
int st_handoff_put(struct st_handoff *h, struct st_buf *b, struct st_err *err);

/*
 * Producer: hands over no more. rc is 0, or the producer's error (why, if
 * not NULL, says what), which becomes the handoff's unless one came first.
 */
void st_handoff_close(struct st_handoff *h, int rc, const struct st_err *why);

/*
 * Consumer: waits for a buffer. Returns 1 with *out pointing at it, to be
 * drained and given back with st_handoff_done; 0 once the producer has
 * closed and everything handed over was taken.
 */
int st_handoff_take(struct st_handoff *h, const struct st_buf **out);

/*
 * Consumer: done with the buffer st_handoff_take gave. rc is 0, or the
 * consumer's error (why, if not NULL, says what), which stops the producer.
 */
void st_handoff_done(struct st_handoff *h, int rc, const struct st_err *why);

/* Returns 0 or the handoff's first error, copied into err when not NULL. */
int st_handoff_error(struct st_handoff *h, struct st_err *err);

#endif
