/* QueryLineage's selection over a walk: filters that choose without pruning,
 * the shortest paths back to the start when edges are asked for, and the
 * result order (depth, then ARN) that pages are cut from. */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "lineaged/graph.h"

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s && strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* Whether any wanted property pair equals one of the vertex's. */
static bool properties_match(const char *have_text, const cJSON *want)
{
    cJSON *have = have_text ? cJSON_Parse(have_text) : NULL;
    bool hit = false;
    const cJSON *w;
    cJSON_ArrayForEach(w, want)
    {
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(have, w->string));
        if (v && cJSON_IsString(w) && strcmp(v, w->valuestring) == 0)
            hit = true;
    }
    cJSON_Delete(have);
    return hit;
}

/* Fields AND together; entries of one list OR. */
static bool matches(const struct graph_vertex *v, const struct lineage_filters *f, const cJSON *want)
{
    return (!f->type_count || in_list(v->type, f->types, f->type_count)) &&
           (!f->lineage_type_count || in_list(v->lineage_type, f->lineage_types, f->lineage_type_count)) &&
           (!f->has_created_before || v->created_ms < f->created_before) &&
           (!f->has_created_after || v->created_ms > f->created_after) &&
           (!f->has_modified_before || v->modified_ms < f->modified_before) &&
           (!f->has_modified_after || v->modified_ms > f->modified_after) &&
           (!want || !want->child || properties_match(v->properties, want));
}

bool lineage_filters_read_details(const struct lineage_filters *f)
{
    return f->has_created_before || f->has_created_after || f->has_modified_before || f->has_modified_after ||
           (f->properties && strcmp(f->properties, "{}") != 0);
}

bool lineage_filters_empty(const struct lineage_filters *f)
{
    return !f->type_count && !f->lineage_type_count && !lineage_filters_read_details(f);
}

/* qsort has no context argument: the walk being ordered, per thread. */
static _Thread_local const struct graph_walk *ordering;

static int by_depth_then_arn(const void *a, const void *b)
{
    const struct graph_vertex *x = &ordering->vertices[*(const size_t *)a];
    const struct graph_vertex *y = &ordering->vertices[*(const size_t *)b];
    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    return strcmp(x->arn, y->arn);
}

struct ranked_edge {
    size_t edge;
    size_t position;
};

static int by_position(const void *a, const void *b)
{
    const struct ranked_edge *x = a, *y = b;
    if (x->position != y->position)
        return x->position < y->position ? -1 : 1;
    return x->edge < y->edge ? -1 : x->edge > y->edge;
}

void lineage_select(struct request *r, const struct graph_walk *w, const struct lineage_filters *f,
                    bool include_edges, struct lineage_selection *out)
{
    size_t n = w->vertex_count;
    memset(out, 0, sizeof *out);
    cJSON *want = f->properties ? cJSON_Parse(f->properties) : NULL;
    bool *keep = arena_alloc(r->arena, n * sizeof *keep);
    for (size_t i = 1; i < n; i++)
        keep[i] = matches(&w->vertices[i], f, want);
    cJSON_Delete(want);

    ordering = w;

    if (include_edges) {
        /* The start, and every vertex on a shortest path to a kept one: walk
         * back level by level over edges that step exactly one level. */
        keep[0] = true;
        int deepest = 0;
        for (size_t i = 0; i < n; i++)
            if (w->vertices[i].depth > deepest)
                deepest = w->vertices[i].depth;
        for (int d = deepest; d > 0; d--)
            for (size_t e = 0; e < w->edge_count; e++) {
                size_t a = w->edges[e].source, b = w->edges[e].destination;
                int da = w->vertices[a].depth, db = w->vertices[b].depth;
                /* Only steps the walk itself took: forward for
                 * descendants, backward for ascendants, either for both. */
                if (w->direction != WALK_ASCENDANTS && db == d && da == d - 1 && keep[b])
                    keep[a] = true;
                if (w->direction != WALK_DESCENDANTS && da == d && db == d - 1 && keep[a])
                    keep[b] = true;
            }
    }

    out->vertices = arena_alloc(r->arena, (n ? n : 1) * sizeof *out->vertices);
    for (size_t i = 0; i < n; i++)
        if (keep[i])
            out->vertices[out->vertex_count++] = i;
    qsort(out->vertices, out->vertex_count, sizeof *out->vertices, by_depth_then_arn);
    if (!include_edges)
        return;

    size_t *position = arena_alloc(r->arena, n * sizeof *position);
    for (size_t i = 0; i < out->vertex_count; i++)
        position[out->vertices[i]] = i;
    struct ranked_edge *ranked = arena_alloc(r->arena, (w->edge_count + 1) * sizeof *ranked);
    size_t m = 0;
    for (size_t e = 0; e < w->edge_count; e++)
        if (keep[w->edges[e].source] && keep[w->edges[e].destination]) {
            size_t ps = position[w->edges[e].source], pd = position[w->edges[e].destination];
            ranked[m++] = (struct ranked_edge){e, ps > pd ? ps : pd};
        }
    qsort(ranked, m, sizeof *ranked, by_position);
    out->edges = arena_alloc(r->arena, (m ? m : 1) * sizeof *out->edges);
    out->edge_page_position = arena_alloc(r->arena, (m ? m : 1) * sizeof *out->edge_page_position);
    for (size_t i = 0; i < m; i++) {
        out->edges[i] = ranked[i].edge;
        out->edge_page_position[i] = ranked[i].position;
    }
    out->edge_count = m;
}
