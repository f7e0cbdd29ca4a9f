/* The Search compiler: client text reaches the statement only as parameters,
 * the compiled statement has the expected shape per property form, keyset
 * pages follow the sort, and bad expressions are named in the error. */
#include <criterion/criterion.h>
#include <string.h>

#include "lineaged/search.h"
#include "lineaged/token.h"

static struct arena *a;
static struct request r;
static cJSON *doc;

static void setup(void)
{
    static const unsigned char key[32] = {7, 7, 7};
    token_set_key(key, sizeof key);
    a = arena_create();
    memset(&r, 0, sizeof r);
    r.arena = a;
    doc = NULL;
}

static void teardown(void)
{
    cJSON_Delete(doc);
    arena_destroy(a);
}

TestSuite(search_compile, .init = setup, .fini = teardown);

/* Compiles a search of trial components with the expression in `json`. */
static enum ld_err compile(const char *json, const char *sort_by, bool ascending, const char *token,
                           struct search_sql *out)
{
    cJSON_Delete(doc);
    doc = json ? cJSON_Parse(json) : NULL;
    cr_assert(!json || doc, "bad test JSON: %s", json);
    struct search_spec spec = {.kind = 3,
                               .tenant = 42,
                               .expression = doc,
                               .sort_by = sort_by,
                               .ascending = ascending,
                               .limit = 10,
                               .next_token = token};
    return search_compile(&r, &spec, out);
}

static bool has_param(const struct search_sql *q, const char *v)
{
    for (int i = 0; i < q->param_count; i++)
        if (q->params[i] && strcmp(q->params[i], v) == 0)
            return true;
    return false;
}

Test(search_compile, injection_text_in_names_and_values_is_only_a_parameter)
{
    static const char hostile[] = "x'); drop table entity; --";
    const char *json =
        "{\"Operator\": \"Or\", \"Filters\": ["
        "{\"Name\": \"Tags.x'); drop table entity; --\", \"Value\": \"x'); drop table entity; --\"},"
        "{\"Name\": \"Parameters.x'); drop table entity; --\", \"Operator\": \"Contains\","
        " \"Value\": \"x'); drop table entity; --\"},"
        "{\"Name\": \"Metrics.x'); drop table entity; --.Max\", \"Operator\": \"Exists\"},"
        "{\"Name\": \"InputArtifacts.x'); drop table entity; --.Value\", \"Operator\": \"In\","
        " \"Value\": \"$1, $2'\"}]}";
    struct search_sql q;
    cr_assert_eq(compile(json, "Tags.x'); drop table entity; --", true, NULL, &q), LD_OK, "%s", r.message);
    cr_assert_null(strstr(q.text, "drop table"), "%s", q.text);
    cr_assert_null(strstr(q.text, "$1, $2'"), "%s", q.text);
    cr_assert(has_param(&q, hostile));
    cr_assert(has_param(&q, "$1, $2'"));
    /* Every quote in the statement belongs to the fixed vocabulary: none is unbalanced. */
    size_t quotes = 0;
    for (const char *p = q.text; *p; p++)
        quotes += *p == '\'';
    cr_assert_eq(quotes % 2, 0, "%s", q.text);
}

Test(search_compile, parameter_range_uses_the_typed_rows)
{
    struct search_sql q;
    cr_assert_eq(compile("{\"Filters\": [{\"Name\": \"Parameters.lr\", \"Operator\": \"GreaterThan\","
                         " \"Value\": \"0.5\"}]}",
                         NULL, false, NULL, &q),
                 LD_OK);
    cr_assert_str_eq(q.params[0], "42");
    cr_assert_str_eq(q.params[1], "lr");
    cr_assert_str_eq(q.params[2], "0.5");
    /* A semi-join from the (tenant, key, num) index. */
    cr_assert_not_null(strstr(q.text, "entity.tenant_id = $1 and entity.kind = 3 and entity.id in (select "
                                      "a.entity_id from search_param a where a.tenant_id = $1 and a.key = $2 "
                                      "and a.num > $3::float8)"),
                       "%s", q.text);
    /* The default sort: LastModifiedTime descending, then the id. */
    cr_assert_not_null(strstr(q.text, "entity.modified_at as sk0, entity.id as sk1"), "%s", q.text);
    cr_assert_not_null(strstr(q.text, "order by sk0 desc, sk1 desc limit $4"), "%s", q.text);
    cr_assert_not_null(strstr(q.deep, "order by sk0 desc, sk1 desc limit $4"), "%s", q.deep);
    /* The page is ordered by the typed keys, not by their text copies. */
    cr_assert_not_null(strstr(q.text, "select t.n, s.id, s.sk0::text as tk0, s.sk1::text as tk1 from"), "%s",
                       q.text);
    cr_assert_not_null(strstr(q.text, "on true order by sk0 desc, sk1 desc"), "%s", q.text);
    cr_assert_eq(q.key_count, 2);
}

Test(search_compile, an_or_of_id_sets_is_their_union)
{
    struct search_sql q;
    cr_assert_eq(compile("{\"Operator\": \"Or\", \"Filters\": [{\"Name\": \"Parameters.a\", \"Operator\": "
                         "\"LessThan\", \"Value\": \"1\"}, {\"Name\": \"Tags.t\", \"Value\": \"x\"}]}",
                         NULL, false, NULL, &q),
                 LD_OK);
    cr_assert_not_null(
        strstr(q.text,
               "entity.id = any(array(select a.entity_id from search_param a where "
               "a.tenant_id = $1 and a.key = $2 and a.num < $3::float8 union select "
               "t.entity_id from tag t where t.tenant_id = $1 and t.key = $4 and t.value = $5::text))"),
        "%s", q.text);
}

Test(search_compile, names_equal_through_the_name_index_and_or_joins)
{
    struct search_sql q;
    cr_assert_eq(
        compile(
            "{\"Operator\": \"Or\", \"Filters\": [{\"Name\": \"TrialComponentName\", \"Value\": \"A\"},"
            " {\"Name\": \"trialcomponent.displayname\", \"Operator\": \"NotEquals\", \"Value\": \"b\"}]}",
            NULL, false, NULL, &q),
        LD_OK);
    cr_assert_not_null(strstr(q.text, "((entity.name_key = lower($2::text) and entity.name = $2::text) or "
                                      "not coalesce(entity.display_name = $3::text, false))"),
                       "%s", q.text);
}

Test(search_compile, nested_filters_test_one_element)
{
    struct search_sql q;
    cr_assert_eq(compile("{\"NestedFilters\": [{\"NestedPropertyName\": \"Parents\", \"Filters\": ["
                         "{\"Name\": \"Parents.TrialName\", \"Value\": \"t\"},"
                         "{\"Name\": \"Parents.ExperimentName\", \"Operator\": \"Exists\"}]}]}",
                         NULL, false, NULL, &q),
                 LD_OK);
    cr_assert_not_null(strstr(q.text,
                              "entity.id in (select pm.component_id from trial_membership pm join "
                              "entity pt on pt.id = pm.trial_id left join entity px on px.id = "
                              "pt.parent_id where pt.tenant_id = $1 and pt.kind = 2 and "
                              "(pt.name_key = lower($2::text) and pt.name = $2::text) and px.name is not "
                              "null)"),
                       "%s", q.text);
}

Test(search_compile, keyset_pages_follow_the_sort)
{
    struct search_sql q;
    cr_assert_eq(compile(NULL, NULL, false, NULL, &q), LD_OK);
    const char *keys[] = {"2026-01-02 03:04:05.678+00", "17"};
    const char *token = search_next_token(a, &q, keys, 2);
    cr_assert_eq(compile(NULL, NULL, false, token, &q), LD_OK, "%s", r.message);
    /* One row comparison, so the (tenant, kind, modified_at, id) index serves it. */
    cr_assert_not_null(strstr(q.deep, "(entity.modified_at, entity.id) < ($2::timestamptz, $3::int8)"), "%s",
                       q.deep);
    cr_assert_str_eq(q.params[1], keys[0]);
    cr_assert_str_eq(q.params[2], "17");

    /* A nullable key: an "is missing" flag first, so missing values come last. */
    cr_assert_eq(compile(NULL, "Metrics.acc.Max", true, NULL, &q), LD_OK);
    cr_assert_eq(q.key_count, 3);
    const char *nulls[] = {"true", NULL, "9"};
    token = search_next_token(a, &q, nulls, 3);
    cr_assert_eq(compile(NULL, "Metrics.acc.Max", true, token, &q), LD_OK, "%s", r.message);
    cr_assert_not_null(strstr(q.text, "is not distinct from $3::boolean and"), "%s", q.text);
    cr_assert_null(q.params[3]);
    cr_assert_str_eq(q.params[4], "9");

    /* A token is bound to its query. */
    cr_assert_eq(compile(NULL, "Metrics.acc.Min", true, token, &q), LD_ERR_VALIDATION);
    cr_assert_not_null(strstr(r.message, "NextToken"));
}

Test(search_compile, errors_name_what_is_wrong)
{
    struct search_sql q;
    cr_assert_eq(
        compile("{\"Filters\": [{\"Name\": \"Bogus.x\", \"Operator\": \"Exists\"}]}", NULL, false, NULL, &q),
        LD_ERR_VALIDATION);
    cr_assert_not_null(strstr(r.message, "'Bogus.x'"), "%s", r.message);
    cr_assert_eq(
        compile("{\"Filters\": [{\"Name\": \"DisplayName\", \"Operator\": \"LessThan\", \"Value\": \"a\"}]}",
                NULL, false, NULL, &q),
        LD_ERR_VALIDATION);
    cr_assert_not_null(strstr(r.message, "LessThan"), "%s", r.message);
    cr_assert_eq(
        compile("{\"Filters\": [{\"Name\": \"StartTime\", \"Operator\": \"LessThan\", \"Value\": \"soon\"}]}",
                NULL, false, NULL, &q),
        LD_ERR_VALIDATION);
    cr_assert_not_null(strstr(r.message, "'soon'"), "%s", r.message);
    cr_assert_eq(
        compile("{\"Filters\": [{\"Name\": \"Status.PrimaryStatus\", \"Operator\": \"Contains\", \"Value\": "
                "\"a\"}, {\"Name\": \"Source.SourceArn\", \"Operator\": \"Contains\", \"Value\": \"b\"}]}",
                NULL, false, NULL, &q),
        LD_ERR_VALIDATION);
    cr_assert_str_eq(r.message, "'CONTAINS' operator usage limit of 1 exceeded.");
    cr_assert_eq(compile("{\"Filters\": [{\"Name\": \"DisplayName\", \"Operator\": \"Contains\", \"Value\": "
                         "\"a\"}, {\"Name\": \"Tags.k\", \"Operator\": \"Contains\", \"Value\": \"b\"},"
                         " {\"Name\": \"Source.SourceArn\", \"Operator\": \"Contains\", \"Value\": \"b\"}]}",
                         NULL, false, NULL, &q),
                 LD_OK, "%s", r.message);
}

Test(search_compile, at_most_fifty_conditions)
{
    char *json = arena_strdup(a, "{\"SubExpressions\": [");
    for (int s = 0; s < 3; s++) {
        json = arena_printf(a, "%s%s{\"Filters\": [", json, s ? "," : "");
        for (int f = 0; f < 16; f++)
            json = arena_printf(a, "%s%s{\"Name\": \"Tags.k%d\", \"Operator\": \"Exists\"}", json,
                                f ? "," : "", f);
        json = arena_printf(a, "%s]}", json);
    }
    json = arena_printf(a, "%s]}", json);
    struct search_sql q;
    cr_assert_eq(compile(json, NULL, false, NULL, &q), LD_ERR_VALIDATION); /* 3 + 48 = 51 */
    cr_assert_not_null(strstr(r.message, "51"), "%s", r.message);
}

Test(search_compile, matches_are_found_once_for_the_total_and_the_page)
{
    struct search_sql q;
    cr_assert_eq(compile("{\"Filters\": [{\"Name\": \"Metrics.acc.Max\", \"Operator\": \"GreaterThan\","
                         " \"Value\": \"0.5\"}, {\"Name\": \"Parameters.p\", \"Value\": \"13\"}]}",
                         "Metrics.acc.Max", false, NULL, &q),
                 LD_OK, "%s", r.message);
    /* The matches, with their sort keys, once; the total counts them. They are
     * read from the parameter's id set without the records' rows, and the
     * metric filter tests the sort value rather than computing it again. */
    static const char m[] =
        "with m as materialized (select entity.id, sv.v0 is null as sk0, sv.v0 as sk1, entity.id as sk2"
        " from (select a.entity_id from search_param a where a.tenant_id = $1 and a.key = $4 and a.txt ="
        " $5::text union all select a.entity_id from search_param a where a.tenant_id = $1 and a.key = $4"
        " and a.num = $6::float8) entity (id) cross join lateral (select (select max(ms.max) from"
        " metric_summary ms where ms.component_id = entity.id and ms.metric_name = $2) as v0 offset 0) sv"
        " where (sv.v0 > $3::float8) limit 10001)";
    cr_assert_eq(strncmp(q.text, m, strlen(m)), 0, "%s", q.text);
    /* The metric name is one parameter for the sort and the filter. */
    cr_assert_null(strstr(q.text, "ms.metric_name = $3"), "%s", q.text);
    cr_assert_not_null(strstr(q.text, "(select count(*) as n from m) t"), "%s", q.text);
    /* Within the cap the page is sorted from m. */
    cr_assert_not_null(strstr(q.text,
                              "(select * from m where t.n <= 10000 order by sk0 asc, sk1 desc, sk2 desc"
                              " limit $7) s on true"),
                       "%s", q.text);
    /* Past it, the whole filter in sort order: a statement of its own, so
     * that the first plans no more than it runs. */
    cr_assert_null(strstr(q.text, "from entity cross join lateral"), "%s", q.text);
    cr_assert_not_null(
        strstr(q.deep, "select s.id, s.sk0::text as tk0, s.sk1::text as tk1, s.sk2::text as tk2 from (select "
                       "entity.id, sv.v0 is null as sk0"),
        "%s", q.deep);
    cr_assert_not_null(strstr(q.deep, "from entity cross join lateral"), "%s", q.deep);
    cr_assert_not_null(strstr(q.deep, "order by sk0 asc, sk1 desc, sk2 desc limit $7) s"), "%s", q.deep);
    /* A parameter's text and number matches are two id sets, each from its own index. */
    cr_assert_not_null(strstr(q.text, "a.key = $4 and a.txt = $5::text union all select a.entity_id from "
                                      "search_param a where a.tenant_id = $1 and a.key = $4 and a.num = "
                                      "$6::float8"),
                       "%s", q.text);
}

Test(search_compile, a_page_token_positions_both_statements)
{
    struct search_sql q;
    cr_assert_eq(compile(NULL, "Parameters.lr", true, NULL, &q), LD_OK);
    const char *keys[] = {"false", "0.5", "true", NULL, "9"};
    const char *token = search_next_token(a, &q, keys, 5);
    cr_assert_eq(compile(NULL, "Parameters.lr", true, token, &q), LD_OK, "%s", r.message);
    /* The same position over m's key columns and over the sort values themselves. */
    cr_assert_not_null(strstr(q.text,
                              "(sk0 > $3::boolean) or (sk0 is not distinct from $3::boolean and sk1 > "
                              "$4::float8)"),
                       "%s", q.text);
    cr_assert_not_null(strstr(q.deep, "(sv.v0 is null > $3::boolean) or (sv.v0 is null is not distinct from "
                                      "$3::boolean and sv.v0 > $4::float8)"),
                       "%s", q.deep);
    /* Both sort values of a parameter come from one aggregate over its rows. */
    cr_assert_not_null(strstr(q.text, "cross join lateral (select min(a.num) as v0, min(a.txt) as v1 from "
                                      "search_param a where a.entity_id = entity.id"),
                       "%s", q.text);
}

Test(search_compile, an_and_of_id_sets_is_planned_with_its_values)
{
    struct search_sql q;
    static const char both[] = "{\"Filters\": [{\"Name\": \"Parameters.p\", \"Value\": \"13\"},"
                               " {\"Name\": \"Tags.team\", \"Value\": \"red\"}]}";
    cr_assert_eq(compile(both, NULL, false, NULL, &q), LD_OK, "%s", r.message);
    cr_assert(q.custom_plan, "%s", q.text);
    /* One set, or sets united: every set is read whole whatever the values. */
    cr_assert_eq(
        compile("{\"Filters\": [{\"Name\": \"Parameters.p\", \"Value\": \"13\"}]}", NULL, false, NULL, &q),
        LD_OK);
    cr_assert_not(q.custom_plan, "%s", q.text);
    cr_assert_eq(
        compile("{\"Operator\": \"Or\", \"Filters\": [{\"Name\": \"Parameters.p\", \"Value\": \"13\"},"
                " {\"Name\": \"Tags.team\", \"Value\": \"red\"}]}",
                NULL, false, NULL, &q),
        LD_OK);
    cr_assert_not(q.custom_plan, "%s", q.text);
}
