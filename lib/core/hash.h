/*
 * hash.h: SHA-256 in lower-case hex, of memory, of a stream being written,
 * or of a file read in chunks (constant memory whatever its size). The one
 * place settle computes a digest: everything else calls these.
 */
#ifndef ST_HASH_H
#define ST_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define ST_SHA256_HEX_LEN 64 /* hex digits; buffers need one more */

/*
 * A SHA-256 being computed piece by piece: st_sha256_init, any number of
 * st_sha256_update, then st_sha256_final, which writes the hex digest and
 * releases. A failure inside OpenSSL sticks (later updates are no-ops) and
 * is reported once, by st_sha256_final. st_sha256_release (a no-op after
 * final, and on a zeroed struct) drops an unfinished digest.
 */
struct st_sha256 {
    void *md; /* EVP_MD_CTX, owned */
    int failed;
};

/* Starts h. ST_ERR_CRYPTO (or NOMEM) when OpenSSL cannot. */
int st_sha256_init(struct st_sha256 *h, struct st_err *err);

/* Adds the n bytes at p (p may be NULL when n is 0). */
void st_sha256_update(struct st_sha256 *h, const void *p, size_t n);

/* Writes the digest of everything added to hex and releases h. */
int st_sha256_final(struct st_sha256 *h, char *hex, struct st_err *err);

void st_sha256_release(struct st_sha256 *h);

/*
 * Hashes the file at path into hex (ST_SHA256_HEX_LEN + 1 bytes) and its size
 * into *bytes (if not NULL). ST_ERR_NOINPUT when it does not exist, ST_ERR_IO
 * when it cannot be read.
 */
int st_sha256_file(const char *path, char *hex, uint64_t *bytes,
                   struct st_err *err);

/* Hashes n bytes at p (NULL when n is 0) into hex. */
void st_sha256_hex(const void *p, size_t n, char *hex);

/* Writes the n bytes at d as 2n lower-case hex digits and a NUL to hex. */
void st_hex_encode(const unsigned char *d, size_t n, char *hex);

#endif
