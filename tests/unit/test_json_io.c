/* cJSON's allocations routed by json_io: trees built while a request's arena
 * is set go with the arena; the others stay malloc's, whenever they are freed.
 * The sanitizer run is what sees a leak or a bad free here. */
#include <criterion/criterion.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "json_io.h"

static struct arena *arena;

static void setup(void)
{
    json_hooks_install();
    arena = arena_create();
}

static void teardown(void)
{
    json_trees_in(NULL);
    arena_destroy(arena);
}

TestSuite(json_io, .init = setup, .fini = teardown);

static const char doc[] = "{\"Results\":[{\"Arn\":\"arn:aws:sagemaker:us-east-1:1:artifact/a\",\"N\":1.5},"
                          "{\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}],\"On\":true}],\"Next\":null}";

Test(json_io, trees_built_in_an_arena_go_with_it)
{
    json_trees_in(arena);
    cJSON *kept = cJSON_Parse(doc); /* never deleted: the arena owns it */
    cr_assert_not_null(kept);
    cJSON_AddStringToObject(kept, "More", "text");
    char *text = cJSON_PrintUnformatted(kept);
    cr_assert_str_eq(text, "{\"Results\":[{\"Arn\":\"arn:aws:sagemaker:us-east-1:1:artifact/a\",\"N\":1.5},"
                           "{\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}],\"On\":true}],\"Next\":null,"
                           "\"More\":\"text\"}");
    cJSON_free(text);
    /* Deleted after the arena mode ended: its blocks are still the arena's. */
    cJSON *late = cJSON_Parse(doc);
    json_trees_in(NULL);
    cJSON_Delete(late);
    cr_assert_str_eq(json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(kept, "Results"), 0), "Arn"),
                     "arn:aws:sagemaker:us-east-1:1:artifact/a");
    arena_reset(arena);
}

Test(json_io, trees_built_outside_an_arena_are_freed_by_cjson)
{
    cJSON *heap = cJSON_Parse(doc);
    cr_assert_not_null(heap);
    json_trees_in(arena);
    /* A heap tree given an arena node, then freed while the arena is set:
     * its own blocks go back to malloc (LeakSanitizer sees them otherwise),
     * the arena node stays the arena's (a free of it would be a bad free). */
    cJSON_AddItemToObject(heap, "Inner", cJSON_CreateString("from the arena"));
    cr_assert_str_eq(json_str(heap, "Inner"), "from the arena");
    cJSON_Delete(heap);
    json_trees_in(NULL);
    cJSON *again = cJSON_Parse("{\"a\":[1]}");
    char *text = cJSON_PrintUnformatted(again);
    cr_assert_str_eq(text, "{\"a\":[1]}");
    cJSON_free(text);
    cJSON_Delete(again);
}

/* Trees parsed and freed over and over in one request: past the bound the
 * blocks come from malloc and go back, so the arena stops growing. (Under
 * ASan, malloc's own counters do not move and this checks nothing more.) */
Test(json_io, the_arena_holds_a_bounded_amount_of_freed_trees)
{
    char big[8192];
    size_t n = 0;
    n += (size_t)snprintf(big + n, sizeof big - n, "[");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "%s{\"k%d\":\"v%d\"}", i ? "," : "", i, i);
    snprintf(big + n, sizeof big - n, "]");
    size_t before = mallinfo2().uordblks;
    json_trees_in(arena);
    for (int i = 0; i < 3000; i++) /* about 200 MiB of blocks in all */
        cJSON_Delete(cJSON_Parse(big));
    size_t grown = mallinfo2().uordblks - before;
    json_trees_in(NULL);
    cr_assert_lt(grown, (size_t)24 << 20, "the arena grew by %zu bytes", grown);
}
