/* Request metrics for GET /metrics (Prometheus text format): per-worker shards
 * that only their worker writes, with relaxed atomics, summed when scraped. */
#ifndef LINEAGED_METRICS_H
#define LINEAGED_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "dispatch.h"

struct metrics;

/* Counters for `workers` workers and every operation of the service's models,
 * plus the routes outside them (see metrics.c). Free with metrics_free. */
struct metrics *metrics_create(const struct service *svc, int workers);
void metrics_free(struct metrics *m);

/* Records one answered request on worker `w`'s shard: its operation (NULL
 * when none was recognised), its outcome and how long it took. Called by
 * worker `w` only. */
void metrics_record(struct metrics *m, int w, const char *operation, enum ld_err e, double seconds);

/* Publishes worker `w`'s database connection state. Called by worker `w` only. */
void metrics_set_database(struct metrics *m, int w, bool up, unsigned long connects);

/* The exposition text of every shard summed, in memory from `a`; any thread. */
const char *metrics_render(const struct metrics *m, struct arena *a, size_t *len);

#endif
