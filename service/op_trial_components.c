/* Trial components: create, describe (with metric summaries), update with
 * merged maps, delete, list by experiment, trial or source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_io.h"
#include "list_params.h"
#include "lineaged/store.h"
#include "lineaged/timefmt.h"
#include "op_common.h"
#include "ops.h"

/* The model's most parameters, and input or output artifacts, a component holds. */
enum { PARAMETERS_MAX = 300, ARTIFACTS_MAX = 60 };

/* Members kept whole in the details document. */
static const char *const detail_members[] = {"Status", "Parameters", "InputArtifacts", "OutputArtifacts",
                                             "MetadataProperties"};

/* Each parameter holds exactly one of StringValue and NumberValue, and a
 * number is finite (AWS JSON sends NaN and the infinities as strings). */
static enum ld_err check_parameters(struct request *r, const cJSON *in)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(in, "Parameters"))
    {
        const cJSON *number = cJSON_GetObjectItemCaseSensitive(p, "NumberValue");
        int n = !!cJSON_GetObjectItemCaseSensitive(p, "StringValue") + !!number;
        if (n != 1)
            return req_fail(r, LD_ERR_VALIDATION,
                            "Parameter '%s' must have exactly one of StringValue and NumberValue.",
                            p->string);
        if (number && !cJSON_IsNumber(number))
            return req_fail(r, LD_ERR_VALIDATION, "Parameter '%s' must have a finite NumberValue, not %s.",
                            p->string, number->valuestring);
    }
    return LD_OK;
}

/* Details members set by a create or an update: Status, StartTime, EndTime
 * (epoch ms), and, when `maps`, the whole maps as given. */
static cJSON *details_from_input(struct request *r, const cJSON *in, bool maps)
{
    cJSON *d = cJSON_CreateObject();
    json_parse_owned_adopt(r, d);
    for (size_t i = 0; i < sizeof detail_members / sizeof detail_members[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, detail_members[i]);
        if (v && (maps || i == 0))
            cJSON_AddItemToObject(d, detail_members[i], cJSON_Duplicate(v, 1));
    }
    const char *times[] = {"StartTime", "EndTime"};
    for (size_t i = 0; i < 2; i++) {
        int64_t ms;
        if (json_time(in, times[i], &ms))
            cJSON_AddNumberToObject(d, times[i], (double)ms);
    }
    return d;
}

static const char *primary_status(const cJSON *in)
{
    return json_str(cJSON_GetObjectItemCaseSensitive(in, "Status"), "PrimaryStatus");
}

enum ld_err op_create_trial_component(struct request *r, const cJSON *in, cJSON *out)
{
    enum ld_err err = check_parameters(r, in);
    if (err != LD_OK)
        return err;
    const char *name = json_str(in, "TrialComponentName"), *display = json_str(in, "DisplayName");
    struct entity_input e = {
        .kind = KIND_TRIAL_COMPONENT,
        .name = name,
        .vertex_type = "TrialComponent",
        .lineage = true,
        .display_name = display ? display : name,
        .status = primary_status(in),
        .details = json_print_owned(r, details_from_input(r, in, true)),
    };
    const char *arn;
    err = store_entity_create(r, &e, cJSON_GetObjectItemCaseSensitive(in, "Tags"), &arn);
    if (err == LD_OK)
        json_put_str(out, "TrialComponentArn", arn);
    return err;
}

/* Copies Status, StartTime and EndTime into `out`; times are stored as epoch ms. */
static void put_status_and_times(const struct op_details *d, cJSON *out)
{
    op_put_detail(d, detail_members[0], out);
    const char *times[] = {"StartTime", "EndTime"};
    for (size_t t = 0; t < 2; t++) {
        const char *ms = op_detail(d, times[t]);
        char *end;
        double v = ms ? strtod(ms, &end) : 0;
        if (ms && end != ms && !*end)
            json_put_time(out, times[t], (int64_t)v);
    }
}

void op_write_trial_component(struct request *r, const struct entity *e, cJSON *out, bool search_record)
{
    struct op_details d;
    op_details_split(r, e->details, &d);
    json_put_str(out, "TrialComponentName", e->name);
    json_put_str(out, "TrialComponentArn", e->arn);
    json_put_str(out, "DisplayName", e->display_name);
    json_put_source(out, "Source", e->source_uri, e->source_type);
    put_status_and_times(&d, out);
    json_put_time(out, "CreationTime", e->created_ms);
    json_put_object_text(out, "CreatedBy", e->created_by);
    json_put_time(out, "LastModifiedTime", e->modified_ms);
    json_put_object_text(out, "LastModifiedBy", e->modified_by);
    for (size_t i = 1; i < sizeof detail_members / sizeof detail_members[0]; i++)
        op_put_detail(&d, detail_members[i], out);
    cJSON_AddArrayToObject(out, "Metrics");
    json_put_str(out, "LineageGroupArn", entity_lineage_group_arn(r));
    if (search_record) {
        if (e->source_uri)
            json_put_str(cJSON_AddObjectToObject(out, "SourceDetail"), "SourceArn", e->source_uri);
        op_put_detail(&d, "RunName", out);
        return;
    }
    /* Kept as a map from job ARN to source type (see derive.c); answered as the model's list. */
    const cJSON *sources = json_parse_owned(r, op_detail(&d, "Sources")), *s;
    cJSON *list = sources ? cJSON_AddArrayToObject(out, "Sources") : NULL;
    cJSON_ArrayForEach(s, sources)
    {
        cJSON *item = cJSON_CreateObject();
        cJSON_AddItemToArray(list, item);
        json_put_str(item, "SourceArn", s->string);
        json_put_str(item, "SourceType", cJSON_GetStringValue(s));
    }
}

enum ld_err op_describe_trial_component(struct request *r, const cJSON *in, cJSON *out)
{
    struct entity e;
    enum ld_err err = store_entity_get(r, KIND_TRIAL_COMPONENT, json_str(in, "TrialComponentName"), &e);
    if (err != LD_OK)
        return err;
    op_write_trial_component(r, &e, out, false);
    cJSON *metrics = cJSON_GetObjectItemCaseSensitive(out, "Metrics");
    return store_metric_summaries(r, &e.id, 1, &metrics);
}

enum ld_err op_update_trial_component(struct request *r, const cJSON *in, cJSON *out)
{
    enum ld_err err = check_parameters(r, in);
    if (err != LD_OK)
        return err;
    cJSON *set = details_from_input(r, in, false);
    struct entity_update u = {
        .display_name = json_str(in, "DisplayName"),
        .status = primary_status(in),
        .details_set = set->child ? json_print_owned(r, set) : NULL,
        .merges =
            {
                {"Parameters", json_member_text(r, in, "Parameters"),
                 json_member_text(r, in, "ParametersToRemove"), PARAMETERS_MAX},
                {"InputArtifacts", json_member_text(r, in, "InputArtifacts"),
                 json_member_text(r, in, "InputArtifactsToRemove"), ARTIFACTS_MAX},
                {"OutputArtifacts", json_member_text(r, in, "OutputArtifacts"),
                 json_member_text(r, in, "OutputArtifactsToRemove"), ARTIFACTS_MAX},
            },
    };
    return op_update_entity(r, in, out, KIND_TRIAL_COMPONENT, "TrialComponentName", "TrialComponentArn", &u);
}

enum ld_err op_delete_trial_component(struct request *r, const cJSON *in, cJSON *out)
{
    return op_delete_entity(r, out, KIND_TRIAL_COMPONENT, json_str(in, "TrialComponentName"),
                            "TrialComponentArn");
}

static void put_component_summary(struct request *r, const struct entity *e, cJSON *s, const void *ctx)
{
    (void)ctx;
    json_put_str(s, "TrialComponentName", e->name);
    json_put_str(s, "TrialComponentArn", e->arn);
    json_put_str(s, "DisplayName", e->display_name);
    json_put_source(s, "TrialComponentSource", e->source_uri, e->source_type);
    struct op_details d;
    op_details_split(r, e->details, &d);
    put_status_and_times(&d, s);
    json_put_time(s, "CreationTime", e->created_ms);
    json_put_object_text(s, "CreatedBy", e->created_by);
    json_put_time(s, "LastModifiedTime", e->modified_ms);
    json_put_object_text(s, "LastModifiedBy", e->modified_by);
}

enum ld_err op_list_trial_components(struct request *r, const cJSON *in, cJSON *out)
{
    struct list_query q;
    list_query_from_input(in, KIND_TRIAL_COMPONENT, "ListTrialComponents", &q);
    const char *experiment = json_str(in, "ExperimentName"), *trial = json_str(in, "TrialName"),
               *source = json_str(in, "SourceArn");
    if (!!experiment + !!trial + !!source > 1)
        return req_fail(r, LD_ERR_VALIDATION, "Give at most one of ExperimentName, TrialName and SourceArn.");
    struct entity parent;
    enum ld_err err = LD_OK;
    if (experiment) {
        err = store_entity_get(r, KIND_EXPERIMENT, experiment, &parent);
        q.scope = SCOPE_EXPERIMENT_COMPONENTS;
        q.scope_value = experiment;
    } else if (trial) {
        err = store_entity_get(r, KIND_TRIAL, trial, &parent);
        q.scope = SCOPE_TRIAL_COMPONENTS;
        q.scope_value = trial;
    } else if (source) {
        q.scope = SCOPE_SOURCE_ARN;
        q.scope_value = source;
    }
    if (err != LD_OK)
        return err;
    return op_list_page(r, &q, out, "TrialComponentSummaries", put_component_summary, NULL);
}
