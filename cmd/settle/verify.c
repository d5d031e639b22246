/*
 * verify.c: `settle verify --date D`, the auditor's check that the archived
 * inputs and the published outputs of a date are still what its manifest
 * says, byte for byte.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "report/manifest.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out, "usage: settle verify --date D [--out DIR]\n"
                 "\n"
                 "Rehashes every output of out_dir/<seller>/<D>/ and every\n"
                 "archived input its manifest.json names. Prints one line per\n"
                 "difference on stdout and exits 1 when there is any; exits 0\n"
                 "when everything matches.\n"
                 "\n"
                 "  --date D     business date, YYYY-MM-DD (required)\n"
                 "  --out DIR    statements directory (default: out_dir)\n");
}

int
cmd_verify(struct st_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *date_arg = NULL;
    char date[ST_DATE_LEN + 1];
    int32_t day;
    struct st_buf dir;
    struct st_buf diffs;
    json_t *m = NULL;
    int ndiff = 0;
    int rc;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            date_arg = optarg;
            break;
        case 'o':
            if ((rc = st_config_set(&cli->cfg, "out_dir", optarg, ST_SRC_FLAG,
                                    &cli->err)) != 0)
                return cli_fail(cli, "verify", rc);
            break;
        default:
            return cli_help_or_usage(c, usage);
        }
    }
    if ((rc = cli_no_operands("verify", argc, argv)) != 0)
        return rc;
    if ((rc = cli_want_date(cli, "verify", date_arg, &day)) != 0)
        return rc;
    if ((rc = st_config_require_seller(&cli->cfg, &cli->err)) != 0)
        return cli_fail(cli, "verify", rc);
    st_date_format(day, date);
    st_buf_init(&dir, 8192);
    st_buf_init(&diffs, 1 << 24);
    st_buf_addf(&dir, "%s/%s/%s", cli->cfg.out_dir, cli->cfg.seller_id, date);
    if (st_buf_error(&dir) != 0) {
        rc = st_err_set(&cli->err, ST_ERR_CONFIG, "output path too long");
        goto out;
    }
    {
        struct st_buf mpath;

        st_buf_init(&mpath, 8192);
        st_buf_addf(&mpath, "%s/manifest.json", dir.data);
        rc = st_buf_error(&mpath) != 0
                 ? st_err_set(&cli->err, ST_ERR_NOMEM, "out of memory")
                 : st_manifest_load(mpath.data, &m, &cli->err);
        st_buf_release(&mpath);
    }
    if (rc != 0)
        goto out;
    rc = st_manifest_verify(m, dir.data, cli->cfg.archive_dir, &diffs, &ndiff,
                            &cli->err);
    if (rc != 0)
        goto out;
    if (st_buf_error(&diffs) != 0) {
        rc = st_err_set(&cli->err, ST_ERR_NOMEM, "too many differences");
        goto out;
    }
    fwrite(diffs.data, 1, diffs.len, stdout);
    if (ndiff > 0) {
        st_log_msg(&cli->log, ST_LOG_WARN, "verify",
                   "%s: %d difference%s from the manifest", date, ndiff,
                   ndiff == 1 ? "" : "s");
        rc = ST_ERR_DIFFERENT;
    } else {
        st_log_msg(&cli->log, ST_LOG_INFO, "verify",
                   "%s: every input and output matches the manifest", date);
    }
out:
    json_decref(m);
    st_buf_release(&dir);
    st_buf_release(&diffs);
    if (rc == ST_ERR_DIFFERENT)
        return EXIT_DIFFERENT;
    return rc == 0 ? EXIT_OK : cli_fail(cli, "verify", rc);
}
