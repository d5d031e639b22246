/*
 * http.h: one HTTP request with retries, on libcurl (the only module that
 * touches it).
 *
 * TLS verification is always on (ca_file adds a CA bundle). Plain http:// is
 * accepted only to loopback hosts (127.0.0.0/8, ::1, localhost); any other
 * http:// URL, and any other scheme, is ST_ERR_CONFIG. Redirects are not
 * followed. The connect timeout is a fifth of the transfer timeout.
 *
 * Retries: HTTP 408, 425, 429 and 5xx, and network failures (refused or
 * reset connections, timeouts, a body cut short), up to max_attempts
 * attempts in all. Between attempts the delay is exponential (base, 2 base,
 * 4 base ... capped at backoff_max_ms) with jitter (a random point in the
 * upper half), and never shorter than the server's Retry-After (seconds or
 * HTTP date), which is itself capped at retry_after_max_ms. Every attempt
 * calls the sign callback afresh with the attempt's time, so a retried
 * request carries a new date and a new signature.
 *
 * The clock, the sleep and the random source are injected (struct
 * st_http_env) so tests neither sleep nor depend on the time of day.
 *
 * Errors (the response still holds the last status and body):
 *   2xx                        -> 0
 *   429 after the last attempt -> ST_ERR_TEMPFAIL   (exit 75: safe to retry)
 *   5xx, 408, 425, network     -> ST_ERR_UNAVAILABLE (exit 69)
 *   401, 403                   -> ST_ERR_PERM       (exit 77: a wrong key or
 *                                 key id, e.g. InvalidRequestSignature; not
 *                                 worth retrying, so not 69/75)
 *   other status               -> ST_ERR_HTTP
 *   certificate not trusted    -> ST_ERR_CONFIG     (exit 78; see ca_file)
 *   response over max_body     -> ST_ERR_TOOLONG
 * The message names the method, the URL without its query (a presigned
 * download URL carries credentials there), the status and Amazon's
 * reasonCode and message from the JSON error body.
 */
#ifndef ST_HTTP_H
#define ST_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"

/* The outside world, injected: wall clock, sleep and jitter source. */
struct st_http_env {
    int64_t (*now)(void *ctx);               /* seconds since the epoch */
    void (*sleep_ms)(void *ctx, int64_t ms); /* wait ms milliseconds */
    uint32_t (*random)(void *ctx);           /* any 32 random bits */
    void *ctx;
};

struct st_http_opts {
    int64_t timeout_s;          /* transfer timeout; connect = 1/5 of it */
    int64_t max_attempts;       /* attempts in all, >= 1 */
    const char *ca_file;        /* extra CA bundle, or NULL */
    int64_t backoff_base_ms;    /* first retry delay before jitter */
    int64_t backoff_max_ms;     /* cap of the exponential delay */
    int64_t retry_after_max_ms; /* cap of an honoured Retry-After */
    size_t max_body;            /* largest accepted response body */
    const char *user_agent;     /* or NULL */
};

/*
 * Called before every attempt with the attempt's time; appends the request
 * headers to send as "Name: value\n" lines to headers. Returns 0 or an
 * ST_ERR_*, which ends the request.
 */
typedef int (*st_http_sign_fn)(void *ctx, int64_t now, struct st_buf *headers,
                               struct st_err *err);

struct st_http_request {
    const char *method; /* "GET", "POST" ... */
    const char *url;
    const void *body; /* NULL for none */
    size_t body_len;
    st_http_sign_fn sign; /* NULL: send no extra headers */
    void *sign_ctx;
};

struct st_http_response {
    long status;           /* last HTTP status, 0 when none arrived */
    struct st_buf body;    /* last response body */
    char reason_code[128]; /* Amazon's reasonCode, or "" */
    char message[1024];    /* Amazon's message, or "" */
    int attempts;          /* attempts made */
    int64_t waited_ms;     /* total time slept between attempts */
    int64_t date;          /* the server's Date header, epoch s; 0: none */
};

/* Fills opts with the defaults (60 s, 5 attempts, 1 s base, 64 MiB). */
void st_http_opts_init(struct st_http_opts *opts);

/*
 * Fills opts with the defaults and cfg's http_timeout_s, http_max_attempts
 * and ca_file, and settle's User-Agent: what every request settle makes
 * (the Amazon Pay API, the ECB) is sent with.
 */
void st_http_opts_config(const struct st_config *cfg,
                         struct st_http_opts *opts);

/* Fills env with the real clock, nanosleep and arc4random. */
void st_http_env_system(struct st_http_env *env);

/* Prepares resp; its body holds at most max_body bytes. */
void st_http_response_init(struct st_http_response *resp, size_t max_body);

/* Frees resp's body; accepts NULL. */
void st_http_response_release(struct st_http_response *resp);

/*
 * Checks that url is https://, or http:// to a loopback host. Returns 0 or
 * ST_ERR_CONFIG naming the URL (without its query).
 */
int st_http_check_url(const char *url, struct st_err *err);

/*
 * The delay before retry number `retry` (1 = the first retry): the
 * exponential, jittered delay from rnd, raised to retry_after_ms (capped)
 * when that is >= 0. Exposed for tests.
 */
int64_t st_http_backoff_ms(const struct st_http_opts *opts, int retry,
                           int64_t retry_after_ms, uint32_t rnd);

/*
 * Performs req with retries as described above, leaving the last status and
 * body in resp (which the caller initialised). log (may be NULL) receives
 * one warning per retry. Returns 0 for a 2xx answer, else the mapped error.
 */
int st_http_do(const struct st_http_opts *opts, const struct st_http_env *env,
               const struct st_http_request *req, struct st_http_response *resp,
               struct st_log *log, struct st_err *err);

#endif
