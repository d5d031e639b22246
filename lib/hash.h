/*
 * hash.h: SHA-256 in lower-case hex, of memory, of a stream being written,
 * or of a file read in chunks (constant memory whatever its size).
 */
#ifndef ST_HASH_H
#define ST_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define ST_SHA256_HEX_LEN 64 /* hex digits; buffers need one more */

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
