/* From a request body to exactly one reply: parse, find the operation,
 * validate against the model, run the handler, serialise result or error. */
#ifndef LINEAGED_DISPATCH_H
#define LINEAGED_DISPATCH_H

#include <stddef.h>

#include "lineaged/model.h"
#include "lineaged/request.h"

struct sigv4_keys;

/* What the service holds for its whole life: read-only after start. */
struct service {
    struct api_model *sagemaker; /* AWS JSON 1.1, by X-Amz-Target */
    struct api_model *metrics;   /* REST-JSON, by method and path */
    const char *default_region;
    const struct sigv4_keys *keys; /* with `--auth sigv4`, else NULL: every caller trusted */
    struct limits limits; /* caps on manually created entities; 0 = none */
};

struct reply {
    int status;
    const char *body; /* arena memory */
    size_t len;
    const char *error_type;   /* NULL on success */
    const char *content_type; /* NULL for the route's JSON type */
    const char *const *headers; /* extra name, value, ..., NULL; or NULL */
    const char *operation;  /* for metrics and logs: what was asked for, or NULL if unknown */
};

/* Loads both embedded models. Returns 0, or -1 with a message on stderr. */
int service_load_models(struct service *svc);
void service_free_models(struct service *svc);

/* Serves `SageMaker.<Op>` (the whole X-Amz-Target value in `target`, or NULL). */
void dispatch_sagemaker(const struct service *svc, struct request *r, const char *target, const char *body,
                        size_t len, struct reply *out);

/* Serves a REST-JSON metrics route; returns 0 if no route matches. */
int dispatch_metrics(const struct service *svc, struct request *r, const char *method, const char *path,
                     const char *body, size_t len, struct reply *out);

/* Parses a whole request body as UTF-8 JSON without NUL characters into a
 * tree freed with the request; NULL (SerializationException recorded) when
 * it is not. */
cJSON *dispatch_parse_body(struct request *r, const char *body, size_t len);

/* Reads a request body for `op`: dispatch_parse_body's tree (an empty body is
 * {}), valid against the model. Returns LD_OK with *in set, or the error
 * recorded on `r`. Touches no database, so the fuzz target drives it directly. */
enum ld_err dispatch_read_input(struct request *r, const struct api_op *op, const char *body, size_t len,
                                cJSON **in);

/* Fills `out` with `body` printed (freed with the request) and `status`. */
void reply_json(struct request *r, cJSON *body, int status, struct reply *out);

/* Fills `out` with the error recorded on `r`. */
void reply_error(struct request *r, struct reply *out);

#endif
