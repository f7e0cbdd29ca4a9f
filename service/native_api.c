/* GET /api/v1/lineage: the graph around one or more start vertices, walked
 * upstream and downstream to separate depths within a vertex budget, with
 * markers where the walk stopped with neighbours left; and
 * GET /api/v1/lineage/paths: every shortest path from one vertex to another. */
#include "native_api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_io.h"
#include "lineaged/graph.h"

enum { MAX_STARTS = 10, DEFAULT_DEPTH = 2, MAX_DEPTH = 100, DEFAULT_BUDGET = 1000, MAX_BUDGET = 100000 };

static void delete_tree(void *p)
{
    cJSON_Delete(p);
}

/* An integer parameter within [lo, hi]; `dflt` when absent. False when it is not one. */
static bool int_param(struct request *r, const struct query_param *p, size_t n, const char *key, long lo,
                      long hi, long dflt, long *out)
{
    *out = dflt;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(p[i].key, key) != 0)
            continue;
        char *end;
        long v = strtol(p[i].value, &end, 10);
        if (!*p[i].value || *end || v < lo || v > hi) {
            req_fail(r, LD_ERR_VALIDATION, "Parameter '%s' must be an integer from %ld to %ld.", key, lo, hi);
            return false;
        }
        *out = v;
    }
    return true;
}

/* A vertex in the merged view at its layer: negative upstream, positive downstream. */
struct view_vertex {
    const struct graph_vertex *v;
    long layer;
};

/* An edge of the merged view, by its ends' ARNs. */
struct view_edge {
    const char *source, *destination, *type;
};

struct view {
    struct view_vertex *vertices;
    size_t vertex_count, vertex_cap;
    struct view_edge *edges;
    size_t edge_count, edge_cap;
};

/* Room for `more` entries in an arena array of `size`-byte items. */
static void *reserve(struct arena *a, void *items, size_t size, size_t count, size_t more, size_t *cap)
{
    if (count + more <= *cap)
        return items;
    size_t n = 2 * (count + more);
    void *bigger = arena_alloc(a, n * size);
    if (count)
        memcpy(bigger, items, count * size);
    *cap = n;
    return bigger;
}

static int by_arn_then_nearness(const void *a, const void *b)
{
    const struct view_vertex *x = a, *y = b;
    int c = strcmp(x->v->arn, y->v->arn);
    if (c)
        return c;
    if (labs(x->layer) != labs(y->layer))
        return labs(x->layer) < labs(y->layer) ? -1 : 1;
    return x->layer > y->layer ? -1 : x->layer < y->layer; /* downstream first on a tie */
}

static int by_layer_then_arn(const void *a, const void *b)
{
    const struct view_vertex *x = a, *y = b;
    if (x->layer != y->layer)
        return x->layer < y->layer ? -1 : 1;
    return strcmp(x->v->arn, y->v->arn);
}

static int by_ends(const void *a, const void *b)
{
    const struct view_edge *x = a, *y = b;
    int c = strcmp(x->source, y->source);
    return c ? c : strcmp(x->destination, y->destination);
}

static void add_walk(struct request *r, struct view *view, cJSON *truncated, const struct graph_walk *w,
                     int sign)
{
    view->vertices = reserve(r->arena, view->vertices, sizeof *view->vertices, view->vertex_count,
                             w->vertex_count, &view->vertex_cap);
    for (size_t i = 0; i < w->vertex_count; i++)
        view->vertices[view->vertex_count++] =
            (struct view_vertex){&w->vertices[i], sign * w->vertices[i].depth};
    view->edges =
        reserve(r->arena, view->edges, sizeof *view->edges, view->edge_count, w->edge_count, &view->edge_cap);
    for (size_t e = 0; e < w->edge_count; e++)
        view->edges[view->edge_count++] = (struct view_edge){
            w->vertices[w->edges[e].source].arn, w->vertices[w->edges[e].destination].arn, w->edges[e].type};
    for (size_t t = 0; t < w->truncated_count; t++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(truncated, o);
        json_put_str(o, "arn", w->vertices[w->truncated[t].vertex].arn);
        json_put_str(o, "direction", sign < 0 ? "up" : "down");
        cJSON_AddNumberToObject(o, "unexplored", (double)w->truncated[t].unexplored);
    }
}

/* Keeps each vertex once at its nearest layer and each edge once, then
 * orders vertices by layer and ARN, edges by their ends. */
static void settle(struct view *view)
{
    size_t kept = 0;
    if (view->vertex_count)
        qsort(view->vertices, view->vertex_count, sizeof *view->vertices, by_arn_then_nearness);
    for (size_t i = 0; i < view->vertex_count; i++)
        if (!kept || strcmp(view->vertices[kept - 1].v->arn, view->vertices[i].v->arn) != 0)
            view->vertices[kept++] = view->vertices[i];
    view->vertex_count = kept;
    if (kept)
        qsort(view->vertices, kept, sizeof *view->vertices, by_layer_then_arn);
    kept = 0;
    if (view->edge_count)
        qsort(view->edges, view->edge_count, sizeof *view->edges, by_ends);
    for (size_t i = 0; i < view->edge_count; i++)
        if (!kept || by_ends(&view->edges[kept - 1], &view->edges[i]) != 0)
            view->edges[kept++] = view->edges[i];
    view->edge_count = kept;
}

static void put_vertex(cJSON *o, const struct graph_vertex *v)
{
    json_put_str(o, "arn", v->arn);
    json_put_str(o, "name", v->name);
    json_put_str(o, "type", v->type);
    json_put_str(o, "lineageType", v->lineage_type);
}

static enum ld_err serve_lineage(struct request *r, const struct query_param *p, size_t n, cJSON *out)
{
    long up, down, budget;
    if (!int_param(r, p, n, "up", 0, MAX_DEPTH, DEFAULT_DEPTH, &up) ||
        !int_param(r, p, n, "down", 0, MAX_DEPTH, DEFAULT_DEPTH, &down) ||
        !int_param(r, p, n, "budget", 1, MAX_BUDGET, DEFAULT_BUDGET, &budget))
        return r->error;
    const char *starts[MAX_STARTS];
    size_t nstarts = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].key, "start") == 0) {
            if (nstarts == MAX_STARTS)
                return req_fail(r, LD_ERR_VALIDATION, "At most %d 'start' parameters are allowed.",
                                MAX_STARTS);
            starts[nstarts++] = p[i].value;
        }
    if (!nstarts)
        return req_fail(r, LD_ERR_VALIDATION, "Parameter 'start' (an entity ARN) is required.");
    struct view view = {0};
    cJSON *truncated = cJSON_AddArrayToObject(out, "truncated");
    for (size_t s = 0; s < nstarts; s++) {
        struct walk_options opt[2] = {{WALK_ASCENDANTS, (int)up, (size_t)budget, true},
                                      {WALK_DESCENDANTS, (int)down, (size_t)budget, true}};
        for (int k = 0; k < 2; k++) {
            struct graph_walk w;
            enum ld_err e = graph_walk(r, starts[s], &opt[k], &w);
            if (e != LD_OK)
                return e;
            add_walk(r, &view, truncated, &w, k == 0 ? -1 : 1);
        }
    }
    settle(&view);
    cJSON *vertices = cJSON_AddArrayToObject(out, "vertices");
    for (size_t i = 0; i < view.vertex_count; i++) {
        const struct graph_vertex *v = view.vertices[i].v;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(vertices, o);
        put_vertex(o, v);
        cJSON_AddNumberToObject(o, "layer", (double)view.vertices[i].layer);
        json_put_time(o, "creationTime", v->created_ms);
    }
    cJSON *edges = cJSON_AddArrayToObject(out, "edges");
    for (size_t i = 0; i < view.edge_count; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(edges, o);
        json_put_str(o, "sourceArn", view.edges[i].source);
        json_put_str(o, "destinationArn", view.edges[i].destination);
        json_put_str(o, "associationType", view.edges[i].type);
    }
    return LD_OK;
}

/* The value of parameter `key`, or NULL. */
static const char *param(const struct query_param *p, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].key, key) == 0)
            return p[i].value;
    return NULL;
}

/* Why is `to` downstream of `from`: every shortest directed path, up to `max`. */
static enum ld_err serve_paths(struct request *r, const struct query_param *p, size_t n, cJSON *out)
{
    long depth, max;
    const char *from = param(p, n, "from"), *to = param(p, n, "to");
    if (!int_param(r, p, n, "depth", 1, MAX_DEPTH, 10, &depth) ||
        !int_param(r, p, n, "max", 1, 1000, 20, &max))
        return r->error;
    if (!from || !to)
        return req_fail(r, LD_ERR_VALIDATION, "Parameters 'from' and 'to' (entity ARNs) are required.");
    struct walk_options opt = {WALK_DESCENDANTS, (int)depth, MAX_BUDGET, true};
    struct graph_walk w;
    enum ld_err e = graph_walk(r, from, &opt, &w);
    if (e != LD_OK)
        return e;
    size_t target = SIZE_MAX;
    for (size_t i = 0; i < w.vertex_count; i++)
        if (strcasecmp(w.vertices[i].arn, to) == 0)
            target = i;
    struct graph_paths paths = {0};
    if (target != SIZE_MAX)
        graph_shortest_paths(r, &w, target, (size_t)max, &paths);
    cJSON *list = cJSON_AddArrayToObject(out, "paths");
    bool *used = arena_alloc(r->arena, w.vertex_count * sizeof *used);
    for (size_t i = 0; i < paths.count; i++) {
        cJSON *path = cJSON_CreateArray();
        cJSON_AddItemToArray(list, path);
        for (size_t k = 0; k < paths.length; k++) {
            cJSON_AddItemToArray(path, cJSON_CreateString(w.vertices[paths.paths[i][k]].arn));
            used[paths.paths[i][k]] = true;
        }
    }
    if (paths.count)
        cJSON_AddNumberToObject(out, "length", (double)(paths.length - 1));
    cJSON_AddBoolToObject(out, "more", paths.more);
    cJSON *vertices = cJSON_AddObjectToObject(out, "vertices"); /* by ARN */
    for (size_t i = 0; i < w.vertex_count; i++)
        if (used[i])
            put_vertex(cJSON_AddObjectToObject(vertices, w.vertices[i].arn), &w.vertices[i]);
    /* The edges the paths take: one level apart, both ends on a path. */
    cJSON *edges = cJSON_AddArrayToObject(out, "edges");
    for (size_t e2 = 0; e2 < w.edge_count; e2++) {
        const struct graph_edge *g = &w.edges[e2];
        if (!used[g->source] || !used[g->destination] ||
            w.vertices[g->destination].depth != w.vertices[g->source].depth + 1)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(edges, o);
        json_put_str(o, "sourceArn", w.vertices[g->source].arn);
        json_put_str(o, "destinationArn", w.vertices[g->destination].arn);
        json_put_str(o, "associationType", g->type);
    }
    return LD_OK;
}

const char *native_param(const struct query_param *p, size_t n, const char *key)
{
    return param(p, n, key);
}

bool native_int_param(struct request *r, const struct query_param *p, size_t n, const char *key, long lo,
                      long hi, long dflt, long *out)
{
    return int_param(r, p, n, key, lo, hi, dflt, out);
}

int native_api_serve(struct request *r, const char *path, const struct query_param *params, size_t n,
                     struct reply *out)
{
    enum ld_err (*serve)(struct request *, const struct query_param *, size_t, cJSON *) =
        strcmp(path, "/api/v1/lineage") == 0         ? serve_lineage
        : strcmp(path, "/api/v1/lineage/paths") == 0 ? serve_paths
        : strcmp(path, "/api/v1/find") == 0          ? native_find
                                                     : NULL;
    if (!serve)
        return 0;
    cJSON *body = cJSON_CreateObject();
    arena_defer(r->arena, delete_tree, body);
    if (serve(r, params, n, body) != LD_OK) {
        reply_error(r, out);
        return 1;
    }
    reply_json(r, body, 200, out);
    return 1;
}
