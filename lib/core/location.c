/*
 * location.c: the FILE:LINE[:COL] prefix.
 */
#include <stdio.h>

#include "core/location.h"
#include "core/banned.h"

const char *
st_location_prefix(char *out, size_t size, const char *file, long line,
                   long col)
{
    int n;

    if (size == 0)
        return out;
    out[0] = '\0';
    if (file == NULL || file[0] == '\0')
        return out;
    if (line > 0 && col > 0)
        n = snprintf(out, size, "%s:%ld:%ld: ", file, line, col);
    else if (line > 0)
        n = snprintf(out, size, "%s:%ld: ", file, line);
    else
        n = snprintf(out, size, "%s: ", file);
    if (n < 0)
        out[0] = '\0'; /* a cut-short prefix is kept: it still locates */
    return out;
}
