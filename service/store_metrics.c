/* Metric points in PostgreSQL: an append-only series per component and
 * metric, with running summaries folded in on write, and bucketed reads. */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "db.h"
#include "lineaged/metric_stats.h"
#include "lineaged/store.h"

/* Whether the batch's newest point is newer than the stored one; a tie goes
 * to the batch, which arrived later. */
#define NEWER "(excluded.last_ts, coalesce(excluded.last_step, -1)) >= (s.last_ts, coalesce(s.last_step, -1))"

/* Appends the points of one or more calls, a row per series holding its
 * points ($3..$5, grouped by series in arrival order; the series' slice is
 * [$19, $20]), and folds each series' summary of the batch (computed by the
 * caller, in lock order) into this instance's shard, in one statement. Each
 * series names its component by index into $2. The batch draws one sequence
 * value: a point's order is that value times 65536 plus its place in its
 * series' row, and the batch's last arrival order the value times 65536 plus
 * its count of points (016). Returns the indexes of the components found. */
static const char put_sql[] =
    "with tc as (select c.i, e.id, e.arn from unnest($2::text[]) with ordinality as c(name, i)"
    "  join entity e on e.tenant_id = $1::int and e.kind = 3 and e.name_key = lower(c.name)),"
    " q as (select nextval('metric_chunk_seq') * 65536 as base),"
    " b as (select tc.id, tc.arn, u.* from unnest($7::int[], $8::text[], $9::int8[], $10::float8[],"
    "  $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::float8[], $16::int[], $17::float8[],"
    "  $18::float8[], $19::int[], $20::int[]) with ordinality"
    "  as u(c, n, cnt, mn, mx, mean, m2, lv, lt, ls, mt, ft, lo, hi, o)"
    "  join tc on tc.i = u.c),"
    " ins as (insert into metric_chunk (tenant_id, component_id, metric_name, ts, seq, ts_ms, steps, vals)"
    "  select $1::int, b.id, b.n, to_timestamp(b.ft / 1000), (select base from q), ($3::int8[])[b.lo:b.hi],"
    "  ($4::int[])[b.lo:b.hi], ($5::float8[])[b.lo:b.hi] from b),"
    " up as (insert into metric_summary as s (tenant_id, component_id, metric_name, shard, source_arn, count,"
    "  min, max, mean, m2, last_value, last_ts, last_step, last_seq, max_ts)"
    "  select $1::int, b.id, b.n, $6::int2, b.arn, b.cnt, b.mn, b.mx, b.mean, b.m2, b.lv,"
    "  to_timestamp(b.lt / 1000), b.ls, (select base from q) + cardinality($3::int8[]),"
    "  to_timestamp(b.mt / 1000)"
    "  from b order by b.o"
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
    "  max_ts = greatest(s.max_ts, excluded.max_ts))"
    " select i from tc";

/* A series' summary in a batch, with its component's index and name. */
struct put_series {
    size_t component;
    const char *component_name;
    struct metric_summary s;
};

/* Concurrent calls of one tenant are written together: a caller that finds no
 * write of its tenant in flight takes every queued call of that tenant and
 * writes them in one statement (one commit, and one summary update per series
 * rather than per call); the others queue, and their workers serve other
 * requests meanwhile, so a batch can carry every call in flight. The writer
 * then wakes exactly its batch's calls (answered once committed, so a 200
 * still means committed) and hands the next write to the oldest queued call
 * of the tenant, on that call's own worker and connection. As an instance
 * writes a tenant's series one batch at a time, it keeps one summary shard per
 * series, so Describe reads one row per metric whatever the load was. */
enum { PUT_BATCH_MAX = 64, PUT_WRITERS_MAX = 256, PUT_ATTEMPTS = 4 };
static pthread_mutex_t put_lock = PTHREAD_MUTEX_INITIALIZER;
static struct metrics_put *put_queue; /* oldest first */
/* Tenants with a batch in flight or handed on: one per worker at most (--workers <= 256). */
static int32_t put_writing[PUT_WRITERS_MAX];
static size_t put_writing_count;

static bool tenant_writing(int32_t tenant)
{
    for (size_t i = 0; i < put_writing_count; i++)
        if (put_writing[i] == tenant)
            return true;
    return false;
}

/* Takes the oldest queued calls of `tenant` (up to `max` of them) off the queue into `batch`. */
static size_t take_queued(int32_t tenant, struct metrics_put **batch, size_t max)
{
    size_t k = 0;
    for (struct metrics_put **p = &put_queue; *p && k < max;) {
        struct metrics_put *j = *p;
        if (j->tenant == tenant) {
            batch[k++] = j;
            *p = j->next;
        } else {
            p = &j->next;
        }
    }
    return k;
}

static int series_order(const void *pa, const void *pb)
{
    const struct put_series *a = pa, *b = pb;
    int c = strcasecmp(a->component_name, b->component_name);
    return c ? c : strcmp(a->s.name, b->s.name);
}

/* Writes the `k` calls of `batch` (one tenant) in one statement on r's
 * connection: sets each call's found, or returns the error. */
static enum ld_err write_batch(struct request *r, struct metrics_put *const *batch, size_t k)
{
    /* Components by first appearance, named case-insensitively as lower() does
     * for the ASCII names the API allows; each call's index among them. */
    const char **comps = arena_alloc(r->arena, k * sizeof *comps);
    size_t *comp_of = arena_alloc(r->arena, k * sizeof *comp_of), ncomp = 0, n = 0;
    for (size_t j = 0; j < k; j++) {
        size_t c = 0;
        while (c < ncomp && strcasecmp(comps[c], batch[j]->component) != 0)
            c++;
        if (c == ncomp)
            comps[ncomp++] = batch[j]->component;
        comp_of[j] = c;
        n += batch[j]->n;
    }
    /* Points in arrival order; each component's series summarised over its calls in that order. */
    struct metric_point *points = arena_alloc(r->arena, n * sizeof *points);
    struct put_series *series = arena_alloc(r->arena, n * sizeof *series);
    struct metric_summary *sums = arena_alloc(r->arena, n * sizeof *sums);
    size_t g = 0;
    for (size_t c = 0; c < ncomp; c++) {
        size_t m = 0;
        for (size_t j = 0; j < k; j++)
            if (comp_of[j] == c)
                for (size_t i = 0; i < batch[j]->n; i++)
                    points[m++] = batch[j]->points[i];
        size_t gc = metric_summarise(points, m, sums);
        for (size_t i = 0; i < gc; i++)
            series[g++] = (struct put_series){.component = c, .component_name = comps[c], .s = sums[i]};
    }
    /* Every writer updates a batch's summary rows in the same order (by names),
     * so two writers of one row (another instance) wait for each other, never
     * deadlock. */
    qsort(series, g, sizeof *series, series_order);
    /* Each series' points, in arrival order, make its slice of the point
     * columns; every array but the names' goes in binary. */
    struct db_array pc[3], sc[13];
    static const enum db_elem point_types[3] = {DB_INT8, DB_INT4, DB_FLOAT8};
    /* $7, $9..$20: component, count, min, max, mean, m2, last value, last
     * time, last step, newest time, earliest time, slice bounds. */
    static const enum db_elem series_types[13] = {DB_INT4,   DB_INT8,   DB_FLOAT8, DB_FLOAT8, DB_FLOAT8,
                                                  DB_FLOAT8, DB_FLOAT8, DB_FLOAT8, DB_INT4,   DB_FLOAT8,
                                                  DB_FLOAT8, DB_INT4,   DB_INT4};
    for (int c = 0; c < 3; c++)
        db_array_begin(r, &pc[c], point_types[c], n);
    for (int c = 0; c < 13; c++)
        db_array_begin(r, &sc[c], series_types[c], g);
    const char **names = arena_alloc(r->arena, g * sizeof *names);
    size_t p = 0;
    for (size_t i = 0; i < g; i++) {
        const struct metric_summary *m = &series[i].s;
        int64_t first = INT64_MAX, lo = (int64_t)p + 1;
        for (size_t j = 0; j < k; j++)
            for (size_t x = 0; comp_of[j] == series[i].component && x < batch[j]->n; x++) {
                const struct metric_point *pt = &batch[j]->points[x];
                if (strcmp(pt->name, m->name) != 0)
                    continue;
                db_array_int(&pc[0], pt->ts_ms, false);
                db_array_int(&pc[1], pt->step, !pt->has_step);
                db_array_double(&pc[2], pt->value);
                first = pt->ts_ms < first ? pt->ts_ms : first;
                p++;
            }
        names[i] = m->name;
        db_array_int(&sc[0], (int64_t)series[i].component + 1, false);
        db_array_int(&sc[1], m->count, false);
        db_array_double(&sc[2], m->min);
        db_array_double(&sc[3], m->max);
        db_array_double(&sc[4], m->mean);
        db_array_double(&sc[5], m->m2);
        db_array_double(&sc[6], m->last_value);
        db_array_double(&sc[7], (double)m->last_ts_ms);
        db_array_int(&sc[8], m->last_step, !m->has_last_step);
        db_array_double(&sc[9], (double)m->max_ts_ms);
        db_array_double(&sc[10], (double)first);
        db_array_int(&sc[11], lo, false);
        db_array_int(&sc[12], (int64_t)p, false);
    }
    const char *vals[20] = {db_param_int(r, batch[0]->tenant), db_param_array(r, comps, ncomp, true)};
    int lengths[20] = {0}, formats[20] = {0};
    for (int c = 0; c < 16; c++) {
        struct db_array *a = c < 3 ? &pc[c] : &sc[c - 3];
        int param = c < 3 ? 2 + c : c == 3 ? 6 : c + 4; /* $3..$5, $7, $9..$20 */
        vals[param] = (const char *)a->data;
        lengths[param] = db_array_length(a);
        formats[param] = 1;
    }
    vals[5] = db_param_int(r, getpid() % 16);
    vals[7] = db_param_array(r, names, g, true);
    PGresult *res = db_run_binary(r, put_sql, 20, vals, lengths, formats);
    if (!res)
        return r->error;
    for (int i = 0; i < PQntuples(res); i++)
        for (size_t j = 0; j < k; j++)
            if ((int64_t)comp_of[j] + 1 == db_int64(res, i, 0))
                batch[j]->found = true;
    return LD_OK;
}

/* Writes the batch `lead` heads on r's connection, then settles each of its
 * calls and hands the tenant's next write on. */
static void write_as_lead(struct request *r, struct metrics_put *lead)
{
    /* Its own call first, then the tenant's calls queued meanwhile. */
    struct metrics_put *batch[PUT_BATCH_MAX] = {lead}, *next = NULL;
    pthread_mutex_lock(&put_lock);
    size_t k = 1 + take_queued(lead->tenant, batch + 1, PUT_BATCH_MAX - 1);
    pthread_mutex_unlock(&put_lock);
    enum ld_err e = write_batch(r, batch, k);
    if (e != LD_OK && k == 1) {
        lead->error = e;
        lead->message = r->message;
    }
    store_end_request(r->store);
    pthread_mutex_lock(&put_lock);
    if (!take_queued(lead->tenant, &next, 1)) {
        size_t w = 0;
        while (put_writing[w] != lead->tenant)
            w++;
        put_writing[w] = put_writing[--put_writing_count];
    }
    pthread_mutex_unlock(&put_lock);
    /* Each call's owner may free it once woken: nothing of it is read after. */
    for (size_t j = 0; j < k; j++) {
        /* A failed batch of several calls may have failed on one call's
         * data: each is written again alone and gets its own answer. */
        batch[j]->state = e != LD_OK && k > 1 ? PUT_FAILED : PUT_WRITTEN;
        if (j > 0)
            batch[j]->wake(batch[j]);
    }
    if (next) {
        next->state = PUT_LEAD;
        next->wake(next);
    }
}

enum ld_err store_metrics_put_begin(struct request *r, struct metrics_put *put, bool *waking)
{
    put->state = PUT_WRITTEN;
    put->found = false;
    put->error = LD_OK;
    *waking = false;
    enum ld_err e = db_tenant(r, false, &put->tenant);
    if (e != LD_OK || !put->tenant)
        return e;
    *waking = true;
    pthread_mutex_lock(&put_lock);
    if (tenant_writing(put->tenant)) {
        struct metrics_put **tail = &put_queue;
        while (*tail)
            tail = &(*tail)->next;
        put->next = NULL;
        put->state = PUT_QUEUED;
        *tail = put;
        pthread_mutex_unlock(&put_lock);
        return LD_OK;
    }
    put_writing[put_writing_count++] = put->tenant;
    pthread_mutex_unlock(&put_lock);
    /* It writes on its owner's next turn, not now: calls its worker has read
     * meanwhile (ready on its other connections) queue and join its batch
     * rather than each waiting for a write of its own on that worker. */
    put->state = PUT_LEAD;
    put->wake(put);
    return LD_OK;
}

enum ld_err store_metrics_put_resume(struct request *r, struct metrics_put *put)
{
    if (put->state == PUT_LEAD)
        write_as_lead(r, put);
    for (int attempt = 1; put->state == PUT_FAILED; attempt++) {
        r->error = LD_OK;
        r->message = NULL;
        struct metrics_put *self = put;
        enum ld_err e = write_batch(r, &self, 1);
        /* A deadlock or serialisation failure rolled it back: it runs again. */
        bool conflict = store_end_request(r->store);
        if (e == LD_OK || !conflict || attempt == PUT_ATTEMPTS) {
            put->state = PUT_WRITTEN;
            put->error = e;
            put->message = r->message;
        }
    }
    if (put->error != LD_OK) {
        r->error = put->error;
        r->message = put->message;
    }
    return put->error;
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
    const char *sql = arena_printf(
        r->arena,
        "select x, %s from (select case when $3::int8 = 0 then coalesce(p.step, 0)::int8"
        " else p.ts / $3::int8 * $3::int8 end as x, p.ts, p.step, p.value,"
        " c.seq + p.k as seq from metric_chunk c, unnest(c.ts_ms, c.steps, c.vals) with ordinality"
        " as p(ts, step, value, k) where c.component_id = $1 and c.metric_name = $2) p"
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
