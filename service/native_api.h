/* The native read API for the explorer and exports: JSON over HTTP GET,
 * read-only, scoped like the SageMaker API to the caller's account and region. */
#ifndef LINEAGED_NATIVE_API_H
#define LINEAGED_NATIVE_API_H

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

#endif
