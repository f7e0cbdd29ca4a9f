/* The lineage view: walks upstream and downstream of start vertices merged
 * into layers, each vertex once at its nearest layer, in a stable order. */
#include <stdlib.h>
#include <string.h>

#include "lineaged/export.h"

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

static int compare_sizes(size_t x, size_t y)
{
    return (x > y) - (x < y);
}

static int by_layer_then_rank(const void *a, const void *b)
{
    const struct view_vertex *x = a, *y = b;
    if (x->layer != y->layer)
        return x->layer < y->layer ? -1 : 1;
    return compare_sizes(x->rank, y->rank);
}

static int by_ends(const void *a, const void *b)
{
    const struct view_edge *x = a, *y = b;
    return x->from != y->from ? compare_sizes(x->from, y->from) : compare_sizes(x->to, y->to);
}

/* Until view_settle, ranks hold places among the vertices as added. */
void view_add_walk(struct arena *a, struct lineage_view *view, const struct graph_walk *w, int sign)
{
    size_t base = view->vertex_count;
    view->vertices = reserve(a, view->vertices, sizeof *view->vertices, view->vertex_count, w->vertex_count,
                             &view->vertex_cap);
    for (size_t i = 0; i < w->vertex_count; i++)
        view->vertices[view->vertex_count++] =
            (struct view_vertex){&w->vertices[i], (long)sign * w->vertices[i].depth, NULL, base + i};
    view->edges =
        reserve(a, view->edges, sizeof *view->edges, view->edge_count, w->edge_count, &view->edge_cap);
    for (size_t e = 0; e < w->edge_count; e++) {
        const struct graph_edge *g = &w->edges[e];
        view->edges[view->edge_count++] =
            (struct view_edge){w->vertices[g->source].arn, w->vertices[g->destination].arn, g->type,
                               base + g->source, base + g->destination};
    }
    view->markers = reserve(a, view->markers, sizeof *view->markers, view->marker_count, w->truncated_count,
                            &view->marker_cap);
    for (size_t t = 0; t < w->truncated_count; t++)
        view->markers[view->marker_count++] =
            (struct view_marker){w->vertices[w->truncated[t].vertex].arn, sign < 0,
                                 w->truncated[t].unexplored, base + w->truncated[t].vertex};
}

/* ARNs are compared as strings once, in the first sort; every later order
 * and lookup uses their ranks. */
void view_settle(struct arena *a, struct lineage_view *view)
{
    size_t added = view->vertex_count, kept = 0;
    size_t *rank_of = arena_alloc(a, (added + 1) * sizeof *rank_of); /* by place as added */
    if (added)
        qsort(view->vertices, added, sizeof *view->vertices, by_arn_then_nearness);
    for (size_t i = 0; i < added; i++) {
        struct view_vertex vv = view->vertices[i];
        if (!kept || strcmp(view->vertices[kept - 1].v->arn, vv.v->arn) != 0)
            view->vertices[kept++] = vv;
        rank_of[vv.rank] = kept - 1;
    }
    view->vertex_count = kept;
    for (size_t i = 0; i < kept; i++)
        view->vertices[i].rank = i;
    if (kept)
        qsort(view->vertices, kept, sizeof *view->vertices, by_layer_then_rank);
    view->at_rank = arena_alloc(a, (kept + 1) * sizeof *view->at_rank);
    for (size_t i = 0; i < kept; i++)
        view->at_rank[view->vertices[i].rank] = i;

    for (size_t i = 0; i < view->marker_count; i++)
        view->markers[i].rank = rank_of[view->markers[i].rank];
    for (size_t i = 0; i < view->edge_count; i++) {
        view->edges[i].from = rank_of[view->edges[i].from];
        view->edges[i].to = rank_of[view->edges[i].to];
    }
    if (view->edge_count)
        qsort(view->edges, view->edge_count, sizeof *view->edges, by_ends);
    kept = 0;
    for (size_t i = 0; i < view->edge_count; i++)
        if (!kept || by_ends(&view->edges[kept - 1], &view->edges[i]) != 0)
            view->edges[kept++] = view->edges[i];
    view->edge_count = kept;
}

enum ld_err graph_lineage_view(struct request *r, const struct view_query *q, struct lineage_view *out)
{
    memset(out, 0, sizeof *out);
    for (size_t s = 0; s < q->start_count; s++) {
        for (int k = 0; k < 2; k++) {
            struct walk_options opt = {.direction = k == 0 ? WALK_ASCENDANTS : WALK_DESCENDANTS,
                                       .max_depth = k == 0 ? q->up : q->down,
                                       .budget = q->budget,
                                       .truncate = true,
                                       .has_as_of = q->has_as_of,
                                       .as_of_ms = q->as_of_ms};
            struct graph_walk *w = arena_alloc(r->arena, sizeof *w);
            enum ld_err e = graph_walk(r, q->starts[s], &opt, w);
            if (e != LD_OK)
                return e;
            view_add_walk(r->arena, out, w, k == 0 ? -1 : 1);
        }
    }
    view_settle(r->arena, out);
    return LD_OK;
}
