/*
 * statement.c: the report stage, from the database to a published
 * directory of statements.
 *
 * The order of work is fixed by the workbook: libxlsxwriter's
 * constant_memory mode writes sheets in the order they are added, so the
 * Summary (computed first, by one GROUP BY) comes first, then the currency
 * sheets as the sorted lines stream past, then Exceptions and Disputes.
 * While the lines stream, their sums are kept per currency and compared
 * with the Summary at each currency's end: the tie of DESIGN.md section 7
 * is checked on every run, not only in tests.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/currency.h"
#include "core/date.h"
#include "report/dispute.h"
#include "core/hash.h"
#include "core/money.h"
#include "core/num.h"
#include "io/sqltext.h"
#include "report/statement.h"
#include "core/version.h"
#include "io/xlsx.h"
#include "core/banned.h"

#define PATH_MAX_LEN       4096
#define LINE_FIELDS        30
#define LINE_COL_CURRENCY  10
#define LINE_COL_AMOUNT    11
#define LINE_COL_REPORTING 16
#define LINE_COL_MINOR     30
#define EXC_FIELDS         16
#define EXC_COL_MINOR      16
#define SUM_FIELDS         14
#define MAX_KIND           24

/* Summary fields, in the order of lib/template.c summary_fields. */
enum {
    SF_CURRENCY,
    SF_KIND,
    SF_LINES,
    SF_AMOUNT,
    SF_PFEE,
    SF_FFEE,
    SF_TFEE,
    SF_NET,
    SF_PAYOUTS,
    SF_RESERVE,
    SF_ACTIVITY,
    SF_REPORTING,
    SF_NET_REPORTING,
    SF_FX_RATES
};

/* Sums of one (currency, kind), or of a whole currency. */
struct sums {
    int64_t lines;
    int64_t amount;
    int64_t pfee;
    int64_t ffee;
    int64_t tfee;
    int64_t net;
    int64_t net_rep;
    int64_t converted; /* lines with a net_reporting */
};

struct kind_row {
    char kind[MAX_KIND];
    struct sums s;
};

struct ccy {
    char code[4];
    int exp;
    char rep[4]; /* reporting currency, "" when none */
    int rep_exp;
    struct kind_row *kinds;
    size_t nkinds;
    struct sums total;
    int64_t payouts;
    int64_t reserve;
    struct st_buf fx; /* "2026-11-20 1.0856; ..." */
    struct sums streamed;
};

struct ctx {
    const struct st_statement_opts *o;
    struct st_db *db;
    struct st_err *err;
    char date[ST_DATE_LEN + 1];
    char parent[PATH_MAX_LEN];
    char final[PATH_MAX_LEN];
    char tmp[PATH_MAX_LEN];
    int have_tmp;
    char cutoff_text[48];
    char cutoff_ts[64];
    int have_cutoff;
    int cutoff_moved;
    struct ccy *ccys;
    size_t nccy;
    struct ccy *cur; /* currency whose lines are streaming */
    struct st_xlsx *x;
    struct st_csvout csv;
    char (*outputs)[40]; /* file names written into tmp */
    size_t noutputs;
    json_t *fx_json;
    uint64_t exceptions;
    uint64_t lines;
    uint64_t total_lines; /* from the summary, for progress */
    char rep_cache[4];
    int rep_cache_exp;
};

/* ---------------------------------------------------------------- small */

static int
value_i64(struct ctx *c, const PGresult *res, int col, const char *what,
          int64_t *out)
{
    *out = 0;
    if (PQgetisnull(res, 0, col))
        return 0;
    if (st_parse_i64(PQgetvalue(res, 0, col), INT64_MIN, INT64_MAX, out) != 0)
        return st_err_set(c->err, ST_ERR_OVERFLOW,
                          "%s: '%.40s' does not fit 64 bits", what,
                          PQgetvalue(res, 0, col));
    return 0;
}

static int
add_into(struct ctx *c, int64_t *acc, int64_t v)
{
    if (st_money_add(*acc, v, acc) != 0)
        return st_err_set(c->err, ST_ERR_OVERFLOW,
                          "a total of %s passes 64 bits", c->date);
    return 0;
}

static int
add_sums(struct ctx *c, struct sums *acc, const struct sums *s)
{
    int rc = add_into(c, &acc->lines, s->lines);

    if (rc == 0)
        rc = add_into(c, &acc->amount, s->amount);
    if (rc == 0)
        rc = add_into(c, &acc->pfee, s->pfee);
    if (rc == 0)
        rc = add_into(c, &acc->ffee, s->ffee);
    if (rc == 0)
        rc = add_into(c, &acc->tfee, s->tfee);
    if (rc == 0)
        rc = add_into(c, &acc->net, s->net);
    if (rc == 0)
        rc = add_into(c, &acc->net_rep, s->net_rep);
    if (rc == 0)
        rc = add_into(c, &acc->converted, s->converted);
    return rc;
}

static int
join_path(struct ctx *c, char *out, const char *a, const char *b)
{
    int n = snprintf(out, PATH_MAX_LEN, "%s/%s", a, b);

    if (n < 0 || n >= PATH_MAX_LEN)
        return st_err_set(c->err, ST_ERR_CANTCREAT, "path too long: '%s/%s'", a,
                          b);
    return 0;
}

static int
fsync_path(const char *path, int dir)
{
    int fd = open(path, O_RDONLY | (dir ? O_DIRECTORY : 0));
    int rc = 0;

    if (fd < 0)
        return -1;
    if (fsync(fd) != 0 && errno != EINVAL)
        rc = -1;
    if (close(fd) != 0)
        rc = -1;
    return rc;
}

/* Removes the regular files of dir, then dir. Best effort. */
static void
remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d != NULL) {
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            (void)unlinkat(dirfd(d), e->d_name, 0);
        }
        (void)closedir(d);
    }
    (void)rmdir(dir);
}

static int
mkdir_p(struct ctx *c, const char *path)
{
    char tmp[PATH_MAX_LEN];
    size_t len = strlen(path);
    size_t i;

    if (len >= sizeof(tmp))
        return st_err_set(c->err, ST_ERR_CANTCREAT, "path too long: '%s'",
                          path);
    memcpy(tmp, path, len + 1);
    for (i = 1; i <= len; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0')
            continue;
        tmp[i] = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
            return st_err_set(c->err, ST_ERR_CANTCREAT,
                              "cannot create directory '%s': %s", tmp,
                              strerror(errno));
        tmp[i] = i < len ? '/' : '\0';
    }
    {
        struct stat sb;

        if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return st_err_set(c->err, ST_ERR_CANTCREAT,
                              "cannot create directory '%s': not a "
                              "directory",
                              path);
    }
    return 0;
}

static int
valid_component(const char *s)
{
    size_t i;

    if (s == NULL || s[0] == '\0' || strcmp(s, ".") == 0 ||
        strcmp(s, "..") == 0 || strlen(s) > 200)
        return 0;
    for (i = 0; s[i] != '\0'; i++)
        if (s[i] == '/' || (unsigned char)s[i] < 0x20)
            return 0;
    return 1;
}

static int
add_output(struct ctx *c, const char *name)
{
    size_t len = strlen(name);

    if (len >= sizeof(c->outputs[0]))
        return st_err_set(c->err, ST_ERR_INTERNAL, "output name too long");
    memcpy(c->outputs[c->noutputs++], name, len + 1);
    return 0;
}

/* ---------------------------------------------------------------- stream */

typedef int (*row_fn)(struct ctx *c, const PGresult *res);

struct stream_arg {
    struct ctx *c;
    row_fn fn;
};

static int
stream_row(void *arg, const PGresult *res, struct st_err *err)
{
    struct stream_arg *a = arg;

    (void)err; /* the same as a->c->err */
    return a->fn(a->c, res);
}

/* Streams the embedded query name to fn, a row at a time (st_db_stream). */
static int
stream(struct ctx *c, const char *name, int nparams, const char *const *params,
       int ncols, row_fn fn)
{
    struct stream_arg a = {.c = c, .fn = fn};

    return st_db_stream(c->db, name, nparams, params, ncols, stream_row, &a,
                        c->err);
}

static int
row_exp(struct ctx *c, const PGresult *res, int col)
{
    const char *m = PQgetvalue(res, 0, col);

    (void)c;
    if (m[0] >= '0' && m[0] <= '4' && m[1] == '\0')
        return m[0] - '0';
    return -1;
}

/* ---------------------------------------------------------------- summary */

static struct ccy *
find_ccy(struct ctx *c, const char *code)
{
    size_t i;

    for (i = 0; i < c->nccy; i++)
        if (strcmp(c->ccys[i].code, code) == 0)
            return &c->ccys[i];
    return NULL;
}

static int
valid_code(const char *s)
{
    return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
           s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z';
}

static int
load_summary(struct ctx *c, const char *const *params)
{
    int rc;
    PGresult *res = NULL;
    int r;

    rc = st_db_query(c->db, "queries/select_statement_summary.sql", 2, params,
                     &res, c->err);
    if (rc != 0)
        goto out;
    c->ccys = st_calloc((size_t)PQntuples(res) + 1, sizeof(*c->ccys));
    if (c->ccys == NULL) {
        rc = st_err_set(c->err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (r = 0; r < PQntuples(res); r++) {
        const char *code = PQgetvalue(res, r, 0);
        const char *kind = PQgetvalue(res, r, 1);
        const char *rep = PQgetvalue(res, r, 9);
        struct ccy *cc = find_ccy(c, code);
        struct kind_row *kr;
        struct kind_row *kinds;
        const struct st_currency *cur;
        int64_t v[8];
        int i;
        static const int cols[8] = {3, 4, 5, 6, 7, 8, 10, 11};

        if (!valid_code(code) || (cur = st_currency_find(code, 3)) == NULL) {
            rc = st_err_set(c->err, ST_ERR_DATA, "unknown currency '%s'", code);
            goto out;
        }
        if (strcmp(PQgetvalue(res, r, 12), "1") != 0 ||
            strcmp(PQgetvalue(res, r, 13), "1") > 0) {
            rc = st_err_set(c->err, ST_ERR_DATA,
                            "lines of %s disagree on minor units or "
                            "reporting currency",
                            code);
            goto out;
        }
        if (cc == NULL) {
            cc = &c->ccys[c->nccy++];
            memcpy(cc->code, code, 4);
            cc->exp = cur->exponent;
            cc->rep_exp = -1;
            st_buf_init(&cc->fx, 1 << 16);
        }
        if (rep[0] != '\0' && cc->rep[0] == '\0') {
            const struct st_currency *rc2 = st_currency_find(rep, strlen(rep));

            if (rc2 == NULL) {
                rc = st_err_set(c->err, ST_ERR_DATA,
                                "unknown reporting currency '%s'", rep);
                goto out;
            }
            memcpy(cc->rep, rc2->code, 4);
            cc->rep_exp = rc2->exponent;
        } else if (rep[0] != '\0' && strcmp(rep, cc->rep) != 0) {
            rc = st_err_set(c->err, ST_ERR_DATA,
                            "lines of %s have two reporting currencies", code);
            goto out;
        }
        if (strlen(kind) >= MAX_KIND) {
            rc = st_err_set(c->err, ST_ERR_DATA, "kind '%.30s' too long", kind);
            goto out;
        }
        for (i = 0; i < 8; i++) {
            if (PQgetisnull(res, r, cols[i])) {
                v[i] = 0;
                continue;
            }
            if (st_parse_i64(PQgetvalue(res, r, cols[i]), INT64_MIN, INT64_MAX,
                             &v[i]) != 0) {
                rc = st_err_set(c->err, ST_ERR_OVERFLOW,
                                "a %s %s total passes 64 bits", code, kind);
                goto out;
            }
        }
        kinds = st_reallocarray(cc->kinds, cc->nkinds + 1, sizeof(*kinds));
        if (kinds == NULL) {
            rc = st_err_set(c->err, ST_ERR_NOMEM, "out of memory");
            goto out;
        }
        cc->kinds = kinds;
        kr = &cc->kinds[cc->nkinds++];
        memset(kr, 0, sizeof(*kr));
        memcpy(kr->kind, kind, strlen(kind) + 1);
        kr->s.lines = v[0];
        kr->s.amount = v[1];
        kr->s.pfee = v[2];
        kr->s.ffee = v[3];
        kr->s.tfee = v[4];
        kr->s.net = v[5];
        kr->s.net_rep = v[6];
        kr->s.converted = v[7];
        if ((rc = add_sums(c, &cc->total, &kr->s)) != 0)
            goto out;
        if (strcmp(kind, "transfer") == 0)
            cc->payouts = kr->s.net;
        else if (strcmp(kind, "reserve") == 0)
            cc->reserve = kr->s.net;
    }
    rc = 0;
out:
    PQclear(res);
    return rc;
}

static int
load_fx(struct ctx *c, const char *const *params)
{
    int rc;
    PGresult *res = NULL;
    int r;

    c->fx_json = json_array();
    if (c->fx_json == NULL)
        return st_err_set(c->err, ST_ERR_NOMEM, "out of memory");
    rc = st_db_query(c->db, "queries/select_statement_fx.sql", 2, params, &res,
                     c->err);
    if (rc != 0)
        goto out;
    for (r = 0; r < PQntuples(res); r++) {
        struct ccy *cc = find_ccy(c, PQgetvalue(res, r, 0));
        json_t *o = json_pack(
            "{s:s, s:s, s:s?, s:s, s:I}", "currency", PQgetvalue(res, r, 0),
            "reporting_currency", PQgetvalue(res, r, 1), "fx_date",
            PQgetisnull(res, r, 2) ? NULL : PQgetvalue(res, r, 2), "fx_rate",
            PQgetvalue(res, r, 3), "lines",
            (json_int_t)strtoll(PQgetvalue(res, r, 4), NULL, 10));

        if (o == NULL || json_array_append_new(c->fx_json, o) != 0) {
            rc = st_err_set(c->err, ST_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (cc != NULL) {
            if (cc->fx.len > 0)
                st_buf_addstr(&cc->fx, "; ");
            st_buf_addf(&cc->fx, "%s %s", PQgetvalue(res, r, 2),
                        PQgetvalue(res, r, 3));
            if (st_buf_error(&cc->fx) != 0) {
                rc = st_err_set(c->err, ST_ERR_TOOLONG,
                                "too many exchange rates for %s", cc->code);
                goto out;
            }
        }
    }
    rc = 0;
out:
    PQclear(res);
    return rc;
}

static void
fmt_i64(char *buf, int64_t v)
{
    if (snprintf(buf, 32, "%lld", (long long)v) < 0)
        buf[0] = '\0';
}

/* Writes one summary row from s; kind rows leave the totals' fields out. */
static int
summary_row(struct ctx *c, const struct st_template *t, struct st_csvout *csv,
            const char *code, const char *kind, const struct sums *s,
            const struct ccy *cc, int total)
{
    char buf[SUM_FIELDS][32];
    const char *v[SUM_FIELDS];
    int64_t activity = 0;
    int i;

    for (i = 0; i < SUM_FIELDS; i++)
        v[i] = NULL;
    v[SF_CURRENCY] = code;
    v[SF_KIND] = kind;
    fmt_i64(buf[SF_LINES], s->lines);
    v[SF_LINES] = buf[SF_LINES];
    if (cc != NULL) {
        fmt_i64(buf[SF_AMOUNT], s->amount);
        fmt_i64(buf[SF_PFEE], s->pfee);
        fmt_i64(buf[SF_FFEE], s->ffee);
        fmt_i64(buf[SF_TFEE], s->tfee);
        fmt_i64(buf[SF_NET], s->net);
        for (i = SF_AMOUNT; i <= SF_NET; i++)
            v[i] = buf[i];
    }
    if (cc != NULL && total) {
        if (st_money_sub(s->net, cc->payouts, &activity) != 0 ||
            st_money_sub(activity, cc->reserve, &activity) != 0)
            return st_err_set(c->err, ST_ERR_OVERFLOW, "net passes 64 bits");
        fmt_i64(buf[SF_PAYOUTS], cc->payouts);
        fmt_i64(buf[SF_RESERVE], cc->reserve);
        fmt_i64(buf[SF_ACTIVITY], activity);
        v[SF_PAYOUTS] = buf[SF_PAYOUTS];
        v[SF_RESERVE] = buf[SF_RESERVE];
        v[SF_ACTIVITY] = buf[SF_ACTIVITY];
        v[SF_FX_RATES] = cc->fx.data;
    }
    if (cc == NULL || cc->rep[0] != '\0') {
        v[SF_REPORTING] = cc != NULL ? cc->rep : code;
        if (s->converted == s->lines) {
            fmt_i64(buf[SF_NET_REPORTING], s->net_rep);
            v[SF_NET_REPORTING] = buf[SF_NET_REPORTING];
        }
    }
    return st_template_emit(
        t, v,
        cc != NULL ? cc->exp : st_currency_find(code, strlen(code))->exponent,
        cc != NULL ? cc->rep_exp
                   : st_currency_find(code, strlen(code))->exponent,
        csv, c->x, c->err);
}

static int
open_csv(struct ctx *c, const char *name, const struct st_template *t)
{
    char path[PATH_MAX_LEN];
    int rc;

    if ((rc = join_path(c, path, c->tmp, name)) != 0)
        return rc;
    if ((rc = st_csvout_open(&c->csv, path, &t->csv, c->err)) != 0)
        return rc;
    if ((rc = add_output(c, name)) != 0)
        return rc;
    st_template_csv_header(t, &c->csv);
    return 0;
}

static int
write_summary(struct ctx *c)
{
    const struct st_template *t = &c->o->templates->t[ST_TMPL_SUMMARY];
    struct sums all;
    const char *rep = NULL;
    int consolidate = c->nccy > 0;
    size_t i;
    size_t k;
    int rc;

    memset(&all, 0, sizeof(all));
    if ((rc = open_csv(c, "summary.csv", t)) != 0)
        return rc;
    if ((rc = st_xlsx_sheet_begin(c->x, t->sheet, t->xcols, t->ncols,
                                  c->err)) != 0)
        return rc;
    for (i = 0; i < c->nccy; i++) {
        struct ccy *cc = &c->ccys[i];

        /* The rates are text, written with the template's decimal mark. */
        for (k = 0; k < cc->fx.len; k++)
            if (cc->fx.data[k] == '.')
                cc->fx.data[k] = t->csv.decimal;
        for (k = 0; k < cc->nkinds; k++)
            if ((rc = summary_row(c, t, &c->csv, cc->code, cc->kinds[k].kind,
                                  &cc->kinds[k].s, cc, 0)) != 0)
                return rc;
        if ((rc = summary_row(c, t, &c->csv, cc->code, "total", &cc->total, cc,
                              1)) != 0)
            return rc;
        if (cc->rep[0] == '\0' || cc->total.converted != cc->total.lines ||
            (rep != NULL && strcmp(rep, cc->rep) != 0))
            consolidate = 0;
        rep = cc->rep;
        if ((rc = add_into(c, &all.lines, cc->total.lines)) != 0 ||
            (rc = add_into(c, &all.net_rep, cc->total.net_rep)) != 0)
            return rc;
    }
    if (consolidate && rep != NULL) {
        all.converted = all.lines;
        if ((rc = summary_row(c, t, &c->csv, rep, "consolidated", &all, NULL,
                              1)) != 0)
            return rc;
    }
    if ((rc = st_xlsx_sheet_end(c->x, c->err)) != 0)
        return rc;
    return st_csvout_close(&c->csv, c->err);
}

/* ---------------------------------------------------------------- lines */

static int
check_tie(struct ctx *c, const struct ccy *cc)
{
    const struct sums *a = &cc->streamed;
    const struct sums *b = &cc->total;

    if (a->lines != b->lines || a->amount != b->amount || a->pfee != b->pfee ||
        a->ffee != b->ffee || a->tfee != b->tfee || a->net != b->net)
        return st_err_set(c->err, ST_ERR_INTERNAL,
                          "the %s lines do not sum to their Summary row "
                          "(%lld lines, want %lld)",
                          cc->code, (long long)a->lines, (long long)b->lines);
    return 0;
}

static int
end_currency(struct ctx *c)
{
    int rc;

    if (c->cur == NULL)
        return 0;
    if ((rc = st_xlsx_sheet_end(c->x, c->err)) != 0 ||
        (rc = st_csvout_close(&c->csv, c->err)) != 0)
        return rc;
    rc = check_tie(c, c->cur);
    c->cur = NULL;
    return rc;
}

static int
begin_currency(struct ctx *c, const char *code)
{
    const struct st_template *t = &c->o->templates->t[ST_TMPL_STATEMENT];
    char name[40];
    int rc;
    int n;

    if ((rc = end_currency(c)) != 0)
        return rc;
    c->cur = find_ccy(c, code);
    if (c->cur == NULL || c->cur->streamed.lines != 0)
        return st_err_set(c->err, ST_ERR_INTERNAL,
                          "lines of '%.8s' out of order or not in the "
                          "summary",
                          code);
    n = snprintf(name, sizeof(name), "statement-%s.csv", c->cur->code);
    if (n < 0 || (size_t)n >= sizeof(name))
        return st_err_set(c->err, ST_ERR_INTERNAL, "file name");
    if ((rc = open_csv(c, name, t)) != 0)
        return rc;
    return st_xlsx_sheet_begin(c->x, c->cur->code, t->xcols, t->ncols, c->err);
}

static int
line_row(struct ctx *c, const PGresult *res)
{
    const struct st_template *t = &c->o->templates->t[ST_TMPL_STATEMENT];
    const char *v[LINE_FIELDS];
    const char *code = PQgetvalue(res, 0, LINE_COL_CURRENCY);
    struct sums s;
    int64_t *dst[5];
    int rep_exp = -1;
    int rc;
    int i;

    if (c->cur == NULL || strcmp(code, c->cur->code) != 0)
        if ((rc = begin_currency(c, code)) != 0)
            return rc;
    for (i = 0; i < LINE_FIELDS; i++)
        v[i] = PQgetisnull(res, 0, i) ? NULL : PQgetvalue(res, 0, i);
    if (v[LINE_COL_REPORTING] != NULL) {
        if (strcmp(v[LINE_COL_REPORTING], c->rep_cache) == 0) {
            rep_exp = c->rep_cache_exp;
        } else {
            const struct st_currency *rc2 = st_currency_find(
                v[LINE_COL_REPORTING], strlen(v[LINE_COL_REPORTING]));

            if (rc2 != NULL) {
                memcpy(c->rep_cache, rc2->code, 4);
                c->rep_cache_exp = rep_exp = rc2->exponent;
            }
        }
    }
    rc = st_template_emit(t, v, row_exp(c, res, LINE_COL_MINOR), rep_exp,
                          &c->csv, c->x, c->err);
    if (rc != 0) {
        st_err_prefix(c->err, "line %s:%s", v[28] ? v[28] : "",
                      v[29] ? v[29] : "");
        return rc;
    }
    memset(&s, 0, sizeof(s));
    s.lines = 1;
    dst[0] = &s.amount;
    dst[1] = &s.pfee;
    dst[2] = &s.ffee;
    dst[3] = &s.tfee;
    dst[4] = &s.net;
    for (i = 0; i < 5; i++)
        if ((rc = value_i64(c, res, LINE_COL_AMOUNT + i, "amount", dst[i])) !=
            0)
            return rc;
    c->lines++;
    if ((c->lines & 0xffff) == 0 || c->lines == c->total_lines)
        st_log_progress(c->o->log, "report", c->lines, c->total_lines, "lines");
    return add_sums(c, &c->cur->streamed, &s);
}

/* ---------------------------------------------------------------- others */

static int
exception_row(struct ctx *c, const PGresult *res)
{
    const struct st_template *t = &c->o->templates->t[ST_TMPL_EXCEPTIONS];
    const char *v[EXC_FIELDS];
    int i;

    for (i = 0; i < EXC_FIELDS; i++)
        v[i] = PQgetisnull(res, 0, i) ? NULL : PQgetvalue(res, 0, i);
    c->exceptions++;
    return st_template_emit(t, v, row_exp(c, res, EXC_COL_MINOR), -1, &c->csv,
                            c->x, c->err);
}

/*
 * The statement lines, a currency sheet at a time. The primary key of
 * settle.settlement_line is in the statements' order (migration 006), so
 * PostgreSQL can hand over the first line at once and the rest as fast as
 * they are written, each line's results fetched by index beside it. Left
 * to itself it would rather join everything by hash and sort it whole,
 * cheaper in total but idle for us until the last line is sorted (a
 * second a date at 143,000 lines): sorting is off for this one query.
 */
static int
write_lines(struct ctx *c, const char *const *params)
{
    int rc;

    if ((rc = st_db_exec(c->db, "SET LOCAL enable_sort = off", c->err)) != 0 ||
        (rc = stream(c, "queries/select_statement_lines.sql", 2, params,
                     LINE_FIELDS + 1, line_row)) != 0 ||
        (rc = st_db_exec(c->db, "SET LOCAL enable_sort = on", c->err)) != 0)
        return rc;
    return end_currency(c);
}

static int
write_exceptions(struct ctx *c, const char *const *params)
{
    const struct st_template *t = &c->o->templates->t[ST_TMPL_EXCEPTIONS];
    int rc;

    if ((rc = open_csv(c, "exceptions.csv", t)) != 0 ||
        (rc = st_xlsx_sheet_begin(c->x, t->sheet, t->xcols, t->ncols,
                                  c->err)) != 0 ||
        (rc = stream(c, "queries/select_statement_exceptions.sql", 2, params,
                     EXC_FIELDS + 1, exception_row)) != 0 ||
        (rc = st_xlsx_sheet_end(c->x, c->err)) != 0)
        return rc;
    return st_csvout_close(&c->csv, c->err);
}

static int
write_disputes(struct ctx *c, struct st_dispute_counts *counts)
{
    const struct st_template *t = &c->o->templates->t[ST_TMPL_DISPUTES];
    struct st_dispute_query q;
    int rc;

    memset(&q, 0, sizeof(q));
    q.seller_id = c->o->seller_id;
    q.date = c->o->date;
    q.as_of = c->have_cutoff ? c->cutoff_ts : NULL;
    q.open_only = 0;
    q.lookback_days = c->o->cfg != NULL ? c->o->cfg->lookback_days : 120;
    if ((rc = open_csv(c, "disputes.csv", t)) != 0 ||
        (rc = st_xlsx_sheet_begin(c->x, t->sheet, t->xcols, t->ncols,
                                  c->err)) != 0 ||
        (rc = st_dispute_worklist(c->db, &q, t, &c->csv, c->x, counts,
                                  c->err)) != 0 ||
        (rc = st_xlsx_sheet_end(c->x, c->err)) != 0)
        return rc;
    return st_csvout_close(&c->csv, c->err);
}

static int
load_run(struct ctx *c, const char *const *params)
{
    PGresult *res = NULL;
    int rc = st_db_query(c->db, "queries/select_statement_run.sql", 2, params,
                         &res, c->err);

    if (rc == 0 && PQntuples(res) == 1 && !PQgetisnull(res, 0, 1)) {
        int n1 = snprintf(c->cutoff_text, sizeof(c->cutoff_text), "%s",
                          PQgetvalue(res, 0, 0));
        int n2 = snprintf(c->cutoff_ts, sizeof(c->cutoff_ts), "%s",
                          PQgetvalue(res, 0, 1));

        if (n1 < 0 || (size_t)n1 >= sizeof(c->cutoff_text) || n2 < 0 ||
            (size_t)n2 >= sizeof(c->cutoff_ts))
            rc = st_err_set(c->err, ST_ERR_INTERNAL, "cutoff text");
        c->have_cutoff = 1;
        c->cutoff_moved = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
    }
    PQclear(res);
    return rc;
}

/* ---------------------------------------------------------------- manifest */

static int
cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static json_t *
money_json(int64_t v, int exp)
{
    char buf[ST_MONEY_FMT_MAX];

    if (st_money_format(v, exp, '.', buf, sizeof(buf)) < 0)
        return NULL;
    return json_string(buf);
}

static int
set_new(json_t *o, const char *key, json_t *v)
{
    return v == NULL || json_object_set_new(o, key, v) != 0 ? -1 : 0;
}

static json_t *
currency_json(const struct ccy *cc)
{
    json_t *o = json_object();
    int bad = o == NULL;

    bad = bad || set_new(o, "lines", json_integer(cc->total.lines)) != 0;
    bad = bad || set_new(o, "amount", money_json(cc->total.amount, cc->exp));
    bad = bad ||
          set_new(o, "percentage_fee", money_json(cc->total.pfee, cc->exp));
    bad = bad || set_new(o, "fixed_fee", money_json(cc->total.ffee, cc->exp));
    bad = bad || set_new(o, "total_fee", money_json(cc->total.tfee, cc->exp));
    bad = bad || set_new(o, "net", money_json(cc->total.net, cc->exp));
    bad = bad || set_new(o, "payouts", money_json(cc->payouts, cc->exp));
    bad = bad || set_new(o, "reserve", money_json(cc->reserve, cc->exp));
    if (!bad && cc->rep[0] != '\0' && cc->total.converted == cc->total.lines) {
        bad =
            bad || set_new(o, "reporting_currency", json_string(cc->rep)) != 0;
        bad = bad || set_new(o, "net_reporting",
                             money_json(cc->total.net_rep, cc->rep_exp));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int
write_manifest(struct ctx *c, const char *const *params,
               const struct st_dispute_counts *dc)
{
    int rc = ST_ERR_NOMEM;
    json_t *root = NULL;
    json_t *arr = NULL;
    json_t *obj = NULL;
    PGresult *res = NULL;
    char *text = NULL;
    FILE *fp = NULL;
    char path[PATH_MAX_LEN];
    char hex[65];
    uint64_t bytes;
    int version = 0;
    size_t i;
    int r;
    struct st_buf canon;

    st_buf_init(&canon, 1 << 20);
    root = json_object();
    if (root == NULL)
        goto nomem;
    if ((rc = st_db_schema_version(c->db, &version, c->err)) != 0)
        goto out;
    if (set_new(root, "tool", json_string("settle")) != 0 ||
        set_new(root, "tool_version", json_string(ST_VERSION)) != 0 ||
        set_new(root, "schema_version", json_integer(version)) != 0 ||
        set_new(root, "seller_id", json_string(c->o->seller_id)) != 0 ||
        set_new(root, "date", json_string(c->date)) != 0 ||
        set_new(root, "ledger_cutoff",
                c->have_cutoff ? json_string(c->cutoff_text) : json_null()) !=
            0 ||
        set_new(root, "cutoff_moved", json_boolean(c->cutoff_moved)) != 0)
        goto nomem;
    if (c->o->cfg != NULL) {
        st_config_canonical(c->o->cfg, &canon);
        if (st_buf_error(&canon) != 0)
            goto nomem;
        st_sha256_hex(canon.data, canon.len, hex);
        if (set_new(root, "config_digest", json_string(hex)) != 0)
            goto nomem;
    } else if (set_new(root, "config_digest", json_null()) != 0) {
        goto nomem;
    }

    /* inputs */
    rc = st_db_query(c->db, "queries/select_statement_inputs.sql", 2, params,
                     &res, c->err);
    if (rc != 0)
        goto out;
    arr = json_array();
    if (arr == NULL)
        goto nomem;
    for (r = 0; r < PQntuples(res); r++) {
        obj = json_pack("{s:s, s:s, s:I, s:s?}", "name", PQgetvalue(res, r, 0),
                        "sha256", PQgetvalue(res, r, 1), "bytes",
                        (json_int_t)strtoll(PQgetvalue(res, r, 2), NULL, 10),
                        "report_id",
                        PQgetisnull(res, r, 3) ? NULL : PQgetvalue(res, r, 3));
        if (obj == NULL || json_array_append_new(arr, obj) != 0)
            goto nomem;
        obj = NULL;
    }
    if (set_new(root, "inputs", arr) != 0)
        goto nomem;
    arr = NULL;
    if (set_new(root, "fx_rates", c->fx_json) != 0)
        goto nomem;
    c->fx_json = NULL;

    /* templates */
    obj = json_object();
    if (obj == NULL)
        goto nomem;
    for (i = 0; i < ST_TMPL_KINDS; i++) {
        const struct st_template *t = &c->o->templates->t[i];

        if (t->path == NULL)
            continue;
        if ((rc = st_sha256_file(t->path, hex, &bytes, c->err)) != 0)
            goto out;
        if (set_new(obj, st_template_file((enum st_template_kind)i),
                    json_string(hex)) != 0)
            goto nomem;
    }
    if (set_new(root, "templates", obj) != 0)
        goto nomem;
    obj = NULL;

    /* outputs, sorted by name */
    qsort(c->outputs, c->noutputs, sizeof(c->outputs[0]), cmp_names);
    arr = json_array();
    if (arr == NULL)
        goto nomem;
    for (i = 0; i < c->noutputs; i++) {
        if ((rc = join_path(c, path, c->tmp, c->outputs[i])) != 0 ||
            (rc = st_sha256_file(path, hex, &bytes, c->err)) != 0)
            goto out;
        obj = json_pack("{s:s, s:s, s:I}", "path", c->outputs[i], "sha256", hex,
                        "bytes", (json_int_t)bytes);
        if (obj == NULL || json_array_append_new(arr, obj) != 0)
            goto nomem;
        obj = NULL;
    }
    if (set_new(root, "outputs", arr) != 0)
        goto nomem;
    arr = NULL;

    /* totals per currency and counts */
    obj = json_object();
    if (obj == NULL)
        goto nomem;
    for (i = 0; i < c->nccy; i++)
        if (set_new(obj, c->ccys[i].code, currency_json(&c->ccys[i])) != 0)
            goto nomem;
    if (set_new(root, "currencies", obj) != 0)
        goto nomem;
    obj = NULL;
    if (set_new(root, "counts",
                json_pack("{s:I, s:I, s:I, s:I, s:I}", "lines",
                          (json_int_t)c->lines, "exceptions",
                          (json_int_t)c->exceptions, "disputes",
                          (json_int_t)dc->cases, "open_disputes",
                          (json_int_t)dc->open, "overdue_disputes",
                          (json_int_t)dc->overdue)) != 0)
        goto nomem;

    text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (text == NULL)
        goto nomem;
    if ((rc = join_path(c, path, c->tmp, "manifest.json")) != 0)
        goto out;
    fp = fopen(path, "wb");
    if (fp == NULL) {
        rc = st_err_set(c->err, ST_ERR_CANTCREAT, "cannot create '%s': %s",
                        path, strerror(errno));
        goto out;
    }
    if (fputs(text, fp) == EOF || fputc('\n', fp) == EOF || fflush(fp) != 0 ||
        fsync(fileno(fp)) != 0) {
        rc = st_err_set(c->err, ST_ERR_IO, "cannot write '%s'", path);
        goto out;
    }
    r = fclose(fp);
    fp = NULL;
    if (r != 0) {
        rc = st_err_set(c->err, ST_ERR_IO, "cannot write '%s'", path);
        goto out;
    }
    rc = 0;
    goto out;
nomem:
    rc = st_err_set(c->err, ST_ERR_NOMEM,
                    "out of memory building the "
                    "manifest");
out:
    if (fp != NULL)
        (void)fclose(fp);
    free(text);
    json_decref(obj);
    json_decref(arr);
    json_decref(root);
    PQclear(res);
    st_buf_release(&canon);
    return rc;
}

/* ---------------------------------------------------------------- publish */

static int
publish(struct ctx *c)
{
    char old[PATH_MAX_LEN];
    int n;

    if (fsync_path(c->tmp, 1) != 0)
        return st_err_set(c->err, ST_ERR_IO, "cannot sync '%s'", c->tmp);
    if (rename(c->tmp, c->final) == 0) {
        c->have_tmp = 0;
        (void)fsync_path(c->parent, 1);
        return 0;
    }
    if (errno != EEXIST && errno != ENOTEMPTY)
        return st_err_set(c->err, ST_ERR_CANTCREAT,
                          "cannot rename '%s' to '%s': %s", c->tmp, c->final,
                          strerror(errno));
    /* Move the previous outputs aside, put the new ones in, drop the old. */
    n = snprintf(old, sizeof(old), "%s/.%s.old-XXXXXX", c->parent, c->date);
    if (n < 0 || (size_t)n >= sizeof(old) || mkdtemp(old) == NULL)
        return st_err_set(c->err, ST_ERR_CANTCREAT,
                          "cannot create a directory in '%s'", c->parent);
    if (rename(c->final, old) != 0) {
        int e = errno;

        (void)rmdir(old);
        return st_err_set(c->err, ST_ERR_CANTCREAT,
                          "cannot move '%s' aside: %s", c->final, strerror(e));
    }
    if (rename(c->tmp, c->final) != 0) {
        int e = errno;

        (void)rename(old, c->final);
        return st_err_set(c->err, ST_ERR_CANTCREAT,
                          "cannot rename '%s' to '%s': %s", c->tmp, c->final,
                          strerror(e));
    }
    c->have_tmp = 0;
    (void)fsync_path(c->parent, 1);
    remove_tree(old);
    return 0;
}

static int
prepare_dirs(struct ctx *c)
{
    int rc;
    int n;

    if (!valid_component(c->o->seller_id))
        return st_err_set(c->err, ST_ERR_CONFIG,
                          "seller_id '%s' cannot name a directory",
                          c->o->seller_id);
    if ((rc = join_path(c, c->parent, c->o->out_dir, c->o->seller_id)) != 0 ||
        (rc = join_path(c, c->final, c->parent, c->date)) != 0 ||
        (rc = mkdir_p(c, c->parent)) != 0)
        return rc;
    n = snprintf(c->tmp, sizeof(c->tmp), "%s/.%s.tmp-XXXXXX", c->parent,
                 c->date);
    if (n < 0 || (size_t)n >= sizeof(c->tmp))
        return st_err_set(c->err, ST_ERR_CANTCREAT, "path too long");
    if (mkdtemp(c->tmp) == NULL)
        return st_err_set(c->err, ST_ERR_CANTCREAT,
                          "cannot create a directory in '%s': %s", c->parent,
                          strerror(errno));
    c->have_tmp = 1;
    /* mkdtemp makes 0700; the published directory follows the umask. */
    {
        mode_t mask = umask(0);

        (void)umask(mask);
        if (chmod(c->tmp, 0777 & ~mask) != 0)
            return st_err_set(c->err, ST_ERR_CANTCREAT,
                              "cannot set the mode of '%s': %s", c->tmp,
                              strerror(errno));
    }
    return 0;
}

int
st_statement_write(struct st_db *db, const struct st_statement_opts *o,
                   struct st_statement_result *res, struct st_err *err)
{
    int rc;
    struct ctx c;
    const char *params[2];
    char path[PATH_MAX_LEN];
    char title[160];
    struct st_dispute_counts dc;
    int in_tx = 0;
    size_t i;

    memset(res, 0, sizeof(*res));
    memset(&c, 0, sizeof(c));
    memset(&dc, 0, sizeof(dc));
    c.o = o;
    c.db = db;
    c.err = err;
    st_date_format(o->date, c.date);
    params[0] = o->seller_id;
    params[1] = c.date;

    if ((rc = prepare_dirs(&c)) != 0)
        goto out;
    if ((rc = st_db_begin_read(db, err)) != 0)
        goto out;
    in_tx = 1;
    if ((rc = st_db_query(db, "queries/set_report_session.sql", 0, NULL, NULL,
                          err)) != 0)
        goto out;
    if ((rc = load_run(&c, params)) != 0 ||
        (rc = load_summary(&c, params)) != 0 || (rc = load_fx(&c, params)) != 0)
        goto out;
    for (i = 0; i < c.nccy; i++)
        c.total_lines += (uint64_t)c.ccys[i].total.lines;
    c.outputs = st_calloc(c.nccy + 8, sizeof(*c.outputs));
    if (c.outputs == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (c.nccy == 0)
        st_log_msg(o->log, ST_LOG_WARN, "report",
                   "no settlement lines for seller '%s' on %s: writing "
                   "empty statements",
                   o->seller_id, c.date);
    if ((rc = join_path(&c, path, c.tmp, "statement.xlsx")) != 0)
        goto out;
    if (snprintf(title, sizeof(title), "Settlement statement %s %s",
                 o->seller_id, c.date) < 0)
        title[0] = '\0';
    if ((rc = st_xlsx_open(path, o->date, title, o->xlsx_max_rows, &c.x,
                           err)) != 0 ||
        (rc = add_output(&c, "statement.xlsx")) != 0)
        goto out;
    if ((rc = write_summary(&c)) != 0 || (rc = write_lines(&c, params)) != 0)
        goto out;
    for (i = 0; i < c.nccy; i++)
        if ((rc = check_tie(&c, &c.ccys[i])) != 0)
            goto out;
    if ((rc = write_exceptions(&c, params)) != 0 ||
        (rc = write_disputes(&c, &dc)) != 0)
        goto out;
    rc = st_xlsx_close(c.x, err);
    c.x = NULL;
    if (rc != 0)
        goto out;
    if (fsync_path(path, 0) != 0) {
        rc = st_err_set(err, ST_ERR_IO, "cannot sync '%s'", path);
        goto out;
    }
    if ((rc = write_manifest(&c, params, &dc)) != 0)
        goto out;
    st_db_rollback(db); /* read only: nothing to keep */
    in_tx = 0;
    if ((rc = publish(&c)) != 0)
        goto out;
    if (snprintf(res->dir, sizeof(res->dir), "%s", c.final) < 0)
        res->dir[0] = '\0';
    res->lines = c.lines;
    res->currencies = c.nccy;
    res->exceptions = c.exceptions;
    res->disputes = dc.cases;
    res->open_disputes = dc.open;
    res->overdue_disputes = dc.overdue;
    rc = 0;
out:
    if (in_tx)
        st_db_rollback(db);
    if (c.csv.fp != NULL)
        (void)st_csvout_close(&c.csv, NULL);
    st_xlsx_free(c.x);
    if (c.have_tmp)
        remove_tree(c.tmp);
    for (i = 0; i < c.nccy; i++) {
        st_free(c.ccys[i].kinds);
        st_buf_release(&c.ccys[i].fx);
    }
    st_free(c.ccys);
    st_free(c.outputs);
    json_decref(c.fx_json);
    return rc;
}

int
st_statement_run(struct st_db *db, const struct st_config *cfg, int32_t date,
                 const char *out_dir, struct st_log *log,
                 struct st_statement_result *res, struct st_err *err)
{
    struct st_template_set set;
    struct st_statement_opts so;
    char dir[PATH_MAX_LEN];
    int rc;

    memset(res, 0, sizeof(*res));
    memset(&set, 0, sizeof(set));
    if ((rc = st_config_require_seller(cfg, err)) != 0 ||
        (rc = st_template_dir(cfg->template_dir, dir, sizeof(dir), err)) != 0 ||
        (rc = st_template_set_load(dir, &set, err)) != 0)
        goto out;
    memset(&so, 0, sizeof(so));
    so.seller_id = cfg->seller_id;
    so.date = date;
    so.out_dir = out_dir != NULL ? out_dir : cfg->out_dir;
    so.templates = &set;
    so.cfg = cfg;
    so.log = log;
    rc = st_statement_write(db, &so, res, err);
out:
    st_template_set_release(&set);
    return rc;
}
