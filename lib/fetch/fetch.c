/*
 * fetch.c: the fetch stage (see fetch.h).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "amazon/api.h"
#include "io/archive.h"
#include "core/buf.h"
#include "core/date.h"
#include "fetch/fetch.h"
#include "core/fsutil.h"
#include "core/hash.h"
#include "amazon/settlement.h"
#include "amazon/sign.h"
#include "core/banned.h"

#define DOC_MAX ((size_t)1024 * 1024 * 1024)
#define DAY     86400

/* One fetch in progress. */
struct fetch {
    struct st_db *db;
    const struct st_config *cfg;
    const struct st_fetch_opts *opts;
    struct st_log *log;
    struct st_fetch_result *res;
    struct st_err *err;
    int32_t date;
};

void
st_fetch_opts_init(struct st_fetch_opts *opts)
{
    opts->source = "api";
    opts->backoff_base_ms = -1;
    opts->env = NULL;
}

/*
 * Archives data when its preamble says D and this seller. source is "api"
 * or "dir"; report_id may be NULL. Files of another date are skipped; in a
 * folder, files that are not settlement reports or are another seller's
 * are skipped with a warning.
 */
static int
take(struct fetch *f, const char *data, size_t len, const char *source,
     const char *report_id, const char *name)
{
    struct st_settlement_preamble pre;
    struct st_archive_meta meta;
    char hex[ST_SHA256_HEX_LEN + 1];
    char day[ST_DATE_LEN + 1];
    int32_t bdate = 0;
    int created = 0;
    int inserted = 0;
    int dir_mode = strcmp(source, "dir") == 0;
    int rc;

    rc = st_settlement_preamble(data, len, &pre, f->err);
    if (rc == ST_ERR_DATA && dir_mode) {
        st_log_msg(f->log, ST_LOG_WARN, "fetch",
                   "skipping '%s': not a settlement report (%s)", name,
                   f->err != NULL ? f->err->msg : "?");
        st_err_clear(f->err);
        return 0;
    }
    if (rc != 0) {
        st_err_prefix(f->err, "report '%s'", name);
        return rc;
    }
    if ((rc = st_archive_business_date(f->db, pre.settlement_end,
                                       f->cfg->timezone, &bdate, f->err)) != 0)
        return rc;
    st_date_format(bdate, day);
    if (bdate != f->date) {
        st_log_msg(f->log, ST_LOG_DEBUG, "fetch",
                   "'%s' belongs to %s, not this date", name, day);
        f->res->skipped++;
        return 0;
    }
    if (strcmp(pre.seller_id, f->cfg->seller_id) != 0) {
        if (dir_mode) {
            st_log_msg(f->log, ST_LOG_WARN, "fetch",
                       "skipping '%s': SellerId '%s' is not seller_id '%s'",
                       name, pre.seller_id, f->cfg->seller_id);
            return 0;
        }
        return st_err_set(f->err, ST_ERR_DATA,
                          "report '%s' is for seller '%s', not '%s'", name,
                          pre.seller_id, f->cfg->seller_id);
    }
    f->res->found++;
    st_sha256_hex(data, len, hex);
    if ((rc = st_archive_check_settlement(f->db, f->cfg->seller_id,
                                          pre.settlement_id, hex, name,
                                          f->err)) != 0 ||
        (rc = st_archive_store_hashed(f->cfg->archive_dir, data, len, hex,
                                      &created, f->err)) != 0)
        return rc;
    memset(&meta, 0, sizeof(meta));
    meta.seller_id = f->cfg->seller_id;
    meta.source = source;
    meta.report_id = report_id;
    meta.original_name = name;
    meta.settlement_id = pre.settlement_id;
    meta.settlement_start = pre.settlement_start;
    meta.settlement_end = pre.settlement_end;
    meta.timezone = f->cfg->timezone;
    if ((rc = st_archive_register(f->db, &meta, hex, len, &inserted, f->err)) !=
        0)
        return rc;
    if (created || inserted)
        f->res->added++;
    st_log_msg(f->log, ST_LOG_INFO, "fetch", "%s '%s' (%zu bytes) %s",
               created || inserted ? "archived" : "already archived", name, len,
               hex);
    return 0;
}

static int
is_csv(const char *name)
{
    size_t n = strlen(name);

    return n > 4 && name[0] != '.' && strcmp(name + n - 4, ".csv") == 0;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
from_dir(struct fetch *f, const char *dir)
{
    int rc = ST_ERR_NOMEM;
    DIR *d = NULL;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    size_t i;
    char *data = NULL;
    size_t len = 0;
    struct st_buf path;

    st_buf_init(&path, 4096);
    d = opendir(dir);
    if (d == NULL) {
        rc = st_err_set(f->err, ST_ERR_NOINPUT, "cannot read directory '%s'",
                        dir);
        goto out;
    }
    while ((e = readdir(d)) != NULL) {
        if (!is_csv(e->d_name))
            continue;
        if (n == cap) {
            char **p;

            cap = cap == 0 ? 16 : cap * 2;
            p = st_reallocarray(names, cap, sizeof(*p));
            if (p == NULL)
                goto nomem;
            names = p;
        }
        if ((names[n] = st_strdup(e->d_name)) == NULL)
            goto nomem;
        n++;
    }
    if (n > 0)
        qsort(names, n, sizeof(*names), cmp_names);
    for (i = 0; i < n; i++) {
        st_buf_reset(&path);
        st_buf_addf(&path, "%s/%s", dir, names[i]);
        if ((rc = st_buf_error(&path)) != 0) {
            st_err_set(f->err, rc, "path too long in '%s'", dir);
            goto out;
        }
        if ((rc = st_file_read_all(path.data, &data, &len, f->err)) != 0)
            goto out;
        rc = take(f, data, len, "dir", NULL, names[i]);
        st_free(data);
        data = NULL;
        if (rc != 0)
            goto out;
    }
    rc = 0;
    goto out;
nomem:
    rc = st_err_set(f->err, ST_ERR_NOMEM, "cannot list '%s'", dir);
out:
    if (d != NULL)
        closedir(d);
    for (i = 0; i < n; i++)
        st_free(names[i]);
    st_free(names);
    st_free(data);
    st_buf_release(&path);
    return rc;
}

/* The HTTP settings of the configuration, and the clock to use. */
static void
http_setup(const struct fetch *f, struct st_http_opts *opts,
           struct st_http_env *sysenv, const struct st_http_env **env)
{
    const struct st_config *cfg = f->cfg;

    st_http_opts_config(cfg, opts);
    if (f->opts->backoff_base_ms >= 0)
        opts->backoff_base_ms = f->opts->backoff_base_ms;
    st_http_env_system(sysenv);
    *env = f->opts->env != NULL ? f->opts->env : sysenv;
}

/* Downloads and archives each listed report the archive does not have. */
static int
take_listed(struct fetch *f, struct st_api *api,
            const struct st_api_reports *list)
{
    struct st_buf doc;
    size_t i;
    int rc = 0;

    st_buf_init(&doc, DOC_MAX);
    for (i = 0; i < list->n; i++) {
        const struct st_api_report *r = &list->items[i];
        int known = 0;

        if ((rc = st_archive_has_report(f->db, f->cfg->seller_id, r->report_id,
                                        &known, f->err)) != 0)
            break;
        if (known) {
            st_log_msg(f->log, ST_LOG_INFO, "fetch",
                       "report '%s' already archived", r->report_id);
            continue;
        }
        st_buf_reset(&doc);
        if ((rc = st_api_download(api, r->report_document_id, &doc, f->err)) !=
                0 ||
            (rc = take(f, doc.data, doc.len, "api", r->report_id,
                       r->report_id)) != 0)
            break;
    }
    st_buf_release(&doc);
    return rc;
}

static int
from_api(struct fetch *f)
{
    const struct st_config *cfg = f->cfg;
    int rc;
    struct st_sign_key *key = NULL;
    enum st_sign_alg alg = ST_SIGN_PSS_V2;
    struct st_buf base;
    struct st_http_opts opts;
    struct st_http_env sysenv;
    const struct st_http_env *env;
    struct st_api api;
    struct st_api_reports list;
    int64_t since = (int64_t)(f->date - 1) * DAY;
    int64_t until = (int64_t)(f->date + 4) * DAY;
    int64_t now;

    memset(&list, 0, sizeof(list));
    st_buf_init(&base, 1024);
    if ((rc = st_config_check_key_file(cfg, f->err)) != 0 ||
        (rc = st_sign_alg_parse(cfg->signature_algorithm, &alg, f->err)) != 0 ||
        (rc = st_api_base_url(cfg, &base, f->err)) != 0)
        goto out;
    if (cfg->public_key_id == NULL || cfg->public_key_id[0] == '\0') {
        rc = st_err_set(f->err, ST_ERR_CONFIG, "public_key_id is not set");
        goto out;
    }
    http_setup(f, &opts, &sysenv, &env);
    if ((rc = st_sign_key_load(cfg->private_key_file, &key, f->err)) != 0 ||
        (rc = st_api_init(&api, base.data, cfg->region, cfg->public_key_id, key,
                          alg, &opts, env, f->log, f->err)) != 0)
        goto out;
    now = env->now(env->ctx);
    if (until > now)
        until = now;
    if (since >= until) {
        st_log_msg(f->log, ST_LOG_WARN, "fetch",
                   "the date has not begun yet: nothing to fetch");
        rc = 0;
        goto out;
    }
    if ((rc = st_api_list_reports(&api, ST_API_SETTLEMENT_REPORT, since, until,
                                  100, &list, f->err)) != 0)
        goto out;
    st_log_msg(f->log, ST_LOG_INFO, "fetch",
               "%zu settlement reports created in the window (%d pages)",
               list.n, list.pages);
    if ((rc = take_listed(f, &api, &list)) == 0 &&
        (rc = st_fetch_payouts(f->db, cfg, &api, f->date, since, until, f->log,
                               f->err)) == 0)
        rc = st_fetch_lookups(f->db, cfg, &api, f->date, f->log, f->err);
out:
    st_sign_key_free(key);
    st_api_reports_release(&list);
    st_buf_release(&base);
    return rc;
}

int
st_fetch_source_valid(const char *source)
{
    return source != NULL &&
           (strcmp(source, "api") == 0 ||
            (strncmp(source, "dir:", 4) == 0 && source[4] != '\0'));
}

int
st_fetch_date(struct st_db *db, const struct st_config *cfg, int32_t date,
              const struct st_fetch_opts *opts, struct st_log *log,
              struct st_fetch_result *res, struct st_err *err)
{
    struct st_fetch_opts defaults;
    struct fetch f;
    const char *source;

    memset(res, 0, sizeof(*res));
    if (opts == NULL) {
        st_fetch_opts_init(&defaults);
        opts = &defaults;
    }
    source = opts->source != NULL ? opts->source : "api";
    memset(&f, 0, sizeof(f));
    f.db = db;
    f.cfg = cfg;
    f.opts = opts;
    f.log = log;
    f.res = res;
    f.err = err;
    f.date = date;
    if (cfg->seller_id == NULL || cfg->seller_id[0] == '\0')
        return st_config_require_seller(cfg, err);
    if (!st_fetch_source_valid(source))
        return st_err_set(err, ST_ERR_USAGE,
                          "unknown source '%s' (want api or dir:PATH)", source);
    if (cfg->timezone != NULL && cfg->timezone[0] != '\0') {
        int rc = st_db_check_timezone(db, cfg->timezone, err);

        if (rc != 0)
            return rc;
    }
    return strcmp(source, "api") == 0 ? from_api(&f) : from_dir(&f, source + 4);
}
