/*
 * manifest.h: reading manifest.json back, for the auditor.
 *
 * The report stage writes out_dir/<seller>/<date>/manifest.json: the tool
 * and schema versions, the ledger cutoff, the config digest, every input
 * (name, sha256, bytes, report id) and every output file (path relative to
 * the date's directory, sha256, bytes). This module checks a manifest
 * against the files (`settle verify`) and two manifests against each other
 * (`settle rerun`), and lists each difference as one line in a caller's
 * buffer. JSON is read with jansson.
 */
#ifndef ST_MANIFEST_H
#define ST_MANIFEST_H

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"

/*
 * Loads the JSON object at path into *out (owned: json_decref). ST_ERR_NOINPUT
 * when missing, ST_ERR_DATA naming line and column when it is not a manifest.
 */
int st_manifest_load(const char *path, json_t **out, struct st_err *err);

/*
 * Rechecks every output of manifest m against the files of dir (the date's
 * output directory) and every input against the archive (archive_dir),
 * hashing each file. Appends one line per difference to diffs and sets
 * *ndiff. Returns 0 when the check ran (differences or not), an error when
 * it could not run.
 */
int st_manifest_verify(const json_t *m, const char *dir,
                       const char *archive_dir, struct st_buf *diffs,
                       int *ndiff, struct st_err *err);

/*
 * Compares the outputs of manifest a (the original) with those of b (a
 * rebuild) by path and sha256; the manifest itself is not an output. A
 * different tool_version is reported as a difference too, never hidden.
 */
void st_manifest_compare(const json_t *a, const json_t *b, struct st_buf *diffs,
                         int *ndiff);

#endif
