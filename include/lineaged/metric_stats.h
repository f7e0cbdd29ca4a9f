/* Running statistics of a metric series: summarising a batch of points and
 * merging summaries (Chan et al.'s parallel update of mean and M2), so the
 * store folds writes without rescanning points and readers combine shards. */
#ifndef LINEAGED_METRIC_STATS_H
#define LINEAGED_METRIC_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct metric_point {
    const char *name;
    int64_t ts_ms;
    bool has_step;
    int step;
    double value;
};

/* The newest point is the one with the greatest (timestamp, step), a missing
 * step counting as -1; `order` breaks ties, later arrivals winning. */
struct metric_summary {
    const char *name;
    int64_t count;
    double min, max, mean, m2;
    double last_value;
    int64_t last_ts_ms;
    bool has_last_step;
    int last_step;
    int64_t last_order;
    int64_t max_ts_ms;
};

/* Summarises `points` per metric name into `out` (room for `n` entries, names
 * borrowed from the points) in order of first appearance; returns how many.
 * A point's index in the batch is its order. */
size_t metric_summarise(const struct metric_point *points, size_t n, struct metric_summary *out);

/* Folds `b` into `a` (same metric): counts add, means and M2 combine exactly,
 * and the newer last point wins. */
void metric_merge(struct metric_summary *a, const struct metric_summary *b);

/* The sample standard deviation; 0 for fewer than two points. */
double metric_stddev(const struct metric_summary *s);

#endif
