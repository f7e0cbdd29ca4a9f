/* The HTTP front: worker threads, each with its own event loop and database
 * connection, accepting from one shared listening socket. */
#ifndef LINEAGED_HTTP_H
#define LINEAGED_HTTP_H

#include <stdbool.h>

#include "dispatch.h"

struct http_config {
    const char *listen; /* address, e.g. 127.0.0.1 */
    int port;
    int workers;
    const char *conninfo;
    const char *read_conninfo; /* --db-read: a replica for read-only operations, or NULL */
    bool log_requests; /* one info line per request; 5xx replies are logged always */
};

/* Serves until SIGINT or SIGTERM, then stops accepting, lets in-flight
 * requests finish, and frees everything. Returns 0, or 1 if it could not start. */
int http_serve(const struct service *svc, const struct http_config *cfg);

#endif
