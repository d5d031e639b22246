/*
 * date.c: civil-date arithmetic after Howard Hinnant's days_from_civil, and
 * strict fixed-width parsers. No strptime, no timegm, no TZ.
 */
#include <stdio.h>

#include "core/date.h"
#include "core/banned.h"

int32_t
st_date_from_civil(int y, int m, int d)
{
    int era;
    unsigned yoe;
    unsigned doy;
    unsigned doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

void
st_date_to_civil(int32_t days, int *y, int *m, int *d)
{
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)yoe + era * 400 + (*m <= 2);
}

/* Reads n digits at s into *v; -1 if any is not a digit. */
static int
digits(const char *s, int n, int *v)
{
    int i;

    *v = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

static int
days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dm[m - 1];
}

/* "YYYY-MM-DD" at s (at least 10 bytes) into y, m, d; -1 if invalid. */
static int
parse_ymd(const char *s, int *y, int *m, int *d)
{
    if (digits(s, 4, y) != 0 || s[4] != '-' || digits(s + 5, 2, m) != 0 ||
        s[7] != '-' || digits(s + 8, 2, d) != 0)
        return -1;
    if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    return 0;
}

int
st_date_parse(const char *s, size_t len, int32_t *days, struct st_err *err)
{
    int y;
    int m;
    int d;

    *days = 0;
    if (len != ST_DATE_LEN || parse_ymd(s, &y, &m, &d) != 0)
        return st_err_set(err, ST_ERR_DATA,
                          "invalid date '%.*s': want YYYY-MM-DD",
                          (int)(len > 40 ? 40 : len), s);
    *days = st_date_from_civil(y, m, d);
    return 0;
}

void
st_date_format(int32_t days, char *out)
{
    int y;
    int m;
    int d;

    st_date_to_civil(days, &y, &m, &d);
    /* Years stay within 4 digits for the dates parse_ymd accepts. */
    if (snprintf(out, ST_DATE_LEN + 1, "%04d-%02d-%02d", y % 10000, m, d) !=
        ST_DATE_LEN)
        out[0] = '\0';
}

int
st_datetime_parse(const char *s, size_t len, int64_t *epoch, struct st_err *err)
{
    int y;
    int mo;
    int d;
    int h;
    int mi;
    int sec;
    int zh = 0;
    int zm = 0;
    int sign = 1;
    size_t i = 19;

    *epoch = 0;
    if (len < 20 || parse_ymd(s, &y, &mo, &d) != 0 || s[10] != 'T' ||
        digits(s + 11, 2, &h) != 0 || s[13] != ':' ||
        digits(s + 14, 2, &mi) != 0 || s[16] != ':' ||
        digits(s + 17, 2, &sec) != 0 || h > 23 || mi > 59 || sec > 60)
        goto bad;
    if (s[i] == ' ')
        i++;
    if (i < len && s[i] == 'Z' && i + 1 == len) {
        /* UTC */
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        sign = s[i] == '-' ? -1 : 1;
        i++;
        if (len - i == 4 && digits(s + i, 2, &zh) == 0 &&
            digits(s + i + 2, 2, &zm) == 0) {
        } else if (len - i == 5 && s[i + 2] == ':' &&
                   digits(s + i, 2, &zh) == 0 &&
                   digits(s + i + 3, 2, &zm) == 0) {
        } else {
            goto bad;
        }
        if (zh > 23 || zm > 59)
            goto bad;
    } else {
        goto bad;
    }
    *epoch = (int64_t)st_date_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 +
             (int64_t)mi * 60 + sec -
             (int64_t)sign * ((int64_t)zh * 3600 + (int64_t)zm * 60);
    return 0;
bad:
    return st_err_set(err, ST_ERR_DATA,
                      "invalid date-time '%.*s': want "
                      "YYYY-MM-DDTHH:MM:SS[ ]+hhmm",
                      (int)(len > 40 ? 40 : len), s);
}

int32_t
st_datetime_date(int64_t epoch)
{
    int64_t days = epoch / 86400;

    if (epoch % 86400 < 0)
        days--;
    return (int32_t)days;
}

void
st_datetime_format(int64_t epoch, char *out)
{
    int32_t days = st_datetime_date(epoch);
    int64_t rem = epoch - (int64_t)days * 86400;
    int y;
    int m;
    int d;

    st_date_to_civil(days, &y, &m, &d);
    if (snprintf(out, ST_DATETIME_LEN + 1, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                 y % 10000, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
                 (int)(rem % 60)) != ST_DATETIME_LEN)
        out[0] = '\0';
}
