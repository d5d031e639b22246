/*
 * archive.h: the content-addressed archive of raw settlement reports.
 *
 * A report's bytes live at archive_dir/sha256/<2 hex>/<62 hex> of their
 * SHA-256, exactly as downloaded or found. A file is written under a
 * temporary name in its final directory, fsync'd, then linked to its final
 * name (link(2) fails rather than replace, so an archived file is never
 * overwritten) and the directory fsync'd; when the hash is already there,
 * nothing is written. Auditors rerun from these bytes years later.
 *
 * Each archived file is registered in settle.raw_report (seller, sha256,
 * bytes, source, report id, original name, settlement id and period, and the
 * business date: SettlementEndDate in the configured time zone, computed by
 * PostgreSQL's AT TIME ZONE) with INSERT ... ON CONFLICT DO NOTHING, so
 * archiving the same bytes twice adds nothing. The file is written before
 * its row, so a row never names a missing file.
 */
#ifndef ST_ARCHIVE_H
#define ST_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "io/db.h"
#include "core/err.h"
#include "core/hash.h"

/* What settle.raw_report records about one archived file. */
struct st_archive_meta {
    const char *seller_id;
    const char *source;        /* "api" or "dir" */
    const char *report_id;     /* Amazon reportId, or NULL */
    const char *original_name; /* file name as found/downloaded, or NULL */
    const char *settlement_id;
    int64_t settlement_start; /* epoch seconds, UTC */
    int64_t settlement_end;
    const char *timezone; /* IANA zone of business dates */
};

/* Appends archive_dir/sha256/<2>/<62> of hex to out. */
void st_archive_path(const char *archive_dir, const char *hex,
                     struct st_buf *out);

/*
 * Stores the len bytes at data in the archive under their SHA-256, which is
 * written to hex[65]. *created (if not NULL) is 1 when a new file was
 * written, 0 when the hash was already archived. A file already there with
 * another size is ST_ERR_IO (the archive is damaged). ST_ERR_CANTCREAT or
 * ST_ERR_IO naming the path when the file cannot be written.
 */
int st_archive_store(const char *archive_dir, const void *data, size_t len,
                     char *hex, int *created, struct st_err *err);

/* st_archive_store for data whose SHA-256 (hex) the caller has computed. */
int st_archive_store_hashed(const char *archive_dir, const void *data,
                            size_t len, const char *hex, int *created,
                            struct st_err *err);

/*
 * Registers an archived file (hex, bytes) in settle.raw_report.
 * *inserted (if not NULL) is 1 when a row was added, 0 when it was there.
 */
int st_archive_register(struct st_db *db, const struct st_archive_meta *meta,
                        const char *hex, size_t bytes, int *inserted,
                        struct st_err *err);

/*
 * The business date (days since the epoch) of the instant epoch in the IANA
 * zone tz, computed by PostgreSQL (AT TIME ZONE). ST_ERR_DATA for an unknown
 * zone.
 */
int st_archive_business_date(struct st_db *db, int64_t epoch, const char *tz,
                             int32_t *date, struct st_err *err);

/*
 * Refuses (ST_ERR_DATA) a file of SHA-256 hex for settlement settlement_id
 * of seller when a file with other bytes is already archived for it: Amazon
 * never changes a settlement report, and two versions would be counted
 * twice. name is the new file's, for the message. Nothing is written.
 */
int st_archive_check_settlement(struct st_db *db, const char *seller,
                                const char *settlement_id, const char *hex,
                                const char *name, struct st_err *err);

/*
 * Sets *found to 1 when settle.raw_report already has a file of seller with
 * Amazon reportId report_id (so fetch need not download it again).
 */
int st_archive_has_report(struct st_db *db, const char *seller,
                          const char *report_id, int *found,
                          struct st_err *err);

#endif
