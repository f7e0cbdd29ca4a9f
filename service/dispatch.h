/* From a request body to exactly one reply: parse, find the operation,
 * validate against the model, run the handler, serialise result or error. */
#ifndef LINEAGED_DISPATCH_H
#define LINEAGED_DISPATCH_H

#include <stddef.h>

#include "lineaged/model.h"
#include "lineaged/request.h"

/* What the service holds for its whole life: read-only after start. */
struct service {
    struct api_model *sagemaker; /* AWS JSON 1.1, by X-Amz-Target */
    struct api_model *metrics;   /* REST-JSON, by method and path */
    const char *default_region;
    struct limits limits; /* caps on manually created entities; 0 = none */
};

struct reply {
    int status;
    const char *body; /* arena memory */
    size_t len;
    const char *error_type; /* NULL on success */
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

/* Reads a request body for `op`: well-formed UTF-8 JSON filling the body (an
 * empty body is {}), valid against the model. Returns LD_OK with *in set (a
 * tree freed with the request's arena), or the error recorded on `r`. Touches
 * no database, so the fuzz target drives it directly. */
enum ld_err dispatch_read_input(struct request *r, const struct api_op *op, const char *body, size_t len,
                                cJSON **in);

/* Fills `out` with `body` printed (freed with the request) and `status`. */
void reply_json(struct request *r, cJSON *body, int status, struct reply *out);

/* Fills `out` with the error recorded on `r`. */
void reply_error(struct request *r, struct reply *out);

#endif
