/*
 * http.c: libcurl requests with retries, backoff, Retry-After and a fresh
 * signature per attempt. Nothing else in settle includes curl.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "core/alloc.h"
#include "core/num.h"
#include "io/http.h"
#include "core/version.h"
#include "core/banned.h"

#define HEADERS_MAX ((size_t)64 * 1024)

/* Per-attempt state shared with the curl callbacks. */
struct attempt {
    struct st_http_response *resp;
    int64_t retry_after_s; /* -1: none; else seconds, or an epoch (date) */
    int retry_after_is_date;
};

void
st_http_opts_init(struct st_http_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->timeout_s = 60;
    opts->max_attempts = 5;
    opts->backoff_base_ms = 1000;
    opts->backoff_max_ms = 30000;
    opts->retry_after_max_ms = 60000;
    opts->max_body = (size_t)64 * 1024 * 1024;
}

void
st_http_opts_config(const struct st_config *cfg, struct st_http_opts *opts)
{
    st_http_opts_init(opts);
    opts->timeout_s = cfg->http_timeout_s;
    opts->max_attempts = cfg->http_max_attempts;
    opts->ca_file = cfg->ca_file;
    opts->user_agent = "settle/" ST_VERSION;
}

static int64_t
sys_now(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

static void
sys_sleep_ms(void *ctx, int64_t ms)
{
    struct timespec ts;

    (void)ctx;
    if (ms <= 0)
        return;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static uint32_t
sys_random(void *ctx)
{
    (void)ctx;
    return arc4random();
}

void
st_http_env_system(struct st_http_env *env)
{
    env->now = sys_now;
    env->sleep_ms = sys_sleep_ms;
    env->random = sys_random;
    env->ctx = NULL;
}

void
st_http_response_init(struct st_http_response *resp, size_t max_body)
{
    memset(resp, 0, sizeof(*resp));
    st_buf_init(&resp->body, max_body);
}

void
st_http_response_release(struct st_http_response *resp)
{
    if (resp == NULL)
        return;
    st_buf_release(&resp->body);
}

/* The URL up to its query or fragment, for messages. */
static int
url_shown_len(const char *url)
{
    size_t n = strcspn(url, "?#");

    return n > 200 ? 200 : (int)n;
}

static int
is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    char h[64];
    size_t n = strlen(host);

    if (strcmp(host, "localhost") == 0)
        return 1;
    if (n >= 2 && n < sizeof(h) + 2 && host[0] == '[' && host[n - 1] == ']') {
        memcpy(h, host + 1, n - 2);
        h[n - 2] = '\0';
        return inet_pton(AF_INET6, h, &a6) == 1 &&
               memcmp(&a6, &in6addr_loopback, sizeof(a6)) == 0;
    }
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, host, &a6) == 1 &&
           memcmp(&a6, &in6addr_loopback, sizeof(a6)) == 0;
}

int
st_http_check_url(const char *url, struct st_err *err)
{
    int rc = ST_ERR_CONFIG;
    CURLU *u = NULL;
    char *scheme = NULL;
    char *host = NULL;

    u = curl_url();
    if (u == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "cannot parse a URL");
        goto out;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        st_err_set(err, ST_ERR_CONFIG, "bad URL '%.*s'", url_shown_len(url),
                   url);
        goto out;
    }
    if (strcmp(scheme, "https") == 0 ||
        (strcmp(scheme, "http") == 0 && is_loopback(host))) {
        rc = 0;
        goto out;
    }
    st_err_set(err, ST_ERR_CONFIG, "refusing URL '%.*s'", url_shown_len(url),
               url);
    st_err_hint(err, "only https:// is allowed, and http:// to 127.0.0.1, "
                     "::1 or localhost");
out:
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

int64_t
st_http_backoff_ms(const struct st_http_opts *opts, int retry,
                   int64_t retry_after_ms, uint32_t rnd)
{
    int64_t d = opts->backoff_base_ms > 0 ? opts->backoff_base_ms : 0;
    int64_t half;
    int i;

    for (i = 1; i < retry && d < opts->backoff_max_ms; i++)
        d *= 2;
    if (d > opts->backoff_max_ms)
        d = opts->backoff_max_ms;
    half = d / 2;
    d = half + (int64_t)(rnd % (uint32_t)(d - half + 1));
    if (retry_after_ms >= 0) {
        if (retry_after_ms > opts->retry_after_max_ms)
            retry_after_ms = opts->retry_after_max_ms;
        if (retry_after_ms > d)
            d = retry_after_ms;
    }
    return d;
}

static size_t
on_body(char *p, size_t size, size_t n, void *ud)
{
    struct attempt *a = ud;

    st_buf_add(&a->resp->body, p, size * n);
    return st_buf_error(&a->resp->body) != 0 ? 0 : size * n;
}

/*
 * The value of the header line p (len bytes) when it is name ("date:",
 * lower case), trimmed, into v (size bytes); 0 when it is another header
 * or has no value.
 */
static int
header_value(const char *p, size_t len, const char *name, char *v, size_t size)
{
    size_t nlen = strlen(name);
    size_t i;
    size_t k = 0;

    if (len <= nlen || strncasecmp(p, name, nlen) != 0)
        return 0;
    for (i = nlen; i < len && k < size - 1; i++) {
        if (p[i] == '\r' || p[i] == '\n')
            break;
        if (k == 0 && (p[i] == ' ' || p[i] == '\t'))
            continue;
        v[k++] = p[i];
    }
    v[k] = '\0';
    return k > 0;
}

/* Retry-After (seconds or an HTTP date) and Date, from each header line. */
static size_t
on_header(char *p, size_t size, size_t n, void *ud)
{
    struct attempt *a = ud;
    size_t len = size * n;
    char v[64];
    int64_t secs;

    if (header_value(p, len, "date:", v, sizeof(v))) {
        time_t t = curl_getdate(v, NULL);

        if (t > 0)
            a->resp->date = (int64_t)t;
        return len;
    }
    if (!header_value(p, len, "retry-after:", v, sizeof(v)))
        return len;
    if (v[0] != '-' && st_parse_i64(v, 0, 999999999, &secs) == 0) {
        a->retry_after_s = secs; /* delay-seconds */
        a->retry_after_is_date = 0;
    } else {
        time_t t = curl_getdate(v, NULL);

        if (t >= 0) {
            a->retry_after_s = (int64_t)t;
            a->retry_after_is_date = 1;
        }
    }
    return len;
}

/*
 * Copies s into dst (size bytes) for a one-line message: LF becomes the
 * two characters \n, other control characters '?'.
 */
static void
copy_oneline(char *dst, size_t size, const char *s)
{
    size_t k = 0;

    for (; *s != '\0' && k + 2 < size; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\n') {
            dst[k++] = '\\';
            dst[k++] = 'n';
        } else if (c < 0x20 || c == 0x7f) {
            dst[k++] = '?';
        } else {
            dst[k++] = *s;
        }
    }
    dst[k] = '\0';
}

/* Reads Amazon's {"reasonCode":..,"message":..} from an error body. */
static void
parse_error_body(struct st_http_response *resp)
{
    json_t *root;
    json_error_t jerr;
    const char *s;

    resp->reason_code[0] = '\0';
    resp->message[0] = '\0';
    if (resp->body.len == 0)
        return;
    root = json_loadb(resp->body.data, resp->body.len, 0, &jerr);
    if (root == NULL)
        return;
    if ((s = json_string_value(json_object_get(root, "reasonCode"))) != NULL)
        copy_oneline(resp->reason_code, sizeof(resp->reason_code), s);
    if ((s = json_string_value(json_object_get(root, "message"))) != NULL)
        copy_oneline(resp->message, sizeof(resp->message), s);
    json_decref(root);
}

static int
retryable_status(long status)
{
    return status == 408 || status == 425 || status == 429 ||
           (status >= 500 && status <= 599);
}

static int
retryable_curl(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

/* Turns the "Name: value\n" lines of hdrs into a curl list. */
static int
header_list(const struct st_buf *hdrs, const char *user_agent,
            struct curl_slist **out, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct curl_slist *list = NULL;
    struct curl_slist *t;
    struct st_buf line;
    size_t i = 0;

    *out = NULL;
    st_buf_init(&line, HEADERS_MAX);
    while (i < hdrs->len) {
        size_t n = strcspn(hdrs->data + i, "\n");

        st_buf_reset(&line);
        st_buf_add(&line, hdrs->data + i, n);
        i += n + 1;
        if (line.len == 0)
            continue;
        if (st_buf_error(&line) != 0 ||
            (t = curl_slist_append(list, line.data)) == NULL)
            goto out;
        list = t;
    }
    if (user_agent != NULL) {
        st_buf_reset(&line);
        st_buf_addf(&line, "User-Agent: %s", user_agent);
        if (st_buf_error(&line) != 0 ||
            (t = curl_slist_append(list, line.data)) == NULL)
            goto out;
        list = t;
    }
    /* No "Expect: 100-continue" round trip on POST. */
    if ((t = curl_slist_append(list, "Expect:")) == NULL)
        goto out;
    list = t;
    *out = list;
    list = NULL; /* transferred */
    rc = 0;
out:
    if (rc != 0)
        st_err_set(err, rc, "cannot build the request headers");
    curl_slist_free_all(list);
    st_buf_release(&line);
    return rc;
}

static int
setup(CURL *c, const struct st_http_opts *opts,
      const struct st_http_request *req, struct attempt *a, char *errbuf)
{
    long timeout = opts->timeout_s > 0 ? (long)opts->timeout_s : 60;
    long connect = timeout / 5 > 0 ? timeout / 5 : 1;
    CURLcode r = CURLE_OK;

    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_URL, req->url);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (r == CURLE_OK && opts->ca_file != NULL && opts->ca_file[0] != '\0')
        r = curl_easy_setopt(c, CURLOPT_CAINFO, opts->ca_file);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    if (r == CURLE_OK)
        r = curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
    if (r == CURLE_OK && req->body != NULL) {
        r = curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
        if (r == CURLE_OK)
            r = curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                                 (curl_off_t)req->body_len);
    }
    if (r == CURLE_OK && strcmp(req->method, "GET") != 0 &&
        strcmp(req->method, "POST") != 0)
        r = curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    else if (r == CURLE_OK && strcmp(req->method, "GET") == 0)
        r = curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    return r == CURLE_OK ? 0 : -1;
}

/* Fills err for a final failure of req. */
static int
final_error(const struct st_http_request *req,
            const struct st_http_response *resp, CURLcode cres,
            const char *errbuf, int exhausted, struct st_err *err)
{
    int code;
    int ul = url_shown_len(req->url);

    if (resp->status == 0) {
        /* the body callback refuses what the buffer cannot take */
        if (cres == CURLE_WRITE_ERROR && st_buf_error(&resp->body) != 0)
            code = st_buf_error(&resp->body);
        else if (cres == CURLE_PEER_FAILED_VERIFICATION ||
                 cres == CURLE_SSL_CACERT_BADFILE)
            code = ST_ERR_CONFIG; /* retrying cannot help */
        else
            code = ST_ERR_UNAVAILABLE;
        st_err_set(err, code, "%s %.*s: %s", req->method, ul, req->url,
                   code == ST_ERR_TOOLONG ? "response too large"
                   : code == ST_ERR_NOMEM ? "out of memory for the response"
                   : errbuf[0] != '\0'    ? errbuf
                                          : curl_easy_strerror(cres));
    } else {
        if (resp->status == 429)
            code = ST_ERR_TEMPFAIL;
        else if (retryable_status(resp->status))
            code = ST_ERR_UNAVAILABLE;
        else if (resp->status == 401 || resp->status == 403)
            code = ST_ERR_PERM;
        else
            code = ST_ERR_HTTP;
        st_err_set(err, code, "%s %.*s: HTTP %ld%s%s", req->method, ul,
                   req->url, resp->status,
                   resp->reason_code[0] != '\0' ? " " : "", resp->reason_code);
        if (resp->message[0] != '\0')
            st_err_detail(err, "%s", resp->message);
        if (code == ST_ERR_PERM && req->sign != NULL)
            st_err_hint(err, "check public_key_id, private_key_file and "
                             "signature_algorithm");
        else if (code == ST_ERR_PERM)
            st_err_hint(err, "an unsigned URL was refused: expired, or "
                             "the clock is wrong");
    }
    if (code == ST_ERR_CONFIG)
        st_err_hint(err, "TLS verification is always on: set ca_file to a "
                         "bundle with the CA of the server's certificate");
    if (exhausted && resp->attempts > 1)
        st_err_prefix(err, "gave up after %d attempts", resp->attempts);
    return code;
}

/* Signs afresh (every attempt, retries too) and sets the headers at now. */
static int
prepare_attempt(CURL *c, const struct st_http_opts *opts,
                const struct st_http_request *req, int64_t now,
                struct st_buf *hdrs, struct curl_slist **list,
                struct st_err *err)
{
    int rc;

    st_buf_reset(hdrs);
    curl_slist_free_all(*list);
    *list = NULL;
    if (req->sign != NULL &&
        (rc = req->sign(req->sign_ctx, now, hdrs, err)) != 0)
        return rc;
    if ((rc = st_buf_error(hdrs)) != 0)
        return st_err_set(err, rc, "cannot hold the request headers");
    if ((rc = header_list(hdrs, opts->user_agent, list, err)) != 0)
        return rc;
    if (curl_easy_setopt(c, CURLOPT_HTTPHEADER, *list) != CURLE_OK)
        return st_err_set(err, ST_ERR_INTERNAL, "cannot set up libcurl");
    return 0;
}

static int
ok_status(long status)
{
    return status >= 200 && status <= 299;
}

/* One attempt: resp gets its status, body and, on an error, its fields. */
static CURLcode
perform_attempt(CURL *c, struct attempt *a, struct st_http_response *resp,
                char *errbuf)
{
    CURLcode cres;

    st_buf_reset(&resp->body);
    resp->status = 0;
    resp->reason_code[0] = '\0';
    resp->message[0] = '\0';
    a->retry_after_s = -1;
    errbuf[0] = '\0';
    resp->attempts++;
    cres = curl_easy_perform(c);
    if (cres == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    else
        resp->status = 0;
    if (cres == CURLE_OK && !ok_status(resp->status))
        parse_error_body(resp);
    return cres;
}

/*
 * Before retry number retry: waits as Retry-After says when the server
 * sent one, else as the backoff says, and logs why.
 */
static void
wait_retry(const struct st_http_opts *opts, const struct st_http_env *env,
           const struct st_http_request *req, const struct attempt *a,
           CURLcode cres, const char *errbuf, int retry, int64_t now,
           struct st_log *log)
{
    struct st_http_response *resp = a->resp;
    int64_t ra_ms = -1;
    int64_t delay;

    if (a->retry_after_s >= 0)
        ra_ms =
            a->retry_after_is_date
                ? (a->retry_after_s > now ? a->retry_after_s - now : 0) * 1000
                : a->retry_after_s * 1000;
    delay = st_http_backoff_ms(opts, retry, ra_ms, env->random(env->ctx));
    if (resp->status != 0)
        st_log_msg(log, ST_LOG_WARN, "http",
                   "%s %.*s: HTTP %ld%s%s, retry %d in %lld ms", req->method,
                   url_shown_len(req->url), req->url, resp->status,
                   resp->reason_code[0] ? " " : "", resp->reason_code, retry,
                   (long long)delay);
    else
        st_log_msg(log, ST_LOG_WARN, "http", "%s %.*s: %s, retry %d in %lld ms",
                   req->method, url_shown_len(req->url), req->url,
                   errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cres), retry,
                   (long long)delay);
    env->sleep_ms(env->ctx, delay);
    resp->waited_ms += delay;
}

int
st_http_do(const struct st_http_opts *opts, const struct st_http_env *env,
           const struct st_http_request *req, struct st_http_response *resp,
           struct st_log *log, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    CURL *c = NULL;
    struct curl_slist *list = NULL;
    struct st_buf hdrs;
    struct attempt a;
    char errbuf[CURL_ERROR_SIZE];
    CURLcode cres = CURLE_OK;
    int64_t max_attempts = opts->max_attempts > 0 ? opts->max_attempts : 1;
    int retry = 0;

    st_buf_init(&hdrs, HEADERS_MAX);
    memset(&a, 0, sizeof(a));
    a.resp = resp;
    resp->attempts = 0;
    resp->waited_ms = 0;
    if ((rc = st_http_check_url(req->url, err)) != 0)
        goto out;
    c = curl_easy_init();
    if (c == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "cannot start an HTTP request");
        goto out;
    }
    errbuf[0] = '\0';
    if (setup(c, opts, req, &a, errbuf) != 0) {
        rc = st_err_set(err, ST_ERR_INTERNAL, "cannot set up libcurl");
        goto out;
    }
    for (;;) {
        int64_t now = env->now(env->ctx);

        rc = prepare_attempt(c, opts, req, now, &hdrs, &list, err);
        if (rc != 0)
            goto out;
        cres = perform_attempt(c, &a, resp, errbuf);
        if (cres == CURLE_OK && ok_status(resp->status)) {
            rc = 0;
            goto out;
        }
        if (!(cres == CURLE_OK ? retryable_status(resp->status)
                               : retryable_curl(cres)) ||
            resp->attempts >= max_attempts) {
            rc = final_error(req, resp, cres, errbuf,
                             resp->attempts >= max_attempts, err);
            goto out;
        }
        retry++;
        wait_retry(opts, env, req, &a, cres, errbuf, retry, now, log);
    }
out:
    curl_easy_cleanup(c);
    curl_slist_free_all(list);
    st_buf_release(&hdrs);
    return rc;
}
