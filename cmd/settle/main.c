/*
 * main.c: settle's entry point. Global options, the configuration in its
 * fixed order (defaults < file < SETTLE_* environment < flags), the command
 * table, and the one mapping from library errors to exit statuses.
 */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/fault.h"
#include "core/currency.h"
#include "core/date.h"
#include "core/path.h"
#include "io/db.h"
#include "settle.h"
#include "core/version.h"
#include "core/banned.h"

extern char **environ;

struct command {
    const char *name;
    cli_fn fn;
    const char *summary;
};

static const struct command commands[] = {
    {.name = "run",
     .fn = cmd_run,
     .summary = "fetch, normalize, reconcile and report one date or a range"},
    {.name = "fetch",
     .fn = cmd_fetch,
     .summary = "download or pick up the raw reports of a date; archive them"},
    {.name = "normalize",
     .fn = cmd_normalize,
     .summary = "reports into exact settlement lines (database or CSV)"},
    {.name = "reconcile",
     .fn = cmd_reconcile,
     .summary = "match a date's lines against the ledger"},
    {.name = "report",
     .fn = cmd_report,
     .summary = "write a date's statements, or a month's (--month)"},
    {.name = "rerun",
     .fn = cmd_rerun,
     .summary = "auditor: rebuild a date (or period); compare"},
    {.name = "verify",
     .fn = cmd_verify,
     .summary = "check archived inputs and outputs against the manifest"},
    {.name = "doctor",
     .fn = cmd_doctor,
     .summary = "check the setup a nightly run needs, one line per check"},
    {.name = "fx",
     .fn = cmd_fx,
     .summary = "fx import FILE: load ECB reference rates"},
    {.name = "db",
     .fn = cmd_db,
     .summary = "db migrate: apply the schema migrations"},
    {.name = "disputes",
     .fn = cmd_disputes,
     .summary = "print the dispute worklist; close a case"},
    {.name = "config",
     .fn = cmd_config,
     .summary = "config show: every setting and where it came from"},
};

static void
usage(FILE *out)
{
    size_t i;

    fprintf(out,
            "usage: settle [--config FILE] [--log-format text|json] [-q|-v] "
            "COMMAND [OPTIONS]\n"
            "\n"
            "Turns Amazon Pay settlement reports into reconciled statements.\n"
            "\n"
            "commands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "options:\n"
            "  --config FILE        settings file (else $SETTLE_CONFIG)\n"
            "  --log-format FORMAT  text (default) or json lines on stderr\n"
            "  -q, --quiet          warnings and errors only\n"
            "  -v, --verbose        debug messages too\n"
            "  -h, --help           this help; COMMAND --help for a command\n"
            "  -V, --version        version and data editions\n"
            "\n"
            "Exit status: 0 ok, 1 differences or exceptions found, 64 usage,\n"
            "65 bad data, 66 input missing, 69 unavailable, 70 internal,\n"
            "73 cannot create output, 74 I/O error, 75 try again later,\n"
            "77 permission, 78 configuration.\n");
}

int
cli_exit_code(int rc)
{
    switch (rc) {
    case 0:
        return EXIT_OK;
    case ST_ERR_DIFFERENT:
        return EXIT_DIFFERENT;
    case ST_ERR_USAGE:
        return EXIT_USAGE;
    case ST_ERR_DATA:
    case ST_ERR_OVERFLOW:
        return EXIT_DATAERR;
    case ST_ERR_NOINPUT:
        return EXIT_NOINPUT;
    case ST_ERR_UNAVAILABLE:
    case ST_ERR_HTTP:
        return EXIT_UNAVAILABLE;
    case ST_ERR_CANTCREAT:
        return EXIT_CANTCREAT;
    case ST_ERR_IO:
        return EXIT_IOERR;
    case ST_ERR_TEMPFAIL:
        return EXIT_TEMPFAIL;
    case ST_ERR_PERM:
        return EXIT_NOPERM;
    case ST_ERR_CONFIG:
        return EXIT_CONFIG;
    default: /* NOMEM, INTERNAL, NOTIMPL, TOOLONG, CRYPTO, DB */
        return EXIT_SOFTWARE;
    }
}

int
cli_fail(struct st_cli *cli, const char *stage, int rc)
{
    if (cli->err.code == 0)
        st_err_set(&cli->err, rc, "%s", st_strerror(rc));
    st_log_err(&cli->log, stage, &cli->err);
    return cli_exit_code(rc);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "settle: %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'settle %s --help'.\n", cmd);
    return EXIT_USAGE;
}

int
cli_parse_date(struct st_cli *cli, const char *arg, int32_t *days)
{
    return st_date_parse(arg, strlen(arg), days, &cli->err);
}

int
cli_want_date(struct st_cli *cli, const char *cmd, const char *arg,
              int32_t *days)
{
    if (arg == NULL)
        return cli_usage_error(cmd, "--date is required");
    if (cli_parse_date(cli, arg, days) != 0)
        return cli_usage_error(cmd, "bad --date '%s': %s", arg, cli->err.msg);
    return 0;
}

int
cli_help_or_usage(int c, void (*print_usage)(FILE *out))
{
    if (c == 'h') {
        print_usage(stdout);
        return EXIT_OK;
    }
    print_usage(stderr);
    return EXIT_USAGE;
}

int
cli_no_operands(const char *cmd, int argc, char **argv)
{
    if (optind != argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    return 0;
}

int
cli_verb(int argc, char **argv, const char *verb, int nargs, const char *want,
         void (*print_usage)(FILE *out))
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    if ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
        return cli_help_or_usage(c, print_usage);
    if (optind + 1 + nargs != argc || strcmp(argv[optind], verb) != 0)
        return cli_usage_error(argv[0], "want '%s'", want);
    return -1;
}

/* SETTLE_TEST_BACKOFF_MS from the environment, or -1. */
int64_t
cli_test_backoff(const struct st_cli *cli)
{
    static const char key[] = "SETTLE_TEST_BACKOFF_MS=";
    size_t i;

    for (i = 0; cli->envp != NULL && cli->envp[i] != NULL; i++) {
        if (strncmp(cli->envp[i], key, sizeof(key) - 1) == 0) {
            char *end = NULL;
            long v = strtol(cli->envp[i] + sizeof(key) - 1, &end, 10);

            if (end != NULL && *end == '\0' && v >= 0 && v <= 600000)
                return v;
        }
    }
    return -1;
}

int
cli_span_out(struct st_cli *cli, int argc, char **argv,
             void (*print_usage)(FILE *out), struct cli_span *span,
             const char **out)
{
    static const struct option opts[] = {
        CLI_SPAN_OPTIONS,
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int rc;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_span_arg(span, c, optarg))
            continue;
        if (c == 'o')
            *out = optarg;
        else
            return cli_help_or_usage(c, print_usage);
    }
    if ((rc = cli_no_operands(argv[0], argc, argv)) != 0 ||
        (rc = cli_want_span(cli, argv[0], span)) != 0)
        return rc;
    return -1;
}

int
cli_date_dir(struct st_cli *cli, const char *root, const char *date, char *out)
{
    char seller[ST_PATH_MAX];

    if (st_path_join(seller, sizeof(seller), root, cli->cfg.seller_id,
                     &cli->err) != 0)
        return cli->err.code;
    return st_path_join(out, ST_PATH_MAX, seller, date, &cli->err);
}

int
cli_connect_locked(struct st_cli *cli, int32_t date, struct st_db **db)
{
    int rc;

    *db = NULL;
    if ((rc = st_config_require_seller(&cli->cfg, &cli->err)) != 0 ||
        (rc = st_db_connect(cli->cfg.database, &cli->log, db, &cli->err)) != 0)
        return rc;
    return st_db_lock(*db, cli->cfg.seller_id, date, &cli->err);
}

static int
finish_stdout(int status)
{
    /* Data that never reached its reader is an I/O error (sysexits 74). */
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        if (status == EXIT_OK || status == EXIT_DIFFERENT) {
            fprintf(stderr, "settle: cannot write to standard output\n");
            return EXIT_IOERR;
        }
    }
    return status;
}

struct global_opts {
    const char *config_file;
    enum st_log_format format;
    int level;
};

/*
 * settle's own options, before the command name ('+': they stop there).
 * Returns -1 to go on, with optind at the command name, or the status to
 * exit with.
 */
static int
parse_global(int argc, char **argv, struct global_opts *g)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"log-format", required_argument, NULL, 'L'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;

    while ((c = getopt_long(argc, argv, "+qvhV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            g->config_file = optarg;
            break;
        case 'L':
            if (strcmp(optarg, "json") == 0)
                g->format = ST_LOG_JSON;
            else if (strcmp(optarg, "text") == 0)
                g->format = ST_LOG_TEXT;
            else
                return cli_usage_error("--log-format",
                                       "want text or json, not '%s'", optarg);
            break;
        case 'q':
            g->level = ST_LOG_WARN;
            break;
        case 'v':
            g->level = ST_LOG_DEBUG;
            break;
        case 'V':
            printf("settle %s (ISO 4217 list one of %s)\n", ST_VERSION,
                   st_currency_edition);
            return finish_stdout(EXIT_OK);
        default:
            c = cli_help_or_usage(c, usage);
            return c == EXIT_OK ? finish_stdout(c) : c;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    return -1;
}

static const struct command *
find_command(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    fprintf(stderr, "settle: unknown command '%s'\nTry 'settle --help'.\n",
            name);
    return NULL;
}

/*
 * The log, then the configuration in its fixed order: defaults < file
 * (--config, else $SETTLE_CONFIG) < SETTLE_* environment. Returns -1 to go
 * on, or the status to exit with.
 */
static int
setup(struct st_cli *cli, const struct global_opts *g, const char *cmd)
{
    const char *file = g->config_file;
    int rc;

    st_log_init(&cli->log, stderr, g->format);
    cli->log.level = (enum st_log_level)g->level;
    cli->log.progress = g->format == ST_LOG_TEXT && isatty(STDERR_FILENO);
    if (file == NULL)
        file = getenv("SETTLE_CONFIG");
    if ((rc = st_config_init(&cli->cfg, &cli->err)) != 0 ||
        (file != NULL && file[0] != '\0' &&
         (rc = st_config_load_file(&cli->cfg, file, &cli->err)) != 0) ||
        (rc = st_config_load_env(&cli->cfg, cli->envp, &cli->err)) != 0) {
        rc = cli_fail(cli, cmd, rc);
        st_config_release(&cli->cfg);
        return rc;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "settle: cannot initialise libcurl\n");
        st_config_release(&cli->cfg);
        return EXIT_SOFTWARE;
    }
    return -1;
}

int
main(int argc, char **argv)
{
    struct global_opts g = {.format = ST_LOG_TEXT, .level = ST_LOG_INFO};
    struct st_cli cli;
    const struct command *cmd;
    int status;
    int first;

    /* Numbers in every output use '.', whatever the host's locale. */
    (void)setlocale(LC_ALL, "C"); /* "C" is always there */
    memset(&cli, 0, sizeof(cli));
    cli.envp = environ;
    st_fault_init(cli.envp); /* tests/faults/ only; see README "Reliability" */
    /* A file-size limit (ulimit -f) is a write error to report (EFBIG,
     * exit 74, nothing published), not a signal that kills mid-write. */
    (void)signal(SIGXFSZ, SIG_IGN);
    if ((status = parse_global(argc, argv, &g)) >= 0)
        return status;
    if ((cmd = find_command(argv[optind])) == NULL)
        return EXIT_USAGE;
    if ((status = setup(&cli, &g, cmd->name)) >= 0)
        return status;
    /*
     * Each command sees its own name as argv[0] and parses the rest with
     * getopt_long; optind = 0 makes glibc start afresh.
     */
    first = optind;
    optind = 0;
    status = cmd->fn(&cli, argc - first, argv + first);
    curl_global_cleanup();
    st_config_release(&cli.cfg);
    return finish_stdout(status);
}
