/*
 * standin.c: a local stand-in of the Amazon Pay Reports API v2, for the
 * end-to-end tests and the demo (README, "What the demo shows").
 *
 * It serves every settlement report (*.csv) of a folder, and the payouts
 * and objects of its disbursements.json, disputes.json, charges.json and
 * refunds.json (objects.c): GET
 * PREFIX/v2/reports (filters reportTypes, processingStatuses, createdSince,
 * createdUntil; pageSize 1..100, default 10; an opaque nextToken that must
 * come alone, as Amazon's documentation demands), PREFIX/v2/reports/{id},
 * PREFIX/v2/report-documents/{id}, and the download URL that the document
 * names, which is unsigned and valid for 30 seconds (an expired one gets
 * 403, as an expired S3 presigned URL does). Every API request must carry
 * a valid AMZN-PAY-RSASSA-PSS(-V2) signature for the configured public key,
 * checked with lib/amazon/sign exactly as the client builds it; otherwise 401
 * {"reasonCode":"InvalidRequestSignature","message":"Unable to verify
 * signature, signing String [...]"}, like Amazon; a signed x-amz-pay-date
 * more than five minutes in the future is 400 InvalidHeaderValue, as
 * Amazon answers a skewed clock.
 *
 * A report's id is its file name without ".csv"; its document id is
 * "amzn1.tortuga.0." followed by the id; its createdTime is its
 * SettlementEndDate plus --created-delay seconds.
 *
 * Faults, each counted down once per matching request: --fail-429 N (with
 * Retry-After), --fail-500 N, --fail-503 N (API requests), --expire-urls N
 * (documents handed out with an already expired URL), --cut-body N
 * (downloads that stop half way, the connection closed), --slow-ms MS
 * (downloads dribbled out in 64-byte pieces with MS ms between them),
 * --reset N (API requests answered by a TCP reset, no response at all),
 * --not-ready K (Get Report Document answers 202, "not ready yet", the
 * first K times for each document, as one integration has seen). --gzip
 * serves every document gzip-compressed (zlib, one member) with
 * compressionAlgorithm "GZIP" instead of "N/A". --clock-skew S sends a
 * Date header S seconds off the real clock (negative: behind), for
 * `settle doctor`'s clock check; signatures are still judged by the real
 * clock.
 *
 * With --rates FILE it also serves the ECB Data Portal's answers for
 * `settle fx fetch` (ecb.c, with faults of its own).
 *
 * It listens on 127.0.0.1 only. libmicrohttpd (Debian's libmicrohttpd-dev)
 * gives a small, embeddable HTTP/1.1 server with thread-per-connection
 * mode and callback bodies, which is what the faults need; it is used only
 * here, never by settle itself.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>
#include <jansson.h>
#include <microhttpd.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/fsutil.h"
#include "amazon/settlement.h"
#include "amazon/sign.h"
#include "standin.h"
#include "core/banned.h"

#define SETTLEMENT   "_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SETTLEMENT_DATA_"
#define DOC_PREFIX   "amzn1.tortuga.0."
#define URL_LIFETIME 30

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: amazon-pay-standin --reports DIR --public-key FILE "
            "[options]\n"
            "\n"
            "A local stand-in of the Amazon Pay Reports API v2 on 127.0.0.1,\n"
            "serving the settlement reports (*.csv) of DIR, the payouts of\n"
            "DIR/disbursements.json (Get Disbursements) and the objects of\n"
            "DIR/disputes.json, charges.json and refunds.json (Get Dispute,\n"
            "Get Charge, Get Refund) when they exist, and\n"
            "checking every request's signature against the public key FILE.\n"
            "\n"
            "options:\n"
            "  --port N            port to listen on (0, the default: any;\n"
            "                      the port is printed on stdout)\n"
            "  --port-file FILE    also write the port to FILE\n"
            "  --prefix PATH       path before /v2 (default /live)\n"
            "  --created-delay S   createdTime = SettlementEndDate + S "
            "(7200)\n"
            "  --page-cap N        serve at most N reports (or payouts) per\n"
            "                      page, whatever pageSize asks (paging)\n"
            "  --fail-429 N        answer the first N API requests with 429\n"
            "  --retry-after S     Retry-After of those answers (default 1)\n"
            "  --fail-500 N        then N API requests with 500\n"
            "  --fail-503 N        then N API requests with 503\n"
            "  --reset N           reset the connection of N API requests\n"
            "                      (before the 500s and 503s)\n"
            "  --expire-urls N     hand out N already expired document URLs\n"
            "  --cut-body N        cut the first N downloads off half way\n"
            "  --slow-ms MS        dribble downloads, MS ms per 64 bytes\n"
            "  --not-ready K       answer Get Report Document with 202 the\n"
            "                      first K times for each document\n"
            "  --gzip              serve documents gzipped, with\n"
            "                      compressionAlgorithm GZIP\n"
            "  --clock-skew S      send a Date header S seconds off the\n"
            "                      real clock (-86400..86400)\n"
            "  --rates FILE        serve the ECB quotes of FILE (an ECB CSV)\n"
            "                      at /ecb/service/data/EXR/...\n"
            "  --fx-fail-503 N     answer the first N ECB requests with 503\n"
            "  --fx-stall N        answer the first N ECB requests late\n"
            "  --fx-stall-ms MS    by MS ms (default 3000)\n"
            "  --fx-unpublished-after D  serve no ECB quote dated after D\n"
            "  --fx-empty-200      answer an ECB range without quotes 200\n"
            "                      with no body (default: 404 No results)\n"
            "  --deny-disbursements  answer Get Disbursements 403, as for a\n"
            "                      key without that permission\n"
            "  --deny-lookups      answer Get Dispute, Get Charge and Get\n"
            "                      Refund 403 in the same way\n"
            "  --record DIR        write each verified request's string to\n"
            "                      sign and signature to DIR/N.sts, DIR/N.sig\n"
            "  --log FILE          one line per request: method, URL, "
            "status\n"
            "  -h, --help          this help\n"
            "\n"
            "Stop it with SIGTERM or SIGINT.\n");
}

/* Takes one unit of a fault counter; 1 when the fault applies. */
int
take_fault(struct standin *s, long *counter)
{
    int hit = 0;

    pthread_mutex_lock(&s->lock);
    if (*counter > 0) {
        (*counter)--;
        hit = 1;
    }
    pthread_mutex_unlock(&s->lock);
    return hit;
}

void
basic_time(int64_t t, char *out)
{
    st_sign_format_date(t, out);
}

int64_t
parse_basic(const char *s)
{
    int v[6] = {0, 0, 0, 0, 0, 0};
    static const int width[6] = {4, 2, 2, 2, 2, 2};
    size_t pos = 0;
    int i;
    int j;

    if (s == NULL || strlen(s) != ST_SIGN_DATE_LEN || s[8] != 'T' ||
        s[15] != 'Z')
        return -1;
    for (i = 0; i < 6; i++) {
        if (i == 3)
            pos++; /* the 'T' */
        for (j = 0; j < width[i]; j++, pos++) {
            if (s[pos] < '0' || s[pos] > '9')
                return -1;
            v[i] = v[i] * 10 + (s[pos] - '0');
        }
    }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
        v[4] > 59 || v[5] > 60)
        return -1;
    return (int64_t)st_date_from_civil(v[0], v[1], v[2]) * 86400 +
           (int64_t)v[3] * 3600 + (int64_t)v[4] * 60 + v[5];
}

static enum MHD_Result
collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
            const char *value)
{
    struct args *a = cls;

    (void)kind;
    if (a->n >= MAX_PARAMS) {
        a->overflow = 1;
        return MHD_NO;
    }
    a->p[a->n].name = key;
    a->p[a->n].value = value != NULL ? value : "";
    a->n++;
    return MHD_YES;
}

const char *
arg(const struct args *a, const char *name)
{
    size_t i;

    for (i = 0; i < a->n; i++)
        if (strcmp(a->p[i].name, name) == 0)
            return a->p[i].value;
    return NULL;
}

/* With --clock-skew, the Date header libmicrohttpd no longer sends, from
 * the skewed clock (IMF-fixdate, RFC 9110 5.6.7). */
static void
add_date(const struct standin *s, struct MHD_Response *r)
{
    char date[64];
    time_t t;
    struct tm tm;

    if (s->clock_skew == 0)
        return;
    t = time(NULL) + (time_t)s->clock_skew;
    if (gmtime_r(&t, &tm) != NULL &&
        strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm) > 0)
        MHD_add_response_header(r, "Date", date);
}

enum MHD_Result
send_text(struct MHD_Connection *c, struct standin *s, const char *method,
          const char *url, unsigned status, const char *type, const char *body,
          const char *retry_after)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
                                        MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    add_date(s, r);
    if (retry_after != NULL)
        MHD_add_response_header(r, "Retry-After", retry_after);
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    if (s->log != NULL) {
        pthread_mutex_lock(&s->lock);
        fprintf(s->log, "%s %s %u\n", method, url, status);
        (void)fflush(s->log); /* a log line lost is no failure */
        pthread_mutex_unlock(&s->lock);
    }
    return ret;
}

enum MHD_Result
send_json(struct MHD_Connection *c, struct standin *s, const char *method,
          const char *url, unsigned status, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    enum MHD_Result ret;

    json_decref(j);
    if (text == NULL)
        return MHD_NO;
    ret = send_text(c, s, method, url, status, "application/json", text, NULL);
    free(text);
    return ret;
}

enum MHD_Result
send_error(struct MHD_Connection *c, struct standin *s, const char *method,
           const char *url, unsigned status, const char *reason,
           const char *message)
{
    return send_json(
        c, s, method, url, status,
        json_pack("{s:s, s:s}", "reasonCode", reason, "message", message));
}

/* Writes the string to sign and the signature of a verified request. */
static void
record(struct standin *s, const char *sts, size_t n, const char *sig)
{
    char path[4096];
    long k;
    FILE *f;
    int len;

    if (s->record_dir == NULL)
        return;
    pthread_mutex_lock(&s->lock);
    k = ++s->nrecord;
    pthread_mutex_unlock(&s->lock);
    len = snprintf(path, sizeof(path), "%s/%ld.sts", s->record_dir, k);
    if (len > 0 && (size_t)len < sizeof(path) &&
        (f = fopen(path, "wb")) != NULL) {
        fwrite(sts, 1, n, f);
        if (fclose(f) != 0)
            fprintf(stderr, "amazon-pay-standin: cannot write '%s'\n", path);
    }
    len = snprintf(path, sizeof(path), "%s/%ld.sig", s->record_dir, k);
    if (len > 0 && (size_t)len < sizeof(path) &&
        (f = fopen(path, "wb")) != NULL) {
        fputs(sig, f);
        if (fclose(f) != 0)
            fprintf(stderr, "amazon-pay-standin: cannot write '%s'\n", path);
    }
}

/*
 * The value of KEY= (which the header has) in an Authorization header, up
 * to the next ", ", into out: 0, or -1 when it is longer than size - 1.
 */
static int
auth_field(const char *auth, const char *key, char *out, size_t size)
{
    const char *p = strstr(auth, key) + strlen(key);
    size_t n = strcspn(p, ", ");

    if (n >= size)
        return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

/*
 * The algorithm, the signed header names (in names) and the signature of
 * an Authorization header: 0, or -1 with the reason in why.
 */
static int
parse_auth(const char *auth, enum st_sign_alg *alg, char *names,
           size_t names_size, char *sig, size_t sig_size, struct st_buf *why)
{
    char algname[64];
    struct st_err err;
    size_t n;

    if (auth == NULL) {
        st_buf_addstr(why, "missing Authorization header");
        return -1;
    }
    n = strcspn(auth, " ");
    if (n >= sizeof(algname)) {
        st_buf_addstr(why, "bad Authorization header");
        return -1;
    }
    memcpy(algname, auth, n);
    algname[n] = '\0';
    if (st_sign_alg_parse(algname, alg, &err) != 0) {
        st_buf_addf(why, "unknown algorithm %s", algname);
        return -1;
    }
    if (strstr(auth, "SignedHeaders=") == NULL ||
        strstr(auth, "Signature=") == NULL ||
        strstr(auth, "PublicKeyId=") == NULL) {
        st_buf_addstr(why, "bad Authorization header");
        return -1;
    }
    if (auth_field(auth, "SignedHeaders=", names, names_size) != 0) {
        st_buf_addstr(why, "too many signed headers");
        return -1;
    }
    if (auth_field(auth, "Signature=", sig, sig_size) != 0) {
        st_buf_addstr(why, "signature too long");
        return -1;
    }
    return 0;
}

/*
 * The request's values of the signed headers (names, ';'-separated, cut
 * in place) into h[]: 0, or -1 with the reason in why.
 */
static int
signed_headers(struct MHD_Connection *c, char *names, struct st_sign_pair *h,
               size_t max, size_t *nh, struct st_buf *why)
{
    char *save = NULL;
    char *tok;

    *nh = 0;
    for (tok = strtok_r(names, ";", &save); tok != NULL;
         tok = strtok_r(NULL, ";", &save)) {
        const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, tok);

        if (*nh >= max || v == NULL) {
            st_buf_addf(why, "signed header %s missing", tok);
            return -1;
        }
        h[*nh].name = tok;
        h[*nh].value = v;
        (*nh)++;
    }
    return 0;
}

/*
 * Checks the Authorization header of a request: 0 when it verifies;
 * otherwise fills why (the message of the 401).
 */
static int
verify(struct standin *s, struct MHD_Connection *c, const char *method,
       const char *path, const struct args *a, struct st_buf *why)
{
    const char *auth =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    char names[1024];
    char sig[1024];
    struct st_sign_pair h[16];
    size_t nh = 0;
    enum st_sign_alg alg;
    struct st_sign_request req;
    struct st_buf canon;
    struct st_buf sts;
    struct st_err err;
    int rc = -1;

    st_buf_init(&canon, 1 << 20);
    st_buf_init(&sts, 1 << 20);
    if (parse_auth(auth, &alg, names, sizeof(names), sig, sizeof(sig), why) !=
            0 ||
        signed_headers(c, names, h, sizeof(h) / sizeof(h[0]), &nh, why) != 0)
        goto out;
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.params = a->p;
    req.nparams = a->n;
    req.headers = h;
    req.nheaders = nh;
    if (st_sign_canonical_request(&req, &canon, &err) != 0 ||
        st_sign_string_to_sign(alg, canon.data, canon.len, &sts, &err) != 0) {
        st_buf_addstr(why, "cannot canonicalise the request");
        goto out;
    }
    if (st_sign_verify(s->pub, alg, sts.data, sts.len, sig, &err) != 0) {
        st_buf_addf(why, "Unable to verify signature, signing String [%s]",
                    sts.data);
        goto out;
    }
    record(s, sts.data, sts.len, sig);
    rc = 0;
out:
    st_buf_release(&canon);
    st_buf_release(&sts);
    return rc;
}

static json_t *
report_json(const struct report *r)
{
    char created[ST_SIGN_DATE_LEN + 1];
    char start[ST_SIGN_DATE_LEN + 1];
    char end[ST_SIGN_DATE_LEN + 1];

    basic_time(r->created, created);
    basic_time(r->start, start);
    basic_time(r->end, end);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                     "reportId", r->id, "reportType", SETTLEMENT, "startTime",
                     start, "endTime", end, "createdTime", created,
                     "processingStatus", "COMPLETED", "processingStartTime",
                     created, "processingEndTime", created, "reportDocumentId",
                     r->doc_id);
}

/* nextToken: offset, window and page size, with '+', '/' and '=' in it. */
static int
make_token(char *out, size_t size, size_t offset, int64_t since, int64_t until,
           long page)
{
    int n = snprintf(out, size, "t+%zu/%lld/%lld/%ld=", offset,
                     (long long)since, (long long)until, page);

    return n > 0 && (size_t)n < size ? 0 : -1;
}

static int
read_token(const char *t, size_t *offset, int64_t *since, int64_t *until,
           long *page)
{
    unsigned long long o;
    long long a;
    long long b;
    long p;

    if (sscanf(t, "t+%llu/%lld/%lld/%ld=", &o, &a, &b, &p) != 4)
        return -1;
    *offset = (size_t)o;
    *since = a;
    *until = b;
    *page = p;
    return 0;
}

static enum MHD_Result
list_reports(struct MHD_Connection *c, struct standin *s, const char *url,
             const struct args *a)
{
    const char *token = arg(a, "nextToken");
    const char *types = arg(a, "reportTypes");
    const char *statuses = arg(a, "processingStatuses");
    int64_t since = 0;
    int64_t until = INT64_MAX;
    long page = 10;
    size_t offset = 0;
    size_t i;
    size_t k = 0;
    json_t *list;
    json_t *root;
    char next[256];

    if (token != NULL) {
        if (a->n != 1)
            return send_error(c, s, "GET", url, 400,
                              "InvalidParameterCombination",
                              "nextToken must be the only parameter");
        if (read_token(token, &offset, &since, &until, &page) != 0)
            return send_error(c, s, "GET", url, 400, "InvalidParameterValue",
                              "bad nextToken");
    } else {
        const char *ps = arg(a, "pageSize");
        const char *cs = arg(a, "createdSince");
        const char *cu = arg(a, "createdUntil");

        if (ps != NULL) {
            char *end = NULL;

            page = strtol(ps, &end, 10);
            if (end == NULL || *end != '\0' || page < 1 || page > 100)
                return send_error(c, s, "GET", url, 400,
                                  "InvalidParameterValue", "bad pageSize");
        }
        if ((cs != NULL && (since = parse_basic(cs)) < 0) ||
            (cu != NULL && (until = parse_basic(cu)) < 0))
            return send_error(c, s, "GET", url, 400, "InvalidParameterValue",
                              "bad createdSince or createdUntil");
        if (s->page_cap > 0 && page > s->page_cap)
            page = s->page_cap;
        if ((types != NULL && strstr(types, SETTLEMENT) == NULL) ||
            (statuses != NULL && strstr(statuses, "COMPLETED") == NULL)) {
            since = 1;
            until = 0; /* nothing matches */
        }
    }
    list = json_array();
    root = json_object();
    if (list == NULL || root == NULL) {
        json_decref(list);
        json_decref(root);
        return MHD_NO;
    }
    for (i = 0; i < s->n; i++) {
        const struct report *r = &s->reports[i];

        if (r->created < since || r->created >= until)
            continue;
        if (k >= offset && k < offset + (size_t)page)
            json_array_append_new(list, report_json(r));
        k++;
    }
    json_object_set_new(root, "reports", list);
    if (k > offset + (size_t)page &&
        make_token(next, sizeof(next), offset + (size_t)page, since, until,
                   page) == 0)
        json_object_set_new(root, "nextToken", json_string(next));
    return send_json(c, s, "GET", url, 200, root);
}

static struct report *
find_report(const struct standin *s, const char *id, int by_doc)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (strcmp(by_doc ? s->reports[i].doc_id : s->reports[i].id, id) == 0)
            return &s->reports[i];
    return NULL;
}

static enum MHD_Result
get_document(struct MHD_Connection *c, struct standin *s, const char *url,
             const char *doc_id)
{
    struct report *r = find_report(s, doc_id, 1);
    int64_t expires = (int64_t)time(NULL) + URL_LIFETIME;
    char link[1024];
    int n;

    if (r == NULL)
        return send_error(c, s, "GET", url, 404, "ResourceNotFound",
                          "no such report document");
    if (take_fault(s, &r->not_ready))
        return send_text(c, s, "GET", url, 202, "application/json", "{}", NULL);
    if (take_fault(s, &s->expire_urls))
        expires = (int64_t)time(NULL) - 1;
    n = snprintf(link, sizeof(link),
                 "http://127.0.0.1:%u/download/%s?X-Expires=%lld"
                 "&X-Signature=standin",
                 s->port, r->id, (long long)expires);
    if (n < 0 || (size_t)n >= sizeof(link))
        return MHD_NO;
    return send_json(c, s, "GET", url, 200,
                     json_pack("{s:s, s:s, s:s}", "reportDocumentId", r->doc_id,
                               "url", link, "compressionAlgorithm",
                               s->gzip ? "GZIP" : "N/A"));
}

/* Body reader of a download, with the cut-off and slow faults. */
struct body {
    const char *data; /* the report, or its gzipped form */
    size_t len;
    size_t limit; /* bytes to send before failing (len when whole) */
    long slow_ms;
};

static ssize_t
read_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct body *b = cls;
    size_t n;

    if (pos >= b->limit)
        return pos >= b->len ? MHD_CONTENT_READER_END_OF_STREAM
                             : MHD_CONTENT_READER_END_WITH_ERROR;
    n = b->limit - (size_t)pos;
    if (n > max)
        n = max;
    if (b->slow_ms > 0) {
        struct timespec ts;

        if (n > 64)
            n = 64;
        ts.tv_sec = b->slow_ms / 1000;
        ts.tv_nsec = (b->slow_ms % 1000) * 1000000L;
        nanosleep(&ts, NULL);
    }
    memcpy(buf, b->data + pos, n);
    return (ssize_t)n;
}

static void
free_body(void *cls)
{
    free(cls);
}

static enum MHD_Result
download(struct MHD_Connection *c, struct standin *s, const char *url,
         const char *id, const struct args *a)
{
    const struct report *r = find_report(s, id, 0);
    const char *exp = arg(a, "X-Expires");
    struct MHD_Response *resp;
    struct body *b;
    enum MHD_Result ret;

    if (r == NULL)
        return send_text(c, s, "GET", url, 404, "application/xml",
                         "<Error><Code>NoSuchKey</Code></Error>", NULL);
    if (exp == NULL || strtoll(exp, NULL, 10) < (long long)time(NULL))
        return send_text(c, s, "GET", url, 403, "application/xml",
                         "<Error><Code>AccessDenied</Code><Message>Request "
                         "has expired</Message></Error>",
                         NULL);
    b = calloc(1, sizeof(*b));
    if (b == NULL)
        return MHD_NO;
    b->data = s->gzip ? r->gz : r->data;
    b->len = s->gzip ? r->gz_len : r->len;
    b->limit = take_fault(s, &s->cut_body) ? b->len / 2 : b->len;
    b->slow_ms = s->slow_ms;
    resp = MHD_create_response_from_callback(b->len, 4096, read_body, b,
                                             free_body);
    if (resp == NULL) {
        free(b);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type",
                            s->gzip ? "application/gzip" : "text/csv");
    add_date(s, resp);
    ret = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    if (s->log != NULL) {
        pthread_mutex_lock(&s->lock);
        fprintf(s->log, "GET %s 200%s%s\n", url, s->gzip ? " (gzip)" : "",
                b->limit < b->len ? " (cut)" : "");
        (void)fflush(s->log); /* a log line lost is no failure */
        pthread_mutex_unlock(&s->lock);
    }
    return ret;
}

/* Closes c with a TCP reset (SO_LINGER 0): the client sees "Connection
 * reset by peer" and no response. */
static enum MHD_Result
reset_connection(struct MHD_Connection *c, struct standin *s,
                 const char *method, const char *url)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct linger lg = {1, 0};

    if (ci != NULL)
        (void)setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg,
                         sizeof(lg)); /* without it, a plain close */
    if (s->log != NULL) {
        pthread_mutex_lock(&s->lock);
        fprintf(s->log, "%s %s reset\n", method, url);
        (void)fflush(s->log); /* a log line lost is no failure */
        pthread_mutex_unlock(&s->lock);
    }
    return MHD_NO;
}

/*
 * What Amazon checks before it serves a request: the signature and
 * x-amz-pay-date; then the injected faults. Returns 1 with *ret set when
 * it answered the request, 0 to serve it.
 */
static int
gatekeep(struct MHD_Connection *c, struct standin *s, const char *method,
         const char *url, const struct args *a, enum MHD_Result *ret)
{
    struct st_buf why;
    char retry[32];
    int64_t d;
    int n;

    st_buf_init(&why, 1 << 20);
    if (verify(s, c, method, url, a, &why) != 0) {
        *ret = send_error(c, s, method, url, 401, "InvalidRequestSignature",
                          why.data);
        st_buf_release(&why);
        return 1;
    }
    st_buf_release(&why);
    /* like Amazon: "x-amz-pay-date ... should not be in future" */
    d = parse_basic(
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "x-amz-pay-date"));
    if (d < 0 || d > (int64_t)time(NULL) + 300) {
        *ret = send_error(c, s, method, url, 400, "InvalidHeaderValue",
                          "x-amz-pay-date is missing, malformed or in "
                          "the future");
        return 1;
    }
    if (take_fault(s, &s->fail_429)) {
        n = snprintf(retry, sizeof(retry), "%ld", s->retry_after);
        *ret = send_text(c, s, method, url, 429, "application/json",
                         "{\"reasonCode\":\"TooManyRequests\",\"message\":"
                         "\"The request was throttled\"}",
                         n > 0 && (size_t)n < sizeof(retry) ? retry : NULL);
        return 1;
    }
    if (take_fault(s, &s->reset)) {
        *ret = reset_connection(c, s, method, url);
        return 1;
    }
    if (take_fault(s, &s->fail_500))
        *ret = send_error(c, s, method, url, 500, "InternalServerError",
                          "injected fault");
    else if (take_fault(s, &s->fail_503))
        *ret = send_error(c, s, method, url, 503, "ServiceUnavailable",
                          "injected fault");
    else
        return 0;
    return 1;
}

/* A request that passed the gate: rest is what follows PREFIX/v2. */
static enum MHD_Result
route(struct MHD_Connection *c, struct standin *s, const char *method,
      const char *url, const char *rest, const struct args *a)
{
    if (strcmp(method, "GET") != 0)
        return send_error(c, s, method, url, 405, "InvalidRequest",
                          "only GET is served");
    if (strcmp(rest, "/reports") == 0)
        return list_reports(c, s, url, a);
    if (strncmp(rest, "/reports/", 9) == 0) {
        const struct report *r = find_report(s, rest + 9, 0);

        if (r == NULL)
            return send_error(c, s, method, url, 404, "ResourceNotFound",
                              "no such report");
        return send_json(c, s, method, url, 200, report_json(r));
    }
    if (strncmp(rest, "/report-documents/", 18) == 0)
        return get_document(c, s, url, rest + 18);
    if (strcmp(rest, "/disbursements") == 0)
        return disbursements_serve(c, s, url, a);
    if (strncmp(rest, "/disputes/", 10) == 0 ||
        strncmp(rest, "/charges/", 9) == 0 ||
        strncmp(rest, "/refunds/", 9) == 0)
        return object_serve(c, s, url, rest);
    return send_error(c, s, method, url, 404, "ResourceNotFound",
                      "no such resource");
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_data_size,
       void **con_cls)
{
    struct standin *s = cls;
    struct args a;
    size_t plen = strlen(s->prefix);
    enum MHD_Result ret;

    (void)version;
    (void)upload_data;
    if (*con_cls == NULL) { /* first call: headers only */
        *con_cls = s;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0; /* bodies are not used by these endpoints */
        return MHD_YES;
    }
    memset(&a, 0, sizeof(a));
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
    if (a.overflow)
        return send_error(c, s, method, url, 400, "InvalidRequest",
                          "too many parameters");
    if (strncmp(url, "/download/", 10) == 0 && strcmp(method, "GET") == 0)
        return download(c, s, url, url + 10, &a);
    if (strncmp(url, "/ecb/service/data/EXR/", 22) == 0 &&
        strcmp(method, "GET") == 0)
        return ecb_serve(c, s, url, &a);
    if (strncmp(url, s->prefix, plen) != 0 ||
        strncmp(url + plen, "/v2/", 4) != 0)
        return send_error(c, s, method, url, 404, "ResourceNotFound",
                          "no such resource");
    if (gatekeep(c, s, method, url, &a, &ret))
        return ret;
    return route(c, s, method, url, url + plen + 3, &a);
}

static int
cmp_created(const void *x, const void *y)
{
    const struct report *a = x;
    const struct report *b = y;

    if (a->created != b->created)
        return a->created < b->created ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* r->gz: r->data as one gzip member (zlib, deflateInit2 16 + MAX_WBITS). */
static int
gzip_report(struct report *r)
{
    z_stream zs;
    uLong cap;
    int rc = -1;

    memset(&zs, 0, sizeof(zs));
    if (r->len > UINT_MAX / 2 ||
        deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    cap = deflateBound(&zs, (uLong)r->len);
    r->gz = st_malloc((size_t)cap);
    if (r->gz == NULL)
        goto out;
    zs.next_in = (Bytef *)(uintptr_t)r->data;
    zs.avail_in = (uInt)r->len;
    zs.next_out = (Bytef *)r->gz;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        goto out;
    r->gz_len = (size_t)zs.total_out;
    rc = 0;
out:
    (void)deflateEnd(&zs); /* only frees */
    return rc;
}

static int
load_reports(struct standin *s, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct st_err err;
    char path[4096];

    if (d == NULL) {
        fprintf(stderr, "amazon-pay-standin: cannot read '%s'\n", dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        struct report r;
        struct st_settlement_preamble pre;
        int len;

        if (n <= 4 || e->d_name[0] == '.' ||
            strcmp(e->d_name + n - 4, ".csv") != 0)
            continue;
        memset(&r, 0, sizeof(r));
        len = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (len < 0 || (size_t)len >= sizeof(path) ||
            st_file_read_all(path, &r.data, &r.len, &err) != 0 ||
            st_settlement_preamble(r.data, r.len, &pre, &err) != 0) {
            fprintf(stderr, "amazon-pay-standin: skipping '%s'\n", path);
            st_free(r.data);
            continue;
        }
        r.id = st_memdup(e->d_name, n - 4);
        r.doc_id = st_malloc(sizeof(DOC_PREFIX) + n);
        if (r.id == NULL || r.doc_id == NULL) {
            closedir(d);
            return -1;
        }
        memcpy(r.doc_id, DOC_PREFIX, sizeof(DOC_PREFIX) - 1);
        memcpy(r.doc_id + sizeof(DOC_PREFIX) - 1, r.id, n - 4 + 1);
        r.start = pre.settlement_start;
        r.end = pre.settlement_end;
        r.created = pre.settlement_end + s->created_delay;
        r.not_ready = s->not_ready;
        if (s->gzip && gzip_report(&r) != 0) {
            fprintf(stderr, "amazon-pay-standin: cannot gzip '%s'\n", path);
            st_free(r.id);
            st_free(r.doc_id);
            st_free(r.data);
            st_free(r.gz);
            closedir(d);
            return -1;
        }
        {
            struct report *p =
                st_reallocarray(s->reports, s->n + 1, sizeof(*p));

            if (p == NULL) {
                closedir(d);
                return -1;
            }
            s->reports = p;
            s->reports[s->n++] = r;
        }
    }
    closedir(d);
    if (s->n > 0)
        qsort(s->reports, s->n, sizeof(*s->reports), cmp_created);
    return 0;
}

static int
parse_long(const char *opt, const char *v, long lo, long hi, long *out)
{
    char *end = NULL;
    long x = strtol(v, &end, 10);

    if (end == v || *end != '\0' || x < lo || x > hi) {
        fprintf(stderr, "amazon-pay-standin: bad %s '%s'\n", opt, v);
        return -1;
    }
    *out = x;
    return 0;
}

struct standin_args {
    const char *dir;
    const char *key;
    const char *port_file;
    const char *rates;
    const char *unpublished;
    long port;
    long delay;
};

/* An option taking a bounded integer, and where it goes. */
struct num_opt {
    int c;
    const char *name;
    long lo, hi;
    long *out;
};

static const struct option long_opts[] = {
    {"reports", required_argument, NULL, 'r'},
    {"public-key", required_argument, NULL, 'k'},
    {"port", required_argument, NULL, 'p'},
    {"port-file", required_argument, NULL, 'P'},
    {"prefix", required_argument, NULL, 'x'},
    {"created-delay", required_argument, NULL, 'c'},
    {"page-cap", required_argument, NULL, 'C'},
    {"fail-429", required_argument, NULL, '4'},
    {"retry-after", required_argument, NULL, 'a'},
    {"fail-500", required_argument, NULL, '5'},
    {"fail-503", required_argument, NULL, '3'},
    {"reset", required_argument, NULL, 'T'},
    {"expire-urls", required_argument, NULL, 'e'},
    {"cut-body", required_argument, NULL, 'u'},
    {"slow-ms", required_argument, NULL, 's'},
    {"not-ready", required_argument, NULL, 'N'},
    {"gzip", no_argument, NULL, 'z'},
    {"clock-skew", required_argument, NULL, 'D'},
    {"rates", required_argument, NULL, 'F'},
    {"fx-fail-503", required_argument, NULL, '6'},
    {"fx-stall", required_argument, NULL, 'S'},
    {"fx-stall-ms", required_argument, NULL, 'M'},
    {"fx-unpublished-after", required_argument, NULL, 'U'},
    {"fx-empty-200", no_argument, NULL, 'E'},
    {"record", required_argument, NULL, 'R'},
    {"deny-disbursements", no_argument, NULL, 'Y'},
    {"deny-lookups", no_argument, NULL, 'Q'},
    {"log", required_argument, NULL, 'l'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Option c, which takes no number, into s and a: -1 to go on, else the
 * exit status. */
static int
other_opt(int c, struct standin *s, struct standin_args *a)
{
    switch (c) {
    case 'r':
        a->dir = optarg;
        break;
    case 'k':
        a->key = optarg;
        break;
    case 'P':
        a->port_file = optarg;
        break;
    case 'x':
        s->prefix = optarg;
        break;
    case 'z':
        s->gzip = 1;
        break;
    case 'F':
        a->rates = optarg;
        break;
    case 'U':
        a->unpublished = optarg;
        break;
    case 'E':
        s->ecb.empty_200 = 1;
        break;
    case 'R':
        s->record_dir = optarg;
        break;
    case 'Y':
        s->deny_disbursements = 1;
        break;
    case 'Q':
        s->deny_lookups = 1;
        break;
    case 'l':
        s->log = fopen(optarg, "a");
        if (s->log == NULL) {
            fprintf(stderr, "amazon-pay-standin: cannot open '%s'\n", optarg);
            return 73;
        }
        break;
    case 'h':
        usage(stdout);
        return 0;
    default:
        usage(stderr);
        return 64;
    }
    return -1;
}

/* Options into s and a: -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct standin *s, struct standin_args *a)
{
    const struct num_opt nums[] = {
        {'p', "--port", 0, 65535, &a->port},
        {'c', "--created-delay", 0, 864000, &a->delay},
        {'C', "--page-cap", 0, 100, &s->page_cap},
        {'4', "--fail-429", 0, 1000000, &s->fail_429},
        {'a', "--retry-after", 0, 3600, &s->retry_after},
        {'5', "--fail-500", 0, 1000000, &s->fail_500},
        {'3', "--fail-503", 0, 1000000, &s->fail_503},
        {'T', "--reset", 0, 1000000, &s->reset},
        {'e', "--expire-urls", 0, 1000000, &s->expire_urls},
        {'u', "--cut-body", 0, 1000000, &s->cut_body},
        {'s', "--slow-ms", 0, 60000, &s->slow_ms},
        {'N', "--not-ready", 0, 1000000, &s->not_ready},
        {'D', "--clock-skew", -86400, 86400, &s->clock_skew},
        {'6', "--fx-fail-503", 0, 1000000, &s->ecb.fail_503},
        {'S', "--fx-stall", 0, 1000000, &s->ecb.stall},
        {'M', "--fx-stall-ms", 0, 60000, &s->ecb.stall_ms},
    };
    size_t k;
    int c;
    int rc;

    while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        for (k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
            if (nums[k].c == c)
                break;
        if (k == sizeof(nums) / sizeof(nums[0])) {
            if ((rc = other_opt(c, s, a)) >= 0)
                return rc;
        } else if (parse_long(nums[k].name, optarg, nums[k].lo, nums[k].hi,
                              nums[k].out) != 0) {
            return 64;
        }
    }
    if (a->dir == NULL || a->key == NULL || optind != argc) {
        usage(stderr);
        return 64;
    }
    return -1;
}

/* The HTTP server on 127.0.0.1:port (0: any free port), or NULL. */
static struct MHD_Daemon *
start_daemon(struct standin *s, long port)
{
    struct sockaddr_in addr;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (signal(SIGTERM, on_signal) == SIG_ERR ||
        signal(SIGINT, on_signal) == SIG_ERR ||
        signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        return NULL;
    d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
            MHD_USE_ERROR_LOG |
            (s->clock_skew != 0 ? MHD_USE_SUPPRESS_DATE_NO_CLOCK : 0),
        (uint16_t)port, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "amazon-pay-standin: cannot listen on port %ld\n",
                port);
        return NULL;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info != NULL ? info->port : (unsigned)port;
    return d;
}

/*
 * The port the server listens on, on stdout and, with --port-file, in that
 * file (written whole and renamed, so a reader never sees half of it).
 */
static int
announce(const struct standin *s, const char *port_file)
{
    char line[16];
    struct st_err err;
    int n = snprintf(line, sizeof(line), "%u\n", s->port);

    fputs(line, stdout);
    if (fflush(stdout) != 0)
        return -1;
    if (port_file != NULL &&
        st_file_write_atomic(port_file, line, (size_t)n, &err) != 0) {
        fprintf(stderr, "amazon-pay-standin: cannot write '%s': %s\n",
                port_file, err.msg);
        return -1;
    }
    return 0;
}

static void
release(struct standin *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        st_free(s->reports[i].id);
        st_free(s->reports[i].doc_id);
        st_free(s->reports[i].data);
        st_free(s->reports[i].gz);
    }
    st_free(s->reports);
    ecb_release(s);
    json_decref(s->disbursements);
    json_decref(s->disputes);
    json_decref(s->charges);
    json_decref(s->refunds);
    st_sign_key_free(s->pub);
    pthread_mutex_destroy(&s->lock);
}

int
main(int argc, char **argv)
{
    struct standin s;
    struct standin_args a = {.delay = 7200};
    struct MHD_Daemon *d = NULL;
    struct st_err err;
    int status;

    memset(&s, 0, sizeof(s));
    s.prefix = "/live";
    s.retry_after = 1;
    s.ecb.published_until = INT32_MAX;
    s.ecb.stall_ms = 3000;
    pthread_mutex_init(&s.lock, NULL);
    if ((status = parse_args(argc, argv, &s, &a)) >= 0)
        goto out;
    s.created_delay = a.delay;
    status = 1;
    if (st_sign_pubkey_load(a.key, &s.pub, &err) != 0) {
        fprintf(stderr, "amazon-pay-standin: %s\n", err.msg);
        status = 66;
        goto out;
    }
    if (a.unpublished != NULL &&
        st_date_parse(a.unpublished, strlen(a.unpublished),
                      &s.ecb.published_until, &err) != 0) {
        fprintf(stderr, "amazon-pay-standin: bad --fx-unpublished-after\n");
        status = 64;
        goto out;
    }
    if (load_reports(&s, a.dir) != 0 || objects_load(&s, a.dir) != 0 ||
        (a.rates != NULL && ecb_load(&s, a.rates) != 0) ||
        (d = start_daemon(&s, a.port)) == NULL ||
        announce(&s, a.port_file) != 0)
        goto out;
    while (!stop)
        pause();
    status = 0;
out:
    if (d != NULL)
        MHD_stop_daemon(d);
    if (s.log != NULL && fclose(s.log) != 0)
        status = 74;
    release(&s);
    return status;
}
