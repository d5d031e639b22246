/*
 * settlement.h: the Amazon Pay settlement report parser
 * (_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SETTLEMENT_DATA_).
 *
 * A report is a preamble of "Key","Value" rows (SellerId,
 * SettlementStartDate, SettlementEndDate; other rows such as "Amazon
 * Payments Advanced" are ignored), a header row found by its first column
 * TransactionPostedDate, then one body row per money movement. Columns are
 * mapped by header name: all 15 documented names are required, extra
 * columns are warned about and ignored, the header's empty trailing field
 * is ignored. The parser is a push parser on lib/io/csvin, so memory stays
 * bounded whatever the file size.
 *
 * Each body row becomes a struct st_settlement_line: dates in UTC epoch
 * seconds, amounts in exact minor units of the row's currency (thousands
 * separators accepted), TransactionType mapped to a kind by the table of
 * ARCHITECTURE.md (case-insensitive; anything else is ST_KIND_UNKNOWN, kept).
 * Validation failures are not returned as errors: each one is recorded in
 * the caller's struct st_problems as FILE:LINE[:COL] (COL is the 1-based
 * field number) and the row is dropped; the caller refuses the whole file
 * when problems->total grew. Only hard failures (out of memory, a failing
 * line callback) come back as negative ST_ERR_* codes.
 */
#ifndef ST_SETTLEMENT_H
#define ST_SETTLEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/problems.h"
#include "io/csvin.h"
#include "core/currency.h"
#include "core/err.h"
#include "core/log.h"

/* ---------------------------------------------------------- kinds */

enum st_kind {
    ST_KIND_CAPTURE = 0,
    ST_KIND_REFUND,
    ST_KIND_CHARGEBACK,
    ST_KIND_ATOZ_CLAIM,
    ST_KIND_DISPUTE,
    ST_KIND_AUTHORIZATION,
    ST_KIND_ADJUSTMENT,
    ST_KIND_DEBT,
    ST_KIND_TRANSFER,
    ST_KIND_RESERVE,
    ST_KIND_CARRYOVER,
    ST_KIND_UNKNOWN,
    ST_KIND_COUNT
};

/* "capture", "atoz_claim", ... "unknown"; never NULL. */
const char *st_kind_name(enum st_kind kind);

/*
 * Maps a raw TransactionType (len bytes at type) to its kind, exact but
 * case-insensitive ("A-to-z Guarantee Claim", "a-to-z claim" and "A to Z
 * Guarantee Claim" are all atoz_claim); ST_KIND_UNKNOWN for anything else.
 */
enum st_kind st_kind_of(const char *type, size_t len);

/* ---------------------------------------------------------- preamble */

struct st_settlement_preamble {
    char seller_id[64];
    char settlement_id[64];   /* of the first body row; "" when none */
    int64_t settlement_start; /* epoch seconds, UTC */
    int64_t settlement_end;
    long header_line; /* physical line of the header row; 0 if not seen */
};

/*
 * Reads the preamble of the settlement report held in the len bytes at
 * data: SellerId, SettlementStartDate, SettlementEndDate, and the
 * SettlementId of the first body row (empty when the report has no rows).
 * Stops after the first body row; the rows are not validated. Returns 0,
 * or ST_ERR_DATA with err located (missing key, unparseable date, no
 * header row, malformed CSV), or ST_ERR_NOMEM. *out is zeroed first.
 */
int st_settlement_preamble(const char *data, size_t len,
                           struct st_settlement_preamble *out,
                           struct st_err *err);

/* ---------------------------------------------------------- lines */

/* A text field: len bytes at s, NUL-terminated, borrowed. */
struct st_settlement_text {
    const char *s;
    size_t len;
};

/*
 * One validated body row. Texts are borrowed from the parser and valid
 * only during the line callback. The invariants hold:
 * total_fee == percentage_fee + fixed_fee and net == amount + total_fee.
 */
struct st_settlement_line {
    long line; /* physical line in the raw file */
    int64_t posted_at;
    enum st_kind kind;
    const struct st_currency *currency;
    int64_t amount;
    int64_t percentage_fee;
    int64_t fixed_fee;
    int64_t total_fee;
    int64_t net;
    struct st_settlement_text settlement_id;
    struct st_settlement_text provider_type; /* TransactionType as written */
    struct st_settlement_text amazon_transaction_id;
    struct st_settlement_text seller_reference_id;
    struct st_settlement_text amazon_order_reference_id;
    struct st_settlement_text seller_order_id;
    struct st_settlement_text store_name;
    struct st_settlement_text description;
};

/*
 * Called for each valid body row, with the report's preamble (complete by
 * then). Returns 0 to go on or a negative ST_ERR_* (err filled) to abort.
 */
typedef int (*st_settlement_line_fn)(void *ctx,
                                     const struct st_settlement_preamble *pre,
                                     const struct st_settlement_line *line,
                                     struct st_err *err);

struct st_settlement_opts {
    const char *file;              /* name in problems; borrowed */
    const char *expect_seller;     /* NULL or "": SellerId is not checked */
    struct st_log *log;            /* warnings (extra columns); may be NULL */
    struct st_problems *problems;  /* required; borrowed */
    st_settlement_line_fn on_line; /* may be NULL */
    void *ctx;
};

struct st_settlement; /* opaque */

/*
 * Creates a parser in *out (free with st_settlement_free). opts is copied; the
 * strings and pointers in it are borrowed and must outlive the parser.
 * Returns 0 or ST_ERR_NOMEM.
 */
int st_settlement_new(const struct st_settlement_opts *opts,
                      struct st_settlement **out, struct st_err *err);

/* Frees r; accepts NULL. */
void st_settlement_free(struct st_settlement *r);

/*
 * Parses the next len bytes of the report. Problems go to the list; the
 * return is 0, or a negative ST_ERR_* for a hard failure (malformed CSV is
 * recorded as a problem and ends the parse: later feeds do nothing).
 */
int st_settlement_feed(struct st_settlement *r, const void *data, size_t len,
                       struct st_err *err);

/*
 * Ends the report: the last row without a newline, csv_fini, and the
 * checks that need the whole file (header row present, preamble keys
 * present). Returns like st_settlement_feed.
 */
int st_settlement_finish(struct st_settlement *r, struct st_err *err);

/*
 * Reads the whole report from fd (from its offset) instead of feed and
 * finish, with reading and CSV parsing on a second thread while lines are
 * validated and handed out on this one (lib/io/csvin st_csvin_read_fd).
 * chunk_fn (may be NULL) sees every block read, on that thread. Returns
 * like st_settlement_finish; ST_ERR_IO when reading fails.
 */
int st_settlement_read_fd(struct st_settlement *r, int fd,
                          st_csvin_chunk_fn chunk_fn, void *chunk_ctx,
                          struct st_err *err);

/* The preamble read so far (complete after the header row). */
const struct st_settlement_preamble *
st_settlement_get_preamble(const struct st_settlement *r);

/* Body rows seen so far, valid or not. */
long st_settlement_rows(const struct st_settlement *r);

#endif
