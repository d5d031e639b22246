/*
 * archive.c: raw reports stored by SHA-256, never overwritten, and their
 * rows in settle.raw_report.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fault.h"
#include "core/alloc.h"
#include "io/archive.h"
#include "core/date.h"
#include "core/fsutil.h"
#include "core/hash.h"
#include "core/path.h"
#include "io/dbvalue.h"
#include "core/banned.h"

#define DATE_QUERY "queries/select_raw_report_business_date.sql"

void
st_archive_path(const char *archive_dir, const char *hex, struct st_buf *out)
{
    st_buf_addstr(out, archive_dir);
    st_buf_addstr(out, "/sha256/");
    st_buf_add(out, hex, 2);
    st_buf_addch(out, '/');
    st_buf_addstr(out, hex + 2);
}

/* Writes all of data to fd and fsyncs it. */
static int
write_all(int fd, const char *path, const void *data, size_t len,
          struct st_err *err)
{
    const char *p = data;
    size_t done = 0;
    int rc = 0;

    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = st_err_set(err, ST_ERR_IO, "cannot write '%s': %s", path,
                            n < 0 ? strerror(errno) : "short write");
            break;
        }
        done += (size_t)n;
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = st_err_set(err, ST_ERR_IO, "cannot sync '%s': %s", path,
                        strerror(errno));
    return rc;
}

/* write_all, then closes fd. */
static int
write_close(int fd, const char *path, const void *data, size_t len,
            struct st_err *err)
{
    int rc = write_all(fd, path, data, len, err);

    if (close(fd) != 0 && rc == 0)
        rc = st_err_set(err, ST_ERR_IO, "cannot close '%s': %s", path,
                        strerror(errno));
    return rc;
}

/* 0 when path is absent; 1 when present with size len; else an error. */
static int
existing(const char *path, size_t len, struct st_err *err)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0; /* absent; creating it will say what is wrong */
        return st_err_set(err, ST_ERR_IO, "cannot check '%s': %s", path,
                          strerror(errno));
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != (uint64_t)len)
        return st_err_set(err, ST_ERR_IO,
                          "archived file '%s' is not the expected %zu bytes",
                          path, len);
    return 1;
}

/*
 * Links the new file fd (or the one named tmp) to path. link(2) never
 * replaces: a concurrent writer of the same hash wins, and the file it
 * left must be the one expected. *linked says whether this call made it.
 */
static int
link_new(const char *from, int flags, const char *path, size_t len, int *linked,
         struct st_err *err)
{
    int rc;

    st_fault_point("archive link");
    if (linkat(AT_FDCWD, from, AT_FDCWD, path, flags) == 0) {
        *linked = 1;
        return 0;
    }
    if (errno != EEXIST)
        return st_err_set(err, ST_ERR_CANTCREAT, "cannot create '%s': %s", path,
                          strerror(errno));
    rc = existing(path, len, err);
    return rc < 0 ? rc : 0;
}

/*
 * Writes data as an unnamed file in dir (O_TMPFILE) and links it to path,
 * so that a process killed on the way leaves nothing behind. 1 when the
 * file system (or a missing /proc) cannot: then a named temporary file.
 */
static int
store_unnamed(const char *dir, const char *path, const void *data, size_t len,
              int *linked, struct st_err *err)
{
    char proc[64];
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    int rc;

    if (fd < 0) {
        if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
            return 1;
        return st_err_set(err, ST_ERR_CANTCREAT,
                          "cannot create a file in '%s': %s", dir,
                          strerror(errno));
    }
    (void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if (access(proc, F_OK) != 0) {
        (void)close(fd); /* nothing written */
        return 1;
    }
    st_fault_point("archive write");
    rc = write_all(fd, path, data, len, err);
    if (rc == 0)
        rc = link_new(proc, AT_SYMLINK_FOLLOW, path, len, linked, err);
    if (close(fd) != 0 && rc == 0)
        rc = st_err_set(err, ST_ERR_IO, "cannot close '%s': %s", path,
                        strerror(errno));
    return rc;
}

int
st_archive_store(const char *archive_dir, const void *data, size_t len,
                 char *hex, int *created, struct st_err *err)
{
    st_sha256_hex(data, len, hex);
    return st_archive_store_hashed(archive_dir, data, len, hex, created, err);
}

int
st_archive_store_hashed(const char *archive_dir, const void *data, size_t len,
                        const char *hex, int *created, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_buf path;
    struct st_buf dir;
    struct st_buf tmp;
    int fd = -1;
    int linked = 0;

    if (created != NULL)
        *created = 0;
    st_buf_init(&path, ST_PATH_MAX);
    st_buf_init(&dir, ST_PATH_MAX);
    st_buf_init(&tmp, ST_PATH_MAX);
    st_archive_path(archive_dir, hex, &path);
    st_buf_add(&dir, path.data, path.len - (ST_SHA256_HEX_LEN - 2) - 1);
    st_buf_addf(&tmp, "%s/.tmp-%.8s-XXXXXX", dir.data, hex);
    if ((rc = st_buf_error(&path)) != 0 || (rc = st_buf_error(&dir)) != 0 ||
        (rc = st_buf_error(&tmp)) != 0) {
        st_err_set(err, rc == ST_ERR_TOOLONG ? ST_ERR_CANTCREAT : rc,
                   "archive path too long under '%s'", archive_dir);
        rc = rc == ST_ERR_TOOLONG ? ST_ERR_CANTCREAT : rc;
        goto out;
    }
    if ((rc = existing(path.data, len, err)) != 0) {
        if (rc == 1)
            rc = 0; /* same hash, same size: nothing to do */
        goto out;
    }
    if ((rc = st_mkdir_p(dir.data, 0750, err)) != 0)
        goto out;
    if ((rc = store_unnamed(dir.data, path.data, data, len, &linked, err)) !=
        1) {
        st_buf_truncate(&tmp, 0);
        if (rc != 0)
            goto out;
        goto synced;
    }
    fd = mkstemp(tmp.data);
    if (fd < 0) {
        rc = st_err_set(err, ST_ERR_CANTCREAT, "cannot create '%s': %s",
                        tmp.data, strerror(errno));
        goto out;
    }
    st_fault_point("archive write");
    rc = write_close(fd, tmp.data, data, len, err);
    fd = -1;
    if (rc != 0 ||
        (rc = link_new(tmp.data, 0, path.data, len, &linked, err)) != 0)
        goto out;
    if (unlink(tmp.data) != 0) {
        rc = st_err_set(err, ST_ERR_IO, "cannot remove '%s': %s", tmp.data,
                        strerror(errno));
        goto out;
    }
    st_buf_truncate(&tmp, 0);
synced:
    if ((rc = st_fsync_dir(dir.data, err)) != 0)
        goto out;
    if (created != NULL)
        *created = linked;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (tmp.len > 0 && rc != 0)
        unlink(tmp.data);
    st_buf_release(&path);
    st_buf_release(&dir);
    st_buf_release(&tmp);
    return rc;
}

int
st_archive_register(struct st_db *db, const struct st_archive_meta *meta,
                    const char *hex, size_t bytes, int *inserted,
                    struct st_err *err)
{
    char nbytes[32];
    char start[ST_DATETIME_LEN + 1];
    char end[ST_DATETIME_LEN + 1];
    const char *params[10];
    PGresult *res = NULL;
    int rc;
    int n;

    if (inserted != NULL)
        *inserted = 0;
    n = snprintf(nbytes, sizeof(nbytes), "%zu", bytes);
    if (n < 0 || (size_t)n >= sizeof(nbytes))
        return st_err_set(err, ST_ERR_INTERNAL, "size does not fit");
    st_datetime_format(meta->settlement_start, start);
    st_datetime_format(meta->settlement_end, end);
    params[0] = meta->seller_id;
    params[1] = hex;
    params[2] = nbytes;
    params[3] = meta->source;
    params[4] = meta->report_id;
    params[5] = meta->original_name;
    params[6] = meta->settlement_id != NULL ? meta->settlement_id : "";
    params[7] = start;
    params[8] = end;
    params[9] = meta->timezone;
    rc =
        st_db_query(db, "queries/insert_raw_report.sql", 10, params, &res, err);
    if (rc == 0 && inserted != NULL)
        *inserted = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    return rc;
}

int
st_archive_business_date(struct st_db *db, int64_t epoch, const char *tz,
                         int32_t *date, struct st_err *err)
{
    static const char *const names[] = {"business_date"};
    char when[ST_DATETIME_LEN + 1];
    const char *params[2];
    PGresult *res = NULL;
    const char *v;
    int col;
    int rc;

    st_datetime_format(epoch, when);
    params[0] = when;
    params[1] = tz;
    rc = st_db_query(db, DATE_QUERY, 2, params, &res, err);
    if (rc != 0 ||
        (rc = st_db_columns(res, names, &col, 1, DATE_QUERY, err)) != 0)
        goto out;
    if (PQntuples(res) != 1) {
        rc =
            st_err_set(err, ST_ERR_INTERNAL, "no business date for '%s'", when);
        goto out;
    }
    v = st_db_text(res, 0, col);
    rc = st_date_parse(v, strlen(v), date, err);
out:
    PQclear(res);
    return rc;
}

#define SETTLEMENT_QUERY "queries/select_raw_report_by_settlement.sql"

int
st_archive_check_settlement(struct st_db *db, const char *seller,
                            const char *settlement_id, const char *hex,
                            const char *name, struct st_err *err)
{
    static const char *const names[] = {"sha256", "original_name"};
    const char *params[2] = {seller, settlement_id};
    PGresult *res = NULL;
    int col[2];
    int rc;
    int i;

    if (settlement_id == NULL || settlement_id[0] == '\0')
        return 0;
    rc = st_db_query(db, SETTLEMENT_QUERY, 2, params, &res, err);
    if (rc != 0 ||
        (rc = st_db_columns(res, names, col, 2, SETTLEMENT_QUERY, err)) != 0 ||
        PQntuples(res) == 0)
        goto out;
    for (i = 0; i < PQntuples(res); i++)
        if (strcmp(st_db_text(res, i, col[0]), hex) == 0)
            goto out; /* these bytes are archived: nothing new */
    rc = st_err_set(err, ST_ERR_DATA,
                    "'%s' (%.12s) has other bytes than settlement %s as "
                    "archived (%.12s, '%s')",
                    name, hex, settlement_id, st_db_text(res, 0, col[0]),
                    st_db_text(res, 0, col[1]));
    st_err_hint(err, "Amazon never changes a settlement report: find out "
                     "which file is right; the archive keeps the first");
out:
    PQclear(res);
    return rc;
}

int
st_archive_has_report(struct st_db *db, const char *seller,
                      const char *report_id, int *found, struct st_err *err)
{
    const char *params[2];
    PGresult *res = NULL;
    int rc;

    *found = 0;
    params[0] = seller;
    params[1] = report_id;
    rc = st_db_query(db, "queries/select_raw_report_by_report_id.sql", 2,
                     params, &res, err);
    if (rc == 0)
        *found = PQntuples(res) > 0;
    PQclear(res);
    return rc;
}
