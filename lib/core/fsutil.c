/*
 * fsutil.c: atomic file output and small filesystem helpers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fault.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "core/banned.h"

int
st_mkdir_p(const char *dir, unsigned mode, struct st_err *err)
{
    char *p = NULL;
    char *s;
    int rc = ST_ERR_NOMEM;

    p = st_strdup(dir);
    if (p == NULL)
        return st_err_set(err, rc, "out of memory");
    for (s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        {
            char c = *s;

            *s = '\0';
            if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
                rc = st_err_set(err, ST_ERR_CANTCREAT,
                                "cannot create directory '%s': %s", p,
                                strerror(errno));
                goto out;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    {
        struct stat st;

        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            rc = st_err_set(err, ST_ERR_CANTCREAT, "'%s' is not a directory",
                            dir);
            goto out;
        }
    }
    rc = 0;
out:
    st_free(p);
    return rc;
}

int
st_fsync_dir(const char *dir, struct st_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;

    if (fd < 0)
        return st_err_set(err, ST_ERR_IO, "cannot open directory '%s': %s", dir,
                          strerror(errno));
    if (fsync(fd) != 0)
        rc = st_err_set(err, ST_ERR_IO, "cannot sync directory '%s': %s", dir,
                        strerror(errno));
    close(fd);
    return rc;
}

int
st_fsync_path(const char *path, struct st_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc = 0;

    if (fd < 0)
        return st_err_set(err, ST_ERR_IO, "cannot sync '%s': %s", path,
                          strerror(errno));
    if (fsync(fd) != 0 && errno != EINVAL)
        rc = st_err_set(err, ST_ERR_IO, "cannot sync '%s': %s", path,
                        strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = st_err_set(err, ST_ERR_IO, "cannot sync '%s': %s", path,
                        strerror(errno));
    return rc;
}

int
st_remove_tree(const char *dir, struct st_err *err)
{
    DIR *d = opendir(dir);
    const struct dirent *e;

    if (d != NULL) {
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            (void)unlinkat(dirfd(d), e->d_name, 0); /* rmdir reports it */
        }
        (void)closedir(d); /* read only */
    }
    if (rmdir(dir) != 0)
        return st_err_set(err, ST_ERR_IO, "cannot remove '%s': %s", dir,
                          strerror(errno));
    return 0;
}

static char *
dir_of(const char *path)
{
    const char *slash = path != NULL ? strrchr(path, '/') : NULL;

    if (path == NULL)
        return NULL;
    if (slash == NULL)
        return st_strdup(".");
    if (slash == path)
        return st_strdup("/");
    return st_memdup(path, (size_t)(slash - path));
}

int
st_atomic_open(struct st_atomic_file *af, const char *path, struct st_err *err)
{
    struct st_buf b;
    int fd = -1;
    int rc = ST_ERR_NOMEM;

    memset(af, 0, sizeof(*af));
    st_buf_init(&b, 4096);
    st_buf_addstr(&b, path);
    st_buf_addstr(&b, ".tmp-XXXXXX");
    af->path = st_strdup(path);
    af->tmp = st_buf_detach(&b, NULL);
    if (af->path == NULL || af->tmp == NULL) {
        st_err_set(err, rc, "out of memory");
        goto fail;
    }
    fd = mkstemp(af->tmp);
    if (fd < 0) {
        rc = st_err_set(err, ST_ERR_CANTCREAT, "cannot create '%s': %s", path,
                        strerror(errno));
        st_free(af->tmp);
        af->tmp = NULL;
        goto fail;
    }
    if (fchmod(fd, 0644) != 0 || (af->f = fdopen(fd, "wb")) == NULL) {
        rc = st_err_set(err, ST_ERR_CANTCREAT, "cannot create '%s': %s", path,
                        strerror(errno));
        close(fd);
        goto fail;
    }
    return 0;
fail:
    st_atomic_abort(af);
    return rc;
}

int
st_atomic_commit(struct st_atomic_file *af, struct st_err *err)
{
    char *dir = NULL;
    int rc = ST_ERR_IO;
    FILE *f = af->f;

    af->f = NULL;
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
        rc = st_err_set(err, ST_ERR_IO, "cannot write '%s': %s", af->path,
                        strerror(errno));
        (void)fclose(f); /* already failed */
        goto out;
    }
    if (fclose(f) != 0) {
        rc = st_err_set(err, ST_ERR_IO, "cannot write '%s': %s", af->path,
                        strerror(errno));
        goto out;
    }
    st_fault_point("rename file");
    if (rename(af->tmp, af->path) != 0) {
        rc = st_err_set(err, ST_ERR_CANTCREAT, "cannot rename into '%s': %s",
                        af->path, strerror(errno));
        goto out;
    }
    st_free(af->tmp);
    af->tmp = NULL; /* renamed: nothing to remove */
    dir = dir_of(af->path);
    if (dir == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = st_fsync_dir(dir, err);
out:
    st_free(dir);
    st_atomic_abort(af);
    return rc;
}

void
st_atomic_abort(struct st_atomic_file *af)
{
    if (af == NULL)
        return;
    if (af->f != NULL)
        (void)fclose(af->f); /* abandoned: its errors do not matter */
    if (af->tmp != NULL)
        unlink(af->tmp);
    st_free(af->tmp);
    st_free(af->path);
    memset(af, 0, sizeof(*af));
}

int
st_file_write_atomic(const char *path, const void *data, size_t len,
                     struct st_err *err)
{
    struct st_atomic_file af;
    int rc;

    if ((rc = st_atomic_open(&af, path, err)) != 0)
        return rc;
    if (len > 0 && fwrite(data, 1, len, af.f) != len) {
        rc = st_err_set(err, ST_ERR_IO, "cannot write '%s': %s", path,
                        strerror(errno));
        st_atomic_abort(&af);
        return rc;
    }
    return st_atomic_commit(&af, err);
}

int
st_file_read_all(const char *path, char **data, size_t *len, struct st_err *err)
{
    FILE *f = NULL;
    struct st_buf b;
    char chunk[65536];
    size_t n;
    int rc = ST_ERR_IO;

    *data = NULL;
    *len = 0;
    st_buf_init(&b, (size_t)1 << 34);
    f = fopen(path, "rb");
    if (f == NULL) {
        rc = st_err_set(err, errno == ENOENT ? ST_ERR_NOINPUT : ST_ERR_IO,
                        "cannot read '%s': %s", path, strerror(errno));
        goto out;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        st_buf_add(&b, chunk, n);
    if (ferror(f)) {
        rc = st_err_set(err, ST_ERR_IO, "cannot read '%s': %s", path,
                        strerror(errno));
        goto out;
    }
    if (st_buf_error(&b) != 0) {
        rc = st_err_set(err, st_buf_error(&b), "cannot read '%s': %s", path,
                        st_strerror(st_buf_error(&b)));
        goto out;
    }
    *data = st_buf_detach(&b, len);
    rc = *data != NULL ? 0 : st_err_set(err, ST_ERR_NOMEM, "out of memory");
out:
    if (f != NULL)
        (void)fclose(f); /* read only */
    st_buf_release(&b);
    return rc;
}
