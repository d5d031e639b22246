/*
 * publish.c: a temporary directory of outputs, renamed into place.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fault.h"
#include "core/alloc.h"
#include "core/fsutil.h"
#include "report/publish.h"
#include "core/banned.h"

void
st_publish_init(struct st_publish *p)
{
    memset(p, 0, sizeof(*p));
}

static int
valid_component(const char *s)
{
    size_t i;

    if (s == NULL || s[0] == '\0' || strcmp(s, ".") == 0 ||
        strcmp(s, "..") == 0 || strlen(s) > 200)
        return 0;
    for (i = 0; s[i] != '\0'; i++)
        if (s[i] == '/' || (unsigned char)s[i] < 0x20)
            return 0;
    return 1;
}

/* mkdtemp makes 0700; the published directory follows the umask. */
static int
set_mode(const char *dir, struct st_err *err)
{
    mode_t mask = umask(0);

    (void)umask(mask);
    if (chmod(dir, 0777 & ~mask) != 0)
        return st_err_set(err, ST_ERR_CANTCREAT,
                          "cannot set the mode of '%s': %s", dir,
                          strerror(errno));
    return 0;
}

/*
 * What a process killed while publishing this date left in parent: its
 * temporary directories (removed) and, killed between the two renames of
 * replace(), the previous outputs moved aside (put back when the date has
 * none, else removed). The caller holds the date's lock, so no live
 * process is writing them.
 */
static void
clear_stale(const struct st_publish *p)
{
    char tmp_pre[ST_PUBLISH_DIR_MAX + 8];
    char old_pre[ST_PUBLISH_DIR_MAX + 8];
    char path[ST_PATH_MAX];
    struct dirent *e;
    DIR *d = opendir(p->parent);

    if (d == NULL)
        return; /* mkdtemp below says what is wrong */
    (void)snprintf(tmp_pre, sizeof(tmp_pre), ".%s.tmp-", p->name);
    (void)snprintf(old_pre, sizeof(old_pre), ".%s.old-", p->name);
    while ((e = readdir(d)) != NULL) {
        int is_old = strncmp(e->d_name, old_pre, strlen(old_pre)) == 0;

        if ((!is_old && strncmp(e->d_name, tmp_pre, strlen(tmp_pre)) != 0) ||
            st_path_join(path, sizeof(path), p->parent, e->d_name, NULL) != 0)
            continue;
        if (is_old && access(p->final, F_OK) != 0 && errno == ENOENT &&
            rename(path, p->final) == 0)
            continue;
        (void)st_remove_tree(path, NULL); /* best effort: only litter */
    }
    (void)closedir(d); /* read only */
}

/* The temporary directory for name in p->parent, made when missing. */
static int
prepare_in(struct st_publish *p, const char *name, struct st_err *err)
{
    size_t len = strlen(name);
    int rc;
    int n;

    if (len >= sizeof(p->name))
        return st_err_set(err, ST_ERR_INTERNAL, "name '%.40s'", name);
    memcpy(p->name, name, len + 1);
    if ((rc = st_path_join(p->final, sizeof(p->final), p->parent, name, err)) !=
            0 ||
        (rc = st_mkdir_p(p->parent, 0777, err)) != 0)
        return rc;
    clear_stale(p);
    n = snprintf(p->tmp, sizeof(p->tmp), "%s/.%s.tmp-XXXXXX", p->parent, name);
    if (n < 0 || (size_t)n >= sizeof(p->tmp))
        return st_err_set(err, ST_ERR_CANTCREAT, "path too long");
    if (mkdtemp(p->tmp) == NULL)
        return st_err_set(err, ST_ERR_CANTCREAT,
                          "cannot create a directory in '%s': %s", p->parent,
                          strerror(errno));
    p->have_tmp = 1;
    return set_mode(p->tmp, err);
}

int
st_publish_prepare(struct st_publish *p, const char *out_dir,
                   const char *seller_id, const char *date, struct st_err *err)
{
    int rc;

    if (!valid_component(seller_id))
        return st_err_set(err, ST_ERR_CONFIG,
                          "seller_id '%s' cannot name a directory", seller_id);
    if (strlen(date) > ST_DATE_LEN)
        return st_err_set(err, ST_ERR_INTERNAL, "date '%.20s'", date);
    if ((rc = st_path_join(p->parent, sizeof(p->parent), out_dir, seller_id,
                           err)) != 0)
        return rc;
    return prepare_in(p, date, err);
}

int
st_publish_prepare_period(struct st_publish *p, const char *out_dir,
                          const char *seller_id, const char *from,
                          const char *to, struct st_err *err)
{
    char seller_dir[ST_PATH_MAX];
    char name[ST_PUBLISH_DIR_MAX];
    int rc;
    int n;

    if (!valid_component(seller_id))
        return st_err_set(err, ST_ERR_CONFIG,
                          "seller_id '%s' cannot name a directory", seller_id);
    n = snprintf(name, sizeof(name), "%s_%s", from, to);
    if (n < 0 || (size_t)n >= sizeof(name))
        return st_err_set(err, ST_ERR_INTERNAL, "period '%.40s'", from);
    if ((rc = st_path_join(seller_dir, sizeof(seller_dir), out_dir, seller_id,
                           err)) != 0 ||
        (rc = st_path_join(p->parent, sizeof(p->parent), seller_dir, "period",
                           err)) != 0)
        return rc;
    return prepare_in(p, name, err);
}

int
st_publish_add(struct st_publish *p, const char *name, char *path, size_t size,
               struct st_err *err)
{
    char(*outputs)[ST_PUBLISH_NAME_MAX];
    size_t len = strlen(name);
    int rc;

    if (len >= ST_PUBLISH_NAME_MAX)
        return st_err_set(err, ST_ERR_INTERNAL, "output name too long");
    if ((rc = st_path_join(path, size, p->tmp, name, err)) != 0)
        return rc;
    outputs = st_reallocarray(p->outputs, p->noutputs + 1, sizeof(*outputs));
    if (outputs == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    p->outputs = outputs;
    memcpy(p->outputs[p->noutputs++], name, len + 1);
    return 0;
}

/* Moves the previous outputs aside, puts the new ones in, drops the old. */
static int
replace(struct st_publish *p, struct st_err *err)
{
    char old[ST_PATH_MAX];
    int n;

    n = snprintf(old, sizeof(old), "%s/.%s.old-XXXXXX", p->parent, p->name);
    if (n < 0 || (size_t)n >= sizeof(old) || mkdtemp(old) == NULL)
        return st_err_set(err, ST_ERR_CANTCREAT,
                          "cannot create a directory in '%s'", p->parent);
    if (rename(p->final, old) != 0) {
        int e = errno;

        (void)rmdir(old);
        return st_err_set(err, ST_ERR_CANTCREAT, "cannot move '%s' aside: %s",
                          p->final, strerror(e));
    }
    st_fault_point("publish: previous outputs moved aside");
    if (rename(p->tmp, p->final) != 0) {
        int e = errno;

        (void)rename(old, p->final);
        return st_err_set(err, ST_ERR_CANTCREAT,
                          "cannot rename '%s' to '%s': %s", p->tmp, p->final,
                          strerror(e));
    }
    p->have_tmp = 0;
    (void)st_fsync_path(p->parent, NULL); /* published: best effort now */
    (void)st_remove_tree(old, NULL);
    return 0;
}

int
st_publish_commit(struct st_publish *p, struct st_err *err)
{
    int rc;

    if ((rc = st_fsync_path(p->tmp, err)) != 0)
        return rc;
    st_fault_point("publish");
    if (rename(p->tmp, p->final) == 0) {
        p->have_tmp = 0;
        (void)st_fsync_path(p->parent, NULL); /* published: best effort now */
        return 0;
    }
    if (errno != EEXIST && errno != ENOTEMPTY)
        return st_err_set(err, ST_ERR_CANTCREAT,
                          "cannot rename '%s' to '%s': %s", p->tmp, p->final,
                          strerror(errno));
    return replace(p, err);
}

void
st_publish_release(struct st_publish *p)
{
    if (p == NULL)
        return;
    if (p->have_tmp)
        (void)st_remove_tree(p->tmp, NULL); /* clean-up: best effort */
    st_free(p->outputs);
    st_publish_init(p);
}
