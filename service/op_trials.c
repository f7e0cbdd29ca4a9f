/* Trials: create (in an existing experiment), describe, update, delete, list,
 * and component membership. */
#include "json_io.h"
#include "list_params.h"
#include "lineaged/store.h"
#include "op_common.h"
#include "ops.h"

enum ld_err op_create_trial(struct request *r, const cJSON *in, cJSON *out)
{
    struct entity experiment;
    enum ld_err err = store_entity_get(r, KIND_EXPERIMENT, json_str(in, "ExperimentName"), &experiment);
    if (err != LD_OK)
        return err;
    const char *name = json_str(in, "TrialName"), *display = json_str(in, "DisplayName");
    cJSON *details = cJSON_CreateObject();
    const cJSON *metadata = cJSON_GetObjectItemCaseSensitive(in, "MetadataProperties");
    if (metadata)
        cJSON_AddItemToObject(details, "MetadataProperties", cJSON_Duplicate(metadata, 1));
    struct entity_input e = {
        .kind = KIND_TRIAL,
        .name = name,
        .vertex_type = "Trial",
        .parent_id = experiment.id,
        .display_name = display ? display : name,
        .details = json_print_owned(r, details),
    };
    cJSON_Delete(details);
    const char *arn;
    err = store_entity_create(r, &e, cJSON_GetObjectItemCaseSensitive(in, "Tags"), &arn);
    if (err == LD_OK)
        json_put_str(out, "TrialArn", arn);
    return err;
}

void op_write_trial(struct request *r, const struct entity *e, cJSON *out)
{
    json_put_str(out, "TrialName", e->name);
    json_put_str(out, "TrialArn", e->arn);
    json_put_str(out, "DisplayName", e->display_name);
    json_put_str(out, "ExperimentName", e->parent_name);
    json_put_source(out, "Source", e->source_uri, e->source_type);
    json_put_time(out, "CreationTime", e->created_ms);
    json_put_object_text(out, "CreatedBy", e->created_by);
    json_put_time(out, "LastModifiedTime", e->modified_ms);
    json_put_object_text(out, "LastModifiedBy", e->modified_by);
    struct op_details d;
    op_details_split(r, e->details, &d);
    op_put_detail(&d, "MetadataProperties", out);
}

enum ld_err op_describe_trial(struct request *r, const cJSON *in, cJSON *out)
{
    struct entity e;
    enum ld_err err = store_entity_get(r, KIND_TRIAL, json_str(in, "TrialName"), &e);
    if (err == LD_OK)
        op_write_trial(r, &e, out);
    return err;
}

enum ld_err op_update_trial(struct request *r, const cJSON *in, cJSON *out)
{
    struct entity_update u = {.display_name = json_str(in, "DisplayName")};
    return op_update_entity(r, in, out, KIND_TRIAL, "TrialName", "TrialArn", &u);
}

enum ld_err op_delete_trial(struct request *r, const cJSON *in, cJSON *out)
{
    return op_delete_entity(r, out, KIND_TRIAL, json_str(in, "TrialName"), "TrialArn");
}

static void put_trial_summary(struct request *r, const struct entity *e, cJSON *s, const void *ctx)
{
    (void)r;
    (void)ctx;
    json_put_str(s, "TrialArn", e->arn);
    json_put_str(s, "TrialName", e->name);
    json_put_str(s, "DisplayName", e->display_name);
    json_put_source(s, "TrialSource", e->source_uri, e->source_type);
    json_put_time(s, "CreationTime", e->created_ms);
    json_put_time(s, "LastModifiedTime", e->modified_ms);
}

enum ld_err op_list_trials(struct request *r, const cJSON *in, cJSON *out)
{
    struct list_query q;
    list_query_from_input(in, KIND_TRIAL, "ListTrials", &q);
    const char *experiment = json_str(in, "ExperimentName"), *component = json_str(in, "TrialComponentName");
    struct entity parent;
    enum ld_err err = LD_OK;
    if (experiment) {
        err = store_entity_get(r, KIND_EXPERIMENT, experiment, &parent);
        q.experiment = experiment;
    }
    if (component && err == LD_OK) {
        err = store_entity_get(r, KIND_TRIAL_COMPONENT, component, &parent);
        q.scope = SCOPE_COMPONENT_TRIALS;
        q.scope_value = component;
    }
    if (err != LD_OK)
        return err;
    return op_list_page(r, &q, out, "TrialSummaries", put_trial_summary, NULL);
}

static enum ld_err set_membership(struct request *r, const cJSON *in, cJSON *out, bool add)
{
    const char *tc_arn, *trial_arn;
    enum ld_err err = store_membership_set(r, json_str(in, "TrialComponentName"), json_str(in, "TrialName"),
                                           add, &tc_arn, &trial_arn);
    if (err == LD_OK) {
        json_put_str(out, "TrialComponentArn", tc_arn);
        json_put_str(out, "TrialArn", trial_arn);
    }
    return err;
}

enum ld_err op_associate_trial_component(struct request *r, const cJSON *in, cJSON *out)
{
    return set_membership(r, in, out, true);
}

enum ld_err op_disassociate_trial_component(struct request *r, const cJSON *in, cJSON *out)
{
    return set_membership(r, in, out, false);
}
