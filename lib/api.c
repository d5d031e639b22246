/*
 * api.c: Get Reports, Get Report Document and the document download.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "alloc.h"
#include "api.h"
#include "banned.h"

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

int
st_api_get(struct st_api *api, const char *path,
           const struct st_sign_pair *params, size_t nparams,
           struct st_buf *body, struct st_err *err)
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

int
st_api_list_reports(struct st_api *api, const char *report_type, int64_t since,
                    int64_t until, int page_size, struct st_api_reports *list,
                    struct st_err *err)
{
    int rc = 0;
    char s[ST_SIGN_DATE_LEN + 1];
    char u[ST_SIGN_DATE_LEN + 1];
    char ps[16];
    struct st_sign_pair first[5];
    struct st_sign_pair next[1];
    struct st_buf body;
    char *token = NULL;
    int n;

    st_buf_init(&body, JSON_MAX);
    st_sign_format_date(since, s);
    st_sign_format_date(until, u);
    n = snprintf(ps, sizeof(ps), "%d",
                 page_size < 1     ? 1
                 : page_size > 100 ? 100
                                   : page_size);
    if (n < 0 || (size_t)n >= sizeof(ps))
        return st_err_set(err, ST_ERR_INTERNAL, "bad page size");
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

/* Get Report Document: the URL into url. */
static int
document_url(struct st_api *api, const char *document_id, struct st_buf *url,
             struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_buf path;
    struct st_buf body;
    json_t *root = NULL;
    json_error_t jerr;
    const char *u;
    const char *comp;

    st_buf_init(&path, URL_MAX);
    st_buf_init(&body, JSON_MAX);
    st_buf_addstr(&path, "/v2/report-documents/");
    st_buf_addstr(&path, document_id);
    if ((rc = st_buf_error(&path)) != 0) {
        st_err_set(err, rc, "document id too long");
        goto out;
    }
    if ((rc = st_api_get(api, path.data, NULL, 0, &body, err)) != 0)
        goto out;
    root = json_loadb(body.data, body.len, 0, &jerr);
    u = json_string_value(json_object_get(root, "url"));
    if (u == NULL || u[0] == '\0') {
        rc = st_err_set(err, ST_ERR_DATA,
                        "Get Report Document '%s': no url in the answer",
                        document_id);
        goto out;
    }
    comp = json_string_value(json_object_get(root, "compressionAlgorithm"));
    if (comp != NULL && strcmp(comp, "N/A") != 0) {
        rc = st_err_set(err, ST_ERR_DATA,
                        "report document '%s': unsupported "
                        "compressionAlgorithm '%s'",
                        document_id, comp);
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

    st_buf_init(&url, URL_MAX);
    st_http_response_init(&resp, data->max - data->len);
    for (tries = 1;; tries++) {
        if ((rc = document_url(api, document_id, &url, err)) != 0)
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
    st_buf_add(data, resp.body.data, resp.body.len);
    if ((rc = st_buf_error(data)) != 0)
        st_err_set(err, rc, "document '%s' too large", document_id);
out:
    st_http_response_release(&resp);
    st_buf_release(&url);
    return rc;
}
