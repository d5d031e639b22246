/*
 * template.h: statement layouts, read from files so that an accountant's
 * layout (other columns, another language) needs no rebuild.
 *
 * There is one template per output: statement.tmpl (the lines of a
 * currency: statement-<CCY>.csv and the currency sheets), summary.tmpl,
 * exceptions.tmpl and disputes.tmpl, all in one directory. A template is a
 * text file of lines:
 *
 *     # comment
 *     delimiter ,          CSV delimiter: one byte, or "tab"
 *     decimal .            decimal separator of CSV amounts: '.' or ','
 *     sheet Exceptions     the workbook sheet (not for statement.tmpl,
 *                          whose sheets are named by currency, nor for
 *                          journal.tmpl, which is CSV only)
 *     dates dd/mm/yyyy     how the CSV writes dates: iso (YYYY-MM-DD, the
 *                          default), dd/mm/yyyy or mm/dd/yyyy
 *     column FIELD FORMAT WIDTH HEADER TEXT
 *     account KEY CODE NAME    journal.tmpl only: the account map (below)
 *     tax KEY TEXT             journal.tmpl only: a tax code
 *
 * Columns come out in the order of the column lines. FIELD is one of the
 * output's fields (st_template_fields); FORMAT is the field's own type
 * (text, int, amount, date, datetime, rate) or text; WIDTH is the sheet
 * column width in characters, 1..255; HEADER TEXT is the rest of the line.
 * Any mistake is ST_ERR_CONFIG located at the file, line and column.
 *
 * Rows are written by st_template_emit from one text value per field (as
 * PostgreSQL prints them: amounts as integer minor units, dates as
 * YYYY-MM-DD, instants as YYYY-MM-DDTHH:MM:SSZ); the template decides the
 * cells. A template owns its strings; st_template_release frees them.
 */
#ifndef ST_TEMPLATE_H
#define ST_TEMPLATE_H

#include <stddef.h>

#include <libpq-fe.h>

#include "io/csvout.h"
#include "core/err.h"
#include "io/xlsx.h"

/* The most fields an output has (the statement's 30). */
#define ST_TEMPLATE_FIELDS_MAX 30

enum st_template_kind {
    ST_TMPL_STATEMENT = 0,
    ST_TMPL_SUMMARY = 1,
    ST_TMPL_EXCEPTIONS = 2,
    ST_TMPL_DISPUTES = 3,
    ST_TMPL_OPEN_ITEMS = 4,
    ST_TMPL_SETTLEMENTS = 5,
    ST_TMPL_DAYS = 6,              /* period statements only */
    ST_TMPL_PERIOD_EXCEPTIONS = 7, /* period statements only */
    ST_TMPL_JOURNAL = 8,           /* CSV only: no sheet */
    ST_TMPL_KINDS = 9
};

/*
 * The accounts of journal.tmpl's account map (README "The journal"), one
 * "account KEY CODE [NAME]" line each; "tax KEY TEXT" names a line's tax
 * code (KEY may also be "default"). carryover falls back to clearing (its
 * lines then cancel out and are left out) and the fee_ accounts to fees;
 * every other account is required.
 */
enum st_account {
    ST_ACC_CLEARING = 0,
    ST_ACC_BANK,
    ST_ACC_SALES,
    ST_ACC_REFUNDS,
    ST_ACC_CHARGEBACKS,
    ST_ACC_RESERVE,
    ST_ACC_ADJUSTMENTS,
    ST_ACC_DEBT,
    ST_ACC_CARRYOVER,
    ST_ACC_OTHER,
    ST_ACC_FEES,
    ST_ACC_FEE_SALES,
    ST_ACC_FEE_REFUNDS,
    ST_ACC_FEE_CHARGEBACKS,
    ST_ACC_FEE_OTHER,
    ST_ACC_FX_ROUNDING,
    ST_ACCOUNTS
};

/* An account as the map names it; name is the code when not given. */
struct st_template_account {
    char *code;
    char *name;
    char *tax; /* NULL: the fallback's, else "tax default", else empty */
};

/* How CSV cells of dates are written ("dates" line of a template). */
enum st_date_style {
    ST_DATES_ISO = 0, /* 2026-03-31 */
    ST_DATES_DMY,     /* 31/03/2026 */
    ST_DATES_MDY      /* 03/31/2026 */
};

enum st_template_type {
    ST_TYPE_TEXT = 0,
    ST_TYPE_INT,
    ST_TYPE_AMOUNT,           /* minor units of the row's currency */
    ST_TYPE_AMOUNT_REPORTING, /* minor units of the reporting currency */
    ST_TYPE_DATE,
    ST_TYPE_DATETIME,
    ST_TYPE_RATE /* a decimal number as text */
};

struct st_template_field {
    const char *name;
    enum st_template_type type;
};

struct st_template_col {
    size_t field;                 /* index into the kind's fields */
    enum st_template_type format; /* the field's type, or text */
};

struct st_template {
    enum st_template_kind kind;
    char *path;  /* where it was read from, for messages */
    char *sheet; /* sheet name (NULL for statement.tmpl) */
    struct st_csvout_opts csv;
    struct st_template_col *cols;
    struct st_xlsx_col *xcols; /* headers and widths, same order */
    size_t ncols;
    enum st_date_style dates;
    /* journal.tmpl only: the account map */
    struct st_template_account accounts[ST_ACCOUNTS];
    char *default_tax;
    /* journal.tmpl only: most lines per file, 0 for no limit (max_lines) */
    size_t max_lines;
};

/*
 * The account key of the map in t, with the fallbacks above resolved:
 * code and name (never NULL after a successful parse), tax ("" when
 * none).
 */
struct st_account_ref {
    const char *code;
    const char *name;
    const char *tax;
};
struct st_account_ref st_template_account(const struct st_template *t,
                                          enum st_account key);

/* The templates of one directory, one per kind. */
struct st_template_set {
    struct st_template t[ST_TMPL_KINDS];
};

/*
 * The fields of an output kind, in the order of its query's columns;
 * *n gets how many.
 */
const struct st_template_field *st_template_fields(enum st_template_kind kind,
                                                   size_t *n);

/*
 * Finds the columns of kind's query in res by name: idx[i] gets the column
 * of field i, and idx[n] that of "minor_units", the row currency's
 * decimals, for the n fields of kind (idx holds n + 1). ST_ERR_INTERNAL
 * naming query and the column when one is missing.
 */
int st_template_columns(enum st_template_kind kind, const PGresult *res,
                        int *idx, const char *query, struct st_err *err);

/* The file name of a kind's template ("statement.tmpl"). */
const char *st_template_file(enum st_template_kind kind);

/*
 * Parses the len bytes of text as a template of kind, naming it name in
 * errors, into t (which the caller releases, also after an error).
 */
int st_template_parse(const char *text, size_t len, const char *name,
                      enum st_template_kind kind, struct st_template *t,
                      struct st_err *err);

/* Reads and parses the file path. ST_ERR_CONFIG when it cannot be read. */
int st_template_load(const char *path, enum st_template_kind kind,
                     struct st_template *t, struct st_err *err);

/* Frees t's strings; accepts a zeroed or released template. */
void st_template_release(struct st_template *t);

/*
 * Loads the templates of dir into set (release it with the next); a file
 * dir does not have is read from fallback (the built-in templates, so a
 * template directory made for an older version still works), unless
 * fallback is NULL.
 */
int st_template_set_load(const char *dir, const char *fallback,
                         struct st_template_set *set, struct st_err *err);
void st_template_set_release(struct st_template_set *set);

/*
 * Finds the default template directory for the program at exe (its path,
 * e.g. from /proc/self/exe): the installed share directory
 * dirname(exe)/../share/settle/templates, else the source tree's
 * dirname(exe)/../../templates (build/bin/settle) or
 * dirname(exe)/../../../templates (build/san/bin/settle). The first that
 * holds statement.tmpl is written to out. ST_ERR_CONFIG when none does.
 */
int st_template_find_dir(const char *exe, char *out, size_t size,
                         struct st_err *err);

/*
 * The template directory to use: configured (template_dir) when set and
 * not empty, else st_template_find_dir for this program, whose path comes
 * from /proc/self/exe.
 */
int st_template_dir(const char *configured, char *out, size_t size,
                    struct st_err *err);

/* Writes the header row of t to csv (when not NULL). */
void st_template_csv_header(const struct st_template *t, struct st_csvout *csv);

/*
 * Writes one row: values[i] is the text of field i (NULL for SQL NULL),
 * exp the row currency's decimals, rep_exp the reporting currency's (-1
 * when there is none). csv and xlsx may each be NULL; with xlsx the row
 * goes to the current sheet (st_xlsx_row is called here). ST_ERR_DATA
 * naming the field when a value does not parse as its type.
 */
int st_template_emit(const struct st_template *t, const char *const *values,
                     int exp, int rep_exp, struct st_csvout *csv,
                     struct st_xlsx *xlsx, struct st_err *err);

#endif
