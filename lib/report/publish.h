/*
 * publish.h: the directory of a date's outputs, built aside and renamed
 * into place whole.
 *
 * st_publish_prepare makes the temporary sibling directory
 * out_dir/<seller>/.<D>.tmp-XXXXXX (with the umask's mode, not mkdtemp's
 * 0700); each output is created in it under the name st_publish_add
 * records; st_publish_commit fsyncs it and renames it to out_dir/<seller>/<D>.
 * An older directory of that date is renamed away first and removed after,
 * so readers see the old set or the new one. Until the commit,
 * st_publish_release removes the temporary directory; what a killed
 * process left of it, st_publish_prepare removes (README "Reliability").
 */
#ifndef ST_PUBLISH_H
#define ST_PUBLISH_H

#include <stddef.h>

#include "core/date.h"
#include "core/err.h"
#include "core/path.h"

/* The longest name of a published directory, NUL included. */
#define ST_PUBLISH_DIR_MAX 32

/* The longest output file name, NUL included. */
#define ST_PUBLISH_NAME_MAX 40

struct st_publish {
    char parent[ST_PATH_MAX]; /* out_dir/<seller> (or .../period) */
    char final[ST_PATH_MAX];  /* out_dir/<seller>/<D> (or period/<D1>_<D2>) */
    char tmp[ST_PATH_MAX];    /* where the outputs are written */
    char name[ST_PUBLISH_DIR_MAX]; /* D, or D1_D2 */
    int have_tmp;
    char (*outputs)[ST_PUBLISH_NAME_MAX]; /* names written into tmp */
    size_t noutputs;
};

/* Zeroes p, ready for st_publish_prepare or st_publish_release. */
void st_publish_init(struct st_publish *p);

/*
 * Creates out_dir/<seller_id> when missing and the temporary directory in
 * it, for business date date ("YYYY-MM-DD"). ST_ERR_CONFIG when seller_id
 * cannot name a directory, ST_ERR_CANTCREAT when a directory cannot be
 * made.
 */
int st_publish_prepare(struct st_publish *p, const char *out_dir,
                       const char *seller_id, const char *date,
                       struct st_err *err);

/*
 * The same for a period statement: out_dir/<seller_id>/period/<from>_<to>,
 * from and to being "YYYY-MM-DD".
 */
int st_publish_prepare_period(struct st_publish *p, const char *out_dir,
                              const char *seller_id, const char *from,
                              const char *to, struct st_err *err);

/*
 * Records name as an output and writes its path in the temporary
 * directory into path (size bytes). ST_ERR_INTERNAL for a name of
 * ST_PUBLISH_NAME_MAX bytes or more, ST_ERR_CANTCREAT for a path too long.
 */
int st_publish_add(struct st_publish *p, const char *name, char *path,
                   size_t size, struct st_err *err);

/*
 * Syncs the temporary directory and renames it into place, replacing an
 * earlier directory of the date. ST_ERR_IO or ST_ERR_CANTCREAT naming the
 * path; an earlier directory is then left where it was.
 */
int st_publish_commit(struct st_publish *p, struct st_err *err);

/*
 * Removes the temporary directory when it was not published and frees
 * the list of outputs; accepts an initialised or released p.
 */
void st_publish_release(struct st_publish *p);

#endif
