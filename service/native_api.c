/* GET /api/v1/lineage: the graph around one or more start vertices, walked
 * upstream and downstream to separate depths within a vertex budget, with
 * markers where the walk stopped with neighbours left, live or as of a past
 * moment, as JSON, DOT or SVG; GET /api/v1/lineage/paths: every shortest path
 * from one vertex to another; GET /api/v1/history: an entity's audit trail. */
#include "native_api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_io.h"
#include "lineaged/export.h"
#include "lineaged/graph.h"
#include "lineaged/store.h"
#include "lineaged/timefmt.h"
#include "op_common.h"

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

static void put_vertex(cJSON *o, const struct graph_vertex *v)
{
    json_put_str(o, "arn", v->arn);
    json_put_str(o, "name", v->name);
    json_put_str(o, "type", v->type);
    json_put_str(o, "lineageType", v->lineage_type);
}

/* The value of parameter `key`, or NULL. */
static const char *param(const struct query_param *p, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].key, key) == 0)
            return p[i].value;
    return NULL;
}

/* Parameter `as_of` (ISO-8601 or epoch seconds) into *has and *ms. */
static bool as_of_param(struct request *r, const struct query_param *p, size_t n, bool *has, int64_t *ms)
{
    const char *v = param(p, n, "as_of");
    *has = v != NULL;
    if (v && !ldtime_parse_text(v, ms)) {
        req_fail(r, LD_ERR_VALIDATION,
                 "Parameter 'as_of' must be an ISO-8601 time (2024-01-02T03:04:05Z) or epoch seconds.");
        return false;
    }
    return true;
}

/* The output formats of GET /api/v1/lineage and their content types. */
static const struct {
    const char *name, *content_type;
} formats[] = {{"json", "application/json"}, {"dot", "text/vnd.graphviz"}, {"svg", "image/svg+xml"}};

static enum ld_err serve_lineage(struct request *r, const struct query_param *p, size_t n, cJSON *out,
                                 struct reply *rep)
{
    long up, down, budget;
    struct view_query q = {0};
    if (!int_param(r, p, n, "up", 0, MAX_DEPTH, DEFAULT_DEPTH, &up) ||
        !int_param(r, p, n, "down", 0, MAX_DEPTH, DEFAULT_DEPTH, &down) ||
        !int_param(r, p, n, "budget", 1, MAX_BUDGET, DEFAULT_BUDGET, &budget) ||
        !as_of_param(r, p, n, &q.has_as_of, &q.as_of_ms))
        return r->error;
    const char *format = param(p, n, "format"), *details = param(p, n, "details");
    size_t f = 0;
    while (format && f < sizeof formats / sizeof formats[0] && strcmp(formats[f].name, format) != 0)
        f++;
    if (f == sizeof formats / sizeof formats[0])
        return req_fail(r, LD_ERR_VALIDATION, "Parameter 'format' must be json, dot or svg.");
    if (details && strcmp(details, "true") != 0 && strcmp(details, "false") != 0)
        return req_fail(r, LD_ERR_VALIDATION, "Parameter 'details' must be true or false.");
    const char **starts = arena_alloc(r->arena, MAX_STARTS * sizeof *starts);
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].key, "start") == 0) {
            if (q.start_count == MAX_STARTS)
                return req_fail(r, LD_ERR_VALIDATION, "At most %d 'start' parameters are allowed.",
                                MAX_STARTS);
            starts[q.start_count++] = p[i].value;
        }
    if (!q.start_count)
        return req_fail(r, LD_ERR_VALIDATION, "Parameter 'start' (an entity ARN) is required.");
    q.starts = starts;
    q.up = (int)up;
    q.down = (int)down;
    q.budget = (size_t)budget;
    struct lineage_view view;
    enum ld_err e = graph_lineage_view(r, &q, &view);
    if (e == LD_OK && details && strcmp(details, "true") == 0)
        e = op_view_details(r, &view, q.has_as_of ? &q.as_of_ms : NULL);
    if (e != LD_OK)
        return e;
    (void)out; /* every format is rendered here */
    rep->body = f == 0   ? export_json(r->arena, &view, false, NULL, &rep->len)
                : f == 1 ? export_dot(r->arena, &view, &rep->len)
                         : export_svg(r->arena, &view, &rep->len);
    if (!rep->body)
        return req_fail(r, LD_ERR_INTERNAL, "An internal error occurred (request %s).", r->id);
    rep->status = 200;
    rep->content_type = formats[f].content_type;
    return LD_OK;
}

/* The audit history of one entity, deleted or not, oldest first. */
static enum ld_err serve_history(struct request *r, const struct query_param *p, size_t n, cJSON *out,
                                 struct reply *rep)
{
    (void)rep;
    const char *arn = param(p, n, "arn");
    if (!arn)
        return req_fail(r, LD_ERR_VALIDATION, "Parameter 'arn' (an entity ARN) is required.");
    cJSON *by_arn = cJSON_CreateObject();
    json_parse_owned_adopt(r, by_arn);
    enum ld_err e = store_history(r, &arn, 1, by_arn);
    if (e != LD_OK)
        return e;
    if (!by_arn->child)
        return req_fail(r, LD_ERR_NOT_FOUND, "%s '%s' does not exist and has no history.",
                        entity_arn_label(arn), arn);
    json_put_str(out, "arn", by_arn->child->string);
    cJSON_AddItemToObject(out, "history", cJSON_DetachItemViaPointer(by_arn, by_arn->child));
    return LD_OK;
}

/* Why is `to` downstream of `from`: every shortest directed path, up to `max`. */
static enum ld_err serve_paths(struct request *r, const struct query_param *p, size_t n, cJSON *out,
                               struct reply *rep)
{
    (void)rep;
    long depth, max;
    const char *from = param(p, n, "from"), *to = param(p, n, "to");
    if (!int_param(r, p, n, "depth", 1, MAX_DEPTH, 10, &depth) ||
        !int_param(r, p, n, "max", 1, 1000, 20, &max))
        return r->error;
    if (!from || !to)
        return req_fail(r, LD_ERR_VALIDATION, "Parameters 'from' and 'to' (entity ARNs) are required.");
    struct walk_options opt = {
        .direction = WALK_DESCENDANTS, .max_depth = (int)depth, .budget = MAX_BUDGET, .truncate = true};
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
    enum ld_err (*serve)(struct request *, const struct query_param *, size_t, cJSON *, struct reply *) =
        strcmp(path, "/api/v1/lineage") == 0         ? serve_lineage
        : strcmp(path, "/api/v1/lineage/paths") == 0 ? serve_paths
        : strcmp(path, "/api/v1/history") == 0       ? serve_history
        : strcmp(path, "/api/v1/find") == 0          ? native_find
                                                     : NULL;
    if (!serve)
        return 0;
    cJSON *body = cJSON_CreateObject();
    arena_defer(r->arena, delete_tree, body);
    if (serve(r, params, n, body, out) != LD_OK) {
        reply_error(r, out);
        return 1;
    }
    if (!out->body) /* not already rendered in another format */
        reply_json(r, body, 200, out);
    return 1;
}
