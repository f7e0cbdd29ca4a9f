/* Artifact identity: the ARN id depends on the URI, the type and the set of
 * source types, and on nothing else. */
#include <criterion/criterion.h>
#include <string.h>

#include "lineaged/artifact_identity.h"

static struct arena *a;

static void setup(void)
{
    a = arena_create();
}

static void teardown(void)
{
    arena_destroy(a);
}

TestSuite(artifact_identity, .init = setup, .fini = teardown);

/* The id of an artifact whose Source is the JSON text `source`. */
static const char *id_of(const char *uri, const char *type, const char *source)
{
    cJSON *s = cJSON_Parse(source);
    const char *id = artifact_id(a, uri, type, artifact_source_type_set(a, s));
    cJSON_Delete(s);
    return id;
}

Test(artifact_identity, is_32_lowercase_hex_and_deterministic)
{
    const char *id = id_of("s3://b/x", "DataSet", "{}");
    cr_assert_eq(strlen(id), 32);
    cr_assert_eq(strspn(id, "0123456789abcdef"), 32);
    cr_assert_str_eq(id, id_of("s3://b/x", "DataSet", "{}"));
}

Test(artifact_identity, source_types_are_a_set)
{
    const char *ab = id_of("u", "Model",
                           "{\"SourceTypes\":[{\"SourceIdType\":\"S3ETag\",\"Value\":\"a\"},"
                           "{\"SourceIdType\":\"MD5Hash\",\"Value\":\"b\"}]}");
    const char *ba = id_of("u", "Model",
                           "{\"SourceTypes\":[{\"SourceIdType\":\"MD5Hash\",\"Value\":\"b\"},"
                           "{\"SourceIdType\":\"S3ETag\",\"Value\":\"a\"},"
                           "{\"SourceIdType\":\"MD5Hash\",\"Value\":\"b\"}]}");
    cr_assert_str_eq(ab, ba);
    cr_assert_str_eq(id_of("u", "Model", "{}"), id_of("u", "Model", "{\"SourceTypes\":[]}"));
}

Test(artifact_identity, each_part_changes_the_id)
{
    const char *base =
        id_of("s3://b/x", "DataSet", "{\"SourceTypes\":[{\"SourceIdType\":\"Custom\",\"Value\":\"1\"}]}");
    cr_assert_str_neq(base, id_of("s3://b/y", "DataSet",
                                  "{\"SourceTypes\":[{\"SourceIdType\":\"Custom\",\"Value\":\"1\"}]}"));
    cr_assert_str_neq(base, id_of("s3://b/x", "Model",
                                  "{\"SourceTypes\":[{\"SourceIdType\":\"Custom\",\"Value\":\"1\"}]}"));
    cr_assert_str_neq(base, id_of("s3://b/x", "DataSet",
                                  "{\"SourceTypes\":[{\"SourceIdType\":\"Custom\",\"Value\":\"2\"}]}"));
    cr_assert_str_neq(base, id_of("s3://b/x", "DataSet", "{}"));
}

Test(artifact_identity, set_is_sorted_by_id_type_then_value)
{
    cJSON *s = cJSON_Parse(
        "{\"SourceTypes\":[{\"SourceIdType\":\"S3Version\",\"Value\":\"2\"},"
        "{\"SourceIdType\":\"Custom\",\"Value\":\"z\"},{\"SourceIdType\":\"Custom\",\"Value\":\"a\"}]}");
    char *text = cJSON_PrintUnformatted(artifact_source_type_set(a, s));
    cr_assert_str_eq(
        text, "[{\"SourceIdType\":\"Custom\",\"Value\":\"a\"},{\"SourceIdType\":\"Custom\",\"Value\":\"z\"},"
              "{\"SourceIdType\":\"S3Version\",\"Value\":\"2\"}]");
    cJSON_free(text);
    cJSON_Delete(s);
}
