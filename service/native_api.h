/* The native read API for the explorer and exports: JSON over HTTP GET,
 * read-only, scoped like the SageMaker API to the caller's account and region. */
#ifndef LINEAGED_NATIVE_API_H
#define LINEAGED_NATIVE_API_H

#include <stdbool.h>
#include <stddef.h>

#include "dispatch.h"

/* One query-string parameter, already decoded. */
struct query_param {
    const char *key;
    const char *value;
};

/* Serves GET `path` with its parameters; returns 0 when no route matches. */
int native_api_serve(struct request *r, const char *path, const struct query_param *params, size_t n,
                     struct reply *out);

/* The value of parameter `key` (the first one given), or NULL. */
const char *native_param(const struct query_param *p, size_t n, const char *key);

/* Reads integer parameter `key` within [lo, hi] into `*out` (`dflt` when
 * absent); false after req_fail when it is not one. */
bool native_int_param(struct request *r, const struct query_param *p, size_t n, const char *key, long lo,
                      long hi, long dflt, long *out);

/* GET /api/v1/find (native_find.c): fills `out` with the caller's entities
 * whose name, ARN or source URI starts with `q`. */
enum ld_err native_find(struct request *r, const struct query_param *p, size_t n, cJSON *out,
                        struct reply *rep);

#endif
