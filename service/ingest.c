/* The POST routes that bring lineage in from outside the SageMaker API. */
#include "ingest.h"

#include <string.h>

#include "json_io.h"
#include "lineaged/store.h"

int ingest_serve(struct request *r, const char *path, const char *body, size_t len, struct reply *out)
{
    bool hook = strcmp(path, "/api/v1/emulator/sagemaker") == 0;
    if (!hook && strcmp(path, "/api/v1/lineage") != 0)
        return 0;
    cJSON *doc = dispatch_parse_body(r, body, len);
    cJSON *result = json_parse_owned_adopt(r, cJSON_CreateObject());
    enum ld_err e = r->error;
    if (doc && !cJSON_IsObject(doc))
        e = req_fail(r, LD_ERR_VALIDATION, "The body must be a JSON object.");
    else if (doc) {
        /* The audit trail names what each derived row came from. */
        const char *what = json_str(doc, hook ? "operation" : "eventType");
        r->operation = arena_printf(r->arena, "%s:%s", hook ? "EmulatorHook" : "OpenLineage", what ? what : "");
        e = hook ? emulator_hook(r, doc, result) : openlineage_ingest(r, doc);
    }
    store_end_request(r->store);
    if (e != LD_OK)
        reply_error(r, out);
    else if (hook)
        reply_json(r, result, 200, out);
    else
        *out = (struct reply){.status = 201, .body = "", .len = 0}; /* as Marquez answers */
    return 1;
}
