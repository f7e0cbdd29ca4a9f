/* Lineage that arrives from outside the SageMaker API: the emulator's hook
 * (POST /api/v1/emulator/sagemaker) and OpenLineage run events
 * (POST /api/v1/lineage). */
#ifndef LINEAGED_INGEST_H
#define LINEAGED_INGEST_H

#include <stddef.h>

#include "dispatch.h"

/* Serves POST `uri` (path and query) with its JSON `body`; returns 0 when no
 * route matches. An unsigned OpenLineage event may choose its scope with the
 * query parameters `account` and `region`, as the native read API does. */
int ingest_serve(struct request *r, const char *uri, const char *body, size_t len, struct reply *out);

/* One delivery of the emulator: the SageMaker operation it served with its
 * request and response documents (and, for endpoints, the resources they
 * name), in the caller's scope. Fills `out` with what was derived. */
enum ld_err emulator_hook(struct request *r, const cJSON *delivery, cJSON *out);

/* One OpenLineage run event, in the caller's scope. */
enum ld_err openlineage_ingest(struct request *r, const cJSON *event);

#endif
