/*
 * normalize.c: `settle normalize`, two ways.
 *
 *   settle normalize FILE... [--out FILE] [--reporting-currency CCY
 *                            --rates FILE]
 *       no database: the normalized lines as CSV on stdout or in --out.
 *   settle normalize --date D
 *       the archived reports of D replace D's rows of settle.settlement_line.
 *
 * Bad input is refused whole: every problem is printed as
 * FILE:LINE[:COL]: message (the first 20, then a count) and nothing is
 * written. So --out is written under a temporary name and renamed at the
 * end; a stdout that is a regular file is written directly and cut back
 * to its old length on failure; /dev/null is written directly; anything
 * else (a pipe, a terminal) gets the CSV through a temporary spool file,
 * copied out only when every file was good.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/currency.h"
#include "core/date.h"
#include "io/db.h"
#include "core/fsutil.h"
#include "core/location.h"
#include "core/problems.h"
#include "fx/fx.h"
#include "normalize/normalize.h"
#include "amazon/settlement.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(
        out,
        "usage: settle normalize FILE... [--out FILE]\n"
        "                        [--reporting-currency CCY --rates FILE]\n"
        "       settle normalize --date D\n"
        "\n"
        "Turns Amazon Pay settlement reports into normalized lines.\n"
        "With FILEs, no database is used: the lines are printed as CSV\n"
        "(header row; one row per report line, files in argument order).\n"
        "With --date, the archived reports of D replace D's rows of\n"
        "settle.settlement_line in one transaction (needs seller_id).\n"
        "\n"
        "options:\n"
        "  --date D                  business date YYYY-MM-DD (database)\n"
        "  --out FILE                write the CSV to FILE, atomically\n"
        "  --reporting-currency CCY  add net converted into CCY\n"
        "  --rates FILE              ECB eurofxref(-hist) CSV for it\n"
        "  -h, --help                this help\n"
        "\n"
        "A file with any problem is refused whole (exit 65): each problem\n"
        "is printed as FILE:LINE[:COL]: message, and nothing is written.\n");
}

void
cli_print_problems(struct st_cli *cli, const char *stage,
                   const struct st_problems *p)
{
    size_t i;

    for (i = 0; i < p->nkept; i++) {
        char line[ST_LOCATION_MAX + 256];

        st_problem_format(&p->kept[i], line, sizeof(line));
        if (cli->log.format == ST_LOG_JSON)
            st_log_msg(&cli->log, ST_LOG_ERROR, stage, "%s", line);
        else
            fprintf(cli->log.out, "%s\n", line);
    }
    if (p->total > p->nkept)
        st_log_msg(&cli->log, ST_LOG_ERROR, stage, "and %zu more problem%s",
                   p->total - p->nkept, p->total - p->nkept == 1 ? "" : "s");
}

/* Copies the spooled CSV to stdout. */
static int
copy_out(FILE *spool, struct st_err *err)
{
    char buf[65536];
    size_t n;

    if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0)
        return st_err_set(err, ST_ERR_IO, "cannot read back the spool file");
    while ((n = fread(buf, 1, sizeof(buf), spool)) > 0)
        if (fwrite(buf, 1, n, stdout) != n)
            return st_err_set(err, ST_ERR_IO,
                              "cannot write to standard output");
    if (ferror(spool))
        return st_err_set(err, ST_ERR_IO, "cannot read back the spool file");
    return 0;
}

static int
load_rates(struct st_cli *cli, const char *path, struct st_fx **fx)
{
    struct st_problems *probs = NULL;
    int rc;

    probs = st_malloc(sizeof(*probs));
    if (probs == NULL)
        return st_err_set(&cli->err, ST_ERR_NOMEM, "out of memory");
    st_problems_init(probs);
    rc = st_fx_new(fx, &cli->err);
    if (rc == 0)
        rc = st_fx_load_file(*fx, path, probs, &cli->err);
    if (rc == 0 && probs->total > 0) {
        cli_print_problems(cli, "normalize", probs);
        rc = st_err_set(&cli->err, ST_ERR_DATA, "bad rates file '%s'", path);
    }
    st_free(probs);
    return rc;
}

/* Unknown transaction types are kept, not errors, but worth a word. */
static void
warn_unknown(struct st_cli *cli, const struct st_normalize_stats *stats)
{
    if (stats->unknown > 0)
        st_log_msg(&cli->log, ST_LOG_WARN, "normalize",
                   "%ld line%s of an unknown TransactionType kept as kind "
                   "'unknown' (reconcile lists them as exceptions)",
                   stats->unknown, stats->unknown == 1 ? "" : "s");
}

enum stdout_kind { OUT_SPOOL = 0, OUT_FILE, OUT_NULL };

/* How stdout can be written without showing a refused run's rows. */
static enum stdout_kind
stdout_kind(off_t *start)
{
    struct stat so;
    struct stat dn;

    if (fstat(STDOUT_FILENO, &so) != 0)
        return OUT_SPOOL;
    if (S_ISREG(so.st_mode)) {
        int fl = fcntl(STDOUT_FILENO, F_GETFL);

        /* Only at the end of the file can the old length be restored. */
        *start = lseek(STDOUT_FILENO, 0, SEEK_CUR);
        if (fl != -1 && (fl & O_APPEND) != 0)
            *start = so.st_size;
        if (*start >= 0 && *start == so.st_size)
            return OUT_FILE;
    }
    if (S_ISCHR(so.st_mode) && stat("/dev/null", &dn) == 0 &&
        so.st_rdev == dn.st_rdev)
        return OUT_NULL;
    return OUT_SPOOL;
}

static int
run_files(struct st_cli *cli, struct st_normalize_opts *o, char **files,
          size_t nfiles, const char *out_path)
{
    struct st_atomic_file af;
    struct st_normalize_stats stats = {0, 0, 0};
    FILE *spool = NULL;
    FILE *dst;
    enum stdout_kind kind = OUT_SPOOL;
    off_t start = 0;
    int rc;

    memset(&af, 0, sizeof(af));
    if (out_path == NULL)
        kind = stdout_kind(&start);
    if (out_path != NULL) {
        if ((rc = st_atomic_open(&af, out_path, &cli->err)) != 0)
            goto out;
        dst = af.f;
    } else if (kind != OUT_SPOOL) {
        dst = stdout;
    } else {
        spool = tmpfile();
        if (spool == NULL) {
            rc = st_err_set(&cli->err, ST_ERR_CANTCREAT,
                            "cannot create a temporary file");
            goto out;
        }
        dst = spool;
    }
    rc = st_normalize_files(o, (const char *const *)files, nfiles, dst, &stats,
                            &cli->err);
    if (rc == ST_ERR_DATA)
        cli_print_problems(cli, "normalize", o->problems);
    if (rc != 0 && kind == OUT_FILE && out_path == NULL) {
        /* Take back what a refused run wrote. */
        if (fflush(stdout) != 0 || ftruncate(STDOUT_FILENO, start) != 0)
            st_log_msg(&cli->log, ST_LOG_ERROR, "normalize",
                       "cannot cut standard output back to %lld bytes",
                       (long long)start);
    }
    if (rc != 0)
        goto out;
    if (out_path != NULL)
        rc = st_atomic_commit(&af, &cli->err);
    else if (spool != NULL)
        rc = copy_out(spool, &cli->err);
    if (rc == 0) {
        warn_unknown(cli, &stats);
        st_log_msg(&cli->log, ST_LOG_DEBUG, "normalize",
                   "%ld line%s from %ld file%s", stats.lines,
                   stats.lines == 1 ? "" : "s", stats.files,
                   stats.files == 1 ? "" : "s");
    }
out:
    st_atomic_abort(&af);
    if (spool != NULL)
        (void)fclose(spool); /* read only: nothing to lose */
    return rc;
}

static int
run_date(struct st_cli *cli, struct st_normalize_opts *o, int32_t date)
{
    struct st_db *db = NULL;
    struct st_normalize_stats stats = {0, 0, 0};
    int rc;
    char day[ST_DATE_LEN + 1];

    st_date_format(date, day);
    if ((rc = cli_connect_locked(cli, date, &db)) != 0)
        goto out;
    o->expect_seller = cli->cfg.seller_id;
    rc = st_normalize_date(db, o, cli->cfg.seller_id, date,
                           cli->cfg.archive_dir, &stats, &cli->err);
    if (rc == ST_ERR_DATA && o->problems->total > 0)
        cli_print_problems(cli, "normalize", o->problems);
    if (rc != 0)
        goto out;
    warn_unknown(cli, &stats);
    if (stats.files == 0)
        st_log_msg(&cli->log, ST_LOG_WARN, "normalize",
                   "no archived report for %s (no activity, or not fetched)",
                   day);
    {
        struct st_log_field f[4] = {
            {"seller", cli->cfg.seller_id, 0},
            {"date", day, 0},
            {"files", NULL, stats.files},
            {"rows", NULL, stats.lines},
        };

        st_log_fields(&cli->log, ST_LOG_INFO, "normalize", f, 4,
                      "%ld line%s from %ld report%s", stats.lines,
                      stats.lines == 1 ? "" : "s", stats.files,
                      stats.files == 1 ? "" : "s");
    }
out:
    st_db_close(db); /* also releases the lock */
    return rc;
}

struct normalize_args {
    const char *date_arg;
    const char *out_path;
    const char *ccy_arg;
    const char *rates;
    int32_t date;
};

/* Returns -1 to go on (the FILEs from argv[optind]), else the exit status. */
static int
parse_args(struct st_cli *cli, int argc, char **argv, struct normalize_args *a)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"out", required_argument, NULL, 'o'},
        {"reporting-currency", required_argument, NULL, 'r'},
        {"rates", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            a->date_arg = optarg;
            break;
        case 'o':
            a->out_path = optarg;
            break;
        case 'r':
            a->ccy_arg = optarg;
            break;
        case 'R':
            a->rates = optarg;
            break;
        default:
            return cli_help_or_usage(c, usage);
        }
    }
    if (a->date_arg != NULL && optind < argc)
        return cli_usage_error("normalize", "--date takes no FILE arguments");
    if (a->date_arg == NULL && optind >= argc)
        return cli_usage_error("normalize", "want FILE... or --date D");
    if (a->date_arg != NULL && a->out_path != NULL)
        return cli_usage_error("normalize", "--out goes with FILE..., "
                                            "not with --date");
    if (a->date_arg != NULL && cli_parse_date(cli, a->date_arg, &a->date) != 0)
        return cli_usage_error("normalize", "%s", cli->err.msg);
    if (a->date_arg == NULL && (a->ccy_arg != NULL) != (a->rates != NULL))
        return cli_usage_error("normalize", "--reporting-currency and "
                                            "--rates go together");
    if (a->ccy_arg != NULL &&
        st_config_set(&cli->cfg, "reporting_currency", a->ccy_arg, ST_SRC_FLAG,
                      &cli->err) != 0)
        return cli_usage_error("normalize", "%s", cli->err.msg);
    return -1;
}

/*
 * The conversion of o: the reporting currency (FILE mode converts only
 * when asked on the command line) and, with --rates, the rates of *fx.
 */
static int
set_conversion(struct st_cli *cli, const struct normalize_args *a,
               struct st_normalize_opts *o, struct st_fx **fx)
{
    const char *ccy = cli->cfg.reporting_currency;
    int rc;

    if ((a->date_arg != NULL || a->rates != NULL) && ccy != NULL &&
        ccy[0] != '\0') {
        o->reporting = st_currency_find(ccy, strlen(ccy));
        if (o->reporting == NULL)
            return st_err_set(&cli->err, ST_ERR_CONFIG,
                              "unknown reporting currency '%s'", ccy);
    }
    if (a->rates != NULL) {
        if ((rc = load_rates(cli, a->rates, fx)) != 0)
            return rc;
        o->fx = *fx;
    }
    return 0;
}

int
cmd_normalize(struct st_cli *cli, int argc, char **argv)
{
    struct normalize_args a;
    struct st_normalize_opts o;
    struct st_problems *probs = NULL;
    struct st_fx *fx = NULL;
    int status = EXIT_OK;
    int rc;

    memset(&a, 0, sizeof(a));
    if ((rc = parse_args(cli, argc, argv, &a)) >= 0)
        return rc;
    memset(&o, 0, sizeof(o));
    probs = st_malloc(sizeof(*probs));
    if (probs == NULL) {
        rc = st_err_set(&cli->err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    st_problems_init(probs);
    o.problems = probs;
    o.log = &cli->log;
    o.expect_seller = cli->cfg.seller_id;
    o.fx_max_age_days = (int)cli->cfg.fx_max_age_days;
    if ((rc = set_conversion(cli, &a, &o, &fx)) != 0)
        goto out;
    if (a.date_arg != NULL)
        rc = run_date(cli, &o, a.date);
    else
        rc = run_files(cli, &o, argv + optind, (size_t)(argc - optind),
                       a.out_path);
out:
    if (rc != 0)
        status = cli_fail(cli, "normalize", rc);
    st_fx_free(fx);
    st_free(probs);
    return status;
}
