/*
 * verify.c: `settle verify --date D` (or a period: --from D1 --to D2,
 * --month YYYY-MM), the auditor's check that the archived inputs and the
 * published outputs of a date are still what its manifest says, byte for
 * byte; for a period, also each date's own manifest.
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
    fprintf(out,
            "usage: settle verify --date D | --from D1 --to D2 | --month M\n"
            "                     [--out DIR]\n"
            "\n"
            "Rehashes every output of out_dir/<seller>/<D>/ and every\n"
            "archived input its manifest.json names; for a period, every\n"
            "output of out_dir/<seller>/period/<D1>_<D2>/ and the manifest of\n"
            "each of its dates. Prints one line per difference on stdout and\n"
            "exits 1 when there is any; exits 0 when everything matches.\n"
            "\n"
            "  --date D           business date, YYYY-MM-DD\n"
            "  --from D1 --to D2  a period statement, both dates included\n"
            "  --month YYYY-MM    the period statement of a month\n"
            "  --out DIR          statements directory (default: out_dir)\n");
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
    struct cli_span span;
    char label[CLI_SPAN_LABEL_LEN];
    char dir[ST_PATH_MAX];
    int rc;

    memset(&span, 0, sizeof(span));
    if ((rc = cli_span_out(cli, argc, argv, usage, &span, &out)) >= 0)
        return rc;
    if ((out != NULL && (rc = st_config_set(&cli->cfg, "out_dir", out,
                                            ST_SRC_FLAG, &cli->err)) != 0) ||
        (rc = st_config_require_seller(&cli->cfg, &cli->err)) != 0)
        return cli_fail(cli, "verify", rc);
    cli_span_label(&span, label);
    if ((rc = cli_span_dir(cli, cli->cfg.out_dir, &span, dir)) == 0)
        rc = verify_dir(cli, dir, label);
    if (rc == ST_ERR_DIFFERENT)
        return EXIT_DIFFERENT;
    return rc == 0 ? EXIT_OK : cli_fail(cli, "verify", rc);
}
