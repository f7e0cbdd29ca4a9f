/* The lineage view the native API and lineage-export serve (the walks
 * upstream and downstream of start vertices, merged into layers) and its
 * exports: JSON in the native API's shape, DOT and SVG through Graphviz. */
#ifndef LINEAGED_EXPORT_H
#define LINEAGED_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "lineaged/arena.h"
#include "lineaged/graph.h"

/* What to walk: up to `up` associations upstream and `down` downstream of
 * each start, each walk holding at most `budget` vertices; with has_as_of,
 * the graph as it was at as_of_ms (epoch ms). */
struct view_query {
    const char *const *starts;
    size_t start_count;
    int up, down;
    size_t budget;
    bool has_as_of;
    int64_t as_of_ms;
};

/* A vertex at its layer: negative upstream, 0 for a start, positive downstream. */
struct view_vertex {
    const struct graph_vertex *v;
    long layer;
    cJSON *details; /* Describe-like details when asked for, else NULL; owned by the caller */
    size_t rank;    /* the place of its ARN in ARN order, so that ARNs compare as numbers */
};

/* An association by its ends' ARNs, and their ranks. */
struct view_edge {
    const char *source, *destination, *type;
    size_t from, to;
};

/* A vertex where a walk stopped with `unexplored` associations left. */
struct view_marker {
    const char *arn;
    bool up;
    size_t unexplored;
    size_t rank; /* the vertex's */
};

struct lineage_view {
    struct view_vertex *vertices; /* (layer, ARN) order, each ARN once */
    size_t *at_rank;              /* the index in vertices of each rank */
    size_t vertex_count, vertex_cap;
    struct view_edge *edges; /* (source, destination) order, each pair once */
    size_t edge_count, edge_cap;
    struct view_marker *markers; /* in walk order */
    size_t marker_count, marker_cap;
};

/* Walks every start both ways and merges the walks with view_settle. A
 * missing start is ResourceNotFound. Memory from r's arena. */
enum ld_err graph_lineage_view(struct request *r, const struct view_query *q, struct lineage_view *out);

/* Adds a walk's vertices (at `sign` * depth), edges and markers to `view`. */
void view_add_walk(struct arena *a, struct lineage_view *view, const struct graph_walk *w, int sign);

/* Keeps each vertex once at its nearest layer (downstream on a tie) and each
 * edge once, then orders vertices by (layer, ARN) and edges by their ends;
 * sets every rank and at_rank (memory from `a`). */
void view_settle(struct arena *a, struct lineage_view *view);

/* The view as a JSON document in the native API's shape: `truncated`,
 * `vertices` (with `details` when set) and `edges`, then `history` when
 * given; laid out as cJSON_Print (`formatted`) or cJSON_PrintUnformatted
 * lays out the same tree. The same view always gives the same text.
 * Returns text owned by `a` (length in *len), or NULL when a tree holds a
 * node cJSON cannot print. */
const char *export_json(struct arena *a, const struct lineage_view *view, bool formatted,
                        const cJSON *history, size_t *len);

/* The view as a Graphviz DOT document: vertices styled by lineage type and
 * Type and labelled with name and Type, edges labelled with their association
 * type, truncation markers as "N more" stubs, a legend, layers left to right.
 * Deterministic for a view; written directly (not through Graphviz), in the
 * text cgraph's writer gives the same graph. Returns text owned by `a`
 * (length in *len). */
const char *export_dot(struct arena *a, const struct lineage_view *view, size_t *len);

/* The same graph (one drawing feeds both) laid out by dot and rendered as
 * SVG; text from `a`, or NULL when Graphviz fails. */
const char *export_svg(struct arena *a, const struct lineage_view *view, size_t *len);

#endif
