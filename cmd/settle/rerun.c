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
#include "report/manifest.h"
#include "run/run.h"
#include "settle.h"
#include "core/banned.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: settle rerun --date D [--out DIR]\n"
            "\n"
            "Rebuilds business date D from the archive, the stored FX rates\n"
            "and the ledger as of D's stored cutoff (normalize, reconcile,\n"
            "report inside one transaction that is rolled back: the live\n"
            "results are not touched), writes the outputs under DIR, and\n"
            "compares them with the manifest published in out_dir.\n"
            "Prints 'identical' and exits 0, or prints each differing file\n"
            "and exits 1. A different tool version is a difference.\n"
            "\n"
            "  --date D   business date, YYYY-MM-DD (required)\n"
            "  --out DIR  where the rebuild goes (default: out_dir-rerun)\n");
}

/* Loads DIR/<seller>/<date>/manifest.json. */
static int
load_manifest(struct st_cli *cli, const char *dir, const char *date, json_t **m)
{
    struct st_buf p;
    int rc;

    st_buf_init(&p, 8192);
    st_buf_addf(&p, "%s/%s/%s/manifest.json", dir, cli->cfg.seller_id, date);
    rc = st_buf_error(&p) != 0
             ? st_err_set(&cli->err, ST_ERR_CONFIG, "path too long")
             : st_manifest_load(p.data, m, &cli->err);
    st_buf_release(&p);
    return rc;
}

int
cmd_rerun(struct st_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *date_arg = NULL;
    const char *out_arg = NULL;
    struct st_buf out_dir;
    struct st_buf diffs;
    struct st_run_ctx ctx;
    struct st_db *db = NULL;
    json_t *orig = NULL;
    json_t *again = NULL;
    int32_t day;
    int ndiff = 0;
    int rc;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            date_arg = optarg;
            break;
        case 'o':
            out_arg = optarg;
            break;
        default:
            return cli_help_or_usage(c, usage);
        }
    }
    if ((rc = cli_no_operands("rerun", argc, argv)) != 0)
        return rc;
    if ((rc = cli_want_date(cli, "rerun", date_arg, &day)) != 0)
        return rc;
    if ((rc = st_config_require_seller(&cli->cfg, &cli->err)) != 0)
        return cli_fail(cli, "rerun", rc);
    st_buf_init(&out_dir, 4096);
    st_buf_init(&diffs, 1 << 20);
    if (out_arg != NULL)
        st_buf_addstr(&out_dir, out_arg);
    else
        st_buf_addf(&out_dir, "%s-rerun", cli->cfg.out_dir);
    memset(&ctx, 0, sizeof(ctx));
    ctx.cfg = &cli->cfg;
    ctx.date = day;
    ctx.out_dir = out_dir.data;
    ctx.log = &cli->log;
    st_date_format(day, ctx.date_s);
    if (st_buf_error(&out_dir) != 0) {
        rc = st_err_set(&cli->err, ST_ERR_CONFIG, "--out path too long");
        goto out;
    }
    if (strcmp(out_dir.data, cli->cfg.out_dir) == 0) {
        rc = st_err_set(&cli->err, ST_ERR_USAGE,
                        "--out must not be out_dir: a rerun never replaces "
                        "the published statements");
        goto out;
    }
    if ((rc = load_manifest(cli, cli->cfg.out_dir, ctx.date_s, &orig)) != 0)
        goto out;
    if ((rc = st_db_connect(cli->cfg.database, &db, &cli->err)) != 0)
        goto out;
    ctx.db = db;
    if ((rc = st_run_rebuild(&ctx, &cli->err)) != 0)
        goto out;
    if ((rc = load_manifest(cli, out_dir.data, ctx.date_s, &again)) != 0)
        goto out;
    st_manifest_compare(orig, again, &diffs, &ndiff);
    if (ndiff == 0) {
        printf("identical\n");
    } else {
        fwrite(diffs.data, 1, diffs.len, stdout);
        rc = ST_ERR_DIFFERENT;
    }
out:
    json_decref(orig);
    json_decref(again);
    st_db_close(db);
    st_buf_release(&out_dir);
    st_buf_release(&diffs);
    if (rc == ST_ERR_DIFFERENT) {
        st_log_msg(&cli->log, ST_LOG_WARN, "rerun",
                   "%s: %d difference%s from the published manifest",
                   ctx.date_s, ndiff, ndiff == 1 ? "" : "s");
        return EXIT_DIFFERENT;
    }
    return rc == 0 ? EXIT_OK : cli_fail(cli, "rerun", rc);
}
