/* The emulator's hook: each SageMaker control-plane call the emulator served
 * (jobs, models, model packages, endpoints, job status) becomes the lineage
 * real SageMaker records for it, read from the call's own documents. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "derive.h"
#include "ingest.h"
#include "json_io.h"
#include "lineaged/artifact_identity.h"
#include "lineaged/scope.h"

/* One delivery being read. */
struct hook {
    struct derive_plan *p;
    struct request *r;
    const cJSON *request, *response, *resources;
};

struct job;

/* A kind of job: its members are named <prefix>JobName, <prefix>JobArn,
 * <prefix>JobStatus, <prefix>StartTime and <prefix>EndTime. */
struct job_kind {
    const char *prefix;
    const char *arn_type;
    const char *vertex_type;
    const char *source_type;
    const char *component_suffix;
    void (*inputs)(struct hook *h, struct job *j);
    void (*outputs)(struct hook *h, struct job *j);
};

/* A job being planned: its component's maps and the artifacts on each side. */
struct job {
    const cJSON *doc; /* the request, or a Describe response (which repeats it) */
    const char *path; /* "request" or "response", for messages */
    const char *name, *arn;
    cJSON *parameters, *input_map, *output_map;
    size_t inputs[64], outputs[64];
    size_t input_count, output_count;
};

static const char *path_of(struct hook *h, const char *base, const char *key)
{
    return arena_printf(h->r->arena, "%s.%s", base, key);
}

static const char *indexed(struct hook *h, const char *base, const char *key, int i)
{
    return arena_printf(h->r->arena, "%s.%s[%d]", base, key, i);
}

/* The ARN of a SageMaker resource of this type and name in the caller's scope. */
static const char *resource_arn(struct hook *h, const char *type, const char *name)
{
    char *arn =
        arena_printf(h->r->arena, "arn:aws:sagemaker:%s:%s:%s/%s", h->r->region, h->r->account, type, name);
    for (char *c = arn; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return arn;
}

/* An ARN member (of the response, or of a Describe document), which the
 * lineage keeps as a Source: "arn:..." within the model's 256 characters,
 * lower-cased as SageMaker's own ARNs lower-case resource names (so a
 * mixed-case job name still matches the SDK's lower-cased SourceArn). */
static const char *arn_member(struct hook *h, const cJSON *doc, const char *path, const char *key,
                              bool required)
{
    const char *arn = derive_string(h->p, doc, path, key, required);
    if (arn && (strncmp(arn, "arn:", 4) != 0 || strlen(arn) > 256)) {
        derive_problem(h->p, "%s.%s '%.64s' must be an ARN of at most 256 characters", path, key, arn);
        return NULL;
    }
    return arn ? arena_strdup_lower(h->r->arena, arn) : NULL;
}

static void add_string_parameter(cJSON *params, const char *key, const char *value)
{
    if (value)
        cJSON_AddItemToObject(cJSON_AddObjectToObject(params, key), "StringValue", cJSON_CreateString(value));
}

static void add_number_parameter(cJSON *params, const cJSON *from, const char *member, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, member);
    if (cJSON_IsNumber(v))
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(params, key), "NumberValue", v->valuedouble);
}

/* Whether `s` is a media type the model accepts: [-\w]+/[-\w+]+ within 64. */
static bool media_type_ok(const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash == s || !slash[1] || strlen(s) > 64)
        return false;
    for (const char *c = s; *c; c++) {
        bool word = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                    *c == '_' || *c == '-';
        if (!word && c != slash && !(*c == '+' && c > slash))
            return false;
    }
    return true;
}

/* Records an artifact the job reads (`input`) or writes, under `key` in its map. */
static void job_artifact(struct hook *h, struct job *j, bool input, const char *key, const char *uri,
                         const char *type, const char *media)
{
    size_t *list = input ? j->inputs : j->outputs, *count = input ? &j->input_count : &j->output_count;
    if (*count >= sizeof j->inputs / sizeof j->inputs[0])
        return; /* beyond the model's 60 artifacts per side */
    list[(*count)++] = derive_artifact(h->p, uri, type, NULL);
    cJSON *entry = cJSON_AddObjectToObject(input ? j->input_map : j->output_map, key);
    if (media && media_type_ok(media))
        cJSON_AddStringToObject(entry, "MediaType", media);
    cJSON_AddStringToObject(entry, "Value", uri);
}

static void image_input(struct hook *h, struct job *j, const char *image)
{
    if (!image)
        return;
    add_string_parameter(j->parameters, "SageMaker.ImageUri", image);
    job_artifact(h, j, true, "SageMaker.ImageUri", image, "Image", NULL);
}

static void resource_parameters(struct job *j, const cJSON *resources)
{
    add_number_parameter(j->parameters, resources, "InstanceCount", "SageMaker.InstanceCount");
    add_string_parameter(j->parameters, "SageMaker.InstanceType", json_str(resources, "InstanceType"));
    add_number_parameter(j->parameters, resources, "VolumeSizeInGB", "SageMaker.VolumeSizeInGB");
}

static void training_inputs(struct hook *h, struct job *j)
{
    struct derive_plan *p = h->p;
    const char *algo_path = path_of(h, j->path, "AlgorithmSpecification");
    const cJSON *algo = derive_object(p, j->doc, j->path, "AlgorithmSpecification", true);
    const char *image = derive_string(p, algo, algo_path, "TrainingImage", false);
    if (algo && !image && !derive_string(p, algo, algo_path, "AlgorithmName", false))
        derive_problem(p, "%s needs TrainingImage or AlgorithmName", algo_path);
    image_input(h, j, image);
    resource_parameters(j, derive_object(p, j->doc, j->path, "ResourceConfig", true));
    const cJSON *hp = derive_object(p, j->doc, j->path, "HyperParameters", false), *v;
    cJSON_ArrayForEach(v, hp)
    {
        if (!cJSON_IsString(v))
            derive_problem(p, "%s.HyperParameters.%s must be a string", j->path, v->string);
        else
            add_string_parameter(j->parameters, v->string, v->valuestring);
    }
    const cJSON *channels = derive_array(p, j->doc, j->path, "InputDataConfig", false), *c;
    int i = 0;
    cJSON_ArrayForEach(c, channels)
    {
        const char *cp = indexed(h, j->path, "InputDataConfig", i++);
        const char *name = derive_string(p, c, cp, "ChannelName", true);
        const cJSON *ds = derive_object(p, c, cp, "DataSource", true);
        const char *dsp = path_of(h, cp, "DataSource");
        const cJSON *s3 = derive_object(p, ds, dsp, "S3DataSource", false);
        if (ds && !s3 && !cJSON_GetObjectItemCaseSensitive(ds, "FileSystemDataSource"))
            derive_problem(p, "%s needs S3DataSource or FileSystemDataSource", dsp);
        const char *uri = s3 ? derive_string(p, s3, path_of(h, dsp, "S3DataSource"), "S3Uri", true) : NULL;
        if (name && uri) /* file-system channels have no URI that names their data */
            job_artifact(h, j, true, name, uri, "DataSet", json_str(c, "ContentType"));
    }
    const cJSON *checkpoint = derive_object(p, j->doc, j->path, "CheckpointConfig", false);
    const char *ck =
        checkpoint ? derive_string(p, checkpoint, path_of(h, j->path, "CheckpointConfig"), "S3Uri", true)
                   : NULL;
    if (ck)
        job_artifact(h, j, true, "SageMaker.CheckpointUri", ck, "Checkpoint", NULL);
}

static void training_outputs(struct hook *h, struct job *j)
{
    const cJSON *model = derive_object(h->p, j->doc, j->path, "ModelArtifacts", true);
    const char *uri =
        derive_string(h->p, model, path_of(h, j->path, "ModelArtifacts"), "S3ModelArtifacts", true);
    if (uri)
        job_artifact(h, j, false, "SageMaker.ModelArtifact", uri, "Model", NULL);
}

static void processing_inputs(struct hook *h, struct job *j)
{
    struct derive_plan *p = h->p;
    const cJSON *app = derive_object(p, j->doc, j->path, "AppSpecification", true);
    image_input(h, j, derive_string(p, app, path_of(h, j->path, "AppSpecification"), "ImageUri", true));
    const cJSON *res = derive_object(p, j->doc, j->path, "ProcessingResources", true);
    resource_parameters(
        j, derive_object(p, res, path_of(h, j->path, "ProcessingResources"), "ClusterConfig", true));
    const cJSON *inputs = derive_array(p, j->doc, j->path, "ProcessingInputs", false), *in;
    int i = 0;
    cJSON_ArrayForEach(in, inputs)
    {
        const char *ip = indexed(h, j->path, "ProcessingInputs", i++);
        const char *name = derive_string(p, in, ip, "InputName", true);
        const cJSON *s3 = derive_object(p, in, ip, "S3Input", false);
        const char *uri = s3 ? derive_string(p, s3, path_of(h, ip, "S3Input"), "S3Uri", true) : NULL;
        if (name && uri) /* dataset definitions (Athena, Redshift) name no URI */
            job_artifact(h, j, true, name, uri, "DataSet", NULL);
    }
}

static void processing_outputs(struct hook *h, struct job *j)
{
    struct derive_plan *p = h->p;
    const cJSON *config = derive_object(p, j->doc, j->path, "ProcessingOutputConfig", false);
    const char *cp = path_of(h, j->path, "ProcessingOutputConfig");
    const cJSON *outputs = config ? derive_array(p, config, cp, "Outputs", true) : NULL, *o;
    int i = 0;
    cJSON_ArrayForEach(o, outputs)
    {
        const char *op = indexed(h, cp, "Outputs", i++);
        const char *name = derive_string(p, o, op, "OutputName", true);
        const cJSON *s3 = derive_object(p, o, op, "S3Output", false);
        const char *uri = s3 ? derive_string(p, s3, path_of(h, op, "S3Output"), "S3Uri", true) : NULL;
        if (name && uri)
            job_artifact(h, j, false, name, uri, "DataSet", NULL);
    }
}

static void transform_inputs(struct hook *h, struct job *j)
{
    struct derive_plan *p = h->p;
    add_string_parameter(j->parameters, "SageMaker.ModelName",
                         derive_string(p, j->doc, j->path, "ModelName", true));
    resource_parameters(j, derive_object(p, j->doc, j->path, "TransformResources", true));
    const char *tp = path_of(h, j->path, "TransformInput"), *dp = path_of(h, tp, "DataSource");
    const cJSON *in = derive_object(p, j->doc, j->path, "TransformInput", true);
    const cJSON *ds = derive_object(p, in, tp, "DataSource", true);
    const cJSON *s3 = derive_object(p, ds, dp, "S3DataSource", true);
    const char *uri = derive_string(p, s3, path_of(h, dp, "S3DataSource"), "S3Uri", true);
    if (uri)
        job_artifact(h, j, true, "SageMaker.TransformInput", uri, "DataSet", json_str(in, "ContentType"));
    derive_object(p, j->doc, j->path, "TransformOutput", true);
}

static void transform_outputs(struct hook *h, struct job *j)
{
    const cJSON *out = derive_object(h->p, j->doc, j->path, "TransformOutput", true);
    const char *uri = derive_string(h->p, out, path_of(h, j->path, "TransformOutput"), "S3OutputPath", true);
    if (uri)
        job_artifact(h, j, false, "SageMaker.TransformOutput", uri, "DataSet", json_str(out, "Accept"));
}

static const struct job_kind training = {
    "Training",          "training-job",  "TrainingJob",   "SageMakerTrainingJob",
    "-aws-training-job", training_inputs, training_outputs};
static const struct job_kind processing = {
    "Processing",          "processing-job",  "ProcessingJob",   "SageMakerProcessingJob",
    "-aws-processing-job", processing_inputs, processing_outputs};
static const struct job_kind transform = {
    "Transform",          "transform-job",  "TransformJob",   "SageMakerTransformJob",
    "-aws-transform-job", transform_inputs, transform_outputs};

static const char *job_member(struct hook *h, const struct job_kind *k, const char *what)
{
    return arena_printf(h->r->arena, "%s%s", k->prefix, what);
}

/* A trial of the job's own, <job>-aws-trial, in `experiment`, holding the component. */
static void own_trial(struct hook *h, struct job *j, size_t component, const char *experiment)
{
    const char *name = arena_printf(h->r->arena, "%s-aws-trial", j->name);
    struct entity_input t = {
        .kind = KIND_TRIAL, .name = name, .vertex_type = "Trial", .display_name = j->name};
    derive_entity(h->p, &t, experiment);
    derive_membership(h->p, component, name, NULL);
}

/* ExperimentConfig: the component joins the named trial; with an experiment
 * and no trial, a trial of the job's own is made in that experiment; the run
 * named by RunName (its trial component) lists the job in its Sources. All
 * must exist beforehand, as the real service requires. A training job a tuning job
 * launched (its Describe names the TuningJobArn) joins the tuning job's
 * experiment the same way. */
static void experiment_config(struct hook *h, struct job *j, size_t component)
{
    struct derive_plan *p = h->p;
    const cJSON *cfg = derive_object(p, j->doc, j->path, "ExperimentConfig", false);
    const char *tuning = arn_member(h, j->doc, j->path, "TuningJobArn", false);
    if (!cfg && tuning && strchr(tuning, '/') && j->name) {
        const char *experiment = strrchr(tuning, '/') + 1;
        struct entity_input e = {
            .kind = KIND_EXPERIMENT,
            .name = experiment,
            .display_name = experiment,
            .source_uri = tuning,
            .source_type = "SageMakerHyperParameterTuningJob",
        };
        derive_entity(p, &e, NULL);
        own_trial(h, j, component, experiment);
    }
    if (!cfg)
        return;
    const char *cp = path_of(h, j->path, "ExperimentConfig");
    const char *experiment = derive_string(p, cfg, cp, "ExperimentName", false);
    const char *trial = derive_string(p, cfg, cp, "TrialName", false);
    const char *run = derive_string(p, cfg, cp, "RunName", false);
    if (trial)
        derive_membership(p, component, trial, experiment);
    else if (experiment && j->name)
        own_trial(h, j, component, experiment);
    if (run)
        derive_run_source(p, component, run);
}

/* The component's Status.Message in the form jobs give it. */
static const char *status_message(struct hook *h, const char *status, const char *reason)
{
    return arena_printf(h->r->arena, "Status: %s, exit message: null, failure reason: %.900s", status,
                        reason ? reason : "null");
}

static void plan_job(struct hook *h, const struct job_kind *k, bool describe)
{
    struct derive_plan *p = h->p;
    struct job j = {.doc = describe ? h->response : h->request, .path = describe ? "response" : "request"};
    j.parameters = json_parse_owned_adopt(h->r, cJSON_CreateObject());
    j.input_map = json_parse_owned_adopt(h->r, cJSON_CreateObject());
    j.output_map = json_parse_owned_adopt(h->r, cJSON_CreateObject());
    j.name = derive_name(p, j.doc, j.path, job_member(h, k, "JobName"), 63);
    const char *arn = arn_member(h, h->response, "response", job_member(h, k, "JobArn"), false);
    j.arn = arn ? arn : j.name ? resource_arn(h, k->arn_type, j.name) : NULL;
    k->inputs(h, &j);
    const char *status = NULL;
    if (describe) {
        status = derive_string(p, j.doc, j.path, job_member(h, k, "JobStatus"), true);
        static const char *const valid[] = {"InProgress", "Completed", "Failed", "Stopping", "Stopped"};
        bool ok = false;
        for (size_t i = 0; status && i < sizeof valid / sizeof valid[0]; i++)
            ok = ok || strcmp(status, valid[i]) == 0;
        if (status && !ok)
            derive_problem(
                p, "%s.%sJobStatus '%s' must be one of InProgress, Completed, Failed, Stopping, Stopped",
                j.path, k->prefix, status);
        if (ok && strcmp(status, "Completed") == 0)
            k->outputs(h, &j);
    }
    if (!j.name)
        return;
    cJSON *details = json_parse_owned_adopt(h->r, cJSON_CreateObject());
    cJSON_AddStringToObject(cJSON_AddObjectToObject(details, "Status"), "PrimaryStatus", "InProgress");
    cJSON_AddItemToObject(details, "Parameters", cJSON_Duplicate(j.parameters, 1));
    cJSON_AddItemToObject(details, "InputArtifacts", cJSON_Duplicate(j.input_map, 1));
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(j.doc, "ExperimentConfig");
    /* The run the job reports to; Search records show it (Describe does not). */
    const char *run = json_str(cfg, "RunName");
    if (run)
        cJSON_AddStringToObject(details, "RunName", run);
    const char *display =
        cJSON_GetObjectItemCaseSensitive(cfg, "TrialComponentDisplayName")
            ? derive_name(p, cfg, path_of(h, j.path, "ExperimentConfig"), "TrialComponentDisplayName", 120)
            : NULL;
    struct entity_input tc = {
        .kind = KIND_TRIAL_COMPONENT,
        .name = arena_printf(h->r->arena, "%s%s", j.name, k->component_suffix),
        .vertex_type = k->vertex_type,
        .lineage = true,
        .display_name = display ? display : j.name,
        .source_uri = j.arn,
        .source_type = k->source_type,
        .status = "InProgress",
        .details = json_print_owned(h->r, details),
    };
    size_t component = derive_entity(p, &tc, NULL);
    for (size_t i = 0; i < j.input_count; i++)
        derive_edge(p, j.inputs[i], component, "ContributedTo");
    for (size_t i = 0; i < j.output_count; i++)
        derive_edge(p, component, j.outputs[i], "Produced");
    experiment_config(h, &j, component);
    if (!status)
        return;
    struct derive_update *u = derive_update(p, component);
    u->status = status;
    u->details_set = json_parse_owned_adopt(h->r, cJSON_CreateObject());
    cJSON *st = cJSON_AddObjectToObject(u->details_set, "Status");
    cJSON_AddStringToObject(st, "PrimaryStatus", status);
    cJSON_AddStringToObject(st, "Message", status_message(h, status, json_str(j.doc, "FailureReason")));
    const char *times[] = {"StartTime", "EndTime"};
    for (size_t i = 0; i < 2; i++) {
        int64_t ms;
        if (json_time(j.doc, job_member(h, k, times[i]), &ms))
            cJSON_AddNumberToObject(u->details_set, times[i], (double)ms);
    }
    u->merge_member = "OutputArtifacts";
    u->merge = j.output_map;
}

static void plan_create_training_job(struct hook *h)
{
    plan_job(h, &training, false);
}
static void plan_describe_training_job(struct hook *h)
{
    plan_job(h, &training, true);
}
static void plan_create_processing_job(struct hook *h)
{
    plan_job(h, &processing, false);
}
static void plan_describe_processing_job(struct hook *h)
{
    plan_job(h, &processing, true);
}
static void plan_create_transform_job(struct hook *h)
{
    plan_job(h, &transform, false);
}
static void plan_describe_transform_job(struct hook *h)
{
    plan_job(h, &transform, true);
}

/* A tuning job gets an experiment of its own name that tracks it. */
static void plan_create_tuning_job(struct hook *h)
{
    const char *name = derive_name(h->p, h->request, "request", "HyperParameterTuningJobName", 32);
    if (!name)
        return;
    const char *arn = arn_member(h, h->response, "response", "HyperParameterTuningJobArn", false);
    struct entity_input e = {
        .kind = KIND_EXPERIMENT,
        .name = name,
        .display_name = name,
        .source_uri = arn ? arn : resource_arn(h, "hyper-parameter-tuning-job", name),
        .source_type = "SageMakerHyperParameterTuningJob",
    };
    derive_entity(h->p, &e, NULL);
}

/* The containers of a model or package: PrimaryContainer, or Containers[],
 * or InferenceSpecification.Containers[] for packages. */
static const cJSON *containers(struct hook *h, const cJSON *doc, const char *path, cJSON **owned)
{
    const cJSON *list = derive_array(h->p, doc, path, "Containers", false);
    const cJSON *primary = derive_object(h->p, doc, path, "PrimaryContainer", false);
    if (list || !primary)
        return list;
    *owned = json_parse_owned_adopt(h->r, cJSON_CreateArray());
    cJSON_AddItemToArray(*owned, cJSON_Duplicate(primary, 1));
    return *owned;
}

/* The S3 location of a container's model data, from either member that holds it. */
static const char *model_data(struct hook *h, const cJSON *c, const char *path)
{
    const char *url = derive_string(h->p, c, path, "ModelDataUrl", false);
    const cJSON *src = derive_object(h->p, c, path, "ModelDataSource", false);
    const cJSON *s3 = derive_object(h->p, src, path_of(h, path, "ModelDataSource"), "S3DataSource", false);
    return url ? url : json_str(s3, "S3Uri");
}

/* A model's data becomes a ModelData artifact; nothing links it yet. */
static void plan_create_model(struct hook *h)
{
    derive_name(h->p, h->request, "request", "ModelName", 63);
    cJSON *owned = NULL;
    const cJSON *list = containers(h, h->request, "request", &owned), *c;
    int i = 0;
    cJSON_ArrayForEach(c, list)
    {
        const char *uri =
            model_data(h, c, indexed(h, "request", owned ? "PrimaryContainer" : "Containers", i++));
        if (uri)
            derive_artifact(h->p, uri, "ModelData", NULL);
    }
}

/* The ARN of a model package named by name or ARN. */
static const char *package_arn(struct hook *h, const char *name_or_arn)
{
    return strncmp(name_or_arn, "arn:", 4) == 0 ? name_or_arn : resource_arn(h, "model-package", name_or_arn);
}

/* Each container's image, model data and model package contribute to `target`. */
static void container_artifacts(struct hook *h, const cJSON *list, const char *path, size_t target)
{
    const cJSON *c;
    int i = 0;
    cJSON_ArrayForEach(c, list)
    {
        const char *cp = arena_printf(h->r->arena, "%s[%d]", path, i++);
        const char *image = derive_string(h->p, c, cp, "Image", false);
        const char *data = model_data(h, c, cp);
        const char *package = derive_string(h->p, c, cp, "ModelPackageName", false);
        if (image)
            derive_edge(h->p, derive_artifact(h->p, image, "Image", NULL), target, "ContributedTo");
        if (data)
            derive_edge(h->p, derive_artifact(h->p, data, "Model", NULL), target, "ContributedTo");
        if (package)
            derive_edge(h->p, derive_artifact(h->p, package_arn(h, package), "Model", NULL), target,
                        "ContributedTo");
    }
}

/* The context of a model package group: ModelGroup, its source the group's ARN. */
static size_t group_context(struct hook *h, const char *group)
{
    struct entity_input c = {
        .kind = KIND_CONTEXT,
        .name = arena_printf(h->r->arena, "%s-aws-model-package-group", group),
        .vertex_type = "ModelGroup",
        .lineage = true,
        .source_uri = resource_arn(h, "model-package-group", group),
    };
    return derive_entity(h->p, &c, NULL);
}

static void plan_create_model_package_group(struct hook *h)
{
    const char *group = derive_name(h->p, h->request, "request", "ModelPackageGroupName", 63);
    if (group)
        group_context(h, group);
}

/* A package version: an artifact (Type Model) for the package, fed by its
 * containers' images and model data, in its group's context, with an
 * Approval action that records its approval status. */
static void plan_create_model_package(struct hook *h)
{
    struct derive_plan *p = h->p;
    const char *group = derive_string(p, h->request, "request", "ModelPackageGroupName", false);
    if (group && strncmp(group, "arn:", 4) == 0) /* the group may be named by its ARN */
        group = strrchr(group, '/') ? strrchr(group, '/') + 1 : group;
    const char *name = derive_string(p, h->request, "request", "ModelPackageName", false);
    if (!group && !name)
        derive_problem(p, "request needs ModelPackageGroupName or ModelPackageName");
    const char *arn = arn_member(h, h->response, "response", "ModelPackageArn", group != NULL);
    if (!arn && name && !group)
        arn = package_arn(h, name);
    const cJSON *spec = derive_object(p, h->request, "request", "InferenceSpecification", false);
    const char *sp = "request.InferenceSpecification";
    const cJSON *list = spec ? derive_array(p, spec, sp, "Containers", true) : NULL;
    if (!arn)
        return;
    size_t package = derive_artifact(p, arn, "Model", NULL);
    container_artifacts(h, list, path_of(h, sp, "Containers"), package);
    if (group)
        derive_edge(p, package, group_context(h, group), "AssociatedWith");
    const char *approval = json_str(h->request, "ModelApprovalStatus");
    const char *resource = strchr(arn, '/') ? strchr(arn, '/') + 1 : arn;
    char *action_name = arena_printf(h->r->arena, "%s-aws-model-package-approval", resource);
    for (char *c = action_name; *c; c++)
        if (*c == '/')
            *c = '-';
    cJSON *props = json_parse_owned_adopt(h->r, cJSON_CreateObject());
    cJSON_AddStringToObject(props, "ModelApprovalStatus", approval ? approval : "PendingManualApproval");
    cJSON *details = json_parse_owned_adopt(h->r, cJSON_CreateObject());
    cJSON_AddItemToObject(details, "Properties", cJSON_Duplicate(props, 1));
    struct entity_input a = {
        .kind = KIND_ACTION,
        .name = action_name,
        .vertex_type = "Approval",
        .lineage = true,
        .source_uri = arn,
        .status = approval && strcmp(approval, "PendingManualApproval") != 0 ? "Completed" : "InProgress",
        .details = json_print_owned(h->r, details),
    };
    derive_edge(p, package, derive_entity(p, &a, NULL), "ContributedTo");
}

/* The model described under resources.Models with this name, or NULL. */
static const cJSON *find_model(struct hook *h, const char *name)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(h->resources, "Models"))
    {
        const char *n = json_str(m, "ModelName");
        if (n && strcasecmp(n, name) == 0)
            return m;
    }
    return NULL;
}

/* A deployment: the endpoint's context, a ModelDeployment action for the
 * endpoint config, and each variant model's images, model data and packages
 * contributing to the action, which is associated with the context. */
static void plan_endpoint(struct hook *h)
{
    struct derive_plan *p = h->p;
    const char *endpoint = derive_name(p, h->request, "request", "EndpointName", 63);
    const char *config_name = derive_name(p, h->request, "request", "EndpointConfigName", 63);
    const cJSON *config = derive_object(p, h->resources, "resources", "EndpointConfig", true);
    derive_array(p, h->resources, "resources", "Models", true);
    const cJSON *variants = derive_array(p, config, "resources.EndpointConfig", "ProductionVariants", true);
    if (variants && !variants->child)
        derive_problem(p, "resources.EndpointConfig.ProductionVariants must not be empty");
    if (!endpoint || !config_name)
        return;
    const char *arn = arn_member(h, h->response, "response", "EndpointArn", false);
    arn = arn ? arn : resource_arn(h, "endpoint", endpoint);
    struct entity_input ctx = {
        .kind = KIND_CONTEXT,
        .name = arena_printf(h->r->arena, "%s-aws-endpoint", endpoint),
        .vertex_type = "Endpoint",
        .lineage = true,
        .source_uri = arn,
    };
    size_t context = derive_entity(p, &ctx, NULL);
    cJSON *details = json_parse_owned_adopt(h->r, cJSON_CreateObject());
    cJSON_AddStringToObject(cJSON_AddObjectToObject(details, "Properties"), "EndpointConfigName",
                            config_name);
    /* One action per endpoint config deployed: a redelivery or a return to
     * an earlier config finds the same action. */
    const char *action_name = arena_printf(h->r->arena, "%s-%s-aws-deployment", endpoint, config_name);
    if (strlen(action_name) > 120)
        action_name = arena_printf(h->r->arena, "%s-%.16s-aws-deployment", endpoint,
                                   artifact_id(h->r->arena, config_name, "ModelDeployment", NULL));
    struct entity_input act = {
        .kind = KIND_ACTION,
        .name = action_name,
        .vertex_type = "ModelDeployment",
        .lineage = true,
        .source_uri = arn,
        .status = "Completed",
        .details = json_print_owned(h->r, details),
    };
    size_t action = derive_entity(p, &act, NULL);
    derive_edge(p, action, context, "AssociatedWith");
    const cJSON *v;
    int i = 0;
    cJSON_ArrayForEach(v, variants)
    {
        const char *vp = indexed(h, "resources.EndpointConfig", "ProductionVariants", i++);
        const char *model_name = derive_string(p, v, vp, "ModelName", true);
        const cJSON *model = model_name ? find_model(h, model_name) : NULL;
        if (model_name && !model)
            derive_problem(p, "resources.Models has no model named %s (used by %s)", model_name, vp);
        cJSON *owned = NULL;
        const cJSON *list = model ? containers(h, model, "resources.Models[]", &owned) : NULL;
        container_artifacts(
            h, list, owned ? "resources.Models[].PrimaryContainer" : "resources.Models[].Containers", action);
    }
}

struct hook_op {
    const char *name;
    bool needs_response; /* else the request */
    void (*plan)(struct hook *h);
};

/* Sorted by name. */
static const struct hook_op hook_ops[] = {
    {"CreateEndpoint", false, plan_endpoint},
    {"CreateHyperParameterTuningJob", false, plan_create_tuning_job},
    {"CreateModel", false, plan_create_model},
    {"CreateModelPackage", false, plan_create_model_package},
    {"CreateModelPackageGroup", false, plan_create_model_package_group},
    {"CreateProcessingJob", false, plan_create_processing_job},
    {"CreateTrainingJob", false, plan_create_training_job},
    {"CreateTransformJob", false, plan_create_transform_job},
    {"DescribeProcessingJob", true, plan_describe_processing_job},
    {"DescribeTrainingJob", true, plan_describe_training_job},
    {"DescribeTransformJob", true, plan_describe_transform_job},
    {"UpdateEndpoint", false, plan_endpoint},
};

enum ld_err emulator_hook(struct request *r, const cJSON *delivery, cJSON *out)
{
    struct derive_plan p;
    derive_init(&p, r);
    const char *operation = derive_string(&p, delivery, "", "operation", true);
    const char *account = derive_string(&p, delivery, "", "account", false);
    const char *region = derive_string(&p, delivery, "", "region", false);
    if (account && !scope_account_valid(account))
        derive_problem(&p, "account '%s' must be 12 digits", account);
    if (region && !scope_region_valid(region))
        derive_problem(&p, "region '%s' must be lower-case letters, digits and hyphens", region);
    if (account)
        r->account = account;
    if (region)
        r->region = region;
    const struct hook_op *op = NULL;
    for (size_t i = 0; operation && i < sizeof hook_ops / sizeof hook_ops[0]; i++)
        if (strcmp(hook_ops[i].name, operation) == 0)
            op = &hook_ops[i];
    if (operation && !op) {
        char *names = "";
        for (size_t i = 0; i < sizeof hook_ops / sizeof hook_ops[0]; i++)
            names = arena_printf(r->arena, "%s%s%s", names, i ? ", " : "", hook_ops[i].name);
        derive_problem(&p, "operation '%s' is not one of %s", operation, names);
    }
    struct hook h = {
        .p = &p,
        .r = r,
        .request = derive_object(&p, delivery, "", "request", op && !op->needs_response),
        .response = derive_object(&p, delivery, "", "response", op && op->needs_response),
        .resources = derive_object(&p, delivery, "", "resources", false),
    };
    if (op && p.problem_count == 0)
        op->plan(&h);
    cJSON *entities = cJSON_AddArrayToObject(out, "Entities");
    cJSON *associations = cJSON_AddArrayToObject(out, "Associations");
    return derive_apply(&p, entities, associations);
}
