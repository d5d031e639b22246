/*
 * config.h: every setting of settle in one struct, filled from one table.
 *
 * Precedence, lowest first: built-in defaults, the config file, SETTLE_<KEY>
 * environment variables, command-line flags. The caller applies them in that
 * order (st_config_init, st_config_load_file, st_config_load_env,
 * st_config_set for each flag); each later source overrides. Every source
 * goes through the same setter, which validates the value (bounded numbers,
 * enumerations) and records where it came from, for `settle config show`.
 * lib/ reads no environment: the caller passes environ in.
 *
 * Strings in the struct are owned by it and freed by st_config_release().
 */
#ifndef ST_CONFIG_H
#define ST_CONFIG_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

enum st_config_source {
    ST_SRC_DEFAULT = 0,
    ST_SRC_FILE = 1,
    ST_SRC_ENV = 2,
    ST_SRC_FLAG = 3
};

/* Per-currency match tolerance in minor units. */
struct st_tolerance {
    char currency[4];
    int64_t minor;
};

#define ST_CONFIG_NKEYS          25
#define ST_CONFIG_MAX_TOLERANCES 64

struct st_config {
    char *database;
    char *region;      /* na, eu, jp */
    char *environment; /* live, sandbox */
    char *public_key_id;
    char *private_key_file;
    char *signature_algorithm;
    char *api_base_url;
    char *ca_file;
    char *seller_id;
    char *timezone;
    char *reporting_currency;
    char *archive_dir;
    char *out_dir;
    char *tolerance; /* as written; parsed into tolerances[] */
    int64_t unsettled_grace_days;
    char *metrics_file;
    char *template_dir;
    int64_t fx_max_age_days;
    int64_t lookback_days;
    int64_t http_timeout_s;
    int64_t http_max_attempts;
    char *first_date; /* YYYY-MM-DD or "": where catch-up starts */
    int64_t catchup_max_days;
    int64_t api_lookups_max;
    char *fx_url; /* the ECB Data Portal's EXR series the rates come from */

    struct st_tolerance tolerances[ST_CONFIG_MAX_TOLERANCES];
    int ntolerances;
    enum st_config_source source[ST_CONFIG_NKEYS];
    char *config_file; /* the file that was read, or NULL */
};

/* Fills cfg with the built-in defaults. Returns 0 or ST_ERR_NOMEM. */
int st_config_init(struct st_config *cfg, struct st_err *err);

/* Frees every string of cfg. Accepts NULL and a released struct. */
void st_config_release(struct st_config *cfg);

/*
 * Sets key to value from source. Unknown keys and invalid values fail with
 * ST_ERR_CONFIG naming the key; the message never contains a secret value.
 */
int st_config_set(struct st_config *cfg, const char *key, const char *value,
                  enum st_config_source source, struct st_err *err);

/*
 * Reads `key = value` lines (# comments, blank lines) from path. A missing
 * file or a bad line is ST_ERR_CONFIG; errors name file and line.
 */
int st_config_load_file(struct st_config *cfg, const char *path,
                        struct st_err *err);

/* Applies every SETTLE_<KEY> variable of envp (NULL-terminated). */
int st_config_load_env(struct st_config *cfg, char *const *envp,
                       struct st_err *err);

/*
 * Checks private_key_file with libpq's rule: fails with ST_ERR_PERM if the
 * group or others have any permission bit, except that a root-owned file
 * may be group-readable (0640, 0440). ST_ERR_CONFIG when unset, and
 * ST_ERR_NOINPUT when the file cannot be stat'ed.
 */
int st_config_check_key_file(const struct st_config *cfg, struct st_err *err);

/* Fails with ST_ERR_CONFIG when seller_id is not set. */
int st_config_require_seller(const struct st_config *cfg, struct st_err *err);

/* Returns the tolerance of currency in minor units (0 when not listed). */
int64_t st_config_tolerance(const struct st_config *cfg, const char *currency);

/*
 * Appends every setting as "key = value  # source" lines to out, secrets
 * masked (the password in database, nothing of the key but its path).
 */
void st_config_show(const struct st_config *cfg, struct st_buf *out);

/*
 * Appends the canonical "key=value\n" text of the settings that shape
 * outputs (no secrets, no paths of the host) to out, for the manifest's
 * config digest.
 */
void st_config_canonical(const struct st_config *cfg, struct st_buf *out);

#endif
