/*
 * date.h: calendar dates and UTC instants, parsed and printed by hand.
 *
 * A date is an int32_t count of days since 1970-01-01 (negative before); an
 * instant is an int64_t count of seconds since the epoch, UTC. Conversions
 * are pure arithmetic (proleptic Gregorian), independent of TZ and locale.
 * Amazon's report timestamps come in two styles, "2015-10-01T11:10:34 -0700"
 * and "2015-05-18T15:48:50-0000"; both, plus "+hh:mm" and "Z", are accepted.
 */
#ifndef ST_DATE_H
#define ST_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define ST_DATE_LEN     10 /* "YYYY-MM-DD" */
#define ST_DATETIME_LEN 20 /* "YYYY-MM-DDTHH:MM:SSZ" */

/* Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31). */
int32_t st_date_from_civil(int y, int m, int d);

/* The civil date of days since 1970-01-01. */
void st_date_to_civil(int32_t days, int *y, int *m, int *d);

/* Parses exactly "YYYY-MM-DD" (a real calendar date). ST_ERR_DATA if not. */
int st_date_parse(const char *s, size_t len, int32_t *days, struct st_err *err);

/* Writes "YYYY-MM-DD" and a NUL to out (ST_DATE_LEN + 1 bytes). */
void st_date_format(int32_t days, char *out);

/*
 * Parses "YYYY-MM-DDTHH:MM:SS" followed by an optional space and a zone:
 * "Z", "+hhmm", "-hhmm" or "+hh:mm", into seconds since the epoch (UTC).
 * ST_ERR_DATA quoting the text when it is anything else.
 */
int st_datetime_parse(const char *s, size_t len, int64_t *epoch,
                      struct st_err *err);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" and a NUL (ST_DATETIME_LEN + 1 bytes). */
void st_datetime_format(int64_t epoch, char *out);

/* The UTC date (days since the epoch) of an instant. */
int32_t st_datetime_date(int64_t epoch);

#endif
