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
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct st_buf out;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return EXIT_OK;
        }
        usage(stderr);
        return EXIT_USAGE;
    }
    if (optind + 1 != argc || strcmp(argv[optind], "show") != 0)
        return cli_usage_error("config", "want 'config show'");
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
