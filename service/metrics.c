/* Request counters, error counters and latency histograms by operation, and
 * the database connection of each worker, rendered as Prometheus text. */
#include "metrics.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Route names beside the models' operations. */
static const char *const ROUTES[] = {"Health", "Metrics", "NativeAPI", "Unknown"};
#define UNKNOWN_ROUTE "Unknown"

/* Upper bounds of the latency buckets, in seconds; one more bucket is +Inf. */
static const double BOUNDS[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,    0.25,  0.5,    1,     2.5,  5,     10};
enum { BUCKETS = sizeof BOUNDS / sizeof BOUNDS[0] + 1 };

enum {
    ERR_CODES = 0
#define LD_ERROR(code, wire, status, has_message) +1
#include "lineaged/errors.def"
#undef LD_ERROR
};

typedef _Atomic uint64_t counter;

struct op_stats {
    counter requests;
    counter errors[ERR_CODES];
    counter buckets[BUCKETS]; /* not cumulative; summed up when rendered */
    counter micros;
};

struct shard {
    struct op_stats *ops; /* indexed like metrics.names */
    _Atomic int database_up;
    counter database_connects;
};

struct metrics {
    const char **names; /* sorted */
    size_t n_names;
    struct shard *shards;
    int workers;
};

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fputs("lineaged: out of memory\n", stderr);
        abort();
    }
    return p;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct metrics *metrics_create(const struct service *svc, int workers)
{
    struct metrics *m = xcalloc(1, sizeof *m);
    const struct api_model *models[] = {svc->sagemaker, svc->metrics};
    size_t n = sizeof ROUTES / sizeof ROUTES[0];
    for (size_t i = 0; i < 2; i++)
        n += model_op_count(models[i]);
    m->names = xcalloc(n, sizeof *m->names);
    for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++)
        m->names[m->n_names++] = ROUTES[i];
    for (size_t i = 0; i < 2; i++)
        for (size_t k = 0; k < model_op_count(models[i]); k++)
            m->names[m->n_names++] = model_op_name(model_op_at(models[i], k));
    qsort(m->names, m->n_names, sizeof *m->names, compare_names);
    m->workers = workers;
    m->shards = xcalloc((size_t)workers, sizeof *m->shards);
    for (int w = 0; w < workers; w++)
        m->shards[w].ops = xcalloc(m->n_names, sizeof *m->shards[w].ops);
    return m;
}

void metrics_free(struct metrics *m)
{
    if (!m)
        return;
    for (int w = 0; w < m->workers; w++)
        free(m->shards[w].ops);
    free(m->shards);
    free(m->names);
    free(m);
}

/* Only the shard's own worker writes it: a plain load and store suffice, and
 * atomics keep the scraping thread's reads well defined. */
static void bump(counter *c, uint64_t by)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by, memory_order_relaxed);
}

static uint64_t read_counter(const counter *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

static size_t name_index(const struct metrics *m, const char *operation)
{
    const char *key = operation ? operation : UNKNOWN_ROUTE;
    const char **found = bsearch(&key, m->names, m->n_names, sizeof *m->names, compare_names);
    if (!found) {
        key = UNKNOWN_ROUTE;
        found = bsearch(&key, m->names, m->n_names, sizeof *m->names, compare_names);
    }
    return (size_t)(found - m->names);
}

void metrics_record(struct metrics *m, int w, const char *operation, enum ld_err e, double seconds)
{
    struct op_stats *s = &m->shards[w].ops[name_index(m, operation)];
    size_t b = 0;
    while (b < BUCKETS - 1 && seconds > BOUNDS[b])
        b++;
    bump(&s->requests, 1);
    if (e != LD_OK)
        bump(&s->errors[e], 1);
    bump(&s->buckets[b], 1);
    bump(&s->micros, (uint64_t)(seconds * 1e6));
}

void metrics_set_database(struct metrics *m, int w, bool up, unsigned long connects)
{
    atomic_store_explicit(&m->shards[w].database_up, up, memory_order_relaxed);
    atomic_store_explicit(&m->shards[w].database_connects, connects, memory_order_relaxed);
}

/* One operation's counters summed over the shards. */
struct op_totals {
    uint64_t requests, errors[ERR_CODES], buckets[BUCKETS], micros;
};

static void op_totals(const struct metrics *m, size_t op, struct op_totals *t)
{
    memset(t, 0, sizeof *t);
    for (int w = 0; w < m->workers; w++) {
        const struct op_stats *s = &m->shards[w].ops[op];
        t->requests += read_counter(&s->requests);
        for (int e = 0; e < ERR_CODES; e++)
            t->errors[e] += read_counter(&s->errors[e]);
        for (size_t b = 0; b < BUCKETS; b++)
            t->buckets[b] += read_counter(&s->buckets[b]);
        t->micros += read_counter(&s->micros);
    }
}

static void free_text(void *p)
{
    free(p);
}

const char *metrics_render(const struct metrics *m, struct arena *a, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f) {
        fputs("lineaged: out of memory\n", stderr);
        abort();
    }
    struct op_totals *t = arena_alloc(a, m->n_names * sizeof *t);
    for (size_t i = 0; i < m->n_names; i++)
        op_totals(m, i, &t[i]);
    fputs("# HELP lineaged_requests_total Requests answered, by operation.\n"
          "# TYPE lineaged_requests_total counter\n",
          f);
    for (size_t i = 0; i < m->n_names; i++)
        if (t[i].requests)
            fprintf(f, "lineaged_requests_total{operation=\"%s\"} %llu\n", m->names[i],
                    (unsigned long long)t[i].requests);
    fputs("# HELP lineaged_request_errors_total Error replies, by operation and error.\n"
          "# TYPE lineaged_request_errors_total counter\n",
          f);
    for (size_t i = 0; i < m->n_names; i++)
        for (int e = 1; e < ERR_CODES; e++)
            if (t[i].errors[e])
                fprintf(f, "lineaged_request_errors_total{operation=\"%s\",type=\"%s\",status=\"%d\"} %llu\n",
                        m->names[i], ld_err_type((enum ld_err)e), ld_err_status((enum ld_err)e),
                        (unsigned long long)t[i].errors[e]);
    fputs("# HELP lineaged_request_duration_seconds Time from a request's arrival to its reply.\n"
          "# TYPE lineaged_request_duration_seconds histogram\n",
          f);
    for (size_t i = 0; i < m->n_names; i++) {
        if (!t[i].requests)
            continue;
        uint64_t below = 0;
        for (size_t b = 0; b < BUCKETS - 1; b++) {
            below += t[i].buckets[b];
            fprintf(f, "lineaged_request_duration_seconds_bucket{operation=\"%s\",le=\"%g\"} %llu\n",
                    m->names[i], BOUNDS[b], (unsigned long long)below);
        }
        below += t[i].buckets[BUCKETS - 1]; /* the count, as of the buckets just read */
        fprintf(f,
                "lineaged_request_duration_seconds_bucket{operation=\"%s\",le=\"+Inf\"} %llu\n"
                "lineaged_request_duration_seconds_sum{operation=\"%s\"} %.6f\n"
                "lineaged_request_duration_seconds_count{operation=\"%s\"} %llu\n",
                m->names[i], (unsigned long long)below, m->names[i], (double)t[i].micros / 1e6, m->names[i],
                (unsigned long long)below);
    }
    fputs("# HELP lineaged_database_up Whether the worker's database connection was up after its last "
          "request.\n"
          "# TYPE lineaged_database_up gauge\n",
          f);
    for (int w = 0; w < m->workers; w++)
        fprintf(f, "lineaged_database_up{worker=\"%d\"} %d\n", w,
                atomic_load_explicit(&m->shards[w].database_up, memory_order_relaxed));
    fputs("# HELP lineaged_database_connects_total Connections the worker opened to the database.\n"
          "# TYPE lineaged_database_connects_total counter\n",
          f);
    for (int w = 0; w < m->workers; w++)
        fprintf(f, "lineaged_database_connects_total{worker=\"%d\"} %llu\n", w,
                (unsigned long long)read_counter(&m->shards[w].database_connects));
    fclose(f);
    arena_defer(a, free_text, text);
    return text;
}
