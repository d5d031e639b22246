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

/* Parses a --date argument; on error fills cli->err. */
int cli_parse_date(struct st_cli *cli, const char *arg, int32_t *days);

/*
 * The required --date of cmd: returns 0 with *days set, or prints the usage
 * error (missing, or not a YYYY-MM-DD date) and returns EXIT_USAGE.
 */
int cli_want_date(struct st_cli *cli, const char *cmd, const char *arg,
                  int32_t *days);

int cmd_run(struct st_cli *cli, int argc, char **argv);
int cmd_fetch(struct st_cli *cli, int argc, char **argv);
int cmd_normalize(struct st_cli *cli, int argc, char **argv);
int cmd_reconcile(struct st_cli *cli, int argc, char **argv);
int cmd_report(struct st_cli *cli, int argc, char **argv);
int cmd_rerun(struct st_cli *cli, int argc, char **argv);
int cmd_verify(struct st_cli *cli, int argc, char **argv);
int cmd_fx(struct st_cli *cli, int argc, char **argv);
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
