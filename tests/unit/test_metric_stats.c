/* Metric statistics: batch summaries and exact merges, checked against
 * statistics computed directly from the points. */
#include <criterion/criterion.h>
#include <math.h>

#include "lineaged/metric_stats.h"

/* Sample standard deviation computed the direct, two-pass way. */
static double direct_stddev(const double *v, size_t n)
{
    double mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mean += v[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    return n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
}

static struct metric_point pt(const char *name, int64_t ts, int step, double v)
{
    return (struct metric_point){.name = name, .ts_ms = ts, .has_step = step >= 0, .step = step, .value = v};
}

Test(metric_stats, summarises_each_name_in_order_of_appearance)
{
    struct metric_point p[] = {pt("loss", 1000, 0, 3), pt("acc", 1000, 0, 0.5), pt("loss", 2000, 1, 1),
                               pt("loss", 3000, 2, 5)};
    struct metric_summary s[4];
    size_t n = metric_summarise(p, 4, s);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(s[0].name, "loss");
    cr_assert_str_eq(s[1].name, "acc");
    cr_assert_eq(s[0].count, 3);
    cr_assert_float_eq(s[0].min, 1, 1e-12);
    cr_assert_float_eq(s[0].max, 5, 1e-12);
    cr_assert_float_eq(s[0].mean, 3, 1e-12);
    cr_assert_float_eq(metric_stddev(&s[0]), 2, 1e-12);
    cr_assert_float_eq(s[0].last_value, 5, 1e-12);
    cr_assert_eq(s[0].max_ts_ms, 3000);
    cr_assert_eq(s[1].count, 1);
    cr_assert_float_eq(metric_stddev(&s[1]), 0, 1e-12);
}

Test(metric_stats, merging_batches_equals_summarising_all_points)
{
    double v[200];
    struct metric_point p[200];
    for (int i = 0; i < 200; i++) {
        v[i] = 1e6 + sin(i) * 3.0 + (i % 7); /* a large mean stresses cancellation */
        p[i] = pt("m", 1000 + i, i, v[i]);
    }
    struct metric_summary total, part;
    metric_summarise(p, 13, &total);
    for (int start = 13; start < 200; start += 29) {
        size_t len = start + 29 <= 200 ? 29 : (size_t)(200 - start);
        metric_summarise(p + start, len, &part);
        metric_merge(&total, &part);
    }
    cr_assert_eq(total.count, 200);
    double mean = 0;
    for (int i = 0; i < 200; i++)
        mean += v[i] / 200;
    cr_assert_float_eq(total.mean, mean, 1e-6);
    cr_assert_float_eq(metric_stddev(&total), direct_stddev(v, 200), 1e-9);
    cr_assert_float_eq(total.last_value, v[199], 1e-12);
}

Test(metric_stats, last_is_greatest_time_then_step_then_arrival)
{
    struct metric_summary s;
    struct metric_point by_time[] = {pt("m", 2000, 0, 1), pt("m", 1000, 9, 2)};
    metric_summarise(by_time, 2, &s);
    cr_assert_float_eq(s.last_value, 1, 1e-12);
    struct metric_point by_step[] = {pt("m", 1000, 5, 1), pt("m", 1000, 3, 2)};
    metric_summarise(by_step, 2, &s);
    cr_assert_float_eq(s.last_value, 1, 1e-12);
    struct metric_point no_step[] = {pt("m", 1000, 0, 1), pt("m", 1000, -1, 2)};
    metric_summarise(no_step, 2, &s);
    cr_assert_float_eq(s.last_value, 1, 1e-12, "a missing step counts as -1");
    struct metric_point tie[] = {pt("m", 1000, 4, 1), pt("m", 1000, 4, 2)};
    metric_summarise(tie, 2, &s);
    cr_assert_float_eq(s.last_value, 2, 1e-12, "the later arrival wins a tie");
}

Test(metric_stats, merge_keeps_the_newer_last_point)
{
    struct metric_summary a, b;
    struct metric_point newer = pt("m", 5000, 1, 7), older = pt("m", 4000, 1, 9);
    metric_summarise(&newer, 1, &a);
    metric_summarise(&older, 1, &b);
    b.last_order = 100; /* arrived later, but is older in time */
    metric_merge(&a, &b);
    cr_assert_float_eq(a.last_value, 7, 1e-12);
    cr_assert_eq(a.max_ts_ms, 5000);
    cr_assert_float_eq(a.min, 7, 1e-12);
    cr_assert_float_eq(a.max, 9, 1e-12);
}
