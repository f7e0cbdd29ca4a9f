/* Breadth-first lineage walk: a live walk without truncation markers is one
 * statement; otherwise one batched query per level (the frontier's
 * associations with their far ends), an id index in the request's arena. */
#include <stdlib.h>
#include <string.h>

#include "lineaged/graph.h"
#include "lineaged/store.h"
#include "store_graph.h"

/* Open-addressed map from vertex id to its index in the walk. */
struct id_index {
    int64_t *ids;
    size_t *slots;
    size_t cap; /* a power of two */
    size_t used;
};

static size_t slot_of(int64_t id, size_t cap)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 17) & (cap - 1);
}

static void index_init(struct arena *a, struct id_index *x, size_t cap)
{
    x->cap = cap;
    x->used = 0;
    x->ids = arena_alloc(a, cap * sizeof *x->ids);
    x->slots = arena_alloc(a, cap * sizeof *x->slots);
    for (size_t i = 0; i < cap; i++)
        x->slots[i] = SIZE_MAX;
}

/* The index stored for `id`, or SIZE_MAX. */
static size_t index_get(const struct id_index *x, int64_t id)
{
    for (size_t s = slot_of(id, x->cap);; s = (s + 1) & (x->cap - 1)) {
        if (x->slots[s] == SIZE_MAX)
            return SIZE_MAX;
        if (x->ids[s] == id)
            return x->slots[s];
    }
}

static void index_put(struct arena *a, struct id_index *x, int64_t id, size_t value)
{
    if (2 * (x->used + 1) > x->cap) {
        struct id_index bigger;
        index_init(a, &bigger, 2 * x->cap);
        for (size_t s = 0; s < x->cap; s++)
            if (x->slots[s] != SIZE_MAX)
                index_put(a, &bigger, x->ids[s], x->slots[s]);
        *x = bigger;
    }
    size_t s = slot_of(id, x->cap);
    while (x->slots[s] != SIZE_MAX)
        s = (s + 1) & (x->cap - 1);
    x->ids[s] = id;
    x->slots[s] = value;
    x->used++;
}

/* A growable array in the arena. */
static void *grow(struct arena *a, void *items, size_t size, size_t count, size_t *cap)
{
    if (count < *cap)
        return items;
    size_t n = *cap ? 2 * *cap : 64;
    void *bigger = arena_alloc(a, n * size);
    if (items)
        memcpy(bigger, items, count * size);
    *cap = n;
    return bigger;
}

/* The associations leaving the walk's vertices [from, to) in the walk's
 * direction, with their far ends where the store read them: not when they
 * are more than the `room` left in the budget (see store_graph_adjacent). */
static enum ld_err level_edges(struct request *r, int32_t tenant, const struct graph_walk *out, size_t from,
                               size_t to, const struct walk_options *opt, size_t room,
                               struct graph_edge **edges, struct graph_vertex **far, size_t *count,
                               bool *far_read)
{
    int64_t *frontier = arena_alloc(r->arena, (to - from) * sizeof *frontier);
    for (size_t i = from; i < to; i++)
        frontier[i - from] = out->vertices[i].id;
    return store_graph_adjacent(r, tenant, frontier, to - from, opt->direction,
                                opt->has_as_of ? &opt->as_of_ms : NULL, room, edges, far, count, far_read);
}

/* The vertices the level reached: the far ends the adjacency read brought
 * that the walk has not `seen` (each once), or, where it read none (as of a
 * past moment, past its room), one batched read of the fresh ends. */
static enum ld_err reached_vertices(struct request *r, int32_t tenant, const int64_t *as_of, bool far_read,
                                    const struct id_index *seen, const int64_t *fresh, size_t fresh_count,
                                    const struct graph_vertex *far, size_t edge_count,
                                    struct graph_vertex **out, size_t *count)
{
    if (!far_read || !fresh_count) {
        *count = 0;
        return fresh_count ? store_graph_vertices(r, tenant, fresh, fresh_count, as_of, out, count) : LD_OK;
    }
    struct id_index taken;
    index_init(r->arena, &taken, 64);
    *out = arena_alloc(r->arena, fresh_count * sizeof **out);
    *count = 0;
    for (size_t i = 0; i < edge_count; i++)
        if (far[i].id && index_get(seen, far[i].id) == SIZE_MAX && index_get(&taken, far[i].id) == SIZE_MAX) {
            index_put(r->arena, &taken, far[i].id, 0);
            (*out)[(*count)++] = far[i];
        }
    return LD_OK;
}

/* Keeps the traversed edges whose both ends are vertices of the walk. */
static void keep_edges(struct request *r, struct graph_walk *out, const struct id_index *seen,
                       const struct graph_edge *edges, size_t edge_count, size_t *ecap)
{
    for (size_t i = 0; i < edge_count; i++) {
        if (index_get(seen, edges[i].source_id) == SIZE_MAX ||
            index_get(seen, edges[i].destination_id) == SIZE_MAX)
            continue;
        out->edges = grow(r->arena, out->edges, sizeof *out->edges, out->edge_count, ecap);
        out->edges[out->edge_count++] = edges[i];
    }
}

static int compare_edges(const void *a, const void *b)
{
    const struct graph_edge *x = a, *y = b;
    if (x->source_id != y->source_id)
        return x->source_id < y->source_id ? -1 : 1;
    return x->destination_id < y->destination_id ? -1 : x->destination_id > y->destination_id;
}

/* Marks the frontier vertices [from, to) that `edges` lead on from to
 * vertices the walk does not hold, with how many such edges each has. */
static void mark_unexplored(struct request *r, struct graph_walk *out, const struct id_index *seen,
                            size_t from, size_t to, const struct graph_edge *edges, size_t edge_count)
{
    size_t *count = arena_alloc(r->arena, (to - from + 1) * sizeof *count);
    for (size_t i = 0; i < edge_count; i++) {
        size_t s = index_get(seen, edges[i].source_id), d = index_get(seen, edges[i].destination_id);
        if (s != SIZE_MAX && d == SIZE_MAX && s >= from && s < to)
            count[s - from]++;
        if (d != SIZE_MAX && s == SIZE_MAX && d >= from && d < to)
            count[d - from]++;
    }
    size_t marked = out->truncated_count, n = 0;
    for (size_t v = 0; v < to - from; v++)
        n += count[v] > 0;
    struct graph_truncation *all = arena_alloc(r->arena, (marked + n + 1) * sizeof *all);
    if (marked)
        memcpy(all, out->truncated, marked * sizeof *all);
    for (size_t v = 0; v < to - from; v++)
        if (count[v])
            all[out->truncated_count++] = (struct graph_truncation){from + v, count[v]};
    out->truncated = all;
}

/* Orders the walk's edges and keeps each once (an edge between two vertices
 * of one level, or met again from its other end, comes twice), with the
 * indexes of its ends among the vertices, which `seen` maps. */
static void finish_edges(struct graph_walk *out, const struct id_index *seen)
{
    if (out->edge_count)
        qsort(out->edges, out->edge_count, sizeof *out->edges, compare_edges);
    size_t kept = 0;
    for (size_t i = 0; i < out->edge_count; i++)
        if (kept == 0 || compare_edges(&out->edges[kept - 1], &out->edges[i]) != 0)
            out->edges[kept++] = out->edges[i];
    out->edge_count = kept;
    for (size_t i = 0; i < kept; i++) {
        out->edges[i].source = index_get(seen, out->edges[i].source_id);
        out->edges[i].destination = index_get(seen, out->edges[i].destination_id);
    }
}

static enum ld_err fail_budget(struct request *r, size_t budget)
{
    return req_fail(r, LD_ERR_VALIDATION,
                    "The lineage query reaches more than %zu entities; narrow it with MaxDepth or Direction.",
                    budget);
}

/* The walk in one statement (see store_graph_reach), the start moved first. */
static enum ld_err walk_at_once(struct request *r, const char *start, const struct walk_options *opt,
                                struct graph_walk *out)
{
    enum ld_err e =
        store_graph_reach(r, start, opt, &out->vertices, &out->vertex_count, &out->edges, &out->edge_count);
    if (e != LD_OK)
        return e;
    if (!out->vertex_count)
        return req_fail(r, LD_ERR_NOT_FOUND, "%s '%s' does not exist.", entity_arn_label(start), start);
    if (out->vertex_count > opt->budget)
        return fail_budget(r, opt->budget);
    for (size_t i = 0; i < out->vertex_count; i++)
        if (out->vertices[i].depth == 0) {
            struct graph_vertex first = out->vertices[i];
            out->vertices[i] = out->vertices[0];
            out->vertices[0] = first;
            break;
        }
    if (out->edge_count) {
        struct id_index seen;
        index_init(r->arena, &seen, 64);
        for (size_t i = 0; i < out->vertex_count; i++)
            index_put(r->arena, &seen, out->vertices[i].id, i);
        finish_edges(out, &seen);
    }
    return LD_OK;
}

enum ld_err graph_walk(struct request *r, const char *start, const struct walk_options *opt,
                       struct graph_walk *out)
{
    memset(out, 0, sizeof *out);
    out->direction = opt->direction;
    if (!opt->truncate && !opt->has_as_of)
        return walk_at_once(r, start, opt, out);
    const int64_t *as_of = opt->has_as_of ? &opt->as_of_ms : NULL;
    int max_depth = opt->max_depth;
    size_t budget = opt->budget;
    struct graph_vertex first;
    int32_t tenant;
    bool found;
    enum ld_err e = store_graph_start(r, start, as_of, &tenant, &first, &found);
    if (e != LD_OK)
        return e;
    if (!found)
        return req_fail(r, LD_ERR_NOT_FOUND, "%s '%s' does not exist.", entity_arn_label(start), start);
    size_t vcap = 0, ecap = 0;
    struct id_index seen;
    index_init(r->arena, &seen, 64);
    out->vertices = grow(r->arena, NULL, sizeof *out->vertices, 0, &vcap);
    first.depth = 0;
    out->vertices[out->vertex_count++] = first;
    index_put(r->arena, &seen, first.id, 0);

    size_t level_start = 0;
    for (int depth = 0; depth < max_depth && level_start < out->vertex_count; depth++) {
        size_t level_end = out->vertex_count;
        struct graph_edge *edges;
        struct graph_vertex *far;
        size_t edge_count;
        bool far_read;
        if ((e = level_edges(r, tenant, out, level_start, level_end, opt, budget - out->vertex_count, &edges,
                             &far, &edge_count, &far_read)) != LD_OK)
            return e;
        /* Ends not seen yet, each once, to fetch as the next level. */
        int64_t *fresh = arena_alloc(r->arena, (2 * edge_count + 1) * sizeof *fresh);
        size_t fresh_count = 0;
        struct id_index asked;
        index_init(r->arena, &asked, 64);
        for (size_t i = 0; i < edge_count; i++) {
            int64_t ends[2] = {edges[i].source_id, edges[i].destination_id};
            for (int k = 0; k < 2; k++)
                if (index_get(&seen, ends[k]) == SIZE_MAX && index_get(&asked, ends[k]) == SIZE_MAX) {
                    index_put(r->arena, &asked, ends[k], 0);
                    fresh[fresh_count++] = ends[k];
                }
        }
        if (out->vertex_count + fresh_count > budget && opt->truncate) {
            mark_unexplored(r, out, &seen, level_start, level_end, edges, edge_count);
            level_start = level_end; /* nothing left to look past */
            keep_edges(r, out, &seen, edges, edge_count, &ecap);
            break;
        }
        if (out->vertex_count + fresh_count > budget)
            return fail_budget(r, budget);
        struct graph_vertex *reached = NULL;
        size_t reached_count = 0;
        if ((e = reached_vertices(r, tenant, as_of, far_read, &seen, fresh, fresh_count, far, edge_count,
                                  &reached, &reached_count)) != LD_OK)
            return e;
        for (size_t i = 0; i < reached_count; i++) {
            out->vertices = grow(r->arena, out->vertices, sizeof *out->vertices, out->vertex_count, &vcap);
            reached[i].depth = depth + 1;
            index_put(r->arena, &seen, reached[i].id, out->vertex_count);
            out->vertices[out->vertex_count++] = reached[i];
        }
        keep_edges(r, out, &seen, edges, edge_count, &ecap);
        level_start = level_end;
    }
    /* Stopped by the depth limit: what would the next level have been? */
    if (opt->truncate && level_start < out->vertex_count) {
        struct graph_edge *edges;
        struct graph_vertex *far;
        size_t edge_count;
        bool far_read;
        if ((e = level_edges(r, tenant, out, level_start, out->vertex_count, opt, 0, &edges, &far,
                             &edge_count, &far_read)) != LD_OK)
            return e;
        mark_unexplored(r, out, &seen, level_start, out->vertex_count, edges, edge_count);
    }
    finish_edges(out, &seen);
    return LD_OK;
}
