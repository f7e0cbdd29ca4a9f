/* The operation table and the one path every API request takes. */
#include "dispatch.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_io.h"
#include "json_write.h"
#include "lineaged/embedded.h"
#include "lineaged/store.h"
#include "ops.h"

/* How often a handler runs when concurrent transactions keep aborting it. */
enum { CONFLICT_ATTEMPTS = 4 };

struct operation {
    const char *name;
    op_handler handler;
};

/* Implemented operations, sorted by name. Operations of the models that are
 * missing here answer NotImplemented. */
static const struct operation operations[] = {
    {"AddAssociation", op_add_association},
    {"AddTags", op_add_tags},
    {"AssociateTrialComponent", op_associate_trial_component},
    {"BatchGetMetrics", op_batch_get_metrics},
    {"BatchPutMetrics", op_batch_put_metrics},
    {"CreateAction", op_create_action},
    {"CreateArtifact", op_create_artifact},
    {"CreateContext", op_create_context},
    {"CreateExperiment", op_create_experiment},
    {"CreateTrial", op_create_trial},
    {"CreateTrialComponent", op_create_trial_component},
    {"DeleteAction", op_delete_action},
    {"DeleteArtifact", op_delete_artifact},
    {"DeleteAssociation", op_delete_association},
    {"DeleteContext", op_delete_context},
    {"DeleteExperiment", op_delete_experiment},
    {"DeleteTags", op_delete_tags},
    {"DeleteTrial", op_delete_trial},
    {"DeleteTrialComponent", op_delete_trial_component},
    {"DescribeAction", op_describe_action},
    {"DescribeArtifact", op_describe_artifact},
    {"DescribeContext", op_describe_context},
    {"DescribeExperiment", op_describe_experiment},
    {"DescribeLineageGroup", op_describe_lineage_group},
    {"DescribeTrial", op_describe_trial},
    {"DescribeTrialComponent", op_describe_trial_component},
    {"DisassociateTrialComponent", op_disassociate_trial_component},
    {"GetLineageGroupPolicy", op_get_lineage_group_policy},
    {"GetSearchSuggestions", op_get_search_suggestions},
    {"ListActions", op_list_actions},
    {"ListArtifacts", op_list_artifacts},
    {"ListAssociations", op_list_associations},
    {"ListContexts", op_list_contexts},
    {"ListExperiments", op_list_experiments},
    {"ListLineageGroups", op_list_lineage_groups},
    {"ListTags", op_list_tags},
    {"ListTrialComponents", op_list_trial_components},
    {"ListTrials", op_list_trials},
    {"QueryLineage", op_query_lineage},
    {"Search", op_search},
    {"UpdateAction", op_update_action},
    {"UpdateArtifact", op_update_artifact},
    {"UpdateContext", op_update_context},
    {"UpdateExperiment", op_update_experiment},
    {"UpdateTrial", op_update_trial},
    {"UpdateTrialComponent", op_update_trial_component},
};

static int compare_operation(const void *key, const void *row)
{
    return strcmp(key, ((const struct operation *)row)->name);
}

static op_handler find_handler(const char *name)
{
    const struct operation *op = bsearch(name, operations, sizeof operations / sizeof operations[0],
                                         sizeof operations[0], compare_operation);
    return op ? op->handler : NULL;
}

static struct api_model *load_model(const char *name)
{
    for (unsigned i = 0; i < embedded_models_count; i++) {
        if (strcmp(embedded_models[i].name, name) != 0)
            continue;
        char *err = NULL;
        struct api_model *m = model_load(embedded_models[i].data, embedded_models[i].len, &err);
        if (!m) {
            fprintf(stderr, "lineaged: model %s: %s\n", name, err ? err : "unreadable");
            free(err);
        }
        return m;
    }
    fprintf(stderr, "lineaged: model %s is not embedded\n", name);
    return NULL;
}

int service_load_models(struct service *svc)
{
    svc->sagemaker = load_model("sagemaker-lineage.json");
    svc->metrics = load_model("sagemaker-metrics.json");
    return svc->sagemaker && svc->metrics ? 0 : -1;
}

void service_free_models(struct service *svc)
{
    model_free(svc->sagemaker);
    model_free(svc->metrics);
    svc->sagemaker = svc->metrics = NULL;
}

static void delete_tree(void *p)
{
    cJSON_Delete(p);
}

void reply_json(struct request *r, cJSON *body, int status, struct reply *out)
{
    size_t len;
    char *text = json_write(r->arena, body, false, &len);
    if (!text) {
        fputs("lineaged: a reply tree holds a node cJSON cannot print\n", stderr);
        abort();
    }
    out->status = status;
    out->body = text;
    out->len = len;
}

void reply_error(struct request *r, struct reply *out)
{
    cJSON *body = cJSON_CreateObject();
    arena_defer(r->arena, delete_tree, body);
    const char *type = ld_err_type(r->error);
    const char *message = r->message ? r->message : "";
    cJSON_AddStringToObject(body, "__type", type);
    cJSON_AddStringToObject(body, "message", message);
    if (ld_err_has_message_member(r->error))
        cJSON_AddStringToObject(body, "Message", message);
    reply_json(r, body, ld_err_status(r->error), out);
    out->error_type = type;
}

/* The length of the well-formed UTF-8 sequence at s[0..left) (no overlongs,
 * surrogates or values past U+10FFFF), or 0. */
static size_t utf8_char(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || n > left || (n == 2 && c < 0xc2))
        return 0;
    uint32_t cp = n == 1 ? c : (uint32_t)(c & (0x7f >> n));
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

enum text_check { TEXT_OK, TEXT_MALFORMED, TEXT_NUL };

/* Checks what cJSON lets through: the body must be well-formed UTF-8 with no
 * raw control character inside a string (JSON forbids them) and no \u0000,
 * which would silently cut a C string short (and PostgreSQL cannot store). */
static enum text_check check_text(const unsigned char *s, size_t len)
{
    bool in_string = false;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_char(s + i, len - i);
        bool blank = s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n';
        if (n == 0 || (s[i] < 0x20 && (in_string || !blank)))
            return TEXT_MALFORMED;
        if (s[i] == '"') {
            in_string = !in_string;
        } else if (in_string && s[i] == '\\' && i + 1 < len) {
            if (s[i + 1] == 'u' && len - i >= 6 && memcmp(s + i + 2, "0000", 4) == 0)
                return TEXT_NUL;
            n = 2; /* the escaped character cannot end the string */
        }
        i += n;
    }
    return TEXT_OK;
}

/* Parses a JSON document that fills the body: trailing text other than
 * whitespace (as in "{}}") makes it malformed. */
static cJSON *parse_whole(const char *body, size_t len)
{
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (v && end)
        for (; end < body + len; end++)
            if (!strchr(" \t\r\n", *end) || !*end) {
                cJSON_Delete(v);
                return NULL;
            }
    return v;
}

cJSON *dispatch_parse_body(struct request *r, const char *body, size_t len)
{
    enum text_check text = check_text((const unsigned char *)body, len);
    if (text == TEXT_NUL) {
        req_fail(r, LD_ERR_SERIALIZATION, "The request body holds a NUL character (\\u0000).");
        return NULL;
    }
    cJSON *in = text == TEXT_OK ? parse_whole(body, len) : NULL;
    if (!in) {
        req_fail(r, LD_ERR_SERIALIZATION, "The request body is not valid UTF-8 JSON.");
        return NULL;
    }
    arena_defer(r->arena, delete_tree, in);
    return in;
}

enum ld_err dispatch_read_input(struct request *r, const struct api_op *op, const char *body, size_t len,
                                cJSON **in)
{
    if (len > 0) {
        if (!(*in = dispatch_parse_body(r, body, len)))
            return r->error;
    } else {
        *in = cJSON_CreateObject();
        arena_defer(r->arena, delete_tree, *in);
    }
    char *message = NULL;
    enum ld_err e = model_validate(op, *in, r->arena, &message);
    if (e != LD_OK)
        return req_fail(r, e, "%s", message ? message : "");
    /* The model lets NextToken be empty: that asks for the first page, as no token does. */
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(*in, "NextToken");
    if (cJSON_IsString(token) && !*token->valuestring)
        cJSON_DeleteItemFromObjectCaseSensitive(*in, "NextToken");
    return LD_OK;
}

/* Parses, validates and runs `op`, leaving the reply in `out`. */
static void run_in_arena(struct request *r, const struct api_op *op, const char *body, size_t len,
                         struct reply *out)
{
    cJSON *in = NULL;
    op_handler handler = find_handler(model_op_name(op));
    enum ld_err e = dispatch_read_input(r, op, body, len, &in);
    if (e == LD_OK && !handler) {
        req_fail(r, LD_ERR_NOT_IMPLEMENTED, "The operation %s is not implemented by lineaged yet.",
                 model_op_name(op));
    } else if (e == LD_OK) {
        /* A deadlock or serialisation failure rolled the work back: run it again. */
        for (int attempt = 1;; attempt++) {
            cJSON *result = cJSON_CreateObject();
            arena_defer(r->arena, delete_tree, result);
            r->operation = model_op_name(op);
            struct store *primary = r->store;
            r->store = store_route(primary, r);
            e = handler(r, in, result);
            bool conflict = store_end_request(r->store);
            r->store = primary;
            if (e == LD_OK) {
                reply_json(r, result, 200, out);
                return;
            }
            if (!conflict || attempt == CONFLICT_ATTEMPTS)
                break;
            r->error = LD_OK;
            r->message = NULL;
        }
    }
    reply_error(r, out);
}

/* run_in_arena with the request's cJSON trees in its arena. */
static void run_operation(struct request *r, const struct api_op *op, const char *body, size_t len,
                          struct reply *out)
{
    json_trees_in(r->arena);
    run_in_arena(r, op, body, len, out);
    json_trees_in(NULL);
}

void dispatch_sagemaker(const struct service *svc, struct request *r, const char *target, const char *body,
                        size_t len, struct reply *out)
{
    static const char prefix[] = "SageMaker.";
    const char *name =
        target && strncmp(target, prefix, sizeof prefix - 1) == 0 ? target + sizeof prefix - 1 : NULL;
    const struct api_op *op = name ? model_find_op(svc->sagemaker, name) : NULL;
    if (!op) {
        req_fail(r, LD_ERR_UNKNOWN_OPERATION, "The operation %s is not known to this service.",
                 target ? target : "(no X-Amz-Target header)");
        reply_error(r, out);
        return;
    }
    out->operation = model_op_name(op);
    run_operation(r, op, body, len, out);
}

int dispatch_metrics(const struct service *svc, struct request *r, const char *method, const char *path,
                     const char *body, size_t len, struct reply *out)
{
    const struct api_op *op = model_find_route(svc->metrics, method, path);
    if (!op)
        return 0;
    out->operation = model_op_name(op);
    run_operation(r, op, body, len, out);
    return 1;
}
