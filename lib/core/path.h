/*
 * path.h: file names built one way. A path is DIR "/" NAME, with no
 * clean-up of either part (what the operator configured is what the logs
 * and the manifest show), and never longer than ST_PATH_MAX - 1 bytes.
 */
#ifndef ST_PATH_H
#define ST_PATH_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* The longest path settle builds, NUL included (Linux's PATH_MAX). */
#define ST_PATH_MAX 4096

/*
 * Writes "dir/name" into out (size bytes). ST_ERR_CANTCREAT naming both
 * parts when it does not fit (out is then ""); 0 otherwise.
 */
int st_path_join(char *out, size_t size, const char *dir, const char *name,
                 struct st_err *err);

/* Appends "dir/name" to b (b's error sticks when past its maximum). */
void st_path_add(struct st_buf *b, const char *dir, const char *name);

#endif
