/*
 * normalize.h: the normalize stage. Raw settlement reports become the
 * normalized lines of ARCHITECTURE.md ("The normalized line"), either as
 * CSV (no database) or as rows of settle.settlement_line (COPY FROM STDIN,
 * one transaction per business date).
 *
 * Both paths stream: a file is read in 1 MiB chunks, hashed (SHA-256 of
 * the raw bytes, lib/core/hash) and parsed by lib/amazon/settlement; rows
 * are formatted into one reused buffer and flushed in 256 KiB pieces, so
 * memory does not grow with the file. On the CSV path a thread of its own
 * writes those pieces (lib/core/handoff), and starts the kernel's
 * writeback of a regular file every few MiB (the caller's fsync then has
 * little left to do). A file with any validation problem is refused as a
 * whole: its problems go to the caller's struct st_problems and the call
 * returns ST_ERR_DATA. The CSV path writes into a stream the caller later
 * commits or throws away (a temporary file); the database path rolls its
 * transaction back.
 *
 * CSV output (README, "Normalized lines without a database"): a header
 * row, then the rows of the files in argument order and line order; LF,
 * no BOM, fields quoted only when they hold a comma, a quote, CR or LF;
 * amounts with exactly the currency's decimals; no formula guard.
 */
#ifndef ST_NORMALIZE_H
#define ST_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/currency.h"
#include "io/db.h"
#include "core/err.h"
#include "fx/fx.h"
#include "core/log.h"
#include "amazon/settlement.h"

/* The CSV header row, LF included. */
extern const char st_normalize_csv_header[];

struct st_normalize_opts {
    const char *expect_seller;           /* NULL or "": not checked */
    const struct st_currency *reporting; /* NULL: no conversion */
    const struct st_fx *fx; /* rates when reporting is set (CSV path) */
    int fx_max_age_days;
    struct st_log *log;           /* warnings; may be NULL */
    struct st_problems *problems; /* required; borrowed */
};

struct st_normalize_stats {
    long files;
    long lines;
    long unknown; /* lines of an unknown TransactionType (kind unknown) */
};

/*
 * Normalizes the files (paths) into out as CSV, header first. Every file
 * is read twice: once for its SHA-256 (the first column of every row),
 * once to parse. Returns 0; ST_ERR_DATA when any file had problems (all
 * files are still checked, so every problem is listed; out then holds
 * garbage the caller discards); ST_ERR_NOINPUT when a file cannot be
 * opened; ST_ERR_IO on a read or write error. stats may be NULL.
 */
int st_normalize_files(const struct st_normalize_opts *o,
                       const char *const *files, size_t nfiles, FILE *out,
                       struct st_normalize_stats *stats, struct st_err *err);

/*
 * Normalizes one report held in memory (name for messages) into out as
 * CSV rows without the header; for tests and the fuzzer.
 */
int st_normalize_buffer(const struct st_normalize_opts *o, const char *name,
                        const void *data, size_t len, FILE *out,
                        struct st_err *err);

/*
 * The database path: the archived reports of (seller_id, date) listed in
 * settle.raw_report, read from archive_dir/sha256/ab/<rest>, replace the
 * date's rows of settle.settlement_line in one transaction (DELETE, then
 * COPY FROM STDIN). When o->reporting is set and o->fx is NULL, the rates
 * come from settle.fx_rate. A file whose bytes no longer match its sha256
 * is ST_ERR_DATA. Nothing is changed unless everything succeeds. db must
 * not be inside a transaction.
 */
int st_normalize_date(struct st_db *db, const struct st_normalize_opts *o,
                      const char *seller_id, int32_t date,
                      const char *archive_dir, struct st_normalize_stats *stats,
                      struct st_err *err);

#endif
