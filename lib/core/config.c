/*
 * config.c: the settings table and the one setter every source goes
 * through. Adding a setting is one row in keys[] and one struct member.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/config.h"
#include "core/num.h"
#include "core/currency.h"
#include "core/date.h"
#include "core/banned.h"

enum key_type { K_STR, K_INT, K_ENUM };

struct key {
    const char *name;
    enum key_type type;
    size_t offset;
    int64_t min, max;    /* K_INT bounds */
    const char *def;     /* default as text; NULL = unset */
    const char *choices; /* K_ENUM: values separated by '|' */
    int secret;          /* 1: mask in config show */
    int shapes_output;   /* 1: part of the manifest's config digest */
};

#define STR(f)         K_STR, offsetof(struct st_config, f), 0, 0
#define INT(f, lo, hi) K_INT, offsetof(struct st_config, f), lo, hi
#define ENUM(f)        K_ENUM, offsetof(struct st_config, f), 0, 0

static const struct key keys[ST_CONFIG_NKEYS] = {
    {"database", STR(database), "", NULL, 1, 0},
    {"region", ENUM(region), "na", "na|eu|jp", 0, 0},
    {"environment", ENUM(environment), "live", "live|sandbox", 0, 0},
    {"public_key_id", STR(public_key_id), NULL, NULL, 0, 0},
    {"private_key_file", STR(private_key_file), NULL, NULL, 0, 0},
    {"signature_algorithm", ENUM(signature_algorithm), "AMZN-PAY-RSASSA-PSS-V2",
     "AMZN-PAY-RSASSA-PSS-V2|AMZN-PAY-RSASSA-PSS", 0, 0},
    {"api_base_url", STR(api_base_url), NULL, NULL, 0, 0},
    {"ca_file", STR(ca_file), NULL, NULL, 0, 0},
    {"seller_id", STR(seller_id), NULL, NULL, 0, 1},
    {"timezone", STR(timezone), "UTC", NULL, 0, 1},
    {"reporting_currency", STR(reporting_currency), "", NULL, 0, 1},
    {"archive_dir", STR(archive_dir), "var/archive", NULL, 0, 0},
    {"out_dir", STR(out_dir), "var/out", NULL, 0, 0},
    {"tolerance", STR(tolerance), "", NULL, 0, 1},
    {"unsettled_grace_days", INT(unsettled_grace_days, 0, 365), "3", NULL, 0,
     1},
    {"metrics_file", STR(metrics_file), "", NULL, 0, 0},
    {"template_dir", STR(template_dir), NULL, NULL, 0, 0},
    {"fx_max_age_days", INT(fx_max_age_days, 0, 366), "7", NULL, 0, 1},
    {"lookback_days", INT(lookback_days, 1, 3660), "120", NULL, 0, 1},
    {"http_timeout_s", INT(http_timeout_s, 1, 3600), "60", NULL, 0, 0},
    {"http_max_attempts", INT(http_max_attempts, 1, 20), "5", NULL, 0, 0},
    {"first_date", STR(first_date), "", NULL, 0, 0},
    {"catchup_max_days", INT(catchup_max_days, 1, 3660), "30", NULL, 0, 0},
    {"api_lookups_max", INT(api_lookups_max, 0, 100000), "500", NULL, 0, 0},
    {"fx_url", STR(fx_url),
     "https://data-api.ecb.europa.eu/service/data/EXR/D..EUR.SP00.A", NULL, 0,
     0},
};

static const char *const source_names[] = {"default", "file", "env", "flag"};

static const struct key *
find_key(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < ST_CONFIG_NKEYS; i++)
        if (strlen(keys[i].name) == len &&
            strncmp(keys[i].name, name, len) == 0)
            return &keys[i];
    return NULL;
}

static char **
str_field(struct st_config *cfg, const struct key *k)
{
    return (char **)(void *)((char *)cfg + k->offset);
}

static const char *const *
str_field_c(const struct st_config *cfg, const struct key *k)
{
    return (const char *const *)(const void *)((const char *)cfg + k->offset);
}

static int64_t *
int_field(struct st_config *cfg, const struct key *k)
{
    return (int64_t *)(void *)((char *)cfg + k->offset);
}

static int
enum_ok(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *p = choices;

    while (*p != '\0') {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);

        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        p += len + (bar ? 1 : 0);
    }
    return 0;
}

/*
 * Parses "USD:0,JPY:0,EUR:1" into t[] (*n entries; none for ""). Each code
 * must be an ISO 4217 currency, listed once; each value 0 or more.
 */
static int
parse_tolerance(const char *s, struct st_tolerance *t, int *n,
                struct st_err *err)
{
    const char *p = s;
    char item[64];
    size_t len;
    int i;

    *n = 0;
    if (*s == '\0')
        return 0;
    for (;;) {
        len = strcspn(p, ",");
        while (len > 0 && isspace((unsigned char)*p)) {
            p++;
            len--;
        }
        if (len == 0 || len >= sizeof(item) || *n == ST_CONFIG_MAX_TOLERANCES)
            goto bad;
        memcpy(item, p, len);
        item[len] = '\0';
        while (len > 0 && isspace((unsigned char)item[len - 1]))
            item[--len] = '\0';
        if (len < 5 || item[3] != ':')
            goto bad;
        if (st_currency_find(item, 3) == NULL)
            return st_err_set(err, ST_ERR_CONFIG,
                              "invalid tolerance '%s': unknown currency "
                              "'%.3s'",
                              s, item);
        for (i = 0; i < *n; i++)
            if (memcmp(t[i].currency, item, 3) == 0)
                return st_err_set(err, ST_ERR_CONFIG,
                                  "invalid tolerance '%s': %.3s is listed "
                                  "twice",
                                  s, item);
        memcpy(t[*n].currency, item, 3);
        t[*n].currency[3] = '\0';
        if (st_parse_i64(item + 4, 0, INT64_MAX / 4, &t[*n].minor) != 0)
            goto bad;
        (*n)++;
        p += strcspn(p, ",");
        if (*p == '\0')
            break;
        p++;
    }
    return 0;
bad:
    return st_err_set(err, ST_ERR_CONFIG,
                      "invalid tolerance '%s': want CCY:MINOR[,CCY:MINOR...]",
                      s);
}

/* The text settings with a shape of their own; "" is always "unset". */
static int
check_text(const struct key *k, const char *value, struct st_err *err)
{
    int32_t day;

    if (value[0] == '\0')
        return 0;
    if (k->offset == offsetof(struct st_config, first_date) &&
        st_date_parse(value, strlen(value), &day, err) != 0)
        return st_err_set(err, ST_ERR_CONFIG,
                          "invalid first_date '%s': want a date YYYY-MM-DD",
                          value);
    if (k->offset == offsetof(struct st_config, reporting_currency) &&
        st_currency_find(value, strlen(value)) == NULL)
        return st_err_set(err, ST_ERR_CONFIG,
                          "invalid reporting_currency '%s': want an ISO "
                          "4217 code such as EUR",
                          value);
    return 0;
}

int
st_config_set(struct st_config *cfg, const char *key, const char *value,
              enum st_config_source source, struct st_err *err)
{
    const struct key *k = find_key(key, strlen(key));
    struct st_tolerance tol[ST_CONFIG_MAX_TOLERANCES];
    int ntol = 0;
    int is_tol;
    int64_t iv = 0;
    char *copy = NULL;
    char **sp;
    int rc = ST_ERR_CONFIG;

    if (k == NULL) {
        rc = st_err_set(err, ST_ERR_CONFIG, "unknown setting '%s'", key);
        goto out;
    }
    is_tol = k->offset == offsetof(struct st_config, tolerance);
    switch (k->type) {
    case K_INT:
        if (st_parse_i64(value, k->min, k->max, &iv) != 0) {
            rc = st_err_set(err, ST_ERR_CONFIG,
                            "invalid %s '%s': want an integer from %lld "
                            "to %lld",
                            key, value, (long long)k->min, (long long)k->max);
            goto out;
        }
        *int_field(cfg, k) = iv;
        break;
    case K_ENUM:
        if (!enum_ok(k->choices, value)) {
            rc = st_err_set(err, ST_ERR_CONFIG,
                            "invalid %s '%s': want one of %s", key, value,
                            k->choices);
            goto out;
        }
        /* fall through */
    case K_STR:
        if (is_tol && (rc = parse_tolerance(value, tol, &ntol, err)) != 0)
            goto out;
        if ((rc = check_text(k, value, err)) != 0)
            goto out;
        copy = st_strdup(value);
        if (copy == NULL) {
            rc = st_err_set(err, ST_ERR_NOMEM, "out of memory");
            goto out;
        }
        sp = str_field(cfg, k);
        st_free(*sp);
        *sp = copy;
        copy = NULL; /* transferred */
        if (is_tol) {
            memcpy(cfg->tolerances, tol, sizeof(tol[0]) * (size_t)ntol);
            cfg->ntolerances = ntol;
        }
        break;
    }
    cfg->source[k - keys] = source;
    rc = 0;
out:
    return rc;
}

int
st_config_init(struct st_config *cfg, struct st_err *err)
{
    size_t i;
    int rc;

    memset(cfg, 0, sizeof(*cfg));
    for (i = 0; i < ST_CONFIG_NKEYS; i++) {
        if (keys[i].def == NULL)
            continue;
        rc = st_config_set(cfg, keys[i].name, keys[i].def, ST_SRC_DEFAULT, err);
        if (rc != 0) {
            st_config_release(cfg);
            return rc;
        }
    }
    return 0;
}

void
st_config_release(struct st_config *cfg)
{
    size_t i;

    if (cfg == NULL)
        return;
    for (i = 0; i < ST_CONFIG_NKEYS; i++) {
        if (keys[i].type != K_INT) {
            char **sp = str_field(cfg, &keys[i]);

            st_free(*sp);
            *sp = NULL;
        }
    }
    st_free(cfg->config_file);
    cfg->config_file = NULL;
}

static char *
trim(char *s)
{
    char *end;

    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

int
st_config_load_file(struct st_config *cfg, const char *path, struct st_err *err)
{
    int rc = ST_ERR_CONFIG;
    FILE *f = NULL;
    char line[4096];
    long lineno = 0;

    f = fopen(path, "r");
    if (f == NULL) {
        rc = st_err_set(err, ST_ERR_CONFIG, "cannot read config file '%s': %s",
                        path, strerror(errno));
        goto out;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *p;
        char *eq;
        char *key;
        char *value;

        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            rc = st_err_set(err, ST_ERR_CONFIG, "line too long");
            st_err_at(err, path, lineno, 0);
            goto out;
        }
        p = trim(line);
        if (*p == '\0' || *p == '#')
            continue;
        eq = strchr(p, '=');
        if (eq == NULL) {
            rc = st_err_set(err, ST_ERR_CONFIG,
                            "expected 'key = value', got '%.64s'", p);
            st_err_at(err, path, lineno, 0);
            goto out;
        }
        *eq = '\0';
        key = trim(p);
        value = trim(eq + 1);
        rc = st_config_set(cfg, key, value, ST_SRC_FILE, err);
        if (rc != 0) {
            st_err_at(err, path, lineno, 0);
            goto out;
        }
    }
    if (ferror(f)) {
        rc = st_err_set(err, ST_ERR_IO, "cannot read config file '%s'", path);
        goto out;
    }
    st_free(cfg->config_file);
    cfg->config_file = st_strdup(path);
    rc = cfg->config_file ? 0 : st_err_set(err, ST_ERR_NOMEM, "out of memory");
out:
    if (f != NULL)
        (void)fclose(f); /* read only: nothing to lose */
    return rc;
}

int
st_config_load_env(struct st_config *cfg, char *const *envp, struct st_err *err)
{
    static const char prefix[] = "SETTLE_";
    size_t i;
    int rc;

    if (envp == NULL)
        return 0;
    for (i = 0; envp[i] != NULL; i++) {
        const char *e = envp[i];
        const char *eq = strchr(e, '=');
        char key[64];
        size_t klen;
        size_t j;

        if (strncmp(e, prefix, sizeof(prefix) - 1) != 0 || eq == NULL)
            continue;
        klen = (size_t)(eq - e) - (sizeof(prefix) - 1);
        if (klen == 0 || klen >= sizeof(key))
            continue;
        for (j = 0; j < klen; j++)
            key[j] = (char)tolower((unsigned char)e[sizeof(prefix) - 1 + j]);
        key[klen] = '\0';
        /* SETTLE_CONFIG names the file itself; SETTLE_PG_* are ours. */
        if (find_key(key, klen) == NULL)
            continue;
        rc = st_config_set(cfg, key, eq + 1, ST_SRC_ENV, err);
        if (rc != 0) {
            st_err_prefix(err, "environment SETTLE_%.*s", (int)klen,
                          e + sizeof(prefix) - 1);
            return rc;
        }
    }
    return 0;
}

int
st_config_check_key_file(const struct st_config *cfg, struct st_err *err)
{
    struct stat st;

    if (cfg->private_key_file == NULL || cfg->private_key_file[0] == '\0')
        return st_err_set(err, ST_ERR_CONFIG, "private_key_file is not set");
    if (stat(cfg->private_key_file, &st) != 0)
        return st_err_set(err, ST_ERR_NOINPUT, "cannot read key file '%s': %s",
                          cfg->private_key_file, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return st_err_set(err, ST_ERR_CONFIG, "key file '%s' is not a file",
                          cfg->private_key_file);
    if ((st.st_uid == 0 && (st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO))) ||
        (st.st_uid != 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))) {
        st_err_set(err, ST_ERR_PERM,
                   "key file '%s' has group or world access (mode %04o)",
                   cfg->private_key_file, (unsigned)(st.st_mode & 07777));
        st_err_hint(err, "chmod 0600 the file (or 0640 when owned by root)");
        return ST_ERR_PERM;
    }
    return 0;
}

int
st_config_require_seller(const struct st_config *cfg, struct st_err *err)
{
    if (cfg->seller_id == NULL || cfg->seller_id[0] == '\0') {
        st_err_set(err, ST_ERR_CONFIG, "seller_id is not set");
        st_err_hint(err,
                    "set seller_id in the config file or SETTLE_SELLER_ID");
        return ST_ERR_CONFIG;
    }
    return 0;
}

int64_t
st_config_tolerance(const struct st_config *cfg, const char *currency)
{
    int i;

    for (i = 0; i < cfg->ntolerances; i++)
        if (strcmp(cfg->tolerances[i].currency, currency) == 0)
            return cfg->tolerances[i].minor;
    return 0;
}

static int
is_password_key(const char *k, size_t n)
{
    return (n == 8 && memcmp(k, "password", 8) == 0) ||
           (n == 11 && memcmp(k, "sslpassword", 11) == 0);
}

/* Length of the keyword/value conninfo value at s: 'quoted' or bare. */
static size_t
conninfo_value_len(const char *s)
{
    size_t i;

    if (s[0] != '\'')
        return strcspn(s, " \t\n\r\f\v");
    for (i = 1; s[i] != '\0'; i++) {
        if (s[i] == '\\' && s[i + 1] != '\0')
            i++;
        else if (s[i] == '\'')
            return i + 1;
    }
    return i;
}

/* "host=x password='a b' dbname=y": each password value becomes ****. */
static void
add_masked_keywords(struct st_buf *out, const char *s)
{
    static const char ws[] = " \t\n\r\f\v";
    const char *p = s;

    while (*p != '\0') {
        const char *key;
        size_t klen;
        const char *v;
        size_t vlen;

        key = p + strspn(p, ws);
        klen = strcspn(key, "= \t\n\r\f\v");
        v = key + klen;
        v += strspn(v, ws);
        if (*key == '\0') {
            st_buf_addstr(out, p);
            return;
        }
        if (*v != '=') {
            /* Not conninfo as libpq reads it: show nothing of the rest. */
            st_buf_add(out, p, (size_t)(key - p));
            st_buf_addstr(out, "****");
            return;
        }
        v++;
        v += strspn(v, ws);
        vlen = conninfo_value_len(v);
        st_buf_add(out, p, (size_t)(v - p));
        if (is_password_key(key, klen))
            st_buf_addstr(out, "****");
        else
            st_buf_add(out, v, vlen);
        p = v + vlen;
    }
}

/*
 * "postgresql://user:secret@host/db?sslpassword=x": the password of the
 * user part and every password parameter become ****.
 */
static void
add_masked_uri(struct st_buf *out, const char *s)
{
    const char *auth = strstr(s, "://") + 3;
    size_t alen = strcspn(auth, "/?");
    const char *at = NULL;
    const char *p;
    const char *q;
    size_t i;

    for (i = 0; i < alen; i++)
        if (auth[i] == '@')
            at = auth + i;
    st_buf_add(out, s, (size_t)(auth - s));
    p = auth;
    if (at != NULL) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));

        if (colon != NULL) {
            st_buf_add(out, auth, (size_t)(colon + 1 - auth));
            st_buf_addstr(out, "****");
            p = at;
        }
    }
    q = strchr(p, '?');
    if (q == NULL) {
        st_buf_addstr(out, p);
        return;
    }
    st_buf_add(out, p, (size_t)(q + 1 - p));
    p = q + 1;
    while (*p != '\0') {
        size_t plen = strcspn(p, "&");
        size_t klen = strcspn(p, "=&");

        if (klen < plen && is_password_key(p, klen)) {
            st_buf_add(out, p, klen + 1);
            st_buf_addstr(out, "****");
        } else {
            st_buf_add(out, p, plen);
        }
        p += plen;
        if (*p == '&') {
            st_buf_addch(out, '&');
            p++;
        }
    }
}

/* Appends a conninfo string or URI with every password replaced by ****. */
static void
add_masked_conninfo(struct st_buf *out, const char *s)
{
    if (strncmp(s, "postgresql://", 13) == 0 ||
        strncmp(s, "postgres://", 11) == 0)
        add_masked_uri(out, s);
    else
        add_masked_keywords(out, s);
}

void
st_config_show(const struct st_config *cfg, struct st_buf *out)
{
    size_t i;

    for (i = 0; i < ST_CONFIG_NKEYS; i++) {
        const struct key *k = &keys[i];

        st_buf_addf(out, "%-22s = ", k->name);
        if (k->type == K_INT) {
            st_buf_addf(
                out, "%lld",
                (long long)*(const int64_t *)(const void *)((const char *)cfg +
                                                            k->offset));
        } else {
            const char *v = *str_field_c(cfg, k);

            if (v == NULL)
                st_buf_addstr(out, "(unset)");
            else if (k->secret)
                add_masked_conninfo(out, v);
            else
                st_buf_addstr(out, v);
        }
        st_buf_addf(out, "  # %s\n", source_names[cfg->source[i]]);
    }
}

void
st_config_canonical(const struct st_config *cfg, struct st_buf *out)
{
    size_t i;

    for (i = 0; i < ST_CONFIG_NKEYS; i++) {
        const struct key *k = &keys[i];

        if (!k->shapes_output)
            continue;
        if (k->type == K_INT) {
            st_buf_addf(
                out, "%s=%lld\n", k->name,
                (long long)*(const int64_t *)(const void *)((const char *)cfg +
                                                            k->offset));
        } else {
            const char *v = *str_field_c(cfg, k);

            st_buf_addf(out, "%s=%s\n", k->name, v ? v : "");
        }
    }
}
