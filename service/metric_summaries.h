/* The metric summaries of many components in one query, in parts, for the
 * store files that send it beside a statement of their own (one round trip). */
#ifndef LINEAGED_METRIC_SUMMARIES_H
#define LINEAGED_METRIC_SUMMARIES_H

#include <cJSON.h>
#include <libpq-fe.h>

#include "lineaged/request.h"

/* The summary shards of components $1 (an array), with each one's place in
 * the array, so that a row finds its output without a search; the doubles
 * as their bits (db_float8). */
#define METRIC_SUMMARIES_SQL                                                                                 \
    "select s.metric_name, s.source_arn, s.count, float8send(s.min), float8send(s.max),"                     \
    " float8send(s.mean), float8send(s.m2), float8send(s.last_value),"                                       \
    " (extract(epoch from s.last_ts) * 1000)::int8, s.last_step, s.last_seq,"                                \
    " (extract(epoch from s.max_ts) * 1000)::int8, c.place"                                                  \
    " from unnest($1::int8[]) with ordinality c (id, place) join metric_summary s on s.component_id = c.id"  \
    " order by c.place, s.metric_name, s.shard"

/* Appends the TrialComponentMetricSummary objects of METRIC_SUMMARIES_SQL's
 * result `res` to out_arrays[k] for the k-th component (none where it is NULL). */
void metric_summaries_read(struct request *r, const PGresult *res, cJSON *const *out_arrays);

#endif
