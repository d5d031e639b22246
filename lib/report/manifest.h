/*
 * manifest.h: manifest.json, written by the report stage and read back
 * for the auditor.
 *
 * The report stage writes out_dir/<seller>/<date>/manifest.json: the tool
 * and schema versions, the ledger cutoff, the config digest, every input
 * (name, sha256, bytes, report id), the exchange rates, the templates'
 * digests, every output file (path relative to the date's directory,
 * sha256, bytes), the totals per currency and the counts. Keys are sorted
 * and nothing in it depends on the clock but the cutoff, so the same data
 * gives the same bytes. This module writes it (st_manifest_write), checks
 * it against the files (`settle verify`) and two manifests against each
 * other (`settle rerun`), listing each difference as one line in a
 * caller's buffer. JSON is read and written with jansson.
 *
 * A period statement's manifest (out_dir/<seller>/period/<D1>_<D2>/) has
 * "period" {from, to} instead of "date", no inputs of its own and no
 * open items, and "days": each date of the period with its run status,
 * ledger cutoff and the path and sha256 of its own manifest.json, which
 * `settle verify` checks too.
 */
#ifndef ST_MANIFEST_H
#define ST_MANIFEST_H

#include <jansson.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "io/db.h"
#include "report/dispute.h"
#include "report/publish.h"
#include "report/summary.h"
#include "report/template.h"

/* What a manifest is built from, all borrowed. */
struct st_manifest_in {
    const char *seller_id;
    const struct st_summary *sum; /* date, cutoff, currencies and rates */
    const struct st_config *cfg;  /* for the digest; may be NULL */
    const struct st_template_set *templates;
    const struct st_publish *pub; /* the directory and its outputs */
    uint64_t lines;
    uint64_t exceptions;
    uint64_t open_items;
    uint64_t settlements;
    const struct st_dispute_counts *disputes;
    /* a period statement: its first date (sum->date is the last) and the
     * dates it was built from; NULL for a date's report */
    const char *period_from;
    json_t *days;
};

/*
 * Builds the manifest of in and writes it atomically (core/fsutil) as
 * manifest.json in in->pub's temporary directory, after the outputs, which
 * it hashes. Reads the schema version and the inputs from db.
 * ST_ERR_NOMEM, the database's codes, or CANTCREAT and IO naming the file.
 */
int st_manifest_write(struct st_db *db, const struct st_manifest_in *in,
                      struct st_err *err);

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
