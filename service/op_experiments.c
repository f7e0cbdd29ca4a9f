/* Experiments: create, describe, update, delete, list. */
#include "json_io.h"
#include "list_params.h"
#include "lineaged/store.h"
#include "op_common.h"
#include "ops.h"

enum ld_err op_create_experiment(struct request *r, const cJSON *in, cJSON *out)
{
    const char *name = json_str(in, "ExperimentName"), *display = json_str(in, "DisplayName");
    struct entity_input e = {
        .kind = KIND_EXPERIMENT,
        .name = name,
        .display_name = display ? display : name,
        .description = json_str(in, "Description"),
    };
    const char *arn;
    enum ld_err err = store_entity_create(r, &e, cJSON_GetObjectItemCaseSensitive(in, "Tags"), &arn);
    if (err == LD_OK)
        json_put_str(out, "ExperimentArn", arn);
    return err;
}

void describe_write_experiment(const struct entity *e, cJSON *out)
{
    json_put_str(out, "ExperimentName", e->name);
    json_put_str(out, "ExperimentArn", e->arn);
    json_put_str(out, "DisplayName", e->display_name);
    json_put_source(out, "Source", e->source_uri, e->source_type);
    json_put_str(out, "Description", e->description);
    json_put_time(out, "CreationTime", e->created_ms);
    json_put_object_text(out, "CreatedBy", e->created_by);
    json_put_time(out, "LastModifiedTime", e->modified_ms);
    json_put_object_text(out, "LastModifiedBy", e->modified_by);
}

enum ld_err op_describe_experiment(struct request *r, const cJSON *in, cJSON *out)
{
    struct entity e;
    enum ld_err err = store_entity_get(r, KIND_EXPERIMENT, json_str(in, "ExperimentName"), &e);
    if (err == LD_OK)
        describe_write_experiment(&e, out);
    return err;
}

enum ld_err op_update_experiment(struct request *r, const cJSON *in, cJSON *out)
{
    struct entity_update u = {.display_name = json_str(in, "DisplayName"),
                              .description = json_str(in, "Description")};
    return op_update_entity(r, in, out, KIND_EXPERIMENT, "ExperimentName", "ExperimentArn", &u);
}

enum ld_err op_delete_experiment(struct request *r, const cJSON *in, cJSON *out)
{
    return op_delete_entity(r, out, KIND_EXPERIMENT, json_str(in, "ExperimentName"), "ExperimentArn");
}

static void put_experiment_summary(struct request *r, const struct entity *e, cJSON *s, const void *ctx)
{
    (void)r;
    (void)ctx;
    json_put_str(s, "ExperimentArn", e->arn);
    json_put_str(s, "ExperimentName", e->name);
    json_put_str(s, "DisplayName", e->display_name);
    json_put_source(s, "ExperimentSource", e->source_uri, e->source_type);
    json_put_time(s, "CreationTime", e->created_ms);
    json_put_time(s, "LastModifiedTime", e->modified_ms);
}

enum ld_err op_list_experiments(struct request *r, const cJSON *in, cJSON *out)
{
    struct list_query q;
    list_query_from_input(in, KIND_EXPERIMENT, "ListExperiments", &q);
    return op_list_page(r, &q, out, "ExperimentSummaries", put_experiment_summary, NULL);
}
