/*
 * sign.h: Amazon Pay request signing (AMZN-PAY-RSASSA-PSS and -V2).
 *
 * The canonical request, the string to sign and the Authorization header are
 * a pure function of the method, path, query parameters, headers, payload,
 * algorithm and an injected UTC time: nothing here reads a clock or does I/O
 * except st_sign_key_load() and st_sign_pubkey_load(), which read a PEM file.
 * The signature itself is RSASSA-PSS with SHA-256, MGF1-SHA-256 and a salt of
 * 32 bytes (V2) or 20 bytes (the original scheme), Base64-encoded; it is
 * randomised, so two signatures of the same string differ.
 *
 * Canonical form (amazon-pay.md section 8): METHOD LF URI LF QUERY LF
 * "name:value" LF per signed header (lower-case names, sorted, values trimmed
 * with inner whitespace runs collapsed) LF SIGNED-HEADERS LF hex(sha256(body)).
 * The URI is percent-encoded as UTF-8 keeping '/' and the RFC 3986 unreserved
 * characters, with runs of '/' collapsed; the query pairs are encoded the
 * same way ('/' encoded too), sorted by encoded name, then encoded value.
 *
 * Key material: the private key lives only inside an OpenSSL EVP_PKEY owned
 * by struct st_sign_key; the PEM text read from disk is wiped with
 * OPENSSL_cleanse before it is freed. Nothing here logs or puts key bytes in
 * an error message.
 */
#ifndef ST_SIGN_H
#define ST_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

enum st_sign_alg {
    ST_SIGN_PSS_V2 = 0, /* AMZN-PAY-RSASSA-PSS-V2, salt 32 */
    ST_SIGN_PSS = 1     /* AMZN-PAY-RSASSA-PSS, salt 20 */
};

/* Length of a basic ISO 8601 time, "yyyyMMddTHHmmssZ". */
#define ST_SIGN_DATE_LEN 16

/* One query parameter or header, unencoded. Repeated names are allowed. */
struct st_sign_pair {
    const char *name;
    const char *value;
};

/*
 * One request to sign. path is the unencoded request path ("" means "/");
 * params the unencoded query parameters; headers every header to sign
 * (names in any case; for Amazon Pay the five of st_sign_std_headers(),
 * plus x-amz-pay-idempotency-key on POST); payload the exact body bytes
 * (NULL with len 0 for none).
 */
struct st_sign_request {
    const char *method;
    const char *path;
    const struct st_sign_pair *params;
    size_t nparams;
    const struct st_sign_pair *headers;
    size_t nheaders;
    const void *payload;
    size_t payload_len;
};

/* The private or public half of an RSA key; opaque. */
struct st_sign_key;

/* Returns the wire name of alg ("AMZN-PAY-RSASSA-PSS-V2"). */
const char *st_sign_alg_name(enum st_sign_alg alg);

/* Returns the PSS salt length of alg in bytes (32 or 20). */
int st_sign_alg_salt(enum st_sign_alg alg);

/* Parses an algorithm name; ST_ERR_CONFIG naming it when unknown. */
int st_sign_alg_parse(const char *name, enum st_sign_alg *alg,
                      struct st_err *err);

/* Writes epoch as "yyyyMMddTHHmmssZ" and a NUL (ST_SIGN_DATE_LEN + 1). */
void st_sign_format_date(int64_t epoch, char *out);

/*
 * Appends the n bytes at s to out percent-encoded as RFC 3986 wants: only
 * A-Z a-z 0-9 - _ . ~ stay (and '/' when keep_slash), everything else
 * becomes %XX with upper-case hex.
 */
void st_sign_encode(const char *s, size_t n, int keep_slash,
                    struct st_buf *out);

/*
 * Appends the canonical query string of params to out (empty for none):
 * encoded name=value pairs sorted by name, then value, joined by '&'. The
 * URL sent must carry exactly this string, so lib/amazon/api.c uses it for
 * both. Returns 0, ST_ERR_NOMEM or out's sticky error.
 */
int st_sign_query(const struct st_sign_pair *params, size_t nparams,
                  struct st_buf *out, struct st_err *err);

/*
 * Appends the canonical request of req to out (no trailing LF).
 * ST_ERR_DATA when a header name is empty; otherwise 0 or out's error.
 */
int st_sign_canonical_request(const struct st_sign_request *req,
                              struct st_buf *out, struct st_err *err);

/*
 * Appends the string to sign, name(alg) LF hex(sha256(canonical)), to out.
 */
int st_sign_string_to_sign(enum st_sign_alg alg, const char *canonical,
                           size_t len, struct st_buf *out, struct st_err *err);

/*
 * Appends the lower-case names of req's headers, sorted and joined by ';'
 * (the SignedHeaders value), to out.
 */
int st_sign_signed_headers(const struct st_sign_request *req,
                           struct st_buf *out, struct st_err *err);

/*
 * Fills hdrs[0..4] with the five headers every Amazon Pay request signs:
 * accept and content-type application/json, x-amz-pay-date (from date, as
 * st_sign_format_date wrote it), x-amz-pay-host and x-amz-pay-region. The
 * strings are borrowed from the arguments.
 */
void st_sign_std_headers(struct st_sign_pair hdrs[5], const char *date,
                         const char *host, const char *region);

/*
 * Reads a PEM private key (PKCS#1 or PKCS#8, RSA only) from path into a new
 * key, which the caller frees with st_sign_key_free(). The file's bytes are
 * wiped before they are freed. ST_ERR_NOINPUT when the file cannot be read,
 * ST_ERR_CRYPTO when it is not an RSA private key (the message names the
 * path, never the content).
 */
int st_sign_key_load(const char *path, struct st_sign_key **key,
                     struct st_err *err);

/* Same, from PEM text in memory (tests and the stand-in). */
int st_sign_key_from_pem(const char *pem, size_t len, int is_public,
                         struct st_sign_key **key, struct st_err *err);

/* Reads a PEM public key (SubjectPublicKeyInfo) from path. */
int st_sign_pubkey_load(const char *path, struct st_sign_key **key,
                        struct st_err *err);

/* Frees key; accepts NULL. */
void st_sign_key_free(struct st_sign_key *key);

/*
 * Signs the n bytes of sts with key (a private key) using alg's PSS salt,
 * and appends the Base64 signature (no line breaks) to out.
 * ST_ERR_CRYPTO on an OpenSSL failure.
 */
int st_sign_signature(const struct st_sign_key *key, enum st_sign_alg alg,
                      const char *sts, size_t n, struct st_buf *out,
                      struct st_err *err);

/*
 * Verifies the Base64 signature sig over the n bytes of sts with key (a
 * public or private key), PSS with exactly alg's salt length. Returns 0 when
 * it verifies, ST_ERR_CRYPTO (message "signature does not verify") when not.
 */
int st_sign_verify(const struct st_sign_key *key, enum st_sign_alg alg,
                   const char *sts, size_t n, const char *sig,
                   struct st_err *err);

/*
 * Builds the Authorization header value for req and appends it to out:
 * "ALG PublicKeyId=ID, SignedHeaders=h1;h2, Signature=BASE64". When sts_out
 * is not NULL, the string to sign is appended to it too (for diagnostics:
 * it holds no secret).
 */
int st_sign_authorization(const struct st_sign_key *key, enum st_sign_alg alg,
                          const char *public_key_id,
                          const struct st_sign_request *req, struct st_buf *out,
                          struct st_buf *sts_out, struct st_err *err);

#endif
