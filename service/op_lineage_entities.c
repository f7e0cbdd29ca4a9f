/* Artifacts, actions and contexts: one set of handlers driven by a row per
 * kind, since the three differ only in member names and a few members. */
#include <stdlib.h>
#include <string.h>

#include "json_io.h"
#include "lineaged/artifact_identity.h"
#include "list_params.h"
#include "lineaged/store.h"
#include "op_common.h"
#include "ops.h"

struct lineage_kind {
    enum entity_kind kind;
    const char *name_member; /* ArtifactName, ActionName, ContextName */
    const char *arn_member;
    const char *type_member;
    const char *summaries;
    const char *list_operation;
};

static const struct lineage_kind artifact = {KIND_ARTIFACT,  "ArtifactName",      "ArtifactArn",
                                             "ArtifactType", "ArtifactSummaries", "ListArtifacts"};
static const struct lineage_kind action = {KIND_ACTION,  "ActionName",      "ActionArn",
                                           "ActionType", "ActionSummaries", "ListActions"};
static const struct lineage_kind context = {KIND_CONTEXT,  "ContextName",      "ContextArn",
                                            "ContextType", "ContextSummaries", "ListContexts"};

/* The request member that names an entity: artifacts go by ARN, the others by name. */
static const char *key_member(const struct lineage_kind *lk)
{
    return lk->kind == KIND_ARTIFACT ? lk->arn_member : lk->name_member;
}

static void delete_tree(void *p)
{
    cJSON_Delete(p);
}

static enum ld_err create_entity(const struct lineage_kind *lk, struct request *r, const cJSON *in,
                                 cJSON *out)
{
    const cJSON *source = cJSON_GetObjectItemCaseSensitive(in, "Source");
    cJSON *details = cJSON_CreateObject();
    arena_defer(r->arena, delete_tree, details);
    const char *keep[] = {"Properties", "MetadataProperties"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, keep[i]);
        if (v)
            cJSON_AddItemToObject(details, keep[i], cJSON_Duplicate(v, 1));
    }
    struct entity_input e = {
        .kind = lk->kind,
        .name = json_str(in, lk->name_member),
        .vertex_type = json_str(in, lk->type_member),
        .lineage = true,
        .description = json_str(in, "Description"),
        .source_uri = json_str(source, "SourceUri"),
        .source_type = json_str(source, "SourceType"),
        .source_id = json_str(source, "SourceId"),
        .status = json_str(in, "Status"),
    };
    if (lk->kind == KIND_ARTIFACT) {
        /* The identity is the set of source types; Describe answers the list as given. */
        const cJSON *given = cJSON_GetObjectItemCaseSensitive(source, "SourceTypes");
        cJSON_AddItemToObject(details, "SourceTypes",
                              given ? cJSON_Duplicate(given, 1) : cJSON_CreateArray());
        e.arn_id =
            artifact_id(r->arena, e.source_uri, e.vertex_type, artifact_source_type_set(r->arena, source));
    }
    e.details = json_print_owned(r, details);
    const char *arn;
    enum ld_err err = store_entity_create(r, &e, cJSON_GetObjectItemCaseSensitive(in, "Tags"), &arn);
    if (err == LD_OK)
        json_put_str(out, lk->arn_member, arn);
    return err;
}

/* Adds the entity's Source in its kind's shape. */
static void put_source(struct request *r, const struct entity *e, cJSON *out)
{
    cJSON *src = cJSON_AddObjectToObject(out, "Source");
    json_put_str(src, "SourceUri", e->source_uri);
    if (e->kind == KIND_ARTIFACT) {
        cJSON *details = json_parse_owned(r, e->details);
        cJSON *types = cJSON_GetObjectItemCaseSensitive(details, "SourceTypes");
        if (cJSON_GetArraySize(types) > 0)
            cJSON_AddItemToObject(src, "SourceTypes", cJSON_Duplicate(types, 1));
        return;
    }
    json_put_str(src, "SourceType", e->source_type);
    json_put_str(src, "SourceId", e->source_id);
}

void op_write_lineage_entity(struct request *r, const struct entity *e, cJSON *out)
{
    const struct lineage_kind *lk = e->kind == KIND_ARTIFACT ? &artifact
                                    : e->kind == KIND_ACTION ? &action
                                                             : &context;
    json_put_str(out, lk->name_member, e->name);
    json_put_str(out, lk->arn_member, e->arn);
    put_source(r, e, out);
    json_put_str(out, lk->type_member, e->vertex_type);
    json_put_str(out, "Description", e->description);
    json_put_str(out, "Status", e->status);
    struct op_details details;
    op_details_split(r, e->details, &details);
    op_put_detail(&details, "Properties", out);
    json_put_time(out, "CreationTime", e->created_ms);
    json_put_object_text(out, "CreatedBy", e->created_by);
    json_put_time(out, "LastModifiedTime", e->modified_ms);
    json_put_object_text(out, "LastModifiedBy", e->modified_by);
    op_put_detail(&details, "MetadataProperties", out);
    json_put_str(out, "LineageGroupArn", entity_lineage_group_arn(r));
}

static enum ld_err describe_entity(const struct lineage_kind *lk, struct request *r, const cJSON *in,
                                   cJSON *out)
{
    struct entity e;
    enum ld_err err = store_entity_get(r, lk->kind, json_str(in, key_member(lk)), &e);
    if (err == LD_OK)
        op_write_lineage_entity(r, &e, out);
    return err;
}

/* The model's most Properties an artifact, action or context holds. */
enum { PROPERTIES_MAX = 30 };

static enum ld_err update_entity(const struct lineage_kind *lk, struct request *r, const cJSON *in,
                                 cJSON *out)
{
    struct entity_update u = {
        .name = lk->kind == KIND_ARTIFACT ? json_str(in, lk->name_member) : NULL,
        .description = json_str(in, "Description"),
        .status = json_str(in, "Status"),
        .merges = {{"Properties", json_print_owned(r, cJSON_GetObjectItemCaseSensitive(in, "Properties")),
                    json_print_owned(r, cJSON_GetObjectItemCaseSensitive(in, "PropertiesToRemove")),
                    PROPERTIES_MAX}},
    };
    return op_update_entity(r, in, out, lk->kind, key_member(lk), lk->arn_member, &u);
}

static enum ld_err delete_entity(const struct lineage_kind *lk, struct request *r, const cJSON *in,
                                 cJSON *out)
{
    const char *key = json_str(in, key_member(lk));
    const cJSON *source = cJSON_GetObjectItemCaseSensitive(in, "Source");
    if (!key && lk->kind == KIND_ARTIFACT) {
        if (!source)
            return req_fail(r, LD_ERR_VALIDATION, "Either ArtifactArn or Source must be given.");
        enum ld_err err =
            store_artifact_by_source(r, json_str(source, "SourceUri"),
                                     cJSON_GetObjectItemCaseSensitive(source, "SourceTypes")
                                         ? json_print_owned(r, artifact_source_type_set(r->arena, source))
                                         : NULL,
                                     &key);
        if (err != LD_OK)
            return err;
    }
    return op_delete_entity(r, out, lk->kind, key, lk->arn_member);
}

static void put_lineage_summary(struct request *r, const struct entity *e, cJSON *s, const void *ctx)
{
    const struct lineage_kind *lk = ctx;
    json_put_str(s, lk->arn_member, e->arn);
    json_put_str(s, lk->name_member, e->name);
    put_source(r, e, s);
    json_put_str(s, lk->type_member, e->vertex_type);
    json_put_str(s, "Status", e->status);
    json_put_time(s, "CreationTime", e->created_ms);
    json_put_time(s, "LastModifiedTime", e->modified_ms);
}

static enum ld_err list_entities(const struct lineage_kind *lk, struct request *r, const cJSON *in,
                                 cJSON *out)
{
    struct list_query q;
    list_query_from_input(in, lk->kind, lk->list_operation, &q);
    q.source_uri = json_str(in, "SourceUri");
    q.type = json_str(in, lk->type_member);
    return op_list_page(r, &q, out, lk->summaries, put_lineage_summary, lk);
}

#define LINEAGE_HANDLERS(kind, desc)                                                                         \
    enum ld_err op_create_##kind(struct request *r, const cJSON *in, cJSON *out)                             \
    {                                                                                                        \
        return create_entity(&desc, r, in, out);                                                             \
    }                                                                                                        \
    enum ld_err op_describe_##kind(struct request *r, const cJSON *in, cJSON *out)                           \
    {                                                                                                        \
        return describe_entity(&desc, r, in, out);                                                           \
    }                                                                                                        \
    enum ld_err op_update_##kind(struct request *r, const cJSON *in, cJSON *out)                             \
    {                                                                                                        \
        return update_entity(&desc, r, in, out);                                                             \
    }                                                                                                        \
    enum ld_err op_delete_##kind(struct request *r, const cJSON *in, cJSON *out)                             \
    {                                                                                                        \
        return delete_entity(&desc, r, in, out);                                                             \
    }                                                                                                        \
    enum ld_err op_list_##kind##s(struct request *r, const cJSON *in, cJSON *out)                            \
    {                                                                                                        \
        return list_entities(&desc, r, in, out);                                                             \
    }

LINEAGE_HANDLERS(artifact, artifact)
LINEAGE_HANDLERS(action, action)
LINEAGE_HANDLERS(context, context)
