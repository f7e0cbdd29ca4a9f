/* Trial membership of components, and the metric summaries a component's
 * Describe shows, in PostgreSQL. */
#include <libpq-fe.h>
#include <math.h>
#include <stdlib.h>

#include "db.h"
#include "json_io.h"
#include "lineaged/store.h"

enum ld_err store_membership_set(struct request *r, const char *component, const char *trial, bool add,
                                 const char **component_arn, const char **trial_arn)
{
    struct entity tc, t;
    enum ld_err e = store_entity_get(r, KIND_TRIAL_COMPONENT, component, &tc);
    if (e == LD_OK)
        e = store_entity_get(r, KIND_TRIAL, trial, &t);
    if (e != LD_OK)
        return e;
    const char *vals[] = {db_param_int(r, t.id), db_param_int(r, tc.id)};
    if (!db_run(r,
                add ? "insert into trial_membership (trial_id, component_id) values ($1, $2) on conflict do "
                      "nothing"
                    : "delete from trial_membership where trial_id = $1 and component_id = $2",
                2, vals, NULL))
        return r->error;
    *component_arn = tc.arn;
    *trial_arn = t.arn;
    return LD_OK;
}

enum ld_err store_metric_summaries(struct request *r, int64_t component_id, cJSON *out_array)
{
    const char *vals[] = {db_param_int(r, component_id)};
    /* Combines the shards: counts add, means weight by count, and M2 adds
     * each shard's own plus its count times its mean's squared distance from
     * the combined mean. Last is the newest point of any shard. */
    PGresult *res =
        db_run(r,
               "with s as (select * from metric_summary where component_id = $1),"
               " a as (select metric_name, min(source_arn) as source_arn, max(max_ts) as max_ts,"
               "  max(max) as mx, min(min) as mn, sum(count) as n, sum(count * mean) / sum(count) as mean"
               "  from s group by metric_name)"
               " select a.metric_name, a.source_arn, (extract(epoch from a.max_ts) * 1000)::int8, a.mx,"
               "  a.mn, (select s.last_value from s where s.metric_name = a.metric_name"
               "   order by s.last_ts desc, coalesce(s.last_step, -1) desc, s.last_seq desc limit 1),"
               "  a.n, a.mean, (select sum(s.m2 + s.count * (s.mean - a.mean) ^ 2) from s"
               "   where s.metric_name = a.metric_name)"
               " from a order by a.metric_name",
               1, vals, NULL);
    if (!res)
        return r->error;
    for (int i = 0; i < PQntuples(res); i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddItemToArray(out_array, m);
        long long count = (long long)db_int64(res, i, 6);
        double m2 = strtod(PQgetvalue(res, i, 8), NULL);
        json_put_str(m, "MetricName", PQgetvalue(res, i, 0));
        json_put_str(m, "SourceArn", db_text(r, res, i, 1));
        json_put_time(m, "TimeStamp", db_int64(res, i, 2));
        cJSON_AddNumberToObject(m, "Max", strtod(PQgetvalue(res, i, 3), NULL));
        cJSON_AddNumberToObject(m, "Min", strtod(PQgetvalue(res, i, 4), NULL));
        cJSON_AddNumberToObject(m, "Last", strtod(PQgetvalue(res, i, 5), NULL));
        cJSON_AddNumberToObject(m, "Count", (double)count);
        cJSON_AddNumberToObject(m, "Avg", strtod(PQgetvalue(res, i, 7), NULL));
        /* Sample standard deviation; one point has none, shown as 0. */
        cJSON_AddNumberToObject(m, "StdDev", count > 1 ? sqrt(m2 / (double)(count - 1)) : 0.0);
    }
    return LD_OK;
}
