/*
 * settle.h: what the command files of cmd/settle share.
 *
 * main.c parses the global options, fills the configuration (defaults, file,
 * environment) and calls one command through the table. A command parses
 * its own options with getopt_long, applies flag settings with
 * st_config_set(..., ST_SRC_FLAG, ...), calls lib/, and returns an exit
 * status, normally through cli_fail() for errors. Commands print data to
 * stdout only.
 */
#ifndef SETTLE_CLI_H
#define SETTLE_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/err.h"
#include "core/log.h"

/* sysexits, as the README's "Exit codes" lists them */
enum cli_exit {
    EXIT_OK = 0,
    EXIT_DIFFERENT = 1,
    EXIT_USAGE = 64,
    EXIT_DATAERR = 65,
    EXIT_NOINPUT = 66,
    EXIT_UNAVAILABLE = 69,
    EXIT_SOFTWARE = 70,
    EXIT_CANTCREAT = 73,
    EXIT_IOERR = 74,
    EXIT_TEMPFAIL = 75,
    EXIT_NOPERM = 77,
    EXIT_CONFIG = 78
};

struct st_cli {
    struct st_config cfg;
    struct st_log log;
    struct st_err err;
    char *const *envp;
};

typedef int (*cli_fn)(struct st_cli *cli, int argc, char **argv);

/* Maps an ST_ERR_* code to its exit status. */
int cli_exit_code(int rc);

/*
 * Logs cli->err (or, when it is empty, the text of rc) as the command's
 * error and returns the exit status for rc.
 */
int cli_fail(struct st_cli *cli, const char *stage, int rc);

/* Prints "settle: CMD: MESSAGE" and the usage hint; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * SETTLE_TEST_BACKOFF_MS from the environment (the first retry delay, so
 * the fault tests do not wait seconds), or -1 for lib/io/http's default.
 */
int64_t cli_test_backoff(const struct st_cli *cli);

/* Parses a --date argument; on error fills cli->err. */
int cli_parse_date(struct st_cli *cli, const char *arg, int32_t *days);

/*
 * The required --date of cmd: returns 0 with *days set, or prints the usage
 * error (missing, or not a YYYY-MM-DD date) and returns EXIT_USAGE.
 */
int cli_want_date(struct st_cli *cli, const char *cmd, const char *arg,
                  int32_t *days);

/*
 * The last case of a command's getopt_long loop: for 'h' prints the usage
 * on stdout and returns EXIT_OK, for anything else on stderr and returns
 * EXIT_USAGE.
 */
int cli_help_or_usage(int c, void (*print_usage)(FILE *out));

/*
 * After a command's options: 0 when nothing is left on the command line,
 * else the usage error "unexpected argument" (EXIT_USAGE).
 */
int cli_no_operands(const char *cmd, int argc, char **argv);

/*
 * The whole command line of a command that takes no option but --help and
 * then VERB with nargs operands ("db migrate", "fx import FILE"). Returns
 * -1 to go on (argv[optind] is VERB), else the exit status: the help
 * printed, or the usage error "want 'WANT'".
 */
int cli_verb(int argc, char **argv, const char *verb, int nargs,
             const char *want, void (*print_usage)(FILE *out));

/*
 * The dates of a command: --date D, or a period (--from D1 --to D2, or
 * --month YYYY-MM). Commands add CLI_SPAN_OPTIONS to their getopt table,
 * hand each option to cli_span_arg, then call cli_want_span.
 */
enum {
    CLI_SPAN_DATE = 'd',
    CLI_SPAN_FROM = 0x101,
    CLI_SPAN_TO = 0x102,
    CLI_SPAN_MONTH = 0x103
};
#define CLI_SPAN_OPTIONS                                  \
    {"date", required_argument, NULL, CLI_SPAN_DATE},     \
        {"from", required_argument, NULL, CLI_SPAN_FROM}, \
        {"to", required_argument, NULL, CLI_SPAN_TO},     \
    {                                                     \
        "month", required_argument, NULL, CLI_SPAN_MONTH  \
    }
/* The longest period, in days (a year and a day). */
#define CLI_SPAN_MAX_DAYS 367
/* "YYYY-MM-DD_YYYY-MM-DD" and its NUL. */
#define CLI_SPAN_LABEL_LEN 24

struct cli_span {
    const char *date_arg, *from_arg, *to_arg, *month_arg;
    int32_t from;
    int32_t to; /* from, for a date */
    int period; /* 1: --from/--to or --month */
};

/* Records option c's argument in s: 1 when c is one of the span's. */
int cli_span_arg(struct cli_span *s, int c, const char *arg);

/* Exactly one of the forms, parsed into s: 0, else EXIT_USAGE (printed). */
int cli_want_span(struct st_cli *cli, const char *cmd, struct cli_span *s);

/* "D" or "D1_D2" into out (CLI_SPAN_LABEL_LEN bytes). */
void cli_span_label(const struct cli_span *s, char *out);

/*
 * The statements directory of s under ROOT into out (ST_PATH_MAX bytes):
 * ROOT/<seller_id>/<D> or ROOT/<seller_id>/period/<D1>_<D2>.
 */
int cli_span_dir(struct st_cli *cli, const char *root, const struct cli_span *s,
                 char *out);

/*
 * The command line of a command that takes a span (cli_want_span) and
 * --out DIR (else *out stays NULL). Returns -1 to go on with *span set,
 * else the exit status (help, or a usage error).
 */
int cli_span_out(struct st_cli *cli, int argc, char **argv,
                 void (*print_usage)(FILE *out), struct cli_span *span,
                 const char **out);

/*
 * ROOT/<seller_id>/<date>, the directory of a date's statements, into out
 * (ST_PATH_MAX bytes); ST_ERR_CANTCREAT in cli->err when too long.
 */
int cli_date_dir(struct st_cli *cli, const char *root, const char *date,
                 char *out);

struct st_db;

/*
 * What a command working on one date of the seller needs first: seller_id
 * set, a connection to the database, and the (seller, date) advisory lock,
 * held until st_db_close. Returns 0 or an ST_ERR_* with cli->err filled
 * (ST_ERR_TEMPFAIL when another run holds the lock); *db is the connection
 * to close either way.
 */
int cli_connect_locked(struct st_cli *cli, int32_t date, struct st_db **db);

int cmd_run(struct st_cli *cli, int argc, char **argv);
int cmd_fetch(struct st_cli *cli, int argc, char **argv);
int cmd_normalize(struct st_cli *cli, int argc, char **argv);
int cmd_reconcile(struct st_cli *cli, int argc, char **argv);
int cmd_report(struct st_cli *cli, int argc, char **argv);
int cmd_rerun(struct st_cli *cli, int argc, char **argv);
int cmd_verify(struct st_cli *cli, int argc, char **argv);
int cmd_fx(struct st_cli *cli, int argc, char **argv);
int cmd_doctor(struct st_cli *cli, int argc, char **argv);
int cmd_db(struct st_cli *cli, int argc, char **argv);
int cmd_disputes(struct st_cli *cli, int argc, char **argv);
int cmd_config(struct st_cli *cli, int argc, char **argv);

struct st_problems;

/*
 * Prints validation problems as FILE:LINE[:COL]: message on stderr (JSON
 * records with --log-format json): the kept ones, then "and N more".
 */
void cli_print_problems(struct st_cli *cli, const char *stage,
                        const struct st_problems *p);

#endif
