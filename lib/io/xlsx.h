/*
 * xlsx.h: statement workbooks through libxlsxwriter, streaming.
 *
 * The workbook is written in constant_memory mode: each sheet's rows go to a
 * temporary file as they come, in order, so memory stays flat however many
 * lines a currency has. Formats are built once when the workbook opens, so
 * a cell costs no allocation here. The document's created and modified
 * properties are pinned to the business date (midnight UTC), and
 * libxlsxwriter dates the zip entries 1980-01-01, so the same cells give a
 * byte-identical file.
 *
 * A sheet has a header row (bold, frozen), column widths and, when it ends,
 * an autofilter over its rows. A sheet that reaches max_rows data rows
 * continues on a new sheet named "NAME (2)", "NAME (3)" ... with the same
 * header; Excel's limit is 1,048,575 data rows under one header row.
 *
 * This is the one file of lib/ that uses floating point: a spreadsheet
 * number is a double. Amounts arrive as int64 minor units and are divided by
 * 10^exponent only here; the cell's number format shows exactly the
 * currency's decimals. libxlsxwriter prints numbers with printf, so
 * LC_NUMERIC must be "C" (main.c never changes it).
 *
 * Cell calls record the first error and return nothing; st_xlsx_row,
 * st_xlsx_sheet_end and st_xlsx_close return it.
 */
#ifndef ST_XLSX_H
#define ST_XLSX_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Data rows under one header row that Excel can show. */
#define ST_XLSX_MAX_ROWS 1048575u
#define ST_XLSX_MAX_COLS 64

struct st_xlsx;

struct st_xlsx_col {
    const char *header; /* borrowed until the sheet (and its sequels) end */
    unsigned width;     /* in characters, 1..255 */
};

/*
 * Starts a workbook that st_xlsx_close will write to path, with its dates
 * pinned to date (days since 1970-01-01) and title as the title property.
 * max_rows (0 = ST_XLSX_MAX_ROWS) is where a sheet continues on the next.
 * *out is owned by the caller: st_xlsx_close writes and frees it,
 * st_xlsx_free only frees it.
 */
int st_xlsx_open(const char *path, int32_t date, const char *title,
                 uint32_t max_rows, struct st_xlsx **out, struct st_err *err);

/*
 * Adds a sheet called name (at most 25 bytes, so that " (NN)" fits Excel's
 * 31) with the ncols columns of cols as its header. The previous sheet must
 * have been ended.
 */
int st_xlsx_sheet_begin(struct st_xlsx *x, const char *name,
                        const struct st_xlsx_col *cols, size_t ncols,
                        struct st_err *err);

/*
 * Starts the next data row, continuing on a new sheet at max_rows. Returns
 * 0 or the first error of the cells written so far.
 */
int st_xlsx_row(struct st_xlsx *x, struct st_err *err);

/* Cells of the current row, column col (0-based). */
void st_xlsx_str(struct st_xlsx *x, size_t col, const char *s);
void st_xlsx_money(struct st_xlsx *x, size_t col, int64_t minor, int exponent);
void st_xlsx_int(struct st_xlsx *x, size_t col, int64_t v);
void st_xlsx_date(struct st_xlsx *x, size_t col, int32_t days);
void st_xlsx_datetime(struct st_xlsx *x, size_t col, int64_t epoch);
/* A decimal given as text in C notation ("1.0856"), as a number. */
void st_xlsx_decimal(struct st_xlsx *x, size_t col, const char *s);

/* Ends the current sheet: autofilter over its header and rows. */
int st_xlsx_sheet_end(struct st_xlsx *x, struct st_err *err);

/* Sheets started so far (continuations included). */
size_t st_xlsx_sheet_count(const struct st_xlsx *x);

/*
 * Writes the file and frees x (also on error). ST_ERR_CANTCREAT or
 * ST_ERR_IO with libxlsxwriter's text on failure. Accepts NULL.
 */
int st_xlsx_close(struct st_xlsx *x, struct st_err *err);

/* Frees x without writing anything to its path. Accepts NULL. */
void st_xlsx_free(struct st_xlsx *x);

#endif
