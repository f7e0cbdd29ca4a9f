/* QueryLineage: a walk from the start, the selection its filters and
 * IncludeEdges ask for, and a page of it. */
#include <stdlib.h>
#include <string.h>

#include "json_io.h"
#include "lineaged/graph.h"
#include "lineaged/token.h"
#include "ops.h"

/* Defaults where the model sets none; a walk stops with an error past the budget. */
enum { DEFAULT_DEPTH = 10, DEFAULT_PAGE = 1000, WALK_BUDGET = 200000 };

/* The strings of a JSON array of strings, in the arena. */
static const char *const *strings_of(struct request *r, const cJSON *list, size_t *n)
{
    *n = (size_t)cJSON_GetArraySize(list);
    const char **out = arena_alloc(r->arena, (*n ? *n : 1) * sizeof *out);
    size_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, list) out[i++] = v->valuestring;
    return out;
}

static void filters_from_input(struct request *r, const cJSON *in, struct lineage_filters *f)
{
    memset(f, 0, sizeof *f);
    f->types = strings_of(r, cJSON_GetObjectItemCaseSensitive(in, "Types"), &f->type_count);
    f->lineage_types =
        strings_of(r, cJSON_GetObjectItemCaseSensitive(in, "LineageTypes"), &f->lineage_type_count);
    f->has_created_before = json_time(in, "CreatedBefore", &f->created_before);
    f->has_created_after = json_time(in, "CreatedAfter", &f->created_after);
    f->has_modified_before = json_time(in, "ModifiedBefore", &f->modified_before);
    f->has_modified_after = json_time(in, "ModifiedAfter", &f->modified_after);
    f->properties = json_member_text(r, in, "Properties");
}

/* The model bounds these from above only; below, the service's own rule. */
static enum ld_err check_floor(struct request *r, const char *path, int value, int floor)
{
    if (value >= floor)
        return LD_OK;
    return req_fail(
        r, LD_ERR_VALIDATION,
        "1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must "
        "have value greater than or equal to %d",
        value, path, floor);
}

enum ld_err op_query_lineage(struct request *r, const cJSON *in, cJSON *out)
{
    cJSON *vertices = cJSON_AddArrayToObject(out, "Vertices");
    cJSON *edges = cJSON_AddArrayToObject(out, "Edges");
    const cJSON *starts = cJSON_GetObjectItemCaseSensitive(in, "StartArns");
    const char *direction = json_str(in, "Direction");
    const cJSON *with_edges = cJSON_GetObjectItemCaseSensitive(in, "IncludeEdges");
    bool include_edges = cJSON_IsTrue(with_edges);
    int depth = json_int(in, "MaxDepth", DEFAULT_DEPTH), limit = json_int(in, "MaxResults", DEFAULT_PAGE);
    enum ld_err e = check_floor(r, "maxDepth", depth, 0);
    if (e == LD_OK)
        e = check_floor(r, "maxResults", limit, 1);
    if (e != LD_OK || cJSON_GetArraySize(starts) == 0)
        return e;
    const char *start = cJSON_GetArrayItem(starts, 0)->valuestring;
    enum walk_direction dir = !direction || strcmp(direction, "Both") == 0 ? WALK_BOTH
                              : strcmp(direction, "Ascendants") == 0       ? WALK_ASCENDANTS
                                                                           : WALK_DESCENDANTS;
    const cJSON *filters_in = cJSON_GetObjectItemCaseSensitive(in, "Filters");
    struct lineage_filters filters;
    filters_from_input(r, filters_in, &filters);

    /* Tokens are bound to everything that shapes the result, not to the page size. */
    const char *query = arena_printf(r->arena, "QueryLineage|%s|%d|%d|%d|%s", start, dir, depth,
                                     include_edges, filters_in ? json_print_owned(r, filters_in) : "");
    const char *offset_text = "0", *token = json_str(in, "NextToken");
    if (token && !token_decode(r->arena, token, query, &offset_text, 1))
        return req_fail(r, LD_ERR_VALIDATION, "The NextToken is not valid for this request.");

    size_t first = (size_t)strtoull(offset_text, NULL, 10);
    struct graph_walk walk;
    struct walk_options opt = {
        .direction = dir, .max_depth = depth, .budget = WALK_BUDGET, .vertices_only = !include_edges};
    /* Without filters on times or properties only ARNs and types are read;
     * without any filter nor edges, only the page's: the walk's positions
     * count the start, which such a page never holds. */
    if (!lineage_filters_read_details(&filters)) {
        bool every = include_edges || !lineage_filters_empty(&filters);
        opt.detail_from = every ? 0 : first + 1;
        opt.detail_to = every ? SIZE_MAX : first + (size_t)limit + 1;
    }
    if ((e = graph_walk(r, start, &opt, &walk)) != LD_OK)
        return e;
    struct lineage_selection sel;
    lineage_select(r, &walk, &filters, include_edges, &sel);

    size_t end = first + (size_t)limit < sel.vertex_count ? first + (size_t)limit : sel.vertex_count;
    for (size_t i = first; i < end; i++) {
        const struct graph_vertex *v = &walk.vertices[sel.vertices[i]];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(vertices, o);
        /* The walk's strings live in the request's arena: referenced, not copied. */
        json_put_str_ref(o, "Arn", v->arn);
        json_put_str_ref(o, "Type", v->type);
        json_put_str_ref(o, "LineageType", v->lineage_type);
    }
    /* Each edge goes out with the page that returns the later of its ends. */
    for (size_t i = 0; i < sel.edge_count; i++) {
        if (sel.edge_page_position[i] < first || sel.edge_page_position[i] >= end)
            continue;
        const struct graph_edge *g = &walk.edges[sel.edges[i]];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(edges, o);
        json_put_str_ref(o, "SourceArn", walk.vertices[g->source].arn);
        json_put_str_ref(o, "DestinationArn", walk.vertices[g->destination].arn);
        json_put_str_ref(o, "AssociationType", g->type);
    }
    if (end < sel.vertex_count) {
        const char *next = arena_printf(r->arena, "%zu", end);
        json_put_str(out, "NextToken", token_encode(r->arena, query, &next, 1));
    }
    return LD_OK;
}
