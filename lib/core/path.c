/*
 * path.c: DIR/NAME, bounded.
 */
#include <stdio.h>

#include "core/path.h"
#include "core/banned.h"

int
st_path_join(char *out, size_t size, const char *dir, const char *name,
             struct st_err *err)
{
    int n = snprintf(out, size, "%s/%s", dir, name);

    if (n < 0 || (size_t)n >= size) {
        if (size > 0)
            out[0] = '\0';
        return st_err_set(err, ST_ERR_CANTCREAT, "path too long: '%s/%s'", dir,
                          name);
    }
    return 0;
}

void
st_path_add(struct st_buf *b, const char *dir, const char *name)
{
    st_buf_addf(b, "%s/%s", dir, name);
}
