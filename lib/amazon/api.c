/*
 * api.c: Get Reports, Get Report Document and the document download.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#define ZLIB_CONST /* next_in points at const bytes */
#include <zlib.h>

#include "core/alloc.h"
#include "core/date.h"
#include "amazon/api.h"
#include "core/banned.h"

#define URL_MAX   8192
#define JSON_MAX  ((size_t)16 * 1024 * 1024)
#define MAX_PAGES 10000

/* What the sign callback needs for one request. */
struct sign_ctx {
    struct st_api *api;
    const char *method;
    const char *path; /* full path, prefix included, unencoded */
    const struct st_sign_pair *params;
    size_t nparams;
    struct st_buf sts; /* the last string to sign, for diagnostics */
};

int
st_api_base_url(const struct st_config *cfg, struct st_buf *out,
                struct st_err *err)
{
    const char *tld;
    const char *id = cfg->public_key_id != NULL ? cfg->public_key_id : "";
    int rc;

    if (cfg->api_base_url != NULL && cfg->api_base_url[0] != '\0') {
        size_t n = strlen(cfg->api_base_url);

        while (n > 0 && cfg->api_base_url[n - 1] == '/')
            n--;
        st_buf_add(out, cfg->api_base_url, n);
    } else {
        tld = strcmp(cfg->region, "eu") == 0   ? "eu"
              : strcmp(cfg->region, "jp") == 0 ? "jp"
                                               : "com";
        st_buf_addf(out, "https://pay-api.amazon.%s", tld);
        /* Environment-specific key ids carry the environment themselves. */
        if (strncmp(id, "LIVE-", 5) != 0 && strncmp(id, "SANDBOX-", 8) != 0)
            st_buf_addf(out, "/%s", cfg->environment);
    }
    if ((rc = st_buf_error(out)) != 0)
        return st_err_set(err, rc, "cannot build the API base URL");
    return 0;
}

static int
copy_field(char *dst, size_t size, const char *s, size_t n, const char *what,
           struct st_err *err)
{
    if (n >= size)
        return st_err_set(err, ST_ERR_CONFIG, "api_base_url: %s too long",
                          what);
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

int
st_api_init(struct st_api *api, const char *base_url, const char *region,
            const char *public_key_id, const struct st_sign_key *key,
            enum st_sign_alg alg, const struct st_http_opts *http,
            const struct st_http_env *env, struct st_log *log,
            struct st_err *err)
{
    const char *p;
    const char *slash;
    size_t n = strlen(base_url);
    int rc;

    memset(api, 0, sizeof(*api));
    api->http = http;
    api->env = env;
    api->log = log;
    api->key = key;
    api->alg = alg;
    api->public_key_id = public_key_id != NULL ? public_key_id : "";
    api->region = region;
    if ((rc = st_http_check_url(base_url, err)) != 0)
        return rc;
    while (n > 0 && base_url[n - 1] == '/')
        n--;
    p = strstr(base_url, "://");
    if (p == NULL || strpbrk(base_url, "?#") != NULL)
        return st_err_set(err, ST_ERR_CONFIG, "bad api_base_url '%s'",
                          base_url);
    p += 3;
    slash = memchr(p, '/', n - (size_t)(p - base_url));
    if (slash == NULL)
        slash = base_url + n;
    if ((rc = copy_field(api->base, sizeof(api->base), base_url, n, "URL",
                         err)) != 0 ||
        (rc = copy_field(api->host, sizeof(api->host), p, (size_t)(slash - p),
                         "host", err)) != 0 ||
        (rc = copy_field(api->prefix, sizeof(api->prefix), slash,
                         (size_t)(base_url + n - slash), "path", err)) != 0)
        return rc;
    /* user:password@ has no place in the base URL */
    if (strchr(api->host, '@') != NULL || api->host[0] == '\0')
        return st_err_set(err, ST_ERR_CONFIG, "bad host in api_base_url");
    return 0;
}

static int
sign_request(void *ctx, int64_t now, struct st_buf *headers, struct st_err *err)
{
    struct sign_ctx *sc = ctx;
    struct st_api *api = sc->api;
    char date[ST_SIGN_DATE_LEN + 1];
    struct st_sign_pair h[5];
    struct st_sign_request req;
    size_t i;
    int rc;

    st_sign_format_date(now, date);
    st_sign_std_headers(h, date, api->host, api->region);
    memset(&req, 0, sizeof(req));
    req.method = sc->method;
    req.path = sc->path;
    req.params = sc->params;
    req.nparams = sc->nparams;
    req.headers = h;
    req.nheaders = 5;
    for (i = 0; i < 5; i++)
        st_buf_addf(headers, "%s: %s\n", h[i].name, h[i].value);
    st_buf_addstr(headers, "authorization: ");
    st_buf_reset(&sc->sts);
    rc = st_sign_authorization(api->key, api->alg, api->public_key_id, &req,
                               headers, &sc->sts, err);
    st_buf_addch(headers, '\n');
    return rc;
}

/* st_api_get, also giving the HTTP status of the answer in *status (0
 * when none came). */
static int
signed_get(struct st_api *api, const char *path,
           const struct st_sign_pair *params, size_t nparams,
           struct st_buf *body, long *status, int keep_error_body,
           struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_buf url;
    struct st_buf full;
    struct sign_ctx sc;
    struct st_http_request req;
    struct st_http_response resp;

    st_buf_init(&url, URL_MAX);
    st_buf_init(&full, URL_MAX);
    st_buf_init(&sc.sts, 4096);
    st_http_response_init(&resp, JSON_MAX);
    *status = 0;
    st_buf_addstr(&full, api->prefix);
    st_buf_addstr(&full, path);
    st_buf_addstr(&url, api->base);
    st_sign_encode(path, strlen(path), 1, &url);
    if (nparams > 0) {
        st_buf_addch(&url, '?');
        if ((rc = st_sign_query(params, nparams, &url, err)) != 0)
            goto out;
    }
    if ((rc = st_buf_error(&url)) != 0 || (rc = st_buf_error(&full)) != 0) {
        st_err_set(err, rc, "cannot build the URL of '%s'", path);
        goto out;
    }
    sc.api = api;
    sc.method = "GET";
    sc.path = full.data;
    sc.params = params;
    sc.nparams = nparams;
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.url = url.data;
    req.sign = sign_request;
    req.sign_ctx = &sc;
    rc = st_http_do(api->http, api->env, &req, &resp, api->log, err);
    if (resp.date > 0)
        api->server_date = resp.date;
    *status = resp.status; /* also of a refusal, for st_api_get_status */
    if (rc != 0) {
        /* Amazon echoes the string to sign it expected; show ours too. */
        if (strcmp(resp.reason_code, "InvalidRequestSignature") == 0 &&
            err != NULL && sc.sts.len > 0) {
            size_t nl = strcspn(sc.sts.data, "\n");

            /* the string to sign on one line: ALG\nHASH */
            st_err_hint(err,
                        "check public_key_id, private_key_file and "
                        "signature_algorithm; our string to sign was "
                        "'%.*s\\n%s'",
                        (int)nl, sc.sts.data,
                        nl < sc.sts.len ? sc.sts.data + nl + 1 : "");
        }
        if (keep_error_body) /* what Amazon said, for the archive */
            st_buf_add(body, resp.body.data, resp.body.len);
        goto out;
    }
    st_buf_add(body, resp.body.data, resp.body.len);
    if ((rc = st_buf_error(body)) != 0)
        st_err_set(err, rc, "answer of '%s' too large", path);
out:
    st_http_response_release(&resp);
    st_buf_release(&sc.sts);
    st_buf_release(&url);
    st_buf_release(&full);
    return rc;
}

int
st_api_get(struct st_api *api, const char *path,
           const struct st_sign_pair *params, size_t nparams,
           struct st_buf *body, struct st_err *err)
{
    long status;

    return signed_get(api, path, params, nparams, body, &status, 0, err);
}

int
st_api_get_status(struct st_api *api, const char *path,
                  const struct st_sign_pair *params, size_t nparams,
                  struct st_buf *body, long *status, struct st_err *err)
{
    return signed_get(api, path, params, nparams, body, status, 1, err);
}

int
st_api_instant(const char *s, int64_t *epoch)
{
    char whole[32];
    size_t n = strlen(s);
    size_t cut = 19;

    if (n > 19 && s[19] == '.') {
        while (cut + 1 < n && s[cut + 1] >= '0' && s[cut + 1] <= '9')
            cut++;
        if (cut == 19 || n - cut - 1 + 19 >= sizeof(whole))
            return -1;
        memcpy(whole, s, 19);
        memcpy(whole + 19, s + cut + 1, n - cut - 1);
        n = 19 + n - cut - 1;
    } else {
        if (n >= sizeof(whole))
            return -1;
        memcpy(whole, s, n);
    }
    return st_datetime_parse(whole, n, epoch, NULL) == 0 ? 0 : -1;
}

/* A string member of obj, or "" (never NULL). */
static const char *
jstr(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s != NULL ? s : "";
}

static void
report_release(struct st_api_report *r)
{
    st_free(r->report_id);
    st_free(r->report_type);
    st_free(r->processing_status);
    st_free(r->report_document_id);
    st_free(r->created_time);
    st_free(r->start_time);
    st_free(r->end_time);
}

void
st_api_reports_release(struct st_api_reports *list)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < list->n; i++)
        report_release(&list->items[i]);
    st_free(list->items);
    memset(list, 0, sizeof(*list));
}

static int
add_report(struct st_api_reports *list, json_t *o, struct st_err *err)
{
    struct st_api_report r;

    if (list->n == list->cap) {
        size_t cap = list->cap == 0 ? 16 : list->cap * 2;
        struct st_api_report *p = st_reallocarray(list->items, cap, sizeof(*p));

        if (p == NULL)
            return st_err_set(err, ST_ERR_NOMEM, "cannot hold the reports");
        list->items = p;
        list->cap = cap;
    }
    r.report_id = st_strdup(jstr(o, "reportId"));
    r.report_type = st_strdup(jstr(o, "reportType"));
    r.processing_status = st_strdup(jstr(o, "processingStatus"));
    r.report_document_id = st_strdup(jstr(o, "reportDocumentId"));
    r.created_time = st_strdup(jstr(o, "createdTime"));
    r.start_time = st_strdup(jstr(o, "startTime"));
    r.end_time = st_strdup(jstr(o, "endTime"));
    if (r.report_id == NULL || r.report_type == NULL ||
        r.processing_status == NULL || r.report_document_id == NULL ||
        r.created_time == NULL || r.start_time == NULL || r.end_time == NULL) {
        report_release(&r);
        return st_err_set(err, ST_ERR_NOMEM, "cannot hold the reports");
    }
    list->items[list->n++] = r;
    return 0;
}

/* Reads one page; *token gets the nextToken (owned) or NULL. */
static int
read_page(const struct st_buf *body, const char *report_type,
          struct st_api_reports *list, char **token, struct st_err *err)
{
    int rc = ST_ERR_DATA;
    json_t *root = NULL;
    json_t *reports;
    json_error_t jerr;
    size_t i;
    const char *next;

    *token = NULL;
    root = json_loadb(body->data, body->len, 0, &jerr);
    if (root == NULL || !json_is_object(root)) {
        st_err_set(err, ST_ERR_DATA, "Get Reports: answer is not JSON: %s",
                   root == NULL ? jerr.text : "not an object");
        goto out;
    }
    reports = json_object_get(root, "reports");
    if (reports != NULL && !json_is_array(reports)) {
        st_err_set(err, ST_ERR_DATA, "Get Reports: 'reports' is not a list");
        goto out;
    }
    for (i = 0; i < json_array_size(reports); i++) {
        json_t *o = json_array_get(reports, i);

        if (strcmp(jstr(o, "reportType"), report_type) != 0 ||
            strcmp(jstr(o, "processingStatus"), "COMPLETED") != 0 ||
            jstr(o, "reportDocumentId")[0] == '\0' ||
            jstr(o, "reportId")[0] == '\0')
            continue;
        if ((rc = add_report(list, o, err)) != 0)
            goto out;
    }
    next = json_string_value(json_object_get(root, "nextToken"));
    if (next != NULL && next[0] != '\0') {
        *token = st_strdup(next);
        if (*token == NULL) {
            rc = st_err_set(err, ST_ERR_NOMEM, "cannot hold nextToken");
            goto out;
        }
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

void
st_api_page_size(int page_size, char out[ST_API_PAGE_SIZE_LEN])
{
    int v = page_size < 1 ? 1 : page_size > 100 ? 100 : page_size;

    (void)snprintf(out, ST_API_PAGE_SIZE_LEN, "%d", v);
}

int
st_api_list_reports(struct st_api *api, const char *report_type, int64_t since,
                    int64_t until, int page_size, struct st_api_reports *list,
                    struct st_err *err)
{
    int rc = 0;
    char s[ST_SIGN_DATE_LEN + 1];
    char u[ST_SIGN_DATE_LEN + 1];
    char ps[ST_API_PAGE_SIZE_LEN];
    struct st_sign_pair first[5];
    struct st_sign_pair next[1];
    struct st_buf body;
    char *token = NULL;

    st_buf_init(&body, JSON_MAX);
    st_sign_format_date(since, s);
    st_sign_format_date(until, u);
    st_api_page_size(page_size, ps);
    first[0].name = "reportTypes";
    first[0].value = report_type;
    first[1].name = "processingStatuses";
    first[1].value = "COMPLETED";
    first[2].name = "createdSince";
    first[2].value = s;
    first[3].name = "createdUntil";
    first[3].value = u;
    first[4].name = "pageSize";
    first[4].value = ps;
    do {
        st_buf_reset(&body);
        if (token == NULL) {
            rc = st_api_get(api, "/v2/reports", first, 5, &body, err);
        } else {
            /* A follow-up page carries the token and nothing else. */
            next[0].name = "nextToken";
            next[0].value = token;
            rc = st_api_get(api, "/v2/reports", next, 1, &body, err);
        }
        st_free(token);
        token = NULL;
        if (rc != 0)
            goto out;
        list->pages++;
        if ((rc = read_page(&body, report_type, list, &token, err)) != 0)
            goto out;
        if (list->pages >= MAX_PAGES && token != NULL) {
            rc = st_err_set(err, ST_ERR_DATA, "Get Reports: more than %d pages",
                            MAX_PAGES);
            goto out;
        }
        st_log_msg(api->log, ST_LOG_DEBUG, "fetch",
                   "reports page %d: %zu reports so far", list->pages, list->n);
    } while (token != NULL);
out:
    st_free(token);
    st_buf_release(&body);
    return rc;
}

/* Gives zlib the next piece of input once it has used the last one. */
static void
refill(z_stream *zs, const unsigned char **next, size_t *left)
{
    size_t n;

    if (zs->avail_in != 0 || *left == 0)
        return;
    n = *left < UINT_MAX ? *left : UINT_MAX;
    zs->next_in = *next;
    zs->avail_in = (uInt)n;
    *next += n;
    *left -= n;
}

/* The error of an inflate that stopped with zrc before the stream's end. */
static int
inflate_failed(const z_stream *zs, int zrc, const char *document_id, size_t len,
               struct st_err *err)
{
    if (zrc == Z_OK || zrc == Z_BUF_ERROR) /* all input read, more wanted */
        return st_err_set(err, ST_ERR_DATA,
                          "report document '%s': gzip stream cut short after "
                          "%zu bytes",
                          document_id, len);
    if (zrc == Z_MEM_ERROR)
        return st_err_set(err, ST_ERR_NOMEM,
                          "report document '%s': out of memory in gunzip",
                          document_id);
    return st_err_set(err, ST_ERR_DATA,
                      "report document '%s': corrupt gzip stream (%s)",
                      document_id, zs->msg != NULL ? zs->msg : "?");
}

/* The error of a plain text that outgrew its buffer (rc from st_buf). */
static int
plain_too_big(const struct st_buf *plain, int rc, const char *document_id,
              struct st_err *err)
{
    return st_err_set(err, rc,
                      rc == ST_ERR_TOOLONG
                          ? "report document '%s': more than %zu bytes once "
                            "gunzipped"
                          : "report document '%s': out of memory for %zu "
                            "gunzipped bytes",
                      document_id, plain->max);
}

int
st_api_gunzip(const char *document_id, const void *in, size_t len,
              struct st_buf *out, struct st_err *err)
{
    int rc = ST_ERR_DATA;
    z_stream zs;
    int live = 0;
    int zrc;
    const unsigned char *next = in;
    size_t left = len;
    struct st_buf plain;
    unsigned char chunk[16384];

    memset(&zs, 0, sizeof(zs));
    /* out stays as it was on error: inflate aside, append at the end */
    st_buf_init(&plain, out->max > out->len ? out->max - out->len : 0);
    if (len == 0) {
        st_err_set(err, ST_ERR_DATA, "report document '%s': empty gzip stream",
                   document_id);
        goto out;
    }
    if ((zrc = inflateInit2(&zs, 16 + MAX_WBITS)) != Z_OK) {
        rc = st_err_set(
            err, zrc == Z_MEM_ERROR ? ST_ERR_NOMEM : ST_ERR_INTERNAL,
            "report document '%s': cannot start gunzip", document_id);
        goto out;
    }
    live = 1;
    for (;;) {
        refill(&zs, &next, &left);
        zs.next_out = chunk;
        zs.avail_out = (uInt)sizeof(chunk);
        zrc = inflate(&zs, Z_NO_FLUSH);
        st_buf_add(&plain, chunk, sizeof(chunk) - zs.avail_out);
        if ((rc = st_buf_error(&plain)) != 0) {
            plain_too_big(&plain, rc, document_id, err);
            goto out;
        }
        if (zrc == Z_STREAM_END && zs.avail_in == 0 && left == 0)
            break;
        if (zrc == Z_STREAM_END) {
            /* another member follows, as gzip -d reads them */
            if (inflateReset(&zs) != Z_OK) {
                rc = st_err_set(err, ST_ERR_INTERNAL,
                                "report document '%s': cannot restart gunzip",
                                document_id);
                goto out;
            }
            continue;
        }
        if (zrc == Z_OK && (zs.avail_in > 0 || left > 0 || zs.avail_out == 0))
            continue;
        rc = inflate_failed(&zs, zrc, document_id, len, err);
        goto out;
    }
    st_buf_add(out, plain.data, plain.len);
    if ((rc = st_buf_error(out)) != 0)
        st_err_set(err, rc, "report document '%s' too large", document_id);
out:
    if (live)
        (void)inflateEnd(&zs); /* only frees; the stream is judged above */
    st_buf_release(&plain);
    return rc;
}

/*
 * Get Report Document: its URL into url, *gzip 1 when compressionAlgorithm
 * is "GZIP". A 202 answer ("not ready") is asked again with lib/io/http's
 * backoff, up to max_attempts answers in all.
 */
static int
document_url(struct st_api *api, const char *document_id, struct st_buf *url,
             int *gzip, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_buf path;
    struct st_buf body;
    json_t *root = NULL;
    json_error_t jerr;
    const char *u;
    const char *comp;
    long status = 0;
    int64_t max_attempts =
        api->http->max_attempts > 0 ? api->http->max_attempts : 1;
    int attempt;

    *gzip = 0;
    st_buf_init(&path, URL_MAX);
    st_buf_init(&body, JSON_MAX);
    st_buf_addstr(&path, "/v2/report-documents/");
    st_buf_addstr(&path, document_id);
    if ((rc = st_buf_error(&path)) != 0) {
        st_err_set(err, rc, "document id too long");
        goto out;
    }
    for (attempt = 1;; attempt++) {
        int64_t delay;

        st_buf_reset(&body);
        if ((rc = signed_get(api, path.data, NULL, 0, &body, &status, 0,
                             err)) != 0)
            goto out;
        if (status != 202)
            break;
        if (attempt >= max_attempts) {
            rc = st_err_set(err, ST_ERR_TEMPFAIL,
                            "report document '%s' not ready after %d attempts",
                            document_id, attempt);
            st_err_detail(err, "Get Report Document answered HTTP 202 each "
                               "time");
            st_err_hint(err, "Amazon is still preparing it: fetch again "
                             "later");
            goto out;
        }
        delay = st_http_backoff_ms(api->http, attempt, -1,
                                   api->env->random(api->env->ctx));
        st_log_msg(api->log, ST_LOG_WARN, "http",
                   "GET %s%s: HTTP 202 (report document not ready), retry %d "
                   "in %lld ms",
                   api->base, path.data, attempt, (long long)delay);
        api->env->sleep_ms(api->env->ctx, delay);
    }
    root = json_loadb(body.data, body.len, 0, &jerr);
    u = json_string_value(json_object_get(root, "url"));
    if (u == NULL || u[0] == '\0') {
        rc = st_err_set(err, ST_ERR_DATA,
                        "Get Report Document '%s': no url in the answer "
                        "(HTTP %ld)",
                        document_id, status);
        goto out;
    }
    comp = json_string_value(json_object_get(root, "compressionAlgorithm"));
    if (comp != NULL && strcmp(comp, "GZIP") == 0) {
        *gzip = 1;
    } else if (comp != NULL && strcmp(comp, "N/A") != 0) {
        rc = st_err_set(err, ST_ERR_DATA,
                        "report document '%s': unsupported "
                        "compressionAlgorithm '%s'",
                        document_id, comp);
        st_err_hint(err, "settle reads \"N/A\" (none) and \"GZIP\"");
        goto out;
    }
    st_buf_reset(url);
    st_buf_addstr(url, u);
    if ((rc = st_buf_error(url)) != 0)
        st_err_set(err, rc, "document URL too long");
out:
    json_decref(root);
    st_buf_release(&path);
    st_buf_release(&body);
    return rc;
}

int
st_api_download(struct st_api *api, const char *document_id,
                struct st_buf *data, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_buf url;
    struct st_http_request req;
    struct st_http_response resp;
    int tries;
    int gzip = 0;

    st_buf_init(&url, URL_MAX);
    st_http_response_init(&resp, data->max - data->len);
    for (tries = 1;; tries++) {
        if ((rc = document_url(api, document_id, &url, &gzip, err)) != 0)
            goto out;
        memset(&req, 0, sizeof(req));
        req.method = "GET";
        req.url = url.data; /* unsigned: the URL carries its own credential */
        rc = st_http_do(api->http, api->env, &req, &resp, api->log, err);
        if (rc == 0)
            break;
        if ((resp.status != 403 && resp.status != 410) ||
            tries >= ST_API_URL_TRIES)
            goto out;
        st_log_msg(api->log, ST_LOG_WARN, "fetch",
                   "document '%s': URL expired (HTTP %ld), asking for a new "
                   "one",
                   document_id, resp.status);
    }
    if (gzip) {
        rc = st_api_gunzip(document_id, resp.body.data, resp.body.len, data,
                           err);
        goto out;
    }
    st_buf_add(data, resp.body.data, resp.body.len);
    if ((rc = st_buf_error(data)) != 0)
        st_err_set(err, rc, "document '%s' too large", document_id);
out:
    st_http_response_release(&resp);
    st_buf_release(&url);
    return rc;
}
