/*
 * fsutil.h: files that are either wholly there or not there at all.
 *
 * Outputs are written under a temporary name in the destination's own
 * directory, flushed and fsync'd, then renamed over the final name, and the
 * directory is fsync'd, so a crash leaves the old file or the new one,
 * never half of one. Errors name the path and map to ST_ERR_CANTCREAT
 * (cannot create) or ST_ERR_IO (write or sync failed).
 */
#ifndef ST_FSUTIL_H
#define ST_FSUTIL_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

/* Creates dir and its missing parents with mode (like mkdir -p). */
int st_mkdir_p(const char *dir, unsigned mode, struct st_err *err);

/* fsyncs the directory dir (so a rename in it is durable). */
int st_fsync_dir(const char *dir, struct st_err *err);

/*
 * fsyncs path, a file or a directory, so that what was written to it is
 * durable. A file system that cannot sync it (EINVAL) is not an error.
 * ST_ERR_IO naming path otherwise.
 */
int st_fsync_path(const char *path, struct st_err *err);

/*
 * Removes the entries of dir that are not directories, then dir itself:
 * enough for a flat directory of outputs. Best effort, for clean-up after
 * a failure: every entry is tried. Returns 0 when dir is gone, else
 * ST_ERR_IO naming what stayed (err may be NULL).
 */
int st_remove_tree(const char *dir, struct st_err *err);

/* Writes len bytes of data to path atomically (temp, fsync, rename). */
int st_file_write_atomic(const char *path, const void *data, size_t len,
                         struct st_err *err);

/*
 * An output file being written: st_atomic_open creates a temporary file
 * beside path and returns it as a stdio stream in af->f; st_atomic_commit
 * flushes, fsyncs, closes and renames it into place; st_atomic_abort (also
 * safe after commit, and on a zeroed struct) removes the temporary file.
 */
struct st_atomic_file {
    FILE *f;
    char *path; /* final name, owned */
    char *tmp;  /* temporary name, owned */
};

int st_atomic_open(struct st_atomic_file *af, const char *path,
                   struct st_err *err);
int st_atomic_commit(struct st_atomic_file *af, struct st_err *err);
void st_atomic_abort(struct st_atomic_file *af);

/*
 * Reads the whole file at path into *data (owned, st_free; NUL-terminated
 * for convenience) and its length into *len. ST_ERR_NOINPUT when missing.
 */
int st_file_read_all(const char *path, char **data, size_t *len,
                     struct st_err *err);

#endif
