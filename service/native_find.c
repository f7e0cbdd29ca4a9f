/* GET /api/v1/find?q=TEXT[&kind=K][&limit=N]: the explorer's type-ahead, the
 * caller's entities whose name, ARN or source URI starts with q. */
#include <string.h>

#include "json_io.h"
#include "native_api.h"
#include "store_find.h"

enum { MAX_QUERY = 256, DEFAULT_LIMIT = 20, MAX_LIMIT = 100 };

/* The parameter's spelling of each kind, indexed by enum entity_kind. */
static const char *const KIND_PARAM[] = {
    [KIND_EXPERIMENT] = "experiment", [KIND_TRIAL] = "trial",   [KIND_TRIAL_COMPONENT] = "trial-component",
    [KIND_ARTIFACT] = "artifact",     [KIND_ACTION] = "action", [KIND_CONTEXT] = "context",
};

enum ld_err native_find(struct request *r, const struct query_param *p, size_t n, cJSON *out,
                        struct reply *rep)
{
    (void)rep; /* always JSON */
    long limit;
    if (!native_int_param(r, p, n, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT, &limit))
        return r->error;
    const char *q = native_param(p, n, "q"), *kind_text = native_param(p, n, "kind");
    if (!q || !*q || strlen(q) > MAX_QUERY)
        return req_fail(r, LD_ERR_VALIDATION, "Parameter 'q' must be from 1 to %d characters long.",
                        MAX_QUERY);
    enum entity_kind kind = 0;
    if (kind_text && *kind_text) {
        for (int k = KIND_EXPERIMENT; k <= KIND_CONTEXT; k++)
            if (strcmp(kind_text, KIND_PARAM[k]) == 0)
                kind = (enum entity_kind)k;
        if (!kind)
            return req_fail(r, LD_ERR_VALIDATION,
                            "Parameter 'kind' must be one of artifact, action, context, experiment, trial, "
                            "trial-component.");
    }
    struct find_hit *hits;
    size_t count;
    enum ld_err e = store_find(r, q, kind, (size_t)limit, &hits, &count);
    if (e != LD_OK)
        return e;
    cJSON *results = cJSON_AddArrayToObject(out, "results");
    for (size_t i = 0; i < count; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(results, o);
        json_put_str(o, "arn", hits[i].arn);
        json_put_str(o, "name", hits[i].name);
        json_put_str(o, "kind", KIND_PARAM[hits[i].kind]);
        json_put_str(o, "type", hits[i].type);
        json_put_str(o, "sourceUri", hits[i].source_uri);
    }
    return LD_OK;
}
