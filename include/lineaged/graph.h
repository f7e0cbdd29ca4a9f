/* The lineage graph engine: a breadth-first walk over associations from one
 * start vertex, level by level with one batched query per level, and the
 * QueryLineage selection over the walk. */
#ifndef LINEAGED_GRAPH_H
#define LINEAGED_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lineaged/request.h"

enum walk_direction { WALK_BOTH, WALK_ASCENDANTS, WALK_DESCENDANTS };

/* A vertex as the walk and the filters see it; strings from the request's arena. */
struct graph_vertex {
    int64_t id;
    int kind; /* enum entity_kind */
    const char *arn;
    const char *name;         /* NULL for unnamed artifacts */
    const char *type;         /* the QueryLineage Type */
    const char *lineage_type; /* TrialComponent, Artifact, Context or Action */
    int64_t created_ms, modified_ms;
    const char *properties; /* JSON object text, or NULL */
    int depth;              /* associations from the start */
};

/* An association in its stored direction. */
struct graph_edge {
    int64_t source_id, destination_id;
    const char *type;           /* AssociationType, or NULL */
    size_t source, destination; /* in a finished walk: the ends' indexes into its vertices */
};

/* A vertex where the walk stopped with associations left to follow: how
 * many lead (in the walk's direction) to vertices not in the walk. */
struct graph_truncation {
    size_t vertex; /* index into the walk's vertices */
    size_t unexplored;
};

/* What a walk reached: vertices[0] is the start; `edges` are the associations
 * the walk traversed (each once), which includes every edge leaving a vertex
 * closer than the depth limit in the walk's direction. */
struct graph_walk {
    enum walk_direction direction;
    struct graph_vertex *vertices;
    size_t vertex_count;
    struct graph_edge *edges;
    size_t edge_count;
    struct graph_truncation *truncated; /* only with walk_options.truncate */
    size_t truncated_count;
};

struct walk_options {
    enum walk_direction direction;
    int max_depth;
    size_t budget; /* the most vertices a walk may hold */
    /* Past the budget: false fails the walk with a ValidationException; true
     * stops before the level that would pass it. A truncating walk marks every
     * vertex where it stopped with neighbours left, at the depth limit too. */
    bool truncate;
    /* With has_as_of: walk the graph as it was at as_of_ms (epoch ms), rebuilt
     * from the audit history; otherwise the live graph. */
    bool has_as_of;
    int64_t as_of_ms;
    /* The caller reads no edges: the walk may leave them out (edge_count 0). */
    bool vertices_only;
    /* Without truncate or has_as_of, when detail_to is not 0: the caller reads only the
     * ARN, Type and LineageType, and only of the vertices at positions
     * [detail_from, detail_to) of the walk's order by depth (the start at 0);
     * the vertices of the other depths may come with their id and depth
     * alone (ARN ""), and none with times, properties or name. */
    size_t detail_from, detail_to;
};

/* Walks from the vertex with ARN `start` in the caller's scope. A missing
 * start is ResourceNotFound. */
enum ld_err graph_walk(struct request *r, const char *start, const struct walk_options *opt,
                       struct graph_walk *out);

/* QueryLineage's filters; empty lists and absent bounds select everything. */
struct lineage_filters {
    const char *const *types;
    size_t type_count;
    const char *const *lineage_types;
    size_t lineage_type_count;
    bool has_created_before, has_created_after, has_modified_before, has_modified_after;
    int64_t created_before, created_after, modified_before, modified_after;
    const char *properties; /* JSON object text of wanted pairs, or NULL */
};

/* Whether `f` selects every vertex (no field set). */
bool lineage_filters_empty(const struct lineage_filters *f);

/* Whether `f` reads more of a vertex than its Type and LineageType: its
 * times or its properties. */
bool lineage_filters_read_details(const struct lineage_filters *f);

/* QueryLineage's answer before paging: vertex indexes into the walk in result
 * order (depth, then ARN) and, per returned edge, its index and the result
 * position of its later end. */
struct lineage_selection {
    size_t *vertices;
    size_t vertex_count;
    size_t *edges;
    size_t *edge_page_position;
    size_t edge_count;
};

/* Without edges: the matching vertices, never the start. With edges: the
 * start, the matching vertices and every vertex on a shortest path from the
 * start to one of them, with every traversed edge between two of them. */
void lineage_select(struct request *r, const struct graph_walk *w, const struct lineage_filters *f,
                    bool include_edges, struct lineage_selection *out);

/* Shortest paths of a walk from its start to vertex `target` (a walk index),
 * each as walk indexes from the start to the target; at most `max` of them,
 * in (ARN by ARN) order. *more tells whether others exist. */
struct graph_paths {
    size_t **paths;
    size_t count;
    size_t length; /* vertices per path */
    bool more;
};

void graph_shortest_paths(struct request *r, const struct graph_walk *w, size_t target, size_t max,
                          struct graph_paths *out);

#endif
