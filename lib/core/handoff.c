/*
 * handoff.c: one mutex and one condition variable guard the handed-over
 * buffer and the flags; the bytes themselves are touched outside the lock,
 * by the one side that owns them at the time.
 */
#include <string.h>

#include "core/handoff.h"
#include "core/banned.h"

int
st_handoff_init(struct st_handoff *h, size_t max, struct st_err *err)
{
    memset(h, 0, sizeof(*h));
    st_buf_init(&h->slot, max);
    st_err_clear(&h->err);
    if (pthread_mutex_init(&h->mu, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&h->cv, NULL) != 0) {
        pthread_mutex_destroy(&h->mu);
        goto fail;
    }
    return 0;
fail:
    memset(h, 0, sizeof(*h));
    return st_err_set(err, ST_ERR_INTERNAL,
                      "cannot make a mutex for a thread handoff");
}

void
st_handoff_release(struct st_handoff *h)
{
    if (h == NULL || h->slot.data == NULL)
        return;
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    st_buf_release(&h->slot);
    memset(h, 0, sizeof(*h));
}

/* With h->mu held: the first error of either side sticks. */
static void
fail_locked(struct st_handoff *h, int rc, const struct st_err *why)
{
    if (rc == 0 || h->rc != 0)
        return;
    h->rc = rc;
    if (why != NULL)
        h->err = *why;
    else
        st_err_set(&h->err, rc, "%s", st_strerror(rc));
}

int
st_handoff_put(struct st_handoff *h, struct st_buf *b, struct st_err *err)
{
    struct st_buf t;
    int rc;

    pthread_mutex_lock(&h->mu);
    while (h->full && h->rc == 0)
        pthread_cond_wait(&h->cv, &h->mu);
    rc = h->rc;
    if (rc == 0 && h->closed)
        rc = ST_ERR_INTERNAL; /* a put after close: a bug of the caller */
    if (rc == 0) {
        t = h->slot;
        h->slot = *b;
        *b = t;
        h->full = 1;
        pthread_cond_broadcast(&h->cv);
    } else if (err != NULL) {
        if (h->rc != 0)
            *err = h->err;
        else
            st_err_set(err, rc, "a buffer handed over after the close");
    }
    pthread_mutex_unlock(&h->mu);
    return rc;
}

void
st_handoff_close(struct st_handoff *h, int rc, const struct st_err *why)
{
    pthread_mutex_lock(&h->mu);
    fail_locked(h, rc, why);
    h->closed = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

int
st_handoff_take(struct st_handoff *h, const struct st_buf **out)
{
    int got;

    pthread_mutex_lock(&h->mu);
    while (!h->full && !h->closed)
        pthread_cond_wait(&h->cv, &h->mu);
    got = h->full;
    pthread_mutex_unlock(&h->mu);
    *out = got ? &h->slot : NULL;
    return got;
}

void
st_handoff_done(struct st_handoff *h, int rc, const struct st_err *why)
{
    pthread_mutex_lock(&h->mu);
    fail_locked(h, rc, why);
    st_buf_reset(&h->slot);
    h->full = 0;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

int
st_handoff_error(struct st_handoff *h, struct st_err *err)
{
    int rc;

    pthread_mutex_lock(&h->mu);
    rc = h->rc;
    if (rc != 0 && err != NULL)
        *err = h->err;
    pthread_mutex_unlock(&h->mu);
    return rc;
}
