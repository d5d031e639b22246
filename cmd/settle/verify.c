/*
 * verify.c: `settle verify --date D`, the auditor's check that the archived
 * inputs and the published outputs of a date are still what its manifest
 * says, byte for byte.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/path.h"
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

/* The verification of dir against its manifest: 0, ST_ERR_DIFFERENT or an
 * error. */
static int
verify_dir(struct st_cli *cli, const char *dir, const char *date)
{
    char mpath[ST_PATH_MAX];
    struct st_buf diffs;
    json_t *m = NULL;
    int ndiff = 0;
    int rc;

    st_buf_init(&diffs, 1 << 24);
    if ((rc = st_path_join(mpath, sizeof(mpath), dir, "manifest.json",
                           &cli->err)) != 0 ||
        (rc = st_manifest_load(mpath, &m, &cli->err)) != 0 ||
        (rc = st_manifest_verify(m, dir, cli->cfg.archive_dir, &diffs, &ndiff,
                                 &cli->err)) != 0)
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
    st_buf_release(&diffs);
    return rc;
}

int
cmd_verify(struct st_cli *cli, int argc, char **argv)
{
    const char *out = NULL;
    char date[ST_DATE_LEN + 1];
    char dir[ST_PATH_MAX];
    int32_t day;
    int rc;

    if ((rc = cli_date_out(cli, argc, argv, usage, &day, &out)) >= 0)
        return rc;
    if ((out != NULL && (rc = st_config_set(&cli->cfg, "out_dir", out,
                                            ST_SRC_FLAG, &cli->err)) != 0) ||
        (rc = st_config_require_seller(&cli->cfg, &cli->err)) != 0)
        return cli_fail(cli, "verify", rc);
    st_date_format(day, date);
    if ((rc = cli_date_dir(cli, cli->cfg.out_dir, date, dir)) == 0)
        rc = verify_dir(cli, dir, date);
    if (rc == ST_ERR_DIFFERENT)
        return EXIT_DIFFERENT;
    return rc == 0 ? EXIT_OK : cli_fail(cli, "verify", rc);
}
