/* Trial membership of components, and the metric summaries a component's
 * Describe shows, in PostgreSQL. */
#include <libpq-fe.h>
#include <string.h>

#include "db.h"
#include "json_io.h"
#include "lineaged/metric_stats.h"
#include "lineaged/store.h"
#include "metric_summaries.h"

enum ld_err store_membership_set(struct request *r, const char *component, const char *trial, bool add,
                                 const char **component_arn, const char **trial_arn)
{
    struct entity tc, t;
    enum ld_err e = store_entity_get(r, KIND_TRIAL_COMPONENT, component, &tc);
    if (e == LD_OK)
        e = store_entity_get(r, KIND_TRIAL, trial, &t);
    if (e == LD_OK)
        e = db_audit(r);
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

void metric_summaries_read(struct request *r, const PGresult *res, cJSON *const *out_arrays)
{
    /* Rows of one component and name are its shards: merge them into one summary. */
    int rows = PQntuples(res);
    for (int i = 0; i < rows;) {
        struct metric_summary total = {0};
        const char *name = PQgetvalue(res, i, 0), *source = db_text(r, res, i, 1);
        int64_t place = db_int64(res, i, 12);
        cJSON *out_array = out_arrays[place - 1];
        for (bool first = true;
             i < rows && db_int64(res, i, 12) == place && strcmp(PQgetvalue(res, i, 0), name) == 0;
             i++, first = false) {
            struct metric_summary shard = {
                .count = db_int64(res, i, 2),
                .min = db_float8(res, i, 3),
                .max = db_float8(res, i, 4),
                .mean = db_float8(res, i, 5),
                .m2 = db_float8(res, i, 6),
                .last_value = db_float8(res, i, 7),
                .last_ts_ms = db_int64(res, i, 8),
                .has_last_step = !PQgetisnull(res, i, 9),
                .last_step = (int)db_int64(res, i, 9),
                .last_order = db_int64(res, i, 10),
                .max_ts_ms = db_int64(res, i, 11),
            };
            if (first)
                total = shard;
            else
                metric_merge(&total, &shard);
        }
        if (!out_array)
            continue;
        cJSON *m = cJSON_CreateObject();
        cJSON_AddItemToArray(out_array, m);
        json_put_str(m, "MetricName", name);
        json_put_str(m, "SourceArn", source);
        json_put_time(m, "TimeStamp", total.max_ts_ms);
        cJSON_AddItemToObjectCS(m, "Max", cJSON_CreateNumber(total.max));
        cJSON_AddItemToObjectCS(m, "Min", cJSON_CreateNumber(total.min));
        cJSON_AddItemToObjectCS(m, "Last", cJSON_CreateNumber(total.last_value));
        cJSON_AddItemToObjectCS(m, "Count", cJSON_CreateNumber((double)total.count));
        cJSON_AddItemToObjectCS(m, "Avg", cJSON_CreateNumber(total.mean));
        cJSON_AddItemToObjectCS(m, "StdDev", cJSON_CreateNumber(metric_stddev(&total)));
    }
}

enum ld_err store_metric_summaries(struct request *r, const int64_t *component_ids, size_t n,
                                   cJSON *const *out_arrays)
{
    if (n == 0)
        return LD_OK;
    const char **ids = arena_alloc(r->arena, n * sizeof *ids);
    for (size_t k = 0; k < n; k++)
        ids[k] = db_param_int(r, component_ids[k]);
    const char *vals[] = {db_param_array(r, ids, n, false)};
    PGresult *res = db_run(r, METRIC_SUMMARIES_SQL, 1, vals, NULL);
    if (!res)
        return r->error;
    metric_summaries_read(r, res, out_arrays);
    return LD_OK;
}
