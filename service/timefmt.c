/* Wire timestamps: epoch seconds or ISO-8601 in, epoch seconds with
 * milliseconds out, epoch milliseconds inside. */
#include "lineaged/timefmt.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Reads exactly n digits at *p, advancing it. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* Epoch seconds in the range botocore can represent, as milliseconds. */
static bool seconds_to_ms(double s, int64_t *ms_out)
{
    if (!isfinite(s) || s < -62135596800.0 || s > 253402300799.0)
        return false;
    *ms_out = (int64_t)llround(s * 1000.0);
    return true;
}

static bool parse_offset(const char **p, int *offset_min)
{
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        *offset_min = 0;
        return true;
    }
    if (**p != '+' && **p != '-')
        return false;
    int sign = **p == '-' ? -1 : 1, hh, mm;
    (*p)++;
    if (!digits(p, 2, &hh))
        return false;
    if (**p == ':')
        (*p)++;
    if (!digits(p, 2, &mm))
        return false;
    *offset_min = sign * (hh * 60 + mm);
    return true;
}

static bool parse_iso(const char *s, int64_t *ms_out)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, sec = 0, offset = 0;
    int64_t frac_ms = 0;
    const char *p = s;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d))
        return false;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
            return false;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &sec))
                return false;
            if (*p == '.' || *p == ',') {
                p++;
                int scale = 100, n = 0;
                while (isdigit((unsigned char)*p)) {
                    frac_ms += (*p - '0') * scale;
                    scale /= 10;
                    p++;
                    n++;
                }
                if (n == 0)
                    return false;
            }
        }
        if (*p && !parse_offset(&p, &offset))
            return false;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return false;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (tm.tm_mday != d) /* timegm normalised an impossible date such as Feb 30 */
        return false;
    *ms_out = ((int64_t)t - (int64_t)offset * 60) * 1000 + frac_ms;
    return true;
}

bool ldtime_parse_text(const char *s, int64_t *ms_out)
{
    char *end;
    double v = strtod(s, &end);
    if (end != s && *end == '\0' && !isspace((unsigned char)*s))
        return seconds_to_ms(v, ms_out);
    return parse_iso(s, ms_out);
}

bool ldtime_parse(const cJSON *v, int64_t *ms_out)
{
    if (cJSON_IsNumber(v))
        return seconds_to_ms(v->valuedouble, ms_out);
    if (cJSON_IsString(v))
        return ldtime_parse_text(v->valuestring, ms_out);
    return false;
}

char *ldtime_format(int64_t ms, char buf[32])
{
    int64_t s = ms / 1000, frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        s -= 1;
    }
    /* By hand, not snprintf: a reply prints one per record and per metric,
     * and snprintf was most of what building a Search reply's records cost. */
    char rev[20];
    int n = 0;
    uint64_t u = s < 0 ? 0 - (uint64_t)s : (uint64_t)s;
    do {
        rev[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    char *p = buf;
    if (s < 0)
        *p++ = '-';
    while (n)
        *p++ = rev[--n];
    p[0] = '.';
    p[1] = (char)('0' + frac / 100);
    p[2] = (char)('0' + frac / 10 % 10);
    p[3] = (char)('0' + frac % 10);
    p[4] = '\0';
    return buf;
}

int64_t ldtime_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double ldtime_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
