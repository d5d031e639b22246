/*
 * hash.c: SHA-256 through OpenSSL's EVP interface.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/hash.h"
#include "core/banned.h"

void
st_hex_encode(const unsigned char *d, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * n] = '\0';
}

void
st_sha256_hex(const void *p, size_t n, char *hex)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    if (EVP_Digest(p != NULL ? p : "", n, md, &len, EVP_sha256(), NULL) != 1 ||
        len != 32) {
        hex[0] = '\0';
        return;
    }
    st_hex_encode(md, 32, hex);
}

int
st_sha256_init(struct st_sha256 *h, struct st_err *err)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    h->md = NULL;
    h->failed = 0;
    if (md == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return st_err_set(err, ST_ERR_CRYPTO, "cannot start SHA-256");
    }
    h->md = md;
    return 0;
}

void
st_sha256_update(struct st_sha256 *h, const void *p, size_t n)
{
    if (h->failed || n == 0)
        return;
    if (h->md == NULL || EVP_DigestUpdate(h->md, p, n) != 1)
        h->failed = 1;
}

int
st_sha256_final(struct st_sha256 *h, char *hex, struct st_err *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    int rc = ST_ERR_CRYPTO;

    hex[0] = '\0';
    if (h->failed || h->md == NULL ||
        EVP_DigestFinal_ex(h->md, md, &len) != 1 || len != 32) {
        rc = st_err_set(err, ST_ERR_CRYPTO, "SHA-256 failed");
        goto out;
    }
    st_hex_encode(md, 32, hex);
    rc = 0;
out:
    st_sha256_release(h);
    return rc;
}

void
st_sha256_release(struct st_sha256 *h)
{
    EVP_MD_CTX_free(h->md);
    h->md = NULL;
    h->failed = 0;
}

int
st_sha256_file(const char *path, char *hex, uint64_t *bytes, struct st_err *err)
{
    FILE *f = NULL;
    struct st_sha256 h = {NULL, 0};
    unsigned char buf[1 << 16];
    uint64_t total = 0;
    size_t n;
    int rc = ST_ERR_IO;

    hex[0] = '\0';
    if (bytes != NULL)
        *bytes = 0;
    f = fopen(path, "rb");
    if (f == NULL) {
        rc = st_err_set(err, errno == ENOENT ? ST_ERR_NOINPUT : ST_ERR_IO,
                        "cannot read '%s': %s", path, strerror(errno));
        goto out;
    }
    if ((rc = st_sha256_init(&h, err)) != 0)
        goto out;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        st_sha256_update(&h, buf, n);
        total += n;
    }
    if (ferror(f)) {
        rc = st_err_set(err, ST_ERR_IO, "cannot read '%s': %s", path,
                        strerror(errno));
        goto out;
    }
    if ((rc = st_sha256_final(&h, hex, err)) != 0)
        goto out;
    if (bytes != NULL)
        *bytes = total;
    rc = 0;
out:
    st_sha256_release(&h);
    if (f != NULL)
        (void)fclose(f); /* read only */
    return rc;
}
