/* Wire timestamps: epoch seconds and ISO-8601 in, milliseconds out. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "lineaged/timefmt.h"

static int64_t parse_json(const char *text, bool *ok)
{
    cJSON *v = cJSON_Parse(text);
    int64_t ms = -1;
    *ok = ldtime_parse(v, &ms);
    cJSON_Delete(v);
    return ms;
}

Test(timefmt, epoch_integer_and_fraction)
{
    bool ok;
    cr_assert_eq(parse_json("1672531200", &ok), 1672531200000LL);
    cr_assert(ok);
    cr_assert_eq(parse_json("1650241311.366", &ok), 1650241311366LL);
    cr_assert(ok);
    cr_assert_eq(parse_json("\"1672531200\"", &ok), 1672531200000LL);
    cr_assert(ok);
}

Test(timefmt, iso8601_forms)
{
    int64_t ms;
    cr_assert(ldtime_parse_text("2023-01-01T00:00:00Z", &ms));
    cr_assert_eq(ms, 1672531200000LL);
    cr_assert(ldtime_parse_text("2023-01-01T00:00:00.250Z", &ms));
    cr_assert_eq(ms, 1672531200250LL);
    cr_assert(ldtime_parse_text("2023-01-01T02:00:00+02:00", &ms));
    cr_assert_eq(ms, 1672531200000LL);
    cr_assert(ldtime_parse_text("2023-01-01", &ms));
    cr_assert_eq(ms, 1672531200000LL);
    cr_assert(ldtime_parse_text("2023-01-01T00:00:00", &ms));
    cr_assert_eq(ms, 1672531200000LL);
}

Test(timefmt, rejects_what_is_not_a_time)
{
    int64_t ms;
    cr_assert_not(ldtime_parse_text("yesterday", &ms));
    cr_assert_not(ldtime_parse_text("2023-02-30T00:00:00Z", &ms));
    cr_assert_not(ldtime_parse_text("2023-13-01", &ms));
    cr_assert_not(ldtime_parse_text("", &ms));
    cr_assert_not(ldtime_parse_text("2023-01-01T00:00:00Zjunk", &ms));
    bool ok;
    parse_json("true", &ok);
    cr_assert_not(ok);
    parse_json("1e300", &ok);
    cr_assert_not(ok);
}

Test(timefmt, formats_seconds_with_milliseconds)
{
    char buf[32];
    cr_assert_str_eq(ldtime_format(1650241311366LL, buf), "1650241311.366");
    cr_assert_str_eq(ldtime_format(1650241311000LL, buf), "1650241311.000");
    cr_assert_str_eq(ldtime_format(5LL, buf), "0.005");
    cr_assert_str_eq(ldtime_format(-1LL, buf), "-1.999");
    cr_assert_str_eq(ldtime_format(-1000LL, buf), "-1.000");
    cr_assert_str_eq(ldtime_format(0LL, buf), "0.000");
    cr_assert_str_eq(ldtime_format(INT64_MAX, buf), "9223372036854775.807");
    cr_assert_str_eq(ldtime_format(INT64_MIN, buf), "-9223372036854776.192");
    /* The same text as printf's "%lld.%03lld" of floor-divided seconds. */
    for (int64_t ms = -100000; ms <= 100000; ms += 7) {
        char want[32];
        int64_t s = ms >= 0 || ms % 1000 == 0 ? ms / 1000 : ms / 1000 - 1;
        snprintf(want, sizeof want, "%lld.%03lld", (long long)s, (long long)(ms - s * 1000));
        cr_assert_str_eq(ldtime_format(ms, buf), want);
    }
}
