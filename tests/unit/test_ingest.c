/* Reading hook deliveries and OpenLineage events: every problem of a document
 * is found and named before any store call (the request has no store here, so
 * one would crash the test). */
#include <criterion/criterion.h>
#include <string.h>

#include "ingest.h"

static struct arena *a;
static struct request r;

static void setup(void)
{
    a = arena_create();
    r = (struct request){.arena = a, .id = "test", .account = "123456789012", .region = "us-east-1"};
}

static void teardown(void)
{
    arena_destroy(a);
}

TestSuite(ingest, .init = setup, .fini = teardown);

static void delete_tree(void *p)
{
    cJSON_Delete(p);
}

static cJSON *doc(const char *text)
{
    cJSON *v = cJSON_Parse(text);
    cr_assert_not_null(v, "bad test JSON: %s", text);
    arena_defer(a, delete_tree, v);
    return v;
}

static const char *hook_message(const char *delivery)
{
    cJSON *out = doc("{}");
    cr_assert_eq(emulator_hook(&r, doc(delivery), out), LD_ERR_VALIDATION);
    return r.message;
}

static const char *event_message(const char *event)
{
    cr_assert_eq(openlineage_ingest(&r, doc(event)), LD_ERR_VALIDATION);
    return r.message;
}

Test(ingest, hook_names_every_missing_member)
{
    const char *m =
        hook_message("{\"operation\":\"CreateTrainingJob\",\"request\":{\"TrainingJobName\":\"j\","
                     "\"InputDataConfig\":[{\"ChannelName\":\"train\",\"DataSource\":{}}]}}");
    cr_assert(strstr(m, "3 validation errors detected: ") == m, "%s", m);
    cr_assert(strstr(m, "request.AlgorithmSpecification is required"), "%s", m);
    cr_assert(strstr(m, "request.ResourceConfig is required"), "%s", m);
    cr_assert(strstr(m, "request.InputDataConfig[0].DataSource needs S3DataSource or FileSystemDataSource"),
              "%s", m);
}

Test(ingest, hook_checks_names_types_and_status)
{
    const char *m =
        hook_message("{\"operation\":\"DescribeProcessingJob\",\"response\":{\"ProcessingJobName\":"
                     "\"bad_name\",\"ProcessingJobStatus\":\"Done\",\"AppSpecification\":{\"ImageUri\":"
                     "\"i\"},\"ProcessingResources\":{\"ClusterConfig\":{}},\"ProcessingInputs\":{}}}");
    cr_assert(strstr(m, "response.ProcessingJobName 'bad_name' must be 1 to 63 letters"), "%s", m);
    cr_assert(strstr(m, "response.ProcessingInputs must be an array"), "%s", m);
    cr_assert(strstr(m, "response.ProcessingJobStatus 'Done' must be one of"), "%s", m);
}

Test(ingest, hook_checks_arns_and_display_names)
{
    const char *m =
        hook_message("{\"operation\":\"CreateTransformJob\",\"request\":{\"TransformJobName\":\"t\","
                     "\"ModelName\":\"m\",\"TransformInput\":{\"DataSource\":{\"S3DataSource\":{"
                     "\"S3Uri\":\"s3://b/in\"}}},\"TransformOutput\":{\"S3OutputPath\":\"s3://b/o\"},"
                     "\"TransformResources\":{},\"ExperimentConfig\":{\"TrialComponentDisplayName\":"
                     "\"-x-\"}},\"response\":{\"TransformJobArn\":\"transform-job/t\"}}");
    cr_assert(strstr(m, "2 validation errors detected: ") == m, "%s", m);
    cr_assert(strstr(m, "response.TransformJobArn 'transform-job/t' must be an ARN"), "%s", m);
    cr_assert(strstr(m, "request.ExperimentConfig.TrialComponentDisplayName '-x-' must be 1 to 120"), "%s",
              m);
}

Test(ingest, hook_scope_must_be_well_formed)
{
    const char *m = hook_message("{\"operation\":\"CreateModel\",\"account\":\"abc\",\"region\":\"US East\","
                                 "\"request\":{\"ModelName\":\"m\"}}");
    cr_assert(strstr(m, "account 'abc' must be 12 digits"), "%s", m);
    cr_assert(strstr(m, "region 'US East' must be"), "%s", m);
}

Test(ingest, event_lists_every_problem)
{
    const char *m =
        event_message("{\"eventType\":\"START\",\"eventTime\":\"2024-05-01T10:00:00Z\","
                      "\"schemaURL\":\"s\",\"run\":{\"runId\":\"not-a-uuid\"},\"job\":{\"namespace\":"
                      "\"n\",\"name\":\"j\",\"facets\":{\"x\":{\"_producer\":\"p\"}}},"
                      "\"outputs\":[{\"namespace\":\"s3://b\"}]}");
    cr_assert(strstr(m, "4 validation errors detected: ") == m, "%s", m);
    cr_assert(strstr(m, "producer is required"), "%s", m);
    cr_assert(strstr(m, "run.runId 'not-a-uuid' must be a UUID"), "%s", m);
    cr_assert(strstr(m, "job.facets.x._schemaURL is required"), "%s", m);
    cr_assert(strstr(m, "outputs[0].name is required"), "%s", m);
}
