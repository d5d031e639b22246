/*
 * loopback.h: what the tests of lib/io/http and lib/amazon/api share to talk
 * HTTP without a network: a scripted server on 127.0.0.1 (a forked child that
 * answers each connection with the next canned response and logs every
 * request head), and a fake outside world (a clock that ticks per call,
 * recorded sleeps, no jitter) to inject as the http environment.
 */
#ifndef ST_TEST_LOOPBACK_H
#define ST_TEST_LOOPBACK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct loopback {
    pid_t pid;
    int fd;
    int port;
    char log[64]; /* file with every request head received */
};

/*
 * Listens on 127.0.0.1, on a port of the system's choosing (s->port), so
 * that a script can name the port before the server starts. name goes
 * into the request log's file name.
 */
void loopback_listen(struct loopback *s, const char *name);

/*
 * Forks the server: connection i gets text[i], len[i] bytes (strlen when
 * len is NULL), for i < n; then the child exits.
 */
void loopback_start(struct loopback *s, const char *const *text,
                    const size_t *len, int n);

/* Waits for the server; returns what it logged (a static buffer). */
const char *loopback_stop(struct loopback *s);

struct fake_world {
    int64_t now; /* seconds; each fake_now call ticks one */
    int64_t slept[16];
    int nslept;
    int signs; /* for a test's own signing hook */
    int64_t signed_at[16];
};

int64_t fake_now(void *ctx);
void fake_sleep(void *ctx, int64_t ms);
uint32_t fake_random(void *ctx); /* 0: the lower end of the jitter range */

#endif
