/* Metric points in PostgreSQL: an append-only series per component and
 * metric, with running summaries folded in on write, and bucketed reads. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "lineaged/store.h"

/* Whether the batch's newest point is newer than the stored one; a tie goes
 * to the batch, which arrived later. */
#define NEWER "(excluded.last_ts, coalesce(excluded.last_step, -1)) >= (s.last_ts, coalesce(s.last_step, -1))"

/* Inserts the batch and merges its statistics into the summaries (Chan's
 * parallel update of mean and M2). The newest point is the last one:
 * greatest timestamp, then greatest step, then latest arrival. */
static const char put_sql[] =
    "with tc as (select id, arn from entity where tenant_id = $1 and kind = 3 and name_key = lower($2)),"
    " pts as (select p->>'MetricName' as name, to_timestamp((p->>'ts')::float8 / 1000) as ts,"
    "  (p->>'Step')::int as step, (p->>'Value')::float8 as value, ord"
    "  from jsonb_array_elements($3::jsonb) with ordinality as e(p, ord)),"
    " ins as (insert into metric_point (component_id, metric_name, ts, step, value)"
    "  select tc.id, name, ts, step, value from tc, pts order by ord"
    "  returning metric_name, ts, step, value, seq),"
    " batch as (select metric_name, count(*) as n, min(value) as mn, max(value) as mx, avg(value) as mean,"
    "  coalesce(var_pop(value), 0) * count(*) as m2, max(ts) as max_ts,"
    "  (array_agg(value order by ts desc, coalesce(step, -1) desc, seq desc))[1] as last_value,"
    "  (array_agg(ts order by ts desc, coalesce(step, -1) desc, seq desc))[1] as last_ts,"
    "  (array_agg(step order by ts desc, coalesce(step, -1) desc, seq desc))[1] as last_step,"
    "  (array_agg(seq order by ts desc, coalesce(step, -1) desc, seq desc))[1] as last_seq"
    "  from ins group by metric_name),"
    " up as (insert into metric_summary as s (component_id, metric_name, shard, source_arn, count, min, max,"
    "  mean, m2, last_value, last_ts, last_step, last_seq, max_ts)"
    "  select tc.id, b.metric_name, pg_backend_pid() % 16, tc.arn, b.n, b.mn, b.mx, b.mean, b.m2, "
    "b.last_value, b.last_ts, b.last_step,"
    "  b.last_seq, b.max_ts from batch b, tc"
    "  on conflict (component_id, metric_name, shard) do update set"
    "  count = s.count + excluded.count, min = least(s.min, excluded.min), max = greatest(s.max, "
    "excluded.max),"
    "  mean = s.mean + (excluded.mean - s.mean) * excluded.count / (s.count + excluded.count),"
    "  m2 = s.m2 + excluded.m2 + (excluded.mean - s.mean) ^ 2 * s.count * excluded.count / (s.count + "
    "excluded.count),"
    "  last_value = case when " NEWER " then excluded.last_value else s.last_value end,"
    "  last_step = case when " NEWER " then excluded.last_step else s.last_step end,"
    "  last_seq = case when " NEWER " then excluded.last_seq else s.last_seq end,"
    "  last_ts = case when " NEWER " then excluded.last_ts else s.last_ts end,"
    "  max_ts = greatest(s.max_ts, excluded.max_ts) returning 1)"
    " select (select count(*) from tc), (select count(*) from up)";

enum ld_err store_metrics_put(struct request *r, const char *component, const char *points, bool *found)
{
    *found = false;
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK || !tenant)
        return e;
    const char *vals[] = {db_param_int(r, tenant), component, points};
    PGresult *res = db_run(r, put_sql, 3, vals, NULL);
    if (!res)
        return r->error;
    *found = db_int64(res, 0, 0) > 0;
    return LD_OK;
}

/* The SQL reduction per statistic, indexed by enum metric_stat. */
static const char *const stat_exprs[] = {
    "min(value)",
    "max(value)",
    "avg(value)",
    "count(*)::float8",
    "coalesce(stddev_samp(value), 0)",
    "(array_agg(value order by ts desc, coalesce(step, -1) desc, seq desc))[1]",
};

enum ld_err store_metrics_get(struct request *r, const char *resource_arn, const char *metric,
                              int64_t period_ms, enum metric_stat stat, const int64_t *start,
                              const int64_t *end, cJSON *x, cJSON *y, bool *found)
{
    *found = false;
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK || !tenant)
        return e;
    /* A job ARN names the component the job recorded into. */
    const char *find[] = {db_param_int(r, tenant), resource_arn};
    PGresult *res = db_run(r,
                           "select id from entity where tenant_id = $1 and kind = 3"
                           " and (arn = lower($2) or lower(source_uri) = lower($2)) order by id limit 1",
                           2, find, NULL);
    if (!res)
        return r->error;
    if (PQntuples(res) == 0)
        return LD_OK;
    *found = true;
    const char *vals[] = {db_text(r, res, 0, 0), metric, db_param_int(r, period_ms),
                          start ? db_param_int(r, *start) : NULL, end ? db_param_int(r, *end) : NULL};
    const char *sql =
        arena_printf(r->arena,
                     "select x, %s from (select case when $3::int8 = 0 then coalesce(step, 0)::int8"
                     " else (floor(extract(epoch from ts) * 1000 / $3::int8) * $3::int8)::int8 end as x, ts, "
                     "step, value, seq"
                     " from metric_point where component_id = $1 and metric_name = $2) p"
                     " where ($4::int8 is null or x >= $4::int8) and ($5::int8 is null or x <= $5::int8)"
                     " group by x order by x",
                     stat_exprs[stat]);
    res = db_run(r, sql, 5, vals, NULL);
    if (!res)
        return r->error;
    for (int i = 0; i < PQntuples(res); i++) {
        cJSON_AddItemToArray(x, cJSON_CreateNumber((double)db_int64(res, i, 0)));
        cJSON_AddItemToArray(y, cJSON_CreateNumber(strtod(PQgetvalue(res, i, 1), NULL)));
    }
    return LD_OK;
}
