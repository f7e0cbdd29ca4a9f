/* The SageMaker Metrics service: BatchPutMetrics with per-item errors in the
 * 200 body, and BatchGetMetrics bucketed in SQL. */
#include <math.h>
#include <string.h>

#include "json_io.h"
#include "lineaged/metric_stats.h"
#include "lineaged/store.h"
#include "lineaged/timefmt.h"
#include "ops.h"

/* Points must lie between two weeks before and two hours after now. */
enum { OLDEST_MS = 14 * 24 * 3600 * 1000, NEWEST_MS = 2 * 3600 * 1000 };

static void add_error(cJSON **errors, cJSON *out, const char *code, int index)
{
    if (!*errors)
        *errors = cJSON_AddArrayToObject(out, "Errors");
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "Code", code);
    cJSON_AddNumberToObject(e, "MetricIndex", index);
    cJSON_AddItemToArray(*errors, e);
}

enum ld_err op_batch_put_metrics(struct request *r, const cJSON *in, cJSON *out)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(in, "MetricData"), *item;
    /* The model allows at most 10 items a call. */
    struct metric_point valid[16];
    bool bad[16] = {false};
    size_t nvalid = 0;
    int64_t now = ldtime_now_ms();
    int index = 0;
    cJSON_ArrayForEach(item, data)
    {
        int64_t ts;
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(item, "Value");
        const cJSON *step = cJSON_GetObjectItemCaseSensitive(item, "Step");
        if (!json_time(item, "Timestamp", &ts) || ts < now - OLDEST_MS || ts > now + NEWEST_MS ||
            !cJSON_IsNumber(value) || !isfinite(value->valuedouble)) { /* "NaN", "Infinity" */
            bad[index++] = true;
            continue;
        }
        valid[nvalid++] = (struct metric_point){
            .name = json_str(item, "MetricName"),
            .ts_ms = ts,
            .has_step = cJSON_IsNumber(step),
            .step = cJSON_IsNumber(step) ? (int)step->valuedouble : 0,
            .value = value->valuedouble,
        };
        index++;
    }
    bool found = false;
    if (nvalid > 0) {
        enum ld_err e = store_metrics_put(r, json_str(in, "TrialComponentName"), valid, nvalid, &found);
        if (e != LD_OK)
            return e;
    }
    /* An unknown component fails every item; the others fail alone. */
    cJSON *errors = NULL;
    for (int i = 0; i < index; i++)
        if (bad[i] || !found)
            add_error(&errors, out, "VALIDATION_ERROR", i);
    return LD_OK;
}

static int index_of(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (s && strcmp(names[i], s) == 0)
            return (int)i;
    return 0;
}

enum ld_err op_batch_get_metrics(struct request *r, const cJSON *in, cJSON *out)
{
    static const char *const stats[] = {"Min", "Max", "Avg", "Count", "StdDev", "Last"};
    static const char *const periods[] = {"IterationNumber", "OneMinute", "FiveMinute", "OneHour"};
    static const int64_t period_ms[] = {0, 60000, 300000, 3600000};
    cJSON *results = cJSON_AddArrayToObject(out, "MetricQueryResults");
    const cJSON *q;
    cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(in, "MetricQueries"))
    {
        cJSON *res = cJSON_CreateObject();
        cJSON_AddItemToArray(results, res);
        const cJSON *start = cJSON_GetObjectItemCaseSensitive(q, "Start"),
                    *end = cJSON_GetObjectItemCaseSensitive(q, "End");
        int64_t s = cJSON_IsNumber(start) ? (int64_t)start->valuedouble : 0,
                e = cJSON_IsNumber(end) ? (int64_t)end->valuedouble : 0;
        cJSON *x = cJSON_CreateArray(), *y = cJSON_CreateArray();
        bool found;
        enum ld_err err = store_metrics_get(r, json_str(q, "ResourceArn"), json_str(q, "MetricName"),
                                            period_ms[index_of(periods, 4, json_str(q, "Period"))],
                                            (enum metric_stat)index_of(stats, 6, json_str(q, "MetricStat")),
                                            cJSON_IsNumber(start) ? &s : NULL,
                                            cJSON_IsNumber(end) ? &e : NULL, x, y, &found);
        cJSON_AddStringToObject(res, "Status",
                                err != LD_OK ? "InternalError"
                                : found      ? "Complete"
                                             : "ValidationError");
        if (err == LD_OK && !found)
            cJSON_AddStringToObject(res, "Message", "No trial component or job has this ResourceArn.");
        cJSON_AddItemToObject(res, "XAxisValues", x);
        cJSON_AddItemToObject(res, "MetricValues", y);
        if (err == LD_ERR_UNAVAILABLE) /* the whole batch fails so clients retry it */
            return err;
    }
    return LD_OK;
}
