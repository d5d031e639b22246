/*
 * csvout.h: an RFC 4180 CSV writer for spreadsheets.
 *
 * A struct st_csvout writes rows cell by cell to a stdio stream it borrows
 * (or opens and owns, with st_csvout_open). Options fix, per file, the
 * delimiter, the decimal separator of amounts, a UTF-8 byte order mark at
 * the start, CRLF or LF line ends, and the formula-injection guard.
 *
 * Cells come in two kinds. Text cells (st_csvout_text) are what a person or
 * a report typed: with the guard on, one that begins with '=', '+', '-',
 * '@', tab or CR gets a leading "'" so that a spreadsheet shows it instead
 * of evaluating it. Number cells (st_csvout_number, st_csvout_amount,
 * st_csvout_int) are never guarded, so "-0.59" stays a number. Any cell
 * that holds the delimiter, a quotation mark, CR or LF is quoted, with its
 * quotes doubled.
 *
 * Errors stick: the first failed write is remembered and reported by
 * st_csvout_close (or st_csvout_error); cell calls return nothing.
 */
#ifndef ST_CSVOUT_H
#define ST_CSVOUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

struct st_csvout_opts {
    char delimiter;   /* ',' or ';' (any byte but '"', CR, LF) */
    char decimal;     /* decimal separator of amounts: '.' or ',' */
    unsigned bom : 1; /* write EF BB BF first */
    unsigned crlf : 1;
    unsigned guard : 1; /* formula-injection guard on text cells */
};

/*
 * The spreadsheet defaults (README, "Statements and output columns"): ',',
 * '.', BOM, CRLF, guard on.
 */
extern const struct st_csvout_opts st_csvout_excel;

struct st_csvout {
    FILE *fp;
    int owned; /* 1: opened by st_csvout_open, closed by st_csvout_close */
    struct st_csvout_opts opts;
    size_t col;    /* cells written in the current row */
    uint64_t rows; /* rows ended so far */
    int err;       /* 0 or the first ST_ERR_IO */
    int sys_errno; /* errno of the first failed write, for the message */
    char *path;    /* owned copy, for messages; NULL for a borrowed stream */
};

/*
 * Starts w on the borrowed stream fp (not closed by st_csvout_close) and
 * writes the BOM when asked.
 */
void st_csvout_init(struct st_csvout *w, FILE *fp,
                    const struct st_csvout_opts *opts);

/*
 * Creates (truncates) the file path and starts w on it. ST_ERR_CANTCREAT
 * naming path when it cannot be opened. st_csvout_close closes it.
 */
int st_csvout_open(struct st_csvout *w, const char *path,
                   const struct st_csvout_opts *opts, struct st_err *err);

/* A text cell of len bytes (guarded, quoted when needed). */
void st_csvout_text(struct st_csvout *w, const char *s, size_t len);

/* A NUL-terminated text cell. */
void st_csvout_str(struct st_csvout *w, const char *s);

/*
 * A number given as text in C notation ("1.0856", "-12"): the '.' becomes
 * the decimal separator; never guarded.
 */
void st_csvout_number(struct st_csvout *w, const char *s, size_t len);

/* An amount of minor units with exponent decimals, never guarded. */
void st_csvout_amount(struct st_csvout *w, int64_t minor, int exponent);

/* An integer cell. */
void st_csvout_int(struct st_csvout *w, int64_t v);

/* An empty cell. */
void st_csvout_empty(struct st_csvout *w);

/* Ends the current row (CRLF or LF). */
void st_csvout_end_row(struct st_csvout *w);

/* Returns 0 or the sticky error. */
int st_csvout_error(const struct st_csvout *w);

/*
 * Flushes; for an owned file also fsyncs and closes it. Returns 0, or
 * ST_ERR_IO naming the file when any write, the flush, fsync or fclose
 * failed. Accepts a closed writer.
 */
int st_csvout_close(struct st_csvout *w, struct st_err *err);

/*
 * Writes one RFC 4180 field of len bytes at p, for the ',' delimiter and
 * with no guard: as it is, or quoted with its quotes doubled when it holds
 * ',', '"', CR or LF or when always_quote is set (PostgreSQL's COPY reads
 * an unquoted empty field as NULL). The caller makes room for
 * ST_CSV_TEXT_ROOM(len) bytes; returns the cursor after the field. No NUL
 * is written.
 */
#define ST_CSV_TEXT_ROOM(len) (2 * (size_t)(len) + 2)
char *st_csv_put_text(char *p, const char *s, size_t len, int always_quote);

#endif
