/*
 * csvin.h: a streaming CSV reader on libcsv, strict, with physical line
 * numbers.
 *
 * The caller pushes bytes in chunks of any size (st_csvin_feed) and ends
 * with st_csvin_finish; every complete row goes to the caller's row
 * function with its fields copied out of libcsv (NUL-terminated, length
 * given) and the 1-based physical line on which the row starts. Memory is
 * bounded by the longest row, never by the file: one reused arena holds
 * the fields of the row being read.
 *
 * Accepted: a UTF-8 byte-order mark at the very start (dropped), LF or
 * CRLF line ends, blank lines (skipped, as libcsv does), a missing final
 * newline, RFC 4180 quoting with "" for a quote and line breaks inside
 * quoted fields. Refused (ST_ERR_DATA, err located at FILE:LINE): malformed
 * quoting (libcsv's CSV_STRICT), an unterminated quoted field at the end
 * (CSV_STRICT_FINI), a row longer than ST_CSVIN_MAX_ROW bytes or with more
 * than ST_CSVIN_MAX_FIELDS fields. Spaces around unquoted fields are kept,
 * not trimmed.
 *
 * Line numbers count LF bytes; a lone CR (old Mac line end) ends a row
 * for libcsv but does not advance the line number.
 */
#ifndef ST_CSVIN_H
#define ST_CSVIN_H

#include <stddef.h>

#include "core/err.h"

#define ST_CSVIN_MAX_ROW    ((size_t)1024 * 1024)
#define ST_CSVIN_MAX_FIELDS 1024

/*
 * One row as the row function sees it: n fields, field[i] NUL-terminated
 * with len[i] bytes (a field may hold NUL bytes of its own). Everything is
 * borrowed and valid only until the row function returns.
 */
struct st_csvin_row {
    const char *const *field;
    const size_t *len;
    size_t n;
    long line; /* physical line where the row starts, 1-based */
};

/*
 * Called once per row. Returns 0 to go on, ST_CSVIN_STOP to stop reading
 * quietly (st_csvin_feed then returns ST_CSVIN_STOP and ignores further
 * input), or a negative ST_ERR_* (with err filled) to fail.
 */
typedef int (*st_csvin_row_fn)(void *ctx, const struct st_csvin_row *row,
                               struct st_err *err);

#define ST_CSVIN_STOP 1

struct st_csvin; /* opaque */

/*
 * Creates a reader in *out (free with st_csvin_free). file names the input
 * in error messages (borrowed: it must outlive the reader); fn and ctx get
 * the rows. Returns 0 or ST_ERR_NOMEM.
 */
int st_csvin_new(const char *file, st_csvin_row_fn fn, void *ctx,
                 struct st_csvin **out, struct st_err *err);

/* Frees r; accepts NULL. */
void st_csvin_free(struct st_csvin *r);

/*
 * Parses the next len bytes of the input, calling the row function for
 * every row they complete. Returns 0, ST_CSVIN_STOP once the row function
 * asked to stop, or a negative ST_ERR_* (the reader is then finished:
 * later calls return the same code).
 */
int st_csvin_feed(struct st_csvin *r, const void *data, size_t len,
                  struct st_err *err);

/*
 * Ends the input: delivers a last row that has no final newline and checks
 * csv_fini (an unterminated quote is ST_ERR_DATA). Returns like
 * st_csvin_feed.
 */
int st_csvin_finish(struct st_csvin *r, struct st_err *err);

/* Sees every block st_csvin_read_fd reads, in order (e.g. to hash it). */
typedef void (*st_csvin_chunk_fn)(void *ctx, const void *data, size_t len);

/*
 * Reads fd from its offset to the end and parses it as st_csvin_feed and
 * st_csvin_finish would, but on two threads: a helper thread reads and
 * runs libcsv while the row function runs on the calling thread, so the
 * two overlap. The rows, their order, their line numbers and the errors
 * are the same as with st_csvin_feed. chunk_fn (may be NULL) gets every
 * block read, on the helper thread: it must not share unlocked state with
 * the row function. Memory stays bounded (two batches of rows in
 * flight). Returns 0, ST_CSVIN_STOP, the row function's error, or the
 * reader's (ST_ERR_DATA located, ST_ERR_IO, ST_ERR_NOMEM). The reader is
 * finished afterwards.
 */
int st_csvin_read_fd(struct st_csvin *r, int fd, st_csvin_chunk_fn chunk_fn,
                     void *chunk_ctx, struct st_err *err);

/*
 * The physical line the reader has reached (1-based), for messages. Not
 * from a row function under st_csvin_read_fd, whose reading thread is
 * advancing it: a row's own line is in its struct st_csvin_row.
 */
long st_csvin_line(const struct st_csvin *r);

#endif
