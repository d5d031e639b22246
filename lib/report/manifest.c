/*
 * manifest.c: manifest.json checks for `settle verify` and `settle rerun`.
 */
#include <string.h>

#include "io/archive.h"
#include "core/hash.h"
#include "report/manifest.h"
#include "core/banned.h"

int
st_manifest_load(const char *path, json_t **out, struct st_err *err)
{
    json_error_t je;
    json_t *m;

    *out = NULL;
    m = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (m == NULL) {
        if (je.line <= 0 && strstr(je.text, "unable to open") != NULL)
            return st_err_set(err, ST_ERR_NOINPUT, "cannot read '%s': %s", path,
                              je.text);
        st_err_set(err, ST_ERR_DATA, "invalid manifest: %s", je.text);
        st_err_at(err, path, je.line, je.column);
        return ST_ERR_DATA;
    }
    if (!json_is_object(m) || !json_is_array(json_object_get(m, "outputs"))) {
        json_decref(m);
        st_err_set(err, ST_ERR_DATA, "not a settle manifest: no outputs");
        st_err_at(err, path, 0, 0);
        return ST_ERR_DATA;
    }
    *out = m;
    return 0;
}

/* Hashes path and appends a line to diffs when it differs from want. */
static int
check_file(const char *what, const char *path, const char *want_hex,
           json_int_t want_bytes, struct st_buf *diffs, int *ndiff,
           struct st_err *err)
{
    char hex[ST_SHA256_HEX_LEN + 1];
    uint64_t bytes = 0;
    struct st_err e2;
    int rc = st_sha256_file(path, hex, &bytes, &e2);

    if (rc == ST_ERR_NOINPUT) {
        st_buf_addf(diffs, "%s '%s': missing\n", what, path);
        (*ndiff)++;
        return 0;
    }
    if (rc != 0) {
        if (err != NULL)
            *err = e2;
        return rc;
    }
    if (want_hex == NULL || strcmp(hex, want_hex) != 0 ||
        (want_bytes >= 0 && (uint64_t)want_bytes != bytes)) {
        st_buf_addf(diffs,
                    "%s '%s': sha256 %s (%llu bytes), manifest says %s "
                    "(%lld bytes)\n",
                    what, path, hex, (unsigned long long)bytes,
                    want_hex ? want_hex : "nothing", (long long)want_bytes);
        (*ndiff)++;
    }
    return 0;
}

int
st_manifest_verify(const json_t *m, const char *dir, const char *archive_dir,
                   struct st_buf *diffs, int *ndiff, struct st_err *err)
{
    struct st_buf path;
    size_t i;
    json_t *e;
    int rc = 0;

    *ndiff = 0;
    st_buf_init(&path, 8192);
    json_array_foreach(json_object_get(m, "outputs"), i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));
        const char *h = json_string_value(json_object_get(e, "sha256"));
        json_int_t n = json_integer_value(json_object_get(e, "bytes"));

        if (p == NULL || strstr(p, "..") != NULL || p[0] == '/') {
            st_buf_addf(diffs, "output #%zu: bad path in the manifest\n", i);
            (*ndiff)++;
            continue;
        }
        st_buf_reset(&path);
        st_buf_addf(&path, "%s/%s", dir, p);
        if (st_buf_error(&path) != 0) {
            rc = st_err_set(err, ST_ERR_NOMEM, "path too long");
            goto out;
        }
        if ((rc = check_file("output", path.data, h, n, diffs, ndiff, err)) !=
            0)
            goto out;
    }
    json_array_foreach(json_object_get(m, "inputs"), i, e)
    {
        const char *h = json_string_value(json_object_get(e, "sha256"));
        json_int_t n = json_integer_value(json_object_get(e, "bytes"));

        if (h == NULL || strlen(h) != 64 ||
            strspn(h, "0123456789abcdef") != 64) {
            st_buf_addf(diffs, "input #%zu: bad sha256 in the manifest\n", i);
            (*ndiff)++;
            continue;
        }
        st_buf_reset(&path);
        st_archive_path(archive_dir, h, &path);
        if (st_buf_error(&path) != 0) {
            rc = st_err_set(err, ST_ERR_NOMEM, "path too long");
            goto out;
        }
        if ((rc = check_file("input", path.data, h, n, diffs, ndiff, err)) != 0)
            goto out;
    }
out:
    st_buf_release(&path);
    return rc;
}

static const json_t *
find_output(const json_t *m, const char *path)
{
    size_t i;
    json_t *e;

    json_array_foreach(json_object_get(m, "outputs"), i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));

        if (p != NULL && strcmp(p, path) == 0)
            return e;
    }
    return NULL;
}

void
st_manifest_compare(const json_t *a, const json_t *b, struct st_buf *diffs,
                    int *ndiff)
{
    const char *va = json_string_value(json_object_get(a, "tool_version"));
    const char *vb = json_string_value(json_object_get(b, "tool_version"));
    size_t i;
    json_t *e;

    *ndiff = 0;
    if (va == NULL || vb == NULL || strcmp(va, vb) != 0) {
        st_buf_addf(diffs, "tool version: manifest %s, this build %s\n",
                    va ? va : "(none)", vb ? vb : "(none)");
        (*ndiff)++;
    }
    json_array_foreach(json_object_get(a, "outputs"), i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));
        const char *h = json_string_value(json_object_get(e, "sha256"));
        const json_t *o = p ? find_output(b, p) : NULL;
        const char *hb =
            o ? json_string_value(json_object_get(o, "sha256")) : NULL;

        if (p == NULL)
            continue;
        if (o == NULL) {
            st_buf_addf(diffs, "%s: missing from the rebuild\n", p);
            (*ndiff)++;
        } else if (h == NULL || hb == NULL || strcmp(h, hb) != 0) {
            st_buf_addf(diffs, "%s: differs (sha256 %s, rebuilt %s)\n", p,
                        h ? h : "?", hb ? hb : "?");
            (*ndiff)++;
        }
    }
    json_array_foreach(json_object_get(b, "outputs"), i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));

        if (p != NULL && find_output(a, p) == NULL) {
            st_buf_addf(diffs, "%s: only in the rebuild\n", p);
            (*ndiff)++;
        }
    }
}
