/* The API model: loading both embedded models, and request validation with the
 * real service's messages, checked word for word. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "lineaged/embedded.h"
#include "lineaged/model.h"
#include "model_internal.h"

#define LINEAGE "sagemaker-lineage.json"
#define METRICS "sagemaker-metrics.json"

#define ARN          "arn:aws:sagemaker:us-east-1:123456789012:experiment/e1"
#define NAME_PATTERN "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}"
#define TAG_PATTERN  "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)"

/* The last validation's message; static so nothing is left to free. */
static char message[1 << 17];

static const struct embedded_file *embedded(const char *name)
{
    for (unsigned i = 0; i < embedded_models_count; i++)
        if (strcmp(embedded_models[i].name, name) == 0)
            return &embedded_models[i];
    cr_assert_fail("model %s is not embedded", name);
    return NULL;
}

static struct api_model *load_text(const char *json)
{
    char *err = NULL;
    struct api_model *m = model_load(json, strlen(json), &err);
    cr_assert_not_null(m, "model_load: %s", err ? err : "(no reason)");
    return m;
}

static struct api_model *load_embedded(const char *name)
{
    const struct embedded_file *f = embedded(name);
    return load_text(f->data);
}

/* Validates `json` (NULL: an empty body) as the input of `op_name` in model
 * `m`, copying the message into `message`. */
static enum ld_err validate_in(const struct api_model *m, const char *op_name, const char *json)
{
    const struct api_op *op = model_find_op(m, op_name);
    cr_assert_not_null(op, "no operation %s", op_name);
    cJSON *in = NULL;
    if (json) {
        in = cJSON_Parse(json);
        cr_assert_not_null(in, "test JSON does not parse: %s", json);
    }
    struct arena *a = arena_create();
    char *msg = NULL;
    enum ld_err e = model_validate(op, in, a, &msg);
    snprintf(message, sizeof message, "%s", msg ? msg : "");
    arena_destroy(a);
    cJSON_Delete(in);
    return e;
}

/* Loads the lineage model, validates, frees everything before any assertion. */
static enum ld_err validate(const char *op_name, const char *json)
{
    struct api_model *m = load_embedded(LINEAGE);
    enum ld_err e = validate_in(m, op_name, json);
    model_free(m);
    return e;
}

static void expect(const char *op_name, const char *json, enum ld_err want, const char *want_message)
{
    enum ld_err e = validate(op_name, json);
    cr_expect_eq(e, want, "%s %s: code %d, want %d (%s)", op_name, json ? json : "(empty)", e, want, message);
    cr_expect_str_eq(message, want_message, "%s %s", op_name, json ? json : "(empty)");
}

static void expect_ok(const char *op_name, const char *json)
{
    expect(op_name, json, LD_OK, "");
}

/* `unit` repeated n times, into buf. */
static char *repeat(char *buf, size_t cap, const char *unit, size_t n)
{
    size_t len = strlen(unit);
    cr_assert_lt(n * len, cap);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * len, unit, len);
    buf[n * len] = '\0';
    return buf;
}

static char json[1 << 17], want[1 << 17], long1[8192];

/* ---- Valid requests -------------------------------------------------------- */

Test(model, valid_requests_pass)
{
    expect_ok("CreateExperiment",
              "{\"ExperimentName\":\"my-exp-1\",\"DisplayName\":\"My-Exp\","
              "\"Description\":\"anything at all\","
              "\"Tags\":[{\"Key\":\"team\",\"Value\":\"ml\"},{\"Key\":\"k\",\"Value\":\"\"}]}");
    expect_ok("ListExperiments", NULL);
    expect_ok("ListExperiments", "{}");
    expect_ok("ListExperiments", "{\"MaxResults\":1,\"SortOrder\":\"Descending\",\"SortBy\":\"Name\","
                                 "\"CreatedAfter\":1672531200,\"CreatedBefore\":\"2024-01-02T03:04:05Z\"}");
    expect_ok("ListExperiments", "{\"MaxResults\":100.0}");
    expect_ok("CreateArtifact", "{\"Source\":{\"SourceUri\":\"s3://b/k\",\"SourceTypes\":[{\"SourceIdType\":"
                                "\"MD5Hash\",\"Value\":\"abc\"}]},\"ArtifactType\":\"Dataset\","
                                "\"Properties\":{\"a\":\"1\",\"b\":\"\"}}");
    expect_ok("CreateTrialComponent",
              "{\"TrialComponentName\":\"tc\",\"Parameters\":{\"lr\":{\"NumberValue\":0.1},"
              "\"opt\":{\"StringValue\":\"adam\"}},\"InputArtifacts\":{\"data\":{"
              "\"MediaType\":\"text/csv\",\"Value\":\"s3://b/k\"}},"
              "\"Status\":{\"PrimaryStatus\":\"Completed\"}}");
    expect_ok("QueryLineage", "{\"IncludeEdges\":true,\"Direction\":\"Both\",\"MaxDepth\":10}");
    expect_ok("DeleteTags", "{\"ResourceArn\":\"" ARN "\",\"TagKeys\":[\"team\",\"ключ 中\"]}");
}

Test(model, unknown_and_null_members_are_absent)
{
    expect_ok("ListExperiments", "{\"SomeFutureMember\":{\"x\":[1,2]},\"MaxResults\":null}");
    expect("CreateExperiment", "{\"ExperimentName\":null}", LD_ERR_VALIDATION,
           "1 validation error detected: Value null at 'experimentName' failed to satisfy constraint: "
           "Member must not be null");
}

/* ---- One constraint kind at a time ---------------------------------------- */

Test(model, required_member_missing)
{
    expect("CreateExperiment", "{}", LD_ERR_VALIDATION,
           "1 validation error detected: Value null at 'experimentName' failed to satisfy constraint: "
           "Member must not be null");
    expect("CreateExperiment", NULL, LD_ERR_VALIDATION,
           "1 validation error detected: Value null at 'experimentName' failed to satisfy constraint: "
           "Member must not be null");
    expect("CreateArtifact", "{\"ArtifactType\":\"t\",\"Source\":{}}", LD_ERR_VALIDATION,
           "1 validation error detected: Value null at 'source.sourceUri' failed to satisfy constraint: "
           "Member must not be null");
}

Test(model, string_length_max_and_min)
{
    snprintf(json, sizeof json, "{\"ExperimentName\":\"e\",\"Description\":\"%s\"}",
             repeat(long1, sizeof long1, "d", 3073));
    snprintf(want, sizeof want,
             "1 validation error detected: Value '%s' at 'description' failed to satisfy constraint: "
             "Member must have length less than or equal to 3072",
             long1);
    expect("CreateExperiment", json, LD_ERR_VALIDATION, want);
    expect("CreateArtifact", "{\"ArtifactType\":\"t\",\"Source\":{\"SourceUri\":\"\"}}", LD_ERR_VALIDATION,
           "1 validation error detected: Value '' at 'source.sourceUri' failed to satisfy constraint: "
           "Member must have length greater than or equal to 1");
}

Test(model, string_length_counts_code_points)
{
    /* TagValue: at most 256; 256 two-byte letters are 512 bytes and pass. */
    snprintf(json, sizeof json, "{\"ExperimentName\":\"e\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"%s\"}]}",
             repeat(long1, sizeof long1, "é", 256));
    expect_ok("CreateExperiment", json);
    snprintf(json, sizeof json, "{\"ExperimentName\":\"e\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"%s\"}]}",
             repeat(long1, sizeof long1, "中", 257));
    snprintf(want, sizeof want,
             "1 validation error detected: Value '%s' at 'tags.1.member.value' failed to satisfy constraint: "
             "Member must have length less than or equal to 256",
             long1);
    expect("CreateExperiment", json, LD_ERR_VALIDATION, want);
}

Test(model, pattern)
{
    expect("CreateExperiment", "{\"ExperimentName\":\"a b\"}", LD_ERR_VALIDATION,
           "1 validation error detected: Value 'a b' at 'experimentName' failed to satisfy constraint: "
           "Member must satisfy regular expression pattern: " NAME_PATTERN);
    /* A pattern that already starts with ^ is printed as it is. */
    struct api_model *m = load_embedded(METRICS);
    enum ld_err e = validate_in(m, "BatchPutMetrics",
                                "{\"TrialComponentName\":\"Upper\",\"MetricData\":[{\"MetricName\":\"loss\","
                                "\"Timestamp\":1672531200,\"Value\":0.5}]}");
    model_free(m);
    cr_expect_eq(e, LD_ERR_VALIDATION);
    cr_expect_str_eq(message, "1 validation error detected: Value 'Upper' at 'trialComponentName' failed to "
                              "satisfy constraint: Member must satisfy regular expression pattern: "
                              "^[a-z0-9](-*[a-z0-9]){0,119}");
}

Test(model, pattern_has_java_semantics)
{
    /* Java's `.` stops at a line break, so ".*" refuses one. */
    expect("CreateExperiment", "{\"ExperimentName\":\"e\",\"Description\":\"line\\nline\"}",
           LD_ERR_VALIDATION,
           "1 validation error detected: Value 'line\nline' at 'description' failed to satisfy constraint: "
           "Member must satisfy regular expression pattern: ^.*");
    /* \p{L} is Unicode, \w is ASCII (Java without UNICODE_CHARACTER_CLASS). */
    expect_ok("AddTags", "{\"ResourceArn\":\"" ARN "\",\"Tags\":[{\"Key\":\"ключ\",\"Value\":\"中文 ü\"}]}");
    expect("CreateTrialComponent",
           "{\"TrialComponentName\":\"tc\",\"InputArtifacts\":{\"d\":{\"MediaType\":\"téxt/"
           "csv\",\"Value\":\"v\"}}}",
           LD_ERR_VALIDATION,
           "1 validation error detected: Value 'téxt/csv' at 'inputArtifacts.d.member.mediaType' failed to "
           "satisfy constraint: Member must satisfy regular expression pattern: ^[-\\w]+\\/[-\\w+]+");
    /* The whole value must match, not a prefix. */
    expect("CreateExperiment", "{\"ExperimentName\":\"ok-\"}", LD_ERR_VALIDATION,
           "1 validation error detected: Value 'ok-' at 'experimentName' failed to satisfy constraint: "
           "Member must satisfy regular expression pattern: " NAME_PATTERN);
}

Test(model, invalid_utf8_fails_the_pattern)
{
    expect("CreateExperiment", "{\"ExperimentName\":\"ab\xff\"}", LD_ERR_VALIDATION,
           "1 validation error detected: Value 'ab\xff' at 'experimentName' failed to satisfy constraint: "
           "Member must satisfy regular expression pattern: " NAME_PATTERN);
}

Test(model, enum_value_set)
{
    expect("ListExperiments", "{\"SortOrder\":\"Up\"}", LD_ERR_VALIDATION,
           "1 validation error detected: Value 'Up' at 'sortOrder' failed to satisfy constraint: "
           "Member must satisfy enum value set: [Ascending, Descending]");
    expect("ListExperiments", "{\"SortOrder\":\"ascending\"}", LD_ERR_VALIDATION,
           "1 validation error detected: Value 'ascending' at 'sortOrder' failed to satisfy constraint: "
           "Member must satisfy enum value set: [Ascending, Descending]");
}

Test(model, integer_range)
{
    expect("ListExperiments", "{\"MaxResults\":0}", LD_ERR_VALIDATION,
           "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
           "Member must have value greater than or equal to 1");
    expect("ListExperiments", "{\"MaxResults\":101}", LD_ERR_VALIDATION,
           "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: "
           "Member must have value less than or equal to 100");
    expect_ok("ListExperiments", "{\"MaxResults\":100}");
}

Test(model, list_size)
{
    size_t n = 0;
    n += (size_t)snprintf(json + n, sizeof json - n, "{\"ResourceArn\":\"" ARN "\",\"Tags\":[");
    for (int i = 0; i < 51; i++)
        n += (size_t)snprintf(json + n, sizeof json - n, "%s{\"Key\":\"k%d\",\"Value\":\"v\"}", i ? "," : "",
                              i);
    snprintf(json + n, sizeof json - n, "]}");
    n = (size_t)snprintf(want, sizeof want, "1 validation error detected: Value '[");
    for (int i = 0; i < 51; i++)
        n += (size_t)snprintf(want + n, sizeof want - n, "%s{Key=k%d, Value=v}", i ? ", " : "", i);
    snprintf(want + n, sizeof want - n,
             "]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
    expect("AddTags", json, LD_ERR_VALIDATION, want);
    expect("DeleteTags", "{\"ResourceArn\":\"" ARN "\",\"TagKeys\":[]}", LD_ERR_VALIDATION,
           "1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy constraint: "
           "Member must have length greater than or equal to 1");
}

Test(model, list_of_structures_path)
{
    expect("AddTags",
           "{\"ResourceArn\":\"" ARN "\",\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"},{\"Value\":\"v\"}]}",
           LD_ERR_VALIDATION,
           "1 validation error detected: Value null at 'tags.2.member.key' failed to satisfy constraint: "
           "Member must not be null");
    expect("AddTags", "{\"ResourceArn\":\"" ARN "\",\"Tags\":[{\"Key\":\"\",\"Value\":\"v\"}]}",
           LD_ERR_VALIDATION,
           "1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: "
           "Member must have length greater than or equal to 1");
}

Test(model, list_of_scalars_reports_at_the_list)
{
    expect("DeleteTags", "{\"ResourceArn\":\"" ARN "\",\"TagKeys\":[\"ok\",\"a#b\"]}", LD_ERR_VALIDATION,
           "1 validation error detected: Value '[ok, a#b]' at 'tagKeys' failed to satisfy constraint: "
           "Member must satisfy constraint: [Member must satisfy regular expression pattern: " TAG_PATTERN
           "]");
    /* Different elements failing different constraints: one violation listing both. */
    expect("DeleteTags", "{\"ResourceArn\":\"" ARN "\",\"TagKeys\":[\"\",\"a#b\"]}", LD_ERR_VALIDATION,
           "1 validation error detected: Value '[, a#b]' at 'tagKeys' failed to satisfy constraint: "
           "Member must satisfy constraint: [Member must have length greater than or equal to 1, "
           "Member must satisfy regular expression pattern: " TAG_PATTERN "]");
}

Test(model, map_keys_and_values)
{
    snprintf(json, sizeof json,
             "{\"TrialComponentName\":\"tc\",\"InputArtifacts\":{\"%s\":{\"Value\":\"v\"}}}",
             repeat(long1, sizeof long1, "k", 129));
    snprintf(
        want, sizeof want,
        "1 validation error detected: Value '{%s={Value=v}}' at 'inputArtifacts' failed to satisfy "
        "constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128]",
        long1);
    expect("CreateTrialComponent", json, LD_ERR_VALIDATION, want);
    expect("CreateArtifact",
           "{\"ArtifactType\":\"t\",\"Source\":{\"SourceUri\":\"u\"},\"Properties\":{\"a\":\"1\",\"b\":"
           "\"x\\ny\"}}",
           LD_ERR_VALIDATION,
           "1 validation error detected: Value '{a=1, b=x\ny}' at 'properties' failed to satisfy constraint: "
           "Map value must satisfy constraint: [Member must satisfy regular expression pattern: ^.*]");
}

Test(model, map_size)
{
    size_t n = (size_t)snprintf(json, sizeof json,
                                "{\"ArtifactType\":\"t\",\"Source\":{\"SourceUri\":\"u\"},"
                                "\"Properties\":{");
    for (int i = 0; i < 31; i++)
        n += (size_t)snprintf(json + n, sizeof json - n, "%s\"p%d\":\"v\"", i ? "," : "", i);
    snprintf(json + n, sizeof json - n, "}}");
    n = (size_t)snprintf(want, sizeof want, "1 validation error detected: Value '{");
    for (int i = 0; i < 31; i++)
        n += (size_t)snprintf(want + n, sizeof want - n, "%sp%d=v", i ? ", " : "", i);
    snprintf(
        want + n, sizeof want - n,
        "}' at 'properties' failed to satisfy constraint: Member must have length less than or equal to 30");
    expect("CreateArtifact", json, LD_ERR_VALIDATION, want);
}

Test(model, map_of_structures_path)
{
    snprintf(json, sizeof json,
             "{\"TrialComponentName\":\"tc\",\"Parameters\":{\"lr\":{\"StringValue\":\"%s\"}}}",
             repeat(long1, sizeof long1, "s", 2501));
    snprintf(
        want, sizeof want,
        "1 validation error detected: Value '%s' at 'parameters.lr.member.stringValue' failed to satisfy "
        "constraint: Member must have length less than or equal to 2500",
        long1);
    expect("CreateTrialComponent", json, LD_ERR_VALIDATION, want);
    expect("CreateTrialComponent", "{\"TrialComponentName\":\"tc\",\"OutputArtifacts\":{\"m\":{}}}",
           LD_ERR_VALIDATION,
           "1 validation error detected: Value null at 'outputArtifacts.m.member.value' failed to satisfy "
           "constraint: Member must not be null");
}

Test(model, recursive_shapes)
{
    expect("Search",
           "{\"Resource\":\"Experiment\",\"SearchExpression\":{\"SubExpressions\":[{\"SubExpressions\":"
           "[{\"Operator\":\"And\"},{\"Operator\":\"Xor\"}]}]}}",
           LD_ERR_VALIDATION,
           "1 validation error detected: Value 'Xor' at "
           "'searchExpression.subExpressions.1.member.subExpressions.2.member.operator' failed to satisfy "
           "constraint: Member must satisfy enum value set: [And, Or]");
}

/* ---- Several at once ----------------------------------------------------------- */

Test(model, several_errors_in_member_order)
{
    expect("CreateExperiment", "{\"Tags\":[{\"Value\":\"v\"}],\"ExperimentName\":\"a b\"}", LD_ERR_VALIDATION,
           "2 validation errors detected: Value 'a b' at 'experimentName' failed to satisfy constraint: "
           "Member must satisfy regular expression pattern: " NAME_PATTERN
           "; Value null at 'tags.1.member.key' "
           "failed to satisfy constraint: Member must not be null");
    /* One value failing two constraints is two violations, length first. */
    snprintf(json, sizeof json, "{\"ExperimentName\":\"e\",\"DisplayName\":\"%s\"}",
             repeat(long1, sizeof long1, "a", 121));
    snprintf(
        want, sizeof want,
        "2 validation errors detected: Value '%s' at 'displayName' failed to satisfy constraint: "
        "Member must have length less than or equal to 120; Value '%s' at 'displayName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: " NAME_PATTERN,
        long1, long1);
    expect("CreateExperiment", json, LD_ERR_VALIDATION, want);
    expect("ListTrialComponents", "{\"MaxResults\":0,\"SortOrder\":\"x\",\"ExperimentName\":\"-\"}",
           LD_ERR_VALIDATION,
           "3 validation errors detected: Value '-' at 'experimentName' failed to satisfy constraint: "
           "Member must satisfy regular expression pattern: " NAME_PATTERN
           "; Value 'x' at 'sortOrder' failed "
           "to satisfy constraint: Member must satisfy enum value set: [Ascending, Descending]; Value '0' at "
           "'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
}

/* ---- Values that cannot be read as the model's type ------------------------- */

Test(model, type_mismatches_are_serialization_errors)
{
    expect("ListExperiments", "{\"MaxResults\":\"abc\"}", LD_ERR_SERIALIZATION,
           "Value 'abc' at 'maxResults' cannot be read as integer.");
    expect("ListExperiments", "{\"MaxResults\":1.5}", LD_ERR_SERIALIZATION,
           "Value '1.5' at 'maxResults' cannot be read as integer.");
    expect("ListExperiments", "{\"MaxResults\":3000000000}", LD_ERR_SERIALIZATION,
           "Value '3000000000' at 'maxResults' cannot be read as integer.");
    expect("ListExperiments", "{\"CreatedAfter\":\"yesterday\"}", LD_ERR_SERIALIZATION,
           "Value 'yesterday' at 'createdAfter' cannot be read as timestamp.");
    expect("ListExperiments", "{\"CreatedAfter\":true}", LD_ERR_SERIALIZATION,
           "Value 'true' at 'createdAfter' cannot be read as timestamp.");
    expect("CreateExperiment", "{\"ExperimentName\":5}", LD_ERR_SERIALIZATION,
           "Value '5' at 'experimentName' cannot be read as string.");
    expect("CreateExperiment", "{\"ExperimentName\":\"e\",\"Tags\":{\"Key\":\"k\"}}", LD_ERR_SERIALIZATION,
           "Value '{Key=k}' at 'tags' cannot be read as list.");
    expect("CreateArtifact", "{\"ArtifactType\":\"t\",\"Source\":\"s3://b/k\"}", LD_ERR_SERIALIZATION,
           "Value 's3://b/k' at 'source' cannot be read as structure.");
    expect("CreateArtifact", "{\"ArtifactType\":\"t\",\"Source\":{\"SourceUri\":\"u\"},\"Properties\":[]}",
           LD_ERR_SERIALIZATION, "Value '[]' at 'properties' cannot be read as map.");
    expect("QueryLineage", "{\"IncludeEdges\":\"true\"}", LD_ERR_SERIALIZATION,
           "Value 'true' at 'includeEdges' cannot be read as boolean.");
    expect("CreateTrialComponent",
           "{\"TrialComponentName\":\"tc\",\"Parameters\":{\"lr\":{\"NumberValue\":\"x\"}}}",
           LD_ERR_SERIALIZATION, "Value 'x' at 'parameters.lr.member.numberValue' cannot be read as double.");
    expect("DeleteTags", "{\"ResourceArn\":\"" ARN "\",\"TagKeys\":[\"a\",7]}", LD_ERR_SERIALIZATION,
           "Value '7' at 'tagKeys.2.member' cannot be read as string.");
    expect("AddTags", "{\"ResourceArn\":\"" ARN "\",\"Tags\":[null]}", LD_ERR_SERIALIZATION,
           "Value null at 'tags.1.member' cannot be read as structure.");
}

Test(model, mismatch_wins_over_violations_found_before_it)
{
    expect("ListExperiments", "{\"SortOrder\":\"x\",\"MaxResults\":\"abc\"}", LD_ERR_SERIALIZATION,
           "Value 'abc' at 'maxResults' cannot be read as integer.");
}

Test(model, top_level_must_be_an_object)
{
    expect("ListExperiments", "[]", LD_ERR_SERIALIZATION, "The request body is not a JSON object.");
    expect("ListExperiments", "\"x\"", LD_ERR_SERIALIZATION, "The request body is not a JSON object.");
}

Test(model, metrics_types)
{
    struct api_model *m = load_embedded(METRICS);
    enum ld_err ts = validate_in(m, "BatchPutMetrics",
                                 "{\"TrialComponentName\":\"tc\",\"MetricData\":[{\"MetricName\":\"loss\","
                                 "\"Timestamp\":\"soon\",\"Value\":1}]}");
    char ts_message[sizeof message];
    memcpy(ts_message, message, sizeof message);
    enum ld_err step = validate_in(m, "BatchPutMetrics",
                                   "{\"TrialComponentName\":\"tc\",\"MetricData\":[{\"MetricName\":\"loss\","
                                   "\"Timestamp\":1672531200.5,\"Step\":-1,\"Value\":1e-3}]}");
    model_free(m);
    cr_expect_eq(ts, LD_ERR_SERIALIZATION);
    cr_expect_str_eq(ts_message,
                     "Value 'soon' at 'metricData.1.member.timestamp' cannot be read as timestamp.");
    cr_expect_eq(step, LD_ERR_VALIDATION);
    cr_expect_str_eq(message,
                     "1 validation error detected: Value '-1' at 'metricData.1.member.step' failed to "
                     "satisfy constraint: Member must have value greater than or equal to 0");
}

/* ---- A small model for what the embedded ones lack ------------------------- */

static const char small_model[] =
    "{\"operations\":{\"Op\":{\"name\":\"Op\",\"http\":{\"method\":\"POST\",\"requestUri\":\"/op\"},"
    "\"input\":{\"shape\":\"In\"}},\"NoInput\":{\"name\":\"NoInput\"}},"
    "\"shapes\":{"
    "\"In\":{\"type\":\"structure\",\"members\":{\"Ratio\":{\"shape\":\"Ratio\"},\"Big\":{\"shape\":\"Big\"},"
    "\"Text\":{\"shape\":\"Text\"},\"Grid\":{\"shape\":\"Grid\"},\"Counts\":{\"shape\":\"Counts\"}}},"
    "\"Ratio\":{\"type\":\"double\",\"min\":0.5,\"max\":2.25},"
    "\"Big\":{\"type\":\"long\",\"min\":-5},"
    "\"Text\":{\"type\":\"string\",\"pattern\":\".*(?:[ \\\\r\\\\n\\\\t].*)*\"},"
    "\"Grid\":{\"type\":\"list\",\"member\":{\"shape\":\"Row\"}},"
    "\"Row\":{\"type\":\"list\",\"member\":{\"shape\":\"Cell\"},\"max\":2},"
    "\"Cell\":{\"type\":\"integer\",\"max\":9},"
    "\"Counts\":{\"type\":\"map\",\"key\":{\"shape\":\"Key\"},\"value\":{\"shape\":\"Count\"}},"
    "\"Key\":{\"type\":\"string\"},"
    "\"Count\":{\"type\":\"integer\",\"min\":1}}}";

static enum ld_err validate_small(const char *op_name, const char *json_text)
{
    struct api_model *m = load_text(small_model);
    enum ld_err e = validate_in(m, op_name, json_text);
    model_free(m);
    return e;
}

Test(model, double_bounds_print_minimally)
{
    cr_expect_eq(validate_small("Op", "{\"Ratio\":0.25}"), LD_ERR_VALIDATION);
    cr_expect_str_eq(message,
                     "1 validation error detected: Value '0.25' at 'ratio' failed to satisfy constraint: "
                     "Member must have value greater than or equal to 0.5");
    cr_expect_eq(validate_small("Op", "{\"Ratio\":3}"), LD_ERR_VALIDATION);
    cr_expect_str_eq(message,
                     "1 validation error detected: Value '3' at 'ratio' failed to satisfy constraint: "
                     "Member must have value less than or equal to 2.25");
    cr_expect_eq(validate_small("Op", "{\"Ratio\":1e400}"), LD_ERR_SERIALIZATION);
}

Test(model, long_range)
{
    cr_expect_eq(validate_small("Op", "{\"Big\":9007199254740992}"), LD_OK);
    cr_expect_eq(validate_small("Op", "{\"Big\":-6}"), LD_ERR_VALIDATION);
    cr_expect_str_eq(message,
                     "1 validation error detected: Value '-6' at 'big' failed to satisfy constraint: "
                     "Member must have value greater than or equal to -5");
    cr_expect_eq(validate_small("Op", "{\"Big\":9.3e18}"), LD_ERR_SERIALIZATION);
    cr_expect_str_eq(message, "Value '9300000000000000000' at 'big' cannot be read as long.");
}

Test(model, lists_of_lists_and_scalar_maps)
{
    cr_expect_eq(validate_small("Op", "{\"Grid\":[[1,2,3],[10]]}"), LD_ERR_VALIDATION);
    cr_expect_str_eq(message,
                     "2 validation errors detected: Value '[1, 2, 3]' at 'grid.1.member' failed to "
                     "satisfy constraint: Member must have length less than or equal to 2; Value '[10]' "
                     "at 'grid.2.member' failed to satisfy constraint: Member must satisfy constraint: "
                     "[Member must have value less than or equal to 9]");
    cr_expect_eq(validate_small("Op", "{\"Counts\":{\"a\":1,\"b\":0}}"), LD_ERR_VALIDATION);
    cr_expect_str_eq(message,
                     "1 validation error detected: Value '{a=1, b=0}' at 'counts' failed to satisfy "
                     "constraint: Map value must satisfy constraint: [Member must have value greater "
                     "than or equal to 1]");
    cr_expect_eq(validate_small("Op", "{\"Counts\":{\"a\":null}}"), LD_ERR_SERIALIZATION);
    cr_expect_str_eq(message, "Value null at 'counts.a.member' cannot be read as integer.");
}

Test(model, long_values_match_past_the_jit_stack)
{
    /* 20000 lines: the JIT runs out of stack; the interpreter takes over. */
    size_t n = (size_t)snprintf(json, sizeof json, "{\"Text\":\"");
    for (int i = 0; i < 20000; i++)
        n += (size_t)snprintf(json + n, sizeof json - n, "a\\n");
    snprintf(json + n, sizeof json - n, "\"}");
    cr_expect_eq(validate_small("Op", json), LD_OK, "%s", message);
}

Test(model, hostile_backtracking_is_cut_short)
{
    /* Spaces let `.*` and `[ ...]` split the value many ways; the final
     * line separator (U+2028) matches neither, so the search would be exponential. */
    size_t n = (size_t)snprintf(json, sizeof json, "{\"Text\":\"");
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(json + n, sizeof json - n, "a ");
    snprintf(json + n, sizeof json - n, "\\u2028\"}");
    cr_expect_eq(validate_small("Op", json), LD_ERR_VALIDATION);
}

Test(model, operation_without_input_takes_any_object)
{
    cr_expect_eq(validate_small("NoInput", "{\"x\":1}"), LD_OK);
    cr_expect_eq(validate_small("NoInput", NULL), LD_OK);
}

/* ---- Loading ---------------------------------------------------------------- */

static void check_operations(const char *name)
{
    const struct embedded_file *f = embedded(name);
    cJSON *doc = cJSON_Parse(f->data);
    struct api_model *m = load_text(f->data);
    const cJSON *ops = cJSON_GetObjectItemCaseSensitive(doc, "operations");
    size_t i = 0, missing = 0, misplaced = 0;
    for (const cJSON *op = ops->child; op; op = op->next, i++) {
        const struct api_op *found = model_find_op(m, op->string);
        missing += !found || strcmp(model_op_name(found), op->string) != 0;
        misplaced += found != model_op_at(m, i);
    }
    size_t count = model_op_count(m);
    const struct api_op *nope = model_find_op(m, "NoSuchOperation");
    const struct api_op *past = model_op_at(m, count);
    model_free(m);
    cJSON_Delete(doc);
    cr_expect_eq(count, i, "%s: %zu operations, model has %zu", name, count, i);
    cr_expect_eq(missing, 0, "%s: %zu operations not found by name", name, missing);
    cr_expect_eq(misplaced, 0, "%s: %zu operations out of the model's order", name, misplaced);
    cr_expect_null(nope);
    cr_expect_null(past);
}

Test(model, every_operation_found_by_name)
{
    check_operations(LINEAGE);
    check_operations(METRICS);
}

Test(model, metrics_routes)
{
    struct api_model *m = load_embedded(METRICS);
    const struct api_op *put = model_find_route(m, "PUT", "/BatchPutMetrics");
    const struct api_op *get = model_find_route(m, "POST", "/BatchGetMetrics");
    const struct api_op *wrong_method = model_find_route(m, "GET", "/BatchPutMetrics");
    const struct api_op *wrong_uri = model_find_route(m, "PUT", "/BatchPutMetrics/");
    const char *put_name = put ? model_op_name(put) : "(none)";
    const char *get_name = get ? model_op_name(get) : "(none)";
    cr_expect_str_eq(put_name, "BatchPutMetrics");
    cr_expect_str_eq(get_name, "BatchGetMetrics");
    cr_expect_null(wrong_method);
    cr_expect_null(wrong_uri);
    model_free(m);
}

static void check_patterns(const char *name)
{
    const struct embedded_file *f = embedded(name);
    cJSON *doc = cJSON_Parse(f->data);
    struct api_model *m = load_text(f->data);
    const cJSON *shapes = cJSON_GetObjectItemCaseSensitive(doc, "shapes");
    size_t i = 0, declared = 0, uncompiled = 0;
    for (const cJSON *s = shapes->child; s; s = s->next, i++) {
        bool has = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s, "pattern"));
        declared += has;
        uncompiled += has && (i >= m->n_shapes || !m->shapes[i].pattern);
    }
    size_t compiled = m->n_patterns;
    model_free(m);
    cJSON_Delete(doc);
    cr_expect_gt(declared, 0);
    cr_expect_eq(compiled, declared, "%s: %zu of %zu patterns compiled", name, compiled, declared);
    cr_expect_eq(uncompiled, 0);
}

Test(model, every_pattern_compiled)
{
    check_patterns(LINEAGE);
    check_patterns(METRICS);
}

static char *load_error(const char *json_text)
{
    static char reason[512];
    char *err = NULL;
    struct api_model *m = model_load(json_text, strlen(json_text), &err);
    snprintf(reason, sizeof reason, "%s", err ? err : "");
    free(err);
    model_free(m);
    cr_expect_null(m, "model loaded: %s", json_text);
    return reason;
}

Test(model, unusable_models_are_refused_with_a_reason)
{
    cr_expect_str_eq(load_error("{"), "the model is not valid JSON");
    cr_expect_str_eq(load_error("{\"shapes\":{}}"), "the model has no \"operations\" object");
    cr_expect_str_eq(load_error("{\"operations\":{},\"shapes\":{\"L\":{\"type\":\"list\",\"member\":"
                                "{\"shape\":\"Gone\"}}}}"),
                     "L refers to unknown shape Gone");
    cr_expect_str_eq(load_error("{\"operations\":{},\"shapes\":{\"B\":{\"type\":\"blob\"}}}"),
                     "shape B has unsupported type blob");
    cr_expect_str_eq(load_error("{\"operations\":{},\"shapes\":{\"S\":{\"type\":\"structure\",\"members\":{},"
                                "\"required\":[\"X\"]}}}"),
                     "shape S requires unknown member X");
    const char *bad =
        load_error("{\"operations\":{},\"shapes\":{\"P\":{\"type\":\"string\",\"pattern\":\"[a-\"}}}");
    cr_expect(strncmp(bad, "shape P: pattern [a-: ", 22) == 0, "%s", bad);
}

/* ---- Shared by workers -------------------------------------------------------- */

struct worker {
    const struct api_model *m;
    int wrong;
};

/* Many threads validate against one model at once, each with its own arena. */
static void *validate_many(void *arg)
{
    struct worker *w = arg;
    const struct api_op *op = model_find_op(w->m, "CreateExperiment");
    cJSON *good = cJSON_Parse("{\"ExperimentName\":\"ok-1\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}");
    cJSON *bad = cJSON_Parse("{\"ExperimentName\":\"a b\"}");
    struct arena *a = arena_create();
    for (int i = 0; i < 300; i++) {
        char *msg = NULL;
        w->wrong += model_validate(op, good, a, &msg) != LD_OK;
        w->wrong +=
            model_validate(op, bad, a, &msg) != LD_ERR_VALIDATION ||
            strcmp(msg, "1 validation error detected: Value 'a b' at 'experimentName' failed to satisfy "
                        "constraint: Member must satisfy regular expression pattern: " NAME_PATTERN) != 0;
        arena_reset(a);
    }
    arena_destroy(a);
    cJSON_Delete(good);
    cJSON_Delete(bad);
    return NULL;
}

Test(model, one_model_serves_many_threads)
{
    struct api_model *m = load_embedded(LINEAGE);
    struct worker workers[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        workers[i] = (struct worker){.m = m};
        pthread_create(&threads[i], NULL, validate_many, &workers[i]);
    }
    int wrong = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        wrong += workers[i].wrong;
    }
    model_free(m);
    cr_expect_eq(wrong, 0);
}
