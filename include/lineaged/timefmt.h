/* Timestamps on the wire: epoch seconds (integer or fraction) or ISO-8601 in,
 * epoch seconds with a millisecond fraction out. Internally: epoch milliseconds. */
#ifndef LINEAGED_TIMEFMT_H
#define LINEAGED_TIMEFMT_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

/* Parses a JSON number (epoch seconds) or string (ISO-8601 such as
 * 2024-01-02T03:04:05Z, 2024-01-02T03:04:05.123+02:00, or a numeric string)
 * into epoch milliseconds. Returns false if `v` is neither. */
bool ldtime_parse(const cJSON *v, int64_t *ms_out);

/* Parses a string alone, as ldtime_parse does for a JSON string. */
bool ldtime_parse_text(const char *s, int64_t *ms_out);

/* Writes `ms` as epoch seconds with three decimals ("1650241311.366") into
 * buf (at least 32 bytes); returns buf. */
char *ldtime_format(int64_t ms, char buf[32]);

/* The current wall-clock time in epoch milliseconds. */
int64_t ldtime_now_ms(void);

/* Seconds on a monotonic clock, for durations and pauses. */
double ldtime_monotonic(void);

#endif
