/* Batch summaries and exact merges of metric statistics. */
#include "lineaged/metric_stats.h"

#include <math.h>
#include <string.h>

/* Whether (ts, step, order) of `b`'s last point is at least that of `a`'s. */
static bool newer_or_same(const struct metric_summary *a, const struct metric_summary *b)
{
    int sa = a->has_last_step ? a->last_step : -1, sb = b->has_last_step ? b->last_step : -1;
    if (b->last_ts_ms != a->last_ts_ms)
        return b->last_ts_ms > a->last_ts_ms;
    if (sb != sa)
        return sb > sa;
    return b->last_order >= a->last_order;
}

static void from_point(const struct metric_point *p, int64_t order, struct metric_summary *s)
{
    *s = (struct metric_summary){
        .name = p->name,
        .count = 1,
        .min = p->value,
        .max = p->value,
        .mean = p->value,
        .m2 = 0,
        .last_value = p->value,
        .last_ts_ms = p->ts_ms,
        .has_last_step = p->has_step,
        .last_step = p->step,
        .last_order = order,
        .max_ts_ms = p->ts_ms,
    };
}

void metric_merge(struct metric_summary *a, const struct metric_summary *b)
{
    double n = (double)(a->count + b->count), delta = b->mean - a->mean;
    a->m2 += b->m2 + delta * delta * (double)a->count * (double)b->count / n;
    a->mean += delta * (double)b->count / n;
    a->count += b->count;
    a->min = fmin(a->min, b->min);
    a->max = fmax(a->max, b->max);
    if (b->max_ts_ms > a->max_ts_ms)
        a->max_ts_ms = b->max_ts_ms;
    if (newer_or_same(a, b)) {
        a->last_value = b->last_value;
        a->last_ts_ms = b->last_ts_ms;
        a->has_last_step = b->has_last_step;
        a->last_step = b->last_step;
        a->last_order = b->last_order;
    }
}

size_t metric_summarise(const struct metric_point *points, size_t n, struct metric_summary *out)
{
    size_t groups = 0;
    for (size_t i = 0; i < n; i++) {
        struct metric_summary one;
        from_point(&points[i], (int64_t)i, &one);
        size_t g = 0;
        while (g < groups && strcmp(out[g].name, points[i].name) != 0)
            g++;
        if (g == groups)
            out[groups++] = one;
        else
            metric_merge(&out[g], &one);
    }
    return groups;
}

double metric_stddev(const struct metric_summary *s)
{
    return s->count > 1 ? sqrt(s->m2 / (double)(s->count - 1)) : 0.0;
}
