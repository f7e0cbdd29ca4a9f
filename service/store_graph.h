/* Private to the graph engine and the store: the batched reads a walk makes. */
#ifndef LINEAGED_STORE_GRAPH_H
#define LINEAGED_STORE_GRAPH_H

#include "lineaged/graph.h"

/* Each read is of the live graph when `as_of` is NULL, else of the graph as
 * it was at *as_of (epoch ms), rebuilt from the history.
 *
 * The associations touching `ids` in the walk's direction (both ways for
 * WALK_BOTH; an association between two of `ids` may come twice), in stored
 * direction, and beside each (`far`, same count) its far end when that is a
 * vertex of `tenant` (id 0 when it is not). *far_read is false when no far
 * end was read: always as of a past moment, and when the associations have
 * more than `room` distinct far ends; then read the ends the walk wants with
 * store_graph_vertices. Memory from the arena. */
enum ld_err store_graph_adjacent(struct request *r, int32_t tenant, const int64_t *ids, size_t n,
                                 enum walk_direction dir, const int64_t *as_of, size_t room,
                                 struct graph_edge **edges, struct graph_vertex **far, size_t *count,
                                 bool *far_read);

/* The vertices among `ids` that are in tenant `tenant` (trials are never vertices). */
enum ld_err store_graph_vertices(struct request *r, int32_t tenant, const int64_t *ids, size_t n,
                                 const int64_t *as_of, struct graph_vertex **out, size_t *count);

/* A whole walk of the live graph from the vertex with ARN `arn` in the
 * caller's scope as `opt` says (direction, depth, budget, detail window), in
 * one statement (and, with a detail window, one more for the facts the
 * vertex cache lacks, which it then keeps): each vertex within the depth with its depth (the start at
 * 0), none when the start is absent, and unless opt->vertices_only every
 * association from a vertex closer than the depth to one of the walk, in the
 * walk's direction (both ways for WALK_BOTH, where one may come twice). It
 * stops after the level that passes the budget, so more vertices than the
 * budget come back exactly when the walk reaches more (then no edges). With a
 * detail window the vertices of levels outside it have their id alone (ARN
 * ""), the others no times, properties or name; memory from the arena. */
enum ld_err store_graph_reach(struct request *r, const char *arn, const struct walk_options *opt,
                              struct graph_vertex **out, size_t *count, struct graph_edge **edges,
                              size_t *edge_count);

/* The start vertex by ARN in the caller's scope; *found false when absent. */
enum ld_err store_graph_start(struct request *r, const char *arn, const int64_t *as_of, int32_t *tenant,
                              struct graph_vertex *out, bool *found);

#endif
