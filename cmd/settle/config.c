/*
 * config.c: `settle config show`, every setting with where it came from,
 * secrets masked.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out, "usage: settle config show\n"
                 "\n"
                 "Prints every setting, its value and where it came from\n"
                 "(default, file, env or flag). Secrets are masked.\n");
}

int
cmd_config(struct st_cli *cli, int argc, char **argv)
{
    struct st_buf out;
    int rc;

    if ((rc = cli_verb(argc, argv, "show", 0, "config show", usage)) >= 0)
        return rc;
    st_buf_init(&out, 1 << 20);
    st_config_show(&cli->cfg, &out);
    if (st_buf_error(&out) != 0) {
        st_buf_release(&out);
        return cli_fail(cli, "config", ST_ERR_NOMEM);
    }
    fwrite(out.data, 1, out.len, stdout);
    st_buf_release(&out);
    return EXIT_OK;
}
