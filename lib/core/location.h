/*
 * location.h: where a record is, written the one way every message of
 * settle writes it: FILE:LINE:COL, FILE:LINE or FILE, then ": ".
 *
 * LINE is 1-based, COL is the 1-based field (CSV) or character; either is
 * 0 when unknown and then left out. Used by error lines (lib/core/log),
 * problem lists (lib/core/problems) and the command line's output.
 */
#ifndef ST_LOCATION_H
#define ST_LOCATION_H

#include <stddef.h>

/* Room for a prefix with the longest file name an st_err holds. */
#define ST_LOCATION_MAX 320

/*
 * Writes "FILE:LINE:COL: ", "FILE:LINE: " or "FILE: " into out (size
 * bytes, cut short rather than overflowing; "" when file is NULL or empty)
 * and returns out.
 */
const char *st_location_prefix(char *out, size_t size, const char *file,
                               long line, long col);

#endif
