/*
 * hash.c: SHA-256 through OpenSSL's EVP interface.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "hash.h"
#include "banned.h"

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
st_sha256_file(const char *path, char *hex, uint64_t *bytes, struct st_err *err)
{
    FILE *f = NULL;
    EVP_MD_CTX *ctx = NULL;
    unsigned char buf[1 << 16];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
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
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        rc = st_err_set(err, ST_ERR_CRYPTO, "cannot start SHA-256");
        goto out;
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (EVP_DigestUpdate(ctx, buf, n) != 1) {
            rc = st_err_set(err, ST_ERR_CRYPTO, "SHA-256 failed");
            goto out;
        }
        total += n;
    }
    if (ferror(f)) {
        rc = st_err_set(err, ST_ERR_IO, "cannot read '%s': %s", path,
                        strerror(errno));
        goto out;
    }
    if (EVP_DigestFinal_ex(ctx, md, &len) != 1 || len != 32) {
        rc = st_err_set(err, ST_ERR_CRYPTO, "SHA-256 failed");
        goto out;
    }
    st_hex_encode(md, 32, hex);
    if (bytes != NULL)
        *bytes = total;
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    if (f != NULL)
        (void)fclose(f); /* read only */
    return rc;
}
