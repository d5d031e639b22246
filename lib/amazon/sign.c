/*
 * sign.c: Amazon Pay's RSASSA-PSS request signing through OpenSSL 3 EVP.
 *
 * The canonical pieces are built in st_bufs from the request alone; the
 * clock enters only through the x-amz-pay-date header the caller passes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "amazon/sign.h"
#include "core/banned.h"

#define SIGN_MAX     ((size_t)1024 * 1024) /* bound of every canonical piece */
#define KEY_FILE_MAX ((size_t)64 * 1024)

struct st_sign_key {
    EVP_PKEY *pkey;
};

/* A header or parameter after canonicalisation, owned strings. */
struct item {
    char *name;
    char *value;
};

static const char *const alg_names[] = {"AMZN-PAY-RSASSA-PSS-V2",
                                        "AMZN-PAY-RSASSA-PSS"};

const char *
st_sign_alg_name(enum st_sign_alg alg)
{
    return alg == ST_SIGN_PSS ? alg_names[1] : alg_names[0];
}

int
st_sign_alg_salt(enum st_sign_alg alg)
{
    return alg == ST_SIGN_PSS ? 20 : 32;
}

int
st_sign_alg_parse(const char *name, enum st_sign_alg *alg, struct st_err *err)
{
    if (name != NULL && strcmp(name, alg_names[0]) == 0) {
        *alg = ST_SIGN_PSS_V2;
        return 0;
    }
    if (name != NULL && strcmp(name, alg_names[1]) == 0) {
        *alg = ST_SIGN_PSS;
        return 0;
    }
    return st_err_set(err, ST_ERR_CONFIG,
                      "unknown signature algorithm '%s' (want %s or %s)",
                      name != NULL ? name : "", alg_names[0], alg_names[1]);
}

void
st_sign_format_date(int64_t epoch, char *out)
{
    time_t t = (time_t)epoch;
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, ST_SIGN_DATE_LEN + 1, "%Y%m%dT%H%M%SZ", &tm) !=
            ST_SIGN_DATE_LEN)
        memcpy(out, "19700101T000000Z", ST_SIGN_DATE_LEN + 1);
}

static int
unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == '~';
}

void
st_sign_encode(const char *s, size_t n, int keep_slash, struct st_buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (unreserved(c) || (keep_slash && c == '/')) {
            st_buf_addch(out, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};

            st_buf_add(out, e, 3);
        }
    }
}

static void
free_items(struct item *items, size_t n)
{
    size_t i;

    if (items == NULL)
        return;
    for (i = 0; i < n; i++) {
        st_free(items[i].name);
        st_free(items[i].value);
    }
    st_free(items);
}

static int
cmp_items(const void *a, const void *b)
{
    const struct item *x = a;
    const struct item *y = b;
    int c = strcmp(x->name, y->name);

    return c != 0 ? c : strcmp(x->value, y->value);
}

/* Encodes every pair (name and value) into a new sorted array. */
static int
encode_params(const struct st_sign_pair *params, size_t n,
              struct item **out_items, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct item *items = NULL;
    struct st_buf b;
    size_t i;

    *out_items = NULL;
    st_buf_init(&b, SIGN_MAX);
    if (n == 0)
        return 0;
    items = st_calloc(n, sizeof(*items));
    if (items == NULL)
        goto out;
    for (i = 0; i < n; i++) {
        const char *v = params[i].value != NULL ? params[i].value : "";

        st_buf_reset(&b);
        st_sign_encode(params[i].name, strlen(params[i].name), 0, &b);
        items[i].name = st_buf_error(&b) ? NULL : st_strdup(b.data);
        st_buf_reset(&b);
        st_sign_encode(v, strlen(v), 0, &b);
        items[i].value = st_buf_error(&b) ? NULL : st_strdup(b.data);
        if (items[i].name == NULL || items[i].value == NULL)
            goto out;
    }
    qsort(items, n, sizeof(*items), cmp_items);
    *out_items = items;
    items = NULL; /* transferred */
    rc = 0;
out:
    if (rc != 0)
        st_err_set(err, rc, "cannot encode the query string");
    free_items(items, n); /* calloc'd: unset entries are NULL */
    st_buf_release(&b);
    return rc;
}

int
st_sign_query(const struct st_sign_pair *params, size_t nparams,
              struct st_buf *out, struct st_err *err)
{
    struct item *items = NULL;
    size_t i;
    int rc;

    if ((rc = encode_params(params, nparams, &items, err)) != 0)
        return rc;
    for (i = 0; i < nparams; i++) {
        if (i > 0)
            st_buf_addch(out, '&');
        st_buf_addstr(out, items[i].name);
        st_buf_addch(out, '=');
        st_buf_addstr(out, items[i].value);
    }
    free_items(items, nparams);
    if ((rc = st_buf_error(out)) != 0)
        return st_err_set(err, rc, "cannot build the query string");
    return 0;
}

/* Lower-cases the name and trims/collapses the value of every header. */
static int
canon_headers(const struct st_sign_request *req, struct item **out_items,
              struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct item *items = NULL;
    size_t i;

    *out_items = NULL;
    if (req->nheaders == 0)
        return 0;
    items = st_calloc(req->nheaders, sizeof(*items));
    if (items == NULL)
        goto out;
    for (i = 0; i < req->nheaders; i++) {
        const char *name = req->headers[i].name;
        const char *v =
            req->headers[i].value != NULL ? req->headers[i].value : "";
        size_t j;
        size_t k = 0;
        int space = 0;

        if (name == NULL || name[0] == '\0') {
            rc = st_err_set(err, ST_ERR_DATA, "empty header name");
            goto out;
        }
        items[i].name = st_strdup(name);
        items[i].value = st_malloc(strlen(v) + 1);
        if (items[i].name == NULL || items[i].value == NULL)
            goto out;
        for (j = 0; items[i].name[j] != '\0'; j++)
            if (items[i].name[j] >= 'A' && items[i].name[j] <= 'Z')
                items[i].name[j] = (char)(items[i].name[j] - 'A' + 'a');
        for (j = 0; v[j] != '\0'; j++) {
            if (v[j] == ' ' || v[j] == '\t' || v[j] == '\r' || v[j] == '\n') {
                space = k > 0;
                continue;
            }
            if (space)
                items[i].value[k++] = ' ';
            space = 0;
            items[i].value[k++] = v[j];
        }
        items[i].value[k] = '\0';
    }
    qsort(items, req->nheaders, sizeof(*items), cmp_items);
    *out_items = items;
    items = NULL; /* transferred */
    rc = 0;
out:
    if (rc == ST_ERR_NOMEM)
        st_err_set(err, rc, "cannot canonicalise the headers");
    free_items(items, req->nheaders); /* calloc'd */
    return rc;
}

static void
add_signed_names(const struct item *items, size_t n, struct st_buf *out)
{
    size_t i;

    for (i = 0; items != NULL && i < n; i++) {
        if (i > 0)
            st_buf_addch(out, ';');
        st_buf_addstr(out, items[i].name);
    }
}

int
st_sign_signed_headers(const struct st_sign_request *req, struct st_buf *out,
                       struct st_err *err)
{
    struct item *items = NULL;
    int rc;

    if ((rc = canon_headers(req, &items, err)) != 0)
        return rc;
    add_signed_names(items, req->nheaders, out);
    free_items(items, req->nheaders);
    if ((rc = st_buf_error(out)) != 0)
        return st_err_set(err, rc, "cannot build the signed headers");
    return 0;
}

/* The canonical URI: encoded path, runs of '/' collapsed, "" -> "/". */
static void
canon_uri(const char *path, struct st_buf *out)
{
    size_t i;
    size_t start = out->len;

    if (path == NULL || path[0] != '/')
        st_buf_addch(out, '/');
    for (i = 0; path != NULL && path[i] != '\0'; i++) {
        if (path[i] == '/' && out->len > start &&
            out->data[out->len - 1] == '/')
            continue;
        st_sign_encode(&path[i], 1, 1, out);
    }
}

int
st_sign_canonical_request(const struct st_sign_request *req, struct st_buf *out,
                          struct st_err *err)
{
    struct item *items = NULL;
    char hex[65];
    size_t i;
    int rc;

    if ((rc = canon_headers(req, &items, err)) != 0)
        return rc;
    st_buf_addstr(out, req->method);
    st_buf_addch(out, '\n');
    canon_uri(req->path, out);
    st_buf_addch(out, '\n');
    if ((rc = st_sign_query(req->params, req->nparams, out, err)) != 0)
        goto out;
    st_buf_addch(out, '\n');
    for (i = 0; items != NULL && i < req->nheaders; i++) {
        st_buf_addstr(out, items[i].name);
        st_buf_addch(out, ':');
        st_buf_addstr(out, items[i].value);
        st_buf_addch(out, '\n');
    }
    st_buf_addch(out, '\n');
    add_signed_names(items, req->nheaders, out);
    st_buf_addch(out, '\n');
    st_sha256_hex(req->payload, req->payload_len, hex);
    st_buf_addstr(out, hex);
    if ((rc = st_buf_error(out)) != 0)
        st_err_set(err, rc, "cannot build the canonical request");
out:
    free_items(items, req->nheaders);
    return rc;
}

int
st_sign_string_to_sign(enum st_sign_alg alg, const char *canonical, size_t len,
                       struct st_buf *out, struct st_err *err)
{
    char hex[65];
    int rc;

    st_sha256_hex(canonical, len, hex);
    st_buf_addstr(out, st_sign_alg_name(alg));
    st_buf_addch(out, '\n');
    st_buf_addstr(out, hex);
    if ((rc = st_buf_error(out)) != 0)
        return st_err_set(err, rc, "cannot build the string to sign");
    return 0;
}

void
st_sign_std_headers(struct st_sign_pair hdrs[5], const char *date,
                    const char *host, const char *region)
{
    hdrs[0].name = "accept";
    hdrs[0].value = "application/json";
    hdrs[1].name = "content-type";
    hdrs[1].value = "application/json";
    hdrs[2].name = "x-amz-pay-date";
    hdrs[2].value = date;
    hdrs[3].name = "x-amz-pay-host";
    hdrs[3].value = host;
    hdrs[4].name = "x-amz-pay-region";
    hdrs[4].value = region;
}

/* Appends OpenSSL's first queued error (if any) to err's detail. */
static int
crypto_err(struct st_err *err, const char *what)
{
    unsigned long e = ERR_get_error();
    char text[256];

    st_err_set(err, ST_ERR_CRYPTO, "%s", what);
    if (e != 0) {
        ERR_error_string_n(e, text, sizeof(text));
        st_err_detail(err, "%s", text);
    }
    ERR_clear_error();
    return ST_ERR_CRYPTO;
}

/* Refuses a passphrase instead of prompting for one on the terminal. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

int
st_sign_key_from_pem(const char *pem, size_t len, int is_public,
                     struct st_sign_key **key, struct st_err *err)
{
    int rc = ST_ERR_CRYPTO;
    struct st_sign_key *k = NULL;
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;

    *key = NULL;
    if (len > (size_t)0x7fffffff) {
        rc = st_err_set(err, ST_ERR_CRYPTO, "key text too long");
        goto out;
    }
    bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) {
        rc = crypto_err(err, "cannot read the key");
        goto out;
    }
    pkey = is_public ? PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL)
                     : PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    if (pkey == NULL) {
        rc = crypto_err(err, is_public ? "not a PEM public key"
                                       : "not an unencrypted PEM private key");
        goto out;
    }
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
        rc = st_err_set(err, ST_ERR_CRYPTO, "the key is not an RSA key");
        goto out;
    }
    k = st_calloc(1, sizeof(*k));
    if (k == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "cannot hold the key");
        goto out;
    }
    k->pkey = pkey;
    pkey = NULL; /* transferred */
    *key = k;
    rc = 0;
out:
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    return rc;
}

static int
load_file(const char *path, int is_public, struct st_sign_key **key,
          struct st_err *err)
{
    int rc = ST_ERR_NOINPUT;
    FILE *f = NULL;
    char *text = NULL;
    size_t len = 0;

    *key = NULL;
    text = st_malloc(KEY_FILE_MAX);
    if (text == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "cannot read key file '%s'", path);
        goto out;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        rc = st_err_set(err, ST_ERR_NOINPUT, "cannot read key file '%s': %s",
                        path, strerror(errno));
        goto out;
    }
    /* unbuffered: no copy of the key in a stdio buffer we cannot wipe */
    if (setvbuf(f, NULL, _IONBF, 0) != 0) {
        rc = st_err_set(err, ST_ERR_IO, "cannot read key file '%s'", path);
        goto out;
    }
    len = fread(text, 1, KEY_FILE_MAX, f);
    if (ferror(f) || len == KEY_FILE_MAX) {
        rc = st_err_set(err, ST_ERR_IO, "cannot read key file '%s': %s", path,
                        len == KEY_FILE_MAX ? "too large" : "read error");
        goto out;
    }
    rc = st_sign_key_from_pem(text, len, is_public, key, err);
    if (rc != 0)
        st_err_prefix(err, "key file '%s'", path);
out:
    if (f != NULL)
        (void)fclose(f); /* read only: nothing to lose */
    if (text != NULL) {
        OPENSSL_cleanse(text, KEY_FILE_MAX);
        st_free(text);
    }
    return rc;
}

int
st_sign_key_load(const char *path, struct st_sign_key **key, struct st_err *err)
{
    return load_file(path, 0, key, err);
}

int
st_sign_pubkey_load(const char *path, struct st_sign_key **key,
                    struct st_err *err)
{
    return load_file(path, 1, key, err);
}

void
st_sign_key_free(struct st_sign_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->pkey); /* OpenSSL clears RSA key material on free */
    st_free(key);
}

static int
set_pss(EVP_PKEY_CTX *pctx, enum st_sign_alg alg)
{
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, st_sign_alg_salt(alg)) > 0;
}

int
st_sign_signature(const struct st_sign_key *key, enum st_sign_alg alg,
                  const char *sts, size_t n, struct st_buf *out,
                  struct st_err *err)
{
    int rc = ST_ERR_CRYPTO;
    EVP_MD_CTX *md = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *sig = NULL;
    size_t siglen = 0;
    unsigned char *b64 = NULL;
    int b64len;

    md = EVP_MD_CTX_new();
    if (md == NULL ||
        EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key->pkey) != 1 ||
        !set_pss(pctx, alg) ||
        EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)sts, n) != 1) {
        rc = crypto_err(err, "cannot sign the request");
        goto out;
    }
    sig = st_malloc(siglen);
    b64 = st_malloc(4 * ((siglen + 2) / 3) + 1);
    if (sig == NULL || b64 == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "cannot sign the request");
        goto out;
    }
    if (EVP_DigestSign(md, sig, &siglen, (const unsigned char *)sts, n) != 1) {
        rc = crypto_err(err, "cannot sign the request");
        goto out;
    }
    b64len = EVP_EncodeBlock(b64, sig, (int)siglen);
    st_buf_add(out, b64, (size_t)b64len);
    if ((rc = st_buf_error(out)) != 0) {
        st_err_set(err, rc, "cannot hold the signature");
        goto out;
    }
    rc = 0;
out:
    st_free(sig);
    st_free(b64);
    EVP_MD_CTX_free(md);
    return rc;
}

int
st_sign_verify(const struct st_sign_key *key, enum st_sign_alg alg,
               const char *sts, size_t n, const char *sig, struct st_err *err)
{
    int rc = ST_ERR_CRYPTO;
    EVP_MD_CTX *md = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *raw = NULL;
    size_t siglen = strlen(sig);
    int rawlen;
    size_t pad = 0;

    if (siglen == 0 || siglen % 4 != 0 || siglen > 8192) {
        rc = st_err_set(err, ST_ERR_CRYPTO, "signature is not Base64");
        goto out;
    }
    raw = st_malloc(siglen / 4 * 3 + 1);
    if (raw == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "cannot check the signature");
        goto out;
    }
    rawlen = EVP_DecodeBlock(raw, (const unsigned char *)sig, (int)siglen);
    if (rawlen < 0) {
        rc = st_err_set(err, ST_ERR_CRYPTO, "signature is not Base64");
        goto out;
    }
    /* EVP_DecodeBlock counts the '=' padding as zero bytes. */
    if (sig[siglen - 1] == '=')
        pad++;
    if (sig[siglen - 2] == '=')
        pad++;
    md = EVP_MD_CTX_new();
    if (md == NULL ||
        EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key->pkey) != 1 ||
        !set_pss(pctx, alg)) {
        rc = crypto_err(err, "cannot check the signature");
        goto out;
    }
    if (EVP_DigestVerify(md, raw, (size_t)rawlen - pad,
                         (const unsigned char *)sts, n) != 1) {
        ERR_clear_error();
        rc = st_err_set(err, ST_ERR_CRYPTO, "signature does not verify");
        goto out;
    }
    rc = 0;
out:
    st_free(raw);
    EVP_MD_CTX_free(md);
    return rc;
}

int
st_sign_authorization(const struct st_sign_key *key, enum st_sign_alg alg,
                      const char *public_key_id,
                      const struct st_sign_request *req, struct st_buf *out,
                      struct st_buf *sts_out, struct st_err *err)
{
    int rc;
    struct st_buf canon;
    struct st_buf sts;

    st_buf_init(&canon, SIGN_MAX);
    st_buf_init(&sts, SIGN_MAX);
    if ((rc = st_sign_canonical_request(req, &canon, err)) != 0 ||
        (rc = st_sign_string_to_sign(alg, canon.data, canon.len, &sts, err)) !=
            0)
        goto out;
    st_buf_addstr(out, st_sign_alg_name(alg));
    st_buf_addstr(out, " PublicKeyId=");
    st_buf_addstr(out, public_key_id);
    st_buf_addstr(out, ", SignedHeaders=");
    if ((rc = st_sign_signed_headers(req, out, err)) != 0)
        goto out;
    st_buf_addstr(out, ", Signature=");
    if ((rc = st_sign_signature(key, alg, sts.data, sts.len, out, err)) != 0)
        goto out;
    if (sts_out != NULL)
        st_buf_add(sts_out, sts.data, sts.len);
    rc = 0;
out:
    st_buf_release(&canon);
    st_buf_release(&sts);
    return rc;
}
