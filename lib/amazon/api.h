/*
 * api.h: the Amazon Pay Reports API v2 client (the part settle needs).
 *
 * Get Reports (GET /v2/reports, every page: a follow-up page request
 * carries nextToken as its only parameter), Get Report Document (GET
 * /v2/report-documents/{id}) and the download of the document's URL, which
 * is a plain unsigned GET valid for 30 seconds. When the download answers
 * 403 or 410 (an expired presigned URL: S3 says 403 "Request has expired";
 * the stand-in does the same), the client asks for a new URL, up to
 * ST_API_URL_TRIES times in all.
 *
 * Get Report Document may answer HTTP 202 ("not ready yet": undocumented,
 * seen in one integration, amazon-pay.md 5.5). That answer is asked again
 * with lib/io/http's backoff (st_http_backoff_ms, the same jitter, sleep and
 * clock), up to http->max_attempts times in all; then ST_ERR_TEMPFAIL
 * (exit 75, like 429 past the retries: safe to run again later).
 *
 * compressionAlgorithm is documented as always "N/A". "GZIP" is accepted
 * too (one integration gunzips then): the downloaded bytes are gunzipped
 * before anything else sees them, so the archive stores and hashes the
 * report's CSV bytes exactly as for an uncompressed document. The archive
 * is of the report content; the transport compression is not kept. Any
 * other value is ST_ERR_DATA.
 *
 * Every API request is signed afresh per attempt (lib/amazon/sign) with the
 * five headers accept, content-type, x-amz-pay-date, x-amz-pay-host and
 * x-amz-pay-region; retries and errors are lib/io/http's. The URL sent and
 * the canonical query are built by the same encoder, so they always agree.
 *
 * The base URL is api_base_url when set, else
 * https://pay-api.amazon.{com|eu|jp}/{live|sandbox} by region and
 * environment, without the environment segment for LIVE-/SANDBOX- key ids
 * (amazon-pay.md 5.1). The struct borrows every pointer it is given.
 */
#ifndef ST_API_H
#define ST_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "io/http.h"
#include "core/log.h"
#include "amazon/sign.h"

#define ST_API_URL_TRIES 3
#define ST_API_SETTLEMENT_REPORT \
    "_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SETTLEMENT_DATA_"

struct st_api {
    const struct st_http_opts *http;
    const struct st_http_env *env;
    struct st_log *log;            /* may be NULL */
    const struct st_sign_key *key; /* the private key */
    enum st_sign_alg alg;
    const char *public_key_id;
    const char *region;  /* x-amz-pay-region: na, eu, jp */
    char base[1024];     /* base URL, no trailing '/' */
    char host[256];      /* x-amz-pay-host: host[:port] */
    char prefix[256];    /* path of the base URL ("/live") */
    int64_t server_date; /* the Date of the last signed answer; 0: none */
};

/* One report of a Get Reports answer (owned strings, "" when absent). */
struct st_api_report {
    char *report_id;
    char *report_type;
    char *processing_status;
    char *report_document_id;
    char *created_time;
    char *start_time;
    char *end_time;
};

struct st_api_reports {
    struct st_api_report *items;
    size_t n;
    size_t cap;
    int pages; /* pages read */
};

/*
 * Appends the base URL for cfg to out: api_base_url (trailing '/' removed)
 * or the one derived from region, environment and public_key_id.
 */
int st_api_base_url(const struct st_config *cfg, struct st_buf *out,
                    struct st_err *err);

/*
 * Sets api up for base_url (checked with st_http_check_url: https, or
 * http to loopback) and the given signing material. Allocates nothing.
 */
int st_api_init(struct st_api *api, const char *base_url, const char *region,
                const char *public_key_id, const struct st_sign_key *key,
                enum st_sign_alg alg, const struct st_http_opts *http,
                const struct st_http_env *env, struct st_log *log,
                struct st_err *err);

/* Frees every report of list and empties it; accepts NULL. */
void st_api_reports_release(struct st_api_reports *list);

/* pageSize as sent: page_size held to 1..100, in decimal. */
#define ST_API_PAGE_SIZE_LEN 8
void st_api_page_size(int page_size, char out[ST_API_PAGE_SIZE_LEN]);

/*
 * Lists the COMPLETED reports of report_type created in [since, until)
 * (epoch seconds), following nextToken to the last page, page_size per
 * page (1..100). Appends to list (initialise it with zeroes). Reports
 * without a reportDocumentId, of another type or another status are left
 * out.
 */
int st_api_list_reports(struct st_api *api, const char *report_type,
                        int64_t since, int64_t until, int page_size,
                        struct st_api_reports *list, struct st_err *err);

/*
 * Downloads the document document_id into data (appended): Get Report
 * Document (asked again while it answers 202), then the unsigned GET of its
 * URL, asking for a fresh URL when the old one has expired. When
 * compressionAlgorithm is "GZIP" the body is gunzipped (st_api_gunzip) and
 * data gets the report itself; absent or "N/A" means the body is the
 * report; anything else is ST_ERR_DATA. The body, compressed or not, and
 * the gunzipped report are each capped at data's room (max - len):
 * ST_ERR_TOOLONG beyond. Returns 0, ST_ERR_TEMPFAIL when the document is
 * still not ready after the attempts, or lib/io/http's errors. On error
 * nothing of the document is appended.
 */
int st_api_download(struct st_api *api, const char *document_id,
                    struct st_buf *data, struct st_err *err);

/*
 * Gunzips the len bytes at in into out (appended): one or more gzip
 * members back to back (RFC 1952), as gzip -d reads them. A stream cut
 * short, a bad header or CRC, bytes after the last member that are not a
 * member, or no input at all are ST_ERR_DATA naming document_id; output
 * beyond out->max is ST_ERR_TOOLONG. On error out is left as it was.
 * Exposed for tests.
 */
int st_api_gunzip(const char *document_id, const void *in, size_t len,
                  struct st_buf *out, struct st_err *err);

/*
 * Performs one signed GET of path (under the base URL's prefix, e.g.
 * "/v2/reports") with the given query parameters, the JSON answer in body.
 * For st_api_list_reports and st_api_download, and for diagnostics.
 */
int st_api_get(struct st_api *api, const char *path,
               const struct st_sign_pair *params, size_t nparams,
               struct st_buf *body, struct st_err *err);

/*
 * An instant as the API writes it, "2022-12-07T17:08:26.717Z" or without
 * the fraction (dropped: seconds are enough), or with an offset, into
 * *epoch. -1 when it is none of these.
 */
int st_api_instant(const char *s, int64_t *epoch);

/*
 * st_api_get, with the HTTP status of the answer in *status, also when it
 * is an error (0 when no answer came), and then what the answer said in
 * body: for a lookup, where 404 is an answer, not a failure.
 */
int st_api_get_status(struct st_api *api, const char *path,
                      const struct st_sign_pair *params, size_t nparams,
                      struct st_buf *body, long *status, struct st_err *err);

#endif
