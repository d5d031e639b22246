/*
 * statement.h: the report stage. Writes the outputs of one seller and
 * business date D (README "Statements and output columns") from what
 * normalize and reconcile stored: statement.xlsx, statement-<CCY>.csv per
 * currency, summary.csv, exceptions.csv, disputes.csv and manifest.json.
 *
 * Everything is built in a temporary sibling directory
 * out_dir/<seller>/.<D>.tmp-XXXXXX, each file fsynced, then renamed to
 * out_dir/<seller>/<D>; an older directory of that date is renamed away
 * first and removed after (report/publish). Readers see the old set or
 * the new one.
 *
 * All data is read in one REPEATABLE READ, READ ONLY transaction, with a
 * few set-based queries; the lines stream in single-row mode straight into
 * the CSV and the workbook, so memory does not grow with the number of
 * lines. Outputs are byte-identical for the same data: sort orders are
 * total, no wall-clock time is written (the workbook's dates are pinned to
 * D) and numbers never pass through the locale.
 *
 * Ties are checked while writing (report/rows): the lines of each currency
 * must sum to its Summary total, else ST_ERR_INTERNAL and nothing is
 * published.
 */
#ifndef ST_STATEMENT_H
#define ST_STATEMENT_H

#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/path.h"
#include "io/db.h"
#include "report/template.h"

struct st_statement_opts {
    const char *seller_id;
    int32_t date;        /* business date D */
    const char *out_dir; /* outputs go to out_dir/<seller_id>/<D>/ */
    const struct st_template_set *templates;
    const struct st_config *cfg; /* config digest, lookback_days */
    uint32_t xlsx_max_rows;      /* rows per sheet; 0 = Excel's limit */
    struct st_log *log;          /* may be NULL */
};

struct st_statement_result {
    uint64_t lines;
    uint64_t currencies;
    uint64_t exceptions;
    uint64_t disputes;
    uint64_t open_disputes;
    uint64_t overdue_disputes;
    char dir[ST_PATH_MAX]; /* the published directory */
};

/*
 * Writes and publishes the outputs of o->seller_id and o->date. A date
 * without lines is not an error: the files are written empty and a
 * warning is logged. Returns 0 or ST_ERR_* (CANTCREAT and IO for files,
 * the database's codes for queries, CONFIG for a bad seller id or sheet
 * name); on error nothing is published and the temporary directory is
 * removed.
 */
int st_statement_write(struct st_db *db, const struct st_statement_opts *o,
                       struct st_statement_result *res, struct st_err *err);

/*
 * Fills o for cfg->seller_id, date and out_dir (NULL: cfg->out_dir), with
 * the templates set and log (may be NULL); all borrowed.
 */
void st_statement_opts_init(struct st_statement_opts *o,
                            const struct st_config *cfg,
                            const struct st_template_set *set, int32_t date,
                            const char *out_dir, struct st_log *log);

/*
 * Checks that cfg names a seller and loads the templates of cfg (the
 * directory of st_template_dir of cfg->template_dir) into set, which the
 * caller releases with st_template_set_release, also after an error.
 * ST_ERR_CONFIG naming file and line when one is invalid.
 */
int st_statement_load_templates(const struct st_config *cfg,
                                struct st_template_set *set,
                                struct st_err *err);

/*
 * The whole report stage for a caller that holds cfg: loads the templates
 * (st_statement_load_templates) and calls st_statement_write with the
 * options of st_statement_opts_init for cfg->seller_id, date and out_dir
 * (NULL: cfg->out_dir). Takes no lock: the
 * caller holds the (seller, date) lock. Reads in its own read-only
 * snapshot, or, inside a caller's transaction (settle rerun), in that one.
 */
int st_statement_run(struct st_db *db, const struct st_config *cfg,
                     int32_t date, const char *out_dir, struct st_log *log,
                     struct st_statement_result *res, struct st_err *err);

#endif
