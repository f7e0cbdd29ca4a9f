/* The vertex fact cache: hits copy into the arena, tenants never share an
 * entry, a full shard empties and keeps working, a disabled cache misses. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "lineaged/arena.h"
#include "vertex_cache.h"

static struct arena *a;

static void start(void)
{
    vertex_cache_setup(1 << 20);
    a = arena_create();
}

static void stop(void)
{
    arena_destroy(a);
    vertex_cache_cleanup();
}

TestSuite(vertex_cache, .init = start, .fini = stop);

Test(vertex_cache, a_hit_gives_copies_of_what_was_put)
{
    char arn[] = "arn:aws:sagemaker:us-east-1:123456789012:artifact/raw-1";
    vertex_cache_put(7, 41, 4, arn, "DataSet");
    vertex_cache_put(7, 42, 3, "arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/c", NULL);
    arn[0] = 'X'; /* the cache holds its own copy */
    int kind = 0;
    const char *got_arn = NULL, *type = "unset";
    cr_assert(vertex_cache_get(a, 7, 41, &kind, &got_arn, &type));
    cr_assert_eq(kind, 4);
    cr_assert_str_eq(got_arn, "arn:aws:sagemaker:us-east-1:123456789012:artifact/raw-1");
    cr_assert_str_eq(type, "DataSet");
    cr_assert(vertex_cache_get(a, 7, 42, &kind, &got_arn, &type));
    cr_assert_eq(kind, 3);
    cr_assert_null(type);
    cr_assert_not(vertex_cache_get(a, 7, 43, &kind, &got_arn, &type));
}

Test(vertex_cache, another_tenant_misses)
{
    vertex_cache_put(1, 99, 6, "arn:aws:sagemaker:us-east-1:111111111111:context/c", "Endpoint");
    int kind;
    const char *arn, *type;
    cr_assert_not(vertex_cache_get(a, 2, 99, &kind, &arn, &type));
    cr_assert(vertex_cache_get(a, 1, 99, &kind, &arn, &type));
}

Test(vertex_cache, copies_outlive_an_emptied_shard_and_new_entries_still_fit)
{
    /* Far more entries than 1 MiB holds: shards empty and fill again. */
    vertex_cache_put(1, 1, 4, "arn:aws:sagemaker:us-east-1:123456789012:artifact/first", "Model");
    int kind;
    const char *first_arn, *type;
    cr_assert(vertex_cache_get(a, 1, 1, &kind, &first_arn, &type));
    char arn[96];
    for (int64_t id = 2; id <= 100000; id++) {
        snprintf(arn, sizeof arn, "arn:aws:sagemaker:us-east-1:123456789012:artifact/a-%lld", (long long)id);
        vertex_cache_put(1, id, 4, arn, "DataSet");
    }
    cr_assert_str_eq(first_arn, "arn:aws:sagemaker:us-east-1:123456789012:artifact/first");
    size_t hits = 0;
    for (int64_t id = 2; id <= 100000; id++) {
        const char *got;
        if (!vertex_cache_get(a, 1, id, &kind, &got, &type))
            continue;
        hits++;
        snprintf(arn, sizeof arn, "arn:aws:sagemaker:us-east-1:123456789012:artifact/a-%lld", (long long)id);
        cr_assert_str_eq(got, arn);
        cr_assert_str_eq(type, "DataSet");
    }
    cr_assert_gt(hits, 1000);   /* the last entries put are there */
    cr_assert_lt(hits, 100000); /* and memory stayed bounded */
    const char *got;
    cr_assert(vertex_cache_get(a, 1, 100000, &kind, &got, &type));
}

Test(vertex_cache, a_disabled_cache_misses)
{
    vertex_cache_cleanup();
    vertex_cache_setup(0);
    vertex_cache_put(1, 5, 4, "arn:aws:sagemaker:us-east-1:123456789012:artifact/x", "Model");
    int kind;
    const char *arn, *type;
    cr_assert_not(vertex_cache_get(a, 1, 5, &kind, &arn, &type));
}

Test(vertex_cache, arns_of_many_accounts_and_without_a_prefix_come_back_whole)
{
    /* More ARN prefixes than a shard keeps once: the others are kept whole. */
    char arn[96];
    for (int64_t id = 1; id <= 2000; id++) {
        snprintf(arn, sizeof arn, "arn:aws:sagemaker:us-east-1:%012lld:context/c-%lld", (long long)(id % 40),
                 (long long)id);
        vertex_cache_put((int32_t)(id % 40), id, 6, arn, "Endpoint");
    }
    vertex_cache_put(1, 5000, 4, "no-colons-here", "Model");
    for (int64_t id = 1; id <= 2000; id++) {
        int kind;
        const char *got, *type;
        cr_assert(vertex_cache_get(a, (int32_t)(id % 40), id, &kind, &got, &type));
        snprintf(arn, sizeof arn, "arn:aws:sagemaker:us-east-1:%012lld:context/c-%lld", (long long)(id % 40),
                 (long long)id);
        cr_assert_str_eq(got, arn);
        cr_assert_str_eq(type, "Endpoint");
        cr_assert_eq(kind, 6);
    }
    int kind;
    const char *got, *type;
    cr_assert(vertex_cache_get(a, 1, 5000, &kind, &got, &type));
    cr_assert_str_eq(got, "no-colons-here");
}
