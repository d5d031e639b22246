/*
 * doctor.c: `settle doctor`, the preflight: one line per check (ok, warn
 * or FAIL, with the fix), or one JSON object per check with
 * --log-format json; the exit status of the first failure.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/doctor.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: settle doctor\n"
            "\n"
            "Checks, in order, what a nightly run needs: the configuration,\n"
            "the key file and its permissions, the key, the database, the\n"
            "schema version, the ledger view's contract, the role's\n"
            "privileges, archive_dir and out_dir, one signed read-only API\n"
            "call (the last hour's report list), the clock against the\n"
            "API's, and the ECB rates when reporting_currency is set.\n"
            "Prints one line per check: ok, warn or FAIL with what to do\n"
            "(one JSON object per check with --log-format json). Exits 0\n"
            "when nothing failed, else with the code of the first failure.\n");
}

static void
print_check(void *arg, const struct st_doctor_check *c)
{
    struct st_cli *cli = arg;
    const char *res = st_doctor_result_name(c->result);

    if (cli->log.format == ST_LOG_JSON) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s?}", "check", c->name,
                              "result", res, "what", c->what, "fix",
                              c->fix[0] != '\0' ? c->fix : NULL);
        char *s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

        if (s != NULL)
            printf("%s\n", s);
        free(s);
        json_decref(o);
    } else if (c->fix[0] != '\0') {
        printf("%-4s  %s: %s; fix: %s\n", res, c->name, c->what, c->fix);
    } else {
        printf("%-4s  %s: %s\n", res, c->name, c->what);
    }
    (void)fflush(stdout); /* checked at exit */
}

int
cmd_doctor(struct st_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int rc;
    int c;

    if ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
        return cli_help_or_usage(c, usage);
    if ((rc = cli_no_operands("doctor", argc, argv)) != 0)
        return rc;
    rc = st_doctor(&cli->cfg, NULL, &cli->log, print_check, cli);
    return rc != 0 ? cli_exit_code(rc) : EXIT_OK;
}
