/* A process-wide cache of the facts of a lineage vertex that never change
 * once it is created (its kind, ARN and QueryLineage Type; ids are never
 * reused), so that a walk reads only ids from PostgreSQL. */
#ifndef LINEAGED_VERTEX_CACHE_H
#define LINEAGED_VERTEX_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lineaged/arena.h"

/* Sets the cache up to hold at most `bytes` (entries and their index),
 * allocated as it fills; 0 (or too small to be of use) leaves it disabled.
 * Call once before any other thread uses it; free with vertex_cache_cleanup. */
void vertex_cache_setup(size_t bytes);
void vertex_cache_cleanup(void);

/* The facts of vertex `id` of tenant `tenant` when the cache holds them:
 * *arn and *type (NULL when the vertex has none) are copies in `a`. A vertex
 * cached for another tenant is a miss. Any thread. */
bool vertex_cache_get(struct arena *a, int32_t tenant, int64_t id, int *kind, const char **arn,
                      const char **type);

/* Remembers the facts of vertex `id` (copied), read from the database in
 * `tenant`. A full part of the cache is emptied first: what it held is read
 * again when next asked for. Any thread; does nothing when disabled. */
void vertex_cache_put(int32_t tenant, int64_t id, int kind, const char *arn, const char *type);

#endif
