/* Every shortest path from a walk's start to one of its vertices: the walk's
 * levels form a DAG of one-step edges, enumerated back from the target. */
#include <stdlib.h>
#include <string.h>

#include "lineaged/graph.h"

/* The one-step predecessors of each vertex, as lists of walk indexes. */
struct preds {
    size_t *first; /* per vertex: start of its run in `list` */
    size_t *list;
};

/* qsort has no context argument: the walk whose ARNs order predecessors. */
static _Thread_local const struct graph_walk *ordering;

static int by_arn(const void *a, const void *b)
{
    return strcmp(ordering->vertices[*(const size_t *)a].arn, ordering->vertices[*(const size_t *)b].arn);
}

/* Steps the walk took: forward for descendants, backward for ascendants. */
static void build_preds(struct request *r, const struct graph_walk *w, struct preds *p)
{
    size_t n = w->vertex_count, *count = arena_alloc(r->arena, (n + 1) * sizeof *count);
    p->first = arena_alloc(r->arena, (n + 1) * sizeof *p->first);
    p->list = arena_alloc(r->arena, (2 * w->edge_count + 1) * sizeof *p->list);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t e = 0; e < w->edge_count; e++) {
            size_t a = w->edges[e].source, b = w->edges[e].destination;
            const size_t from[2] = {a, b}, to[2] = {b, a};
            for (int k = 0; k < 2; k++) {
                if ((k == 0 && w->direction == WALK_ASCENDANTS) || (k == 1 && w->direction == WALK_DESCENDANTS))
                    continue;
                if (w->vertices[to[k]].depth != w->vertices[from[k]].depth + 1)
                    continue;
                if (pass == 0)
                    count[to[k]]++;
                else
                    p->list[p->first[to[k]] + count[to[k]]++] = from[k];
            }
        }
        if (pass == 0) {
            size_t at = 0;
            for (size_t v = 0; v < n; v++) {
                p->first[v] = at;
                at += count[v];
                count[v] = 0;
            }
            p->first[n] = at;
        }
    }
    ordering = w;
    for (size_t v = 0; v < n; v++)
        if (count[v] > 1)
            qsort(p->list + p->first[v], count[v], sizeof *p->list, by_arn);
}

void graph_shortest_paths(struct request *r, const struct graph_walk *w, size_t target, size_t max,
                          struct graph_paths *out)
{
    memset(out, 0, sizeof *out);
    if (target >= w->vertex_count || max == 0)
        return;
    struct preds p;
    build_preds(r, w, &p);
    size_t len = (size_t)w->vertices[target].depth + 1;
    out->length = len;
    out->paths = arena_alloc(r->arena, max * sizeof *out->paths);
    /* Depth-first from the target back to the start; choice[k] is the
     * predecessor taken at position k (counting from the target). */
    size_t *at = arena_alloc(r->arena, len * sizeof *at), *choice = arena_alloc(r->arena, len * sizeof *choice);
    size_t k = 0;
    at[0] = target;
    choice[0] = 0;
    for (;;) {
        size_t v = at[k];
        if (k == len - 1) {
            if (out->count == max) {
                out->more = true;
                return;
            }
            size_t *path = arena_alloc(r->arena, len * sizeof *path);
            for (size_t i = 0; i < len; i++)
                path[i] = at[len - 1 - i];
            out->paths[out->count++] = path;
        } else if (p.first[v] + choice[k] < p.first[v + 1]) {
            at[k + 1] = p.list[p.first[v] + choice[k]];
            choice[k + 1] = 0;
            k++;
            continue;
        }
        /* Back up to the deepest position with another predecessor to try. */
        for (;;) {
            if (k == 0)
                return;
            k--;
            choice[k]++;
            if (p.first[at[k]] + choice[k] < p.first[at[k] + 1])
                break;
        }
    }
}
