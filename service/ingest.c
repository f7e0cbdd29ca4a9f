/* The POST routes that bring lineage in from outside the SageMaker API. */
#include "ingest.h"

#include <string.h>

#include "json_io.h"
#include "lineaged/scope.h"
#include "lineaged/store.h"

/* Takes `account` and `region` from the query string of an unsigned request.
 * Valid values need no percent-decoding, so any encoded one is refused. */
static enum ld_err scope_from_query(struct request *r, const char *query)
{
    for (const char *p = query; p && *p; p += strcspn(p, "&"), p += *p == '&') {
        size_t len = strcspn(p, "&"), key = strcspn(p, "=&");
        bool account = key == 7 && strncmp(p, "account", 7) == 0,
             region = key == 6 && strncmp(p, "region", 6) == 0;
        if (!account && !region)
            continue;
        const char *value = key < len ? arena_strndup(r->arena, p + key + 1, len - key - 1) : "";
        if (account && !scope_account_valid(value))
            return req_fail(r, LD_ERR_VALIDATION, "Parameter 'account' must be 12 digits.");
        if (region && !scope_region_valid(value))
            return req_fail(r, LD_ERR_VALIDATION,
                            "Parameter 'region' must be lower-case letters, digits and hyphens.");
        if (!r->access_key[0]) {
            if (account)
                r->account = value;
            else
                r->region = value;
        }
    }
    return LD_OK;
}

/* Whether the path part (`len` bytes) of `uri` is `path`. */
static bool path_is(const char *uri, size_t len, const char *path)
{
    return strlen(path) == len && strncmp(uri, path, len) == 0;
}

int ingest_serve(struct request *r, const char *uri, const char *body, size_t len, struct reply *out)
{
    size_t path_len = strcspn(uri, "?");
    bool hook = path_is(uri, path_len, "/api/v1/emulator/sagemaker");
    if (!hook && !path_is(uri, path_len, "/api/v1/lineage"))
        return 0;
    cJSON *doc = dispatch_parse_body(r, body, len);
    cJSON *result = json_parse_owned_adopt(r, cJSON_CreateObject());
    enum ld_err e = r->error; /* SerializationException when the body is no JSON */
    if (e == LD_OK && !hook && uri[path_len])
        e = scope_from_query(r, uri + path_len + 1);
    if (e == LD_OK && !cJSON_IsObject(doc))
        e = req_fail(r, LD_ERR_VALIDATION, "The body must be a JSON object.");
    else if (e == LD_OK) {
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
