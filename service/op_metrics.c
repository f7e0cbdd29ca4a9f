/* The SageMaker Metrics service: BatchPutMetrics with per-item errors in the
 * 200 body, and BatchGetMetrics bucketed in SQL. */
#include <math.h>
#include <semaphore.h>
#include <string.h>

#include "json_io.h"
#include "lineaged/metric_stats.h"
#include "lineaged/store.h"
#include "lineaged/timefmt.h"
#include "ops.h"

/* Points must lie between two weeks before and two hours after now. */
enum { OLDEST_MS = 14 * 24 * 3600 * 1000, NEWEST_MS = 2 * 3600 * 1000 };

/* A BatchPutMetrics call: its items' checks, and the write of its valid points. */
struct put_call {
    struct metrics_put put;
    struct metric_point valid[16]; /* the model allows at most 10 items a call */
    bool bad[16];
    int items;
    bool waking; /* after _begin: `wake` follows */
};

struct put_call *op_put_metrics_begin(struct request *r, const cJSON *in, void (*wake)(struct metrics_put *),
                                      void *owner, enum ld_err *e)
{
    struct put_call *c = arena_alloc(r->arena, sizeof *c);
    int64_t now = ldtime_now_ms();
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(in, "MetricData"))
    {
        int64_t ts;
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(item, "Value");
        const cJSON *step = cJSON_GetObjectItemCaseSensitive(item, "Step");
        if (!json_time(item, "Timestamp", &ts) || ts < now - OLDEST_MS || ts > now + NEWEST_MS ||
            !cJSON_IsNumber(value) || !isfinite(value->valuedouble)) { /* "NaN", "Infinity" */
            c->bad[c->items++] = true;
            continue;
        }
        c->valid[c->put.n++] = (struct metric_point){
            .name = json_str(item, "MetricName"),
            .ts_ms = ts,
            .has_step = cJSON_IsNumber(step),
            .step = cJSON_IsNumber(step) ? (int)step->valuedouble : 0,
            .value = value->valuedouble,
        };
        c->items++;
    }
    c->put.component = json_str(in, "TrialComponentName");
    c->put.points = c->valid;
    c->put.wake = wake;
    c->put.owner = owner;
    c->put.state = PUT_WRITTEN;
    *e = c->put.n > 0 ? store_metrics_put_begin(r, &c->put, &c->waking) : LD_OK;
    return c;
}

bool op_put_metrics_waking(const struct put_call *c)
{
    return c->waking;
}

enum ld_err op_put_metrics_resume(struct request *r, struct put_call *c)
{
    return store_metrics_put_resume(r, &c->put);
}

void op_put_metrics_reply(const struct put_call *c, cJSON *out)
{
    /* An unknown component fails every item; the others fail alone. */
    cJSON *errors = NULL;
    for (int i = 0; i < c->items; i++)
        if (c->bad[i] || !c->put.found) {
            if (!errors)
                errors = cJSON_AddArrayToObject(out, "Errors");
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "Code", "VALIDATION_ERROR");
            cJSON_AddNumberToObject(e, "MetricIndex", i);
            cJSON_AddItemToArray(errors, e);
        }
}

static void post(struct metrics_put *put)
{
    sem_post(put->owner);
}

enum ld_err op_batch_put_metrics(struct request *r, const cJSON *in, cJSON *out)
{
    sem_t woken;
    sem_init(&woken, 0, 0);
    enum ld_err e;
    struct put_call *c = op_put_metrics_begin(r, in, post, &woken, &e);
    if (op_put_metrics_waking(c)) {
        while (sem_wait(&woken) != 0) /* EINTR */
            ;
        e = op_put_metrics_resume(r, c);
    }
    sem_destroy(&woken);
    if (e == LD_OK)
        op_put_metrics_reply(c, out);
    return e;
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
