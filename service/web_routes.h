/* The explorer's static files (web/, compiled into the binary): GET / and
 * GET /web/<file>, never through the operation table. */
#ifndef LINEAGED_WEB_ROUTES_H
#define LINEAGED_WEB_ROUTES_H

#include "dispatch.h"

/* Serves GET or HEAD `path` when it names the page or one of its files:
 * fills `out` (body from the binary, headers static or from the request's
 * arena) and `*content_type`, answering 304 when `if_none_match` holds the
 * file's ETag and 404 for an unknown /web/ file. Returns 0 when `path` is
 * not one of these routes. */
int web_routes_serve(struct request *r, const char *path, const char *if_none_match, struct reply *out,
                     const char **content_type);

#endif
