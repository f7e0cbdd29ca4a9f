/* Metric points in PostgreSQL: an append-only series per component and
 * metric, with running summaries folded in on write, and bucketed reads. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "lineaged/metric_stats.h"
#include "lineaged/store.h"

/* Whether the batch's newest point is newer than the stored one; a tie goes
 * to the batch, which arrived later. */
#define NEWER "(excluded.last_ts, coalesce(excluded.last_step, -1)) >= (s.last_ts, coalesce(s.last_step, -1))"

/* Appends the points and folds the batch's summaries (computed by the caller)
 * into the connection's shard of each series, in one statement. The batch's
 * last arrival order is the greatest sequence number it was given. */
static const char put_sql[] =
    "with tc as (select id, arn from entity where tenant_id = $1 and kind = 3 and name_key = lower($2)),"
    " ins as (insert into metric_point (tenant_id, component_id, metric_name, ts, step, value)"
    "  select $1, tc.id, u.n, to_timestamp(u.t / 1000), u.s, u.v"
    "  from tc, unnest($3::text[], $4::float8[], $5::int[], $6::float8[]) as u(n, t, s, v) returning seq),"
    " up as (insert into metric_summary as s (tenant_id, component_id, metric_name, shard, source_arn, count,"
    "  min, max, mean, m2, last_value, last_ts, last_step, last_seq, max_ts)"
    "  select $1, tc.id, b.n, pg_backend_pid() % 16, tc.arn, b.c, b.mn, b.mx, b.mean, b.m2, b.lv,"
    "  to_timestamp(b.lt / 1000), b.ls, (select max(seq) from ins), to_timestamp(b.mt / 1000)"
    "  from tc, unnest($7::text[], $8::int8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[],"
    "  $13::float8[], $14::float8[], $15::int[], $16::float8[]) as b(n, c, mn, mx, mean, m2, lv, lt, ls, mt)"
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

enum ld_err store_metrics_put(struct request *r, const char *component, const struct metric_point *points,
                              size_t n, bool *found)
{
    *found = false;
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK || !tenant)
        return e;
    struct metric_summary *sums = arena_alloc(r->arena, n * sizeof *sums);
    size_t g = metric_summarise(points, n, sums);
    /* Columns of the points, then of the summaries, as text array elements. */
    const char **col = arena_alloc(r->arena, (4 * n + 10 * g) * sizeof *col);
    const char **names = col, **ts = col + n, **steps = col + 2 * n, **values = col + 3 * n;
    for (size_t i = 0; i < n; i++) {
        names[i] = points[i].name;
        ts[i] = db_param_int(r, points[i].ts_ms);
        steps[i] = points[i].has_step ? db_param_int(r, points[i].step) : NULL;
        values[i] = db_param_double(r, points[i].value);
    }
    const char **sc = col + 4 * n;
    for (size_t i = 0; i < g; i++) {
        const struct metric_summary *m = &sums[i];
        sc[i] = m->name;
        sc[g + i] = db_param_int(r, m->count);
        sc[2 * g + i] = db_param_double(r, m->min);
        sc[3 * g + i] = db_param_double(r, m->max);
        sc[4 * g + i] = db_param_double(r, m->mean);
        sc[5 * g + i] = db_param_double(r, m->m2);
        sc[6 * g + i] = db_param_double(r, m->last_value);
        sc[7 * g + i] = db_param_int(r, m->last_ts_ms);
        sc[8 * g + i] = m->has_last_step ? db_param_int(r, m->last_step) : NULL;
        sc[9 * g + i] = db_param_int(r, m->max_ts_ms);
    }
    const char *vals[16] = {db_param_int(r, tenant), component};
    for (int c = 0; c < 4; c++)
        vals[2 + c] = db_param_array(r, col + (size_t)c * n, n, c == 0);
    for (int c = 0; c < 10; c++)
        vals[6 + c] = db_param_array(r, sc + (size_t)c * g, g, c == 0);
    PGresult *res = db_run(r, put_sql, 16, vals, NULL);
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
                           " and (arn = lower($2) or source_uri_fold = lower($2)) order by id limit 1",
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
