/*
 * rerun.c: `settle rerun --date D`, the auditor's proof: rebuild a date
 * from the archived reports, the stored rates and the ledger as it stood at
 * the date's stored cutoff, into a separate directory, and compare every
 * output with the published manifest.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/path.h"
#include "report/manifest.h"
#include "report/period.h"
#include "run/run.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: settle rerun --date D | --from D1 --to D2 | --month M\n"
            "                    [--out DIR]\n"
            "\n"
            "Rebuilds business date D from the archive, the stored FX rates\n"
            "and the ledger as of D's stored cutoff (normalize, reconcile,\n"
            "report inside one transaction that is rolled back: the live\n"
            "results are not touched), writes the outputs under DIR, and\n"
            "compares them with the manifest published in out_dir.\n"
            "Prints 'identical' and exits 0, or prints each differing file\n"
            "and exits 1. A different tool version is a difference.\n"
            "A period statement is rebuilt from the stored daily results\n"
            "and compared the same way (each date's own proof is its rerun).\n"
            "\n"
            "  --date D           business date, YYYY-MM-DD\n"
            "  --from D1 --to D2  a period statement, both dates included\n"
            "  --month YYYY-MM    the period statement of a month\n"
            "  --out DIR          where the rebuild goes (default:\n"
            "                     out_dir-rerun)\n");
}

/* Loads the manifest.json of span under ROOT. */
static int
load_manifest(struct st_cli *cli, const char *root, const struct cli_span *span,
              json_t **m)
{
    char dir[ST_PATH_MAX];
    char path[ST_PATH_MAX];
    int rc;

    if ((rc = cli_span_dir(cli, root, span, dir)) != 0 ||
        (rc = st_path_join(path, sizeof(path), dir, "manifest.json",
                           &cli->err)) != 0)
        return rc;
    return st_manifest_load(path, m, &cli->err);
}

/* The period of span from the stored results into ctx->out_dir. */
static int
rebuild_period(struct st_cli *cli, struct st_run_ctx *ctx,
               const struct cli_span *span)
{
    struct st_statement_result res;
    int rc;

    if ((rc = st_db_lock(ctx->db, cli->cfg.seller_id, span->to, &cli->err)) !=
        0)
        return rc;
    return st_period_run(ctx->db, &cli->cfg, span->from, span->to, ctx->out_dir,
                         &cli->log, &res, &cli->err);
}

/*
 * Rebuilds the date (or period) of span into ctx->out_dir and compares
 * its manifest with the published one: 0 (identical, printed),
 * ST_ERR_DIFFERENT (the differences printed, their number in *ndiff) or an
 * error.
 */
static int
rebuild_and_compare(struct st_cli *cli, struct st_run_ctx *ctx,
                    const struct cli_span *span, int *ndiff)
{
    struct st_buf diffs;
    json_t *orig = NULL;
    json_t *again = NULL;
    int rc;

    st_buf_init(&diffs, 1 << 20);
    if ((rc = load_manifest(cli, cli->cfg.out_dir, span, &orig)) != 0 ||
        (rc = st_db_connect(cli->cfg.database, &cli->log, &ctx->db,
                            &cli->err)) != 0 ||
        (rc = span->period ? rebuild_period(cli, ctx, span)
                           : st_run_rebuild(ctx, &cli->err)) != 0 ||
        (rc = load_manifest(cli, ctx->out_dir, span, &again)) != 0)
        goto out;
    st_manifest_compare(orig, again, &diffs, ndiff);
    if (*ndiff == 0) {
        printf("identical\n");
    } else {
        fwrite(diffs.data, 1, diffs.len, stdout);
        rc = ST_ERR_DIFFERENT;
    }
out:
    json_decref(orig);
    json_decref(again);
    st_db_close(ctx->db);
    ctx->db = NULL;
    st_buf_release(&diffs);
    return rc;
}

int
cmd_rerun(struct st_cli *cli, int argc, char **argv)
{
    const char *out_arg = NULL;
    struct st_buf out_dir;
    struct st_run_ctx ctx;
    struct cli_span span;
    char label[CLI_SPAN_LABEL_LEN];
    int ndiff = 0;
    int rc;

    memset(&span, 0, sizeof(span));
    if ((rc = cli_span_out(cli, argc, argv, usage, &span, &out_arg)) >= 0)
        return rc;
    cli_span_label(&span, label);
    if ((rc = st_config_require_seller(&cli->cfg, &cli->err)) != 0)
        return cli_fail(cli, "rerun", rc);
    st_buf_init(&out_dir, 4096);
    if (out_arg != NULL)
        st_buf_addstr(&out_dir, out_arg);
    else
        st_buf_addf(&out_dir, "%s-rerun", cli->cfg.out_dir);
    memset(&ctx, 0, sizeof(ctx));
    ctx.cfg = &cli->cfg;
    ctx.date = span.to;
    ctx.out_dir = out_dir.data;
    ctx.log = &cli->log;
    st_date_format(span.to, ctx.date_s);
    if (st_buf_error(&out_dir) != 0)
        rc = st_err_set(&cli->err, ST_ERR_CONFIG, "--out path too long");
    else if (strcmp(out_dir.data, cli->cfg.out_dir) == 0)
        rc = st_err_set(&cli->err, ST_ERR_USAGE,
                        "--out must not be out_dir: a rerun never replaces "
                        "the published statements");
    else
        rc = rebuild_and_compare(cli, &ctx, &span, &ndiff);
    st_buf_release(&out_dir);
    if (rc == ST_ERR_DIFFERENT) {
        st_log_msg(&cli->log, ST_LOG_WARN, "rerun",
                   "%s: %d difference%s from the published manifest", label,
                   ndiff, ndiff == 1 ? "" : "s");
        return EXIT_DIFFERENT;
    }
    return rc == 0 ? EXIT_OK : cli_fail(cli, "rerun", rc);
}
