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

/* PostgreSQL's jsonb text, split without a tree: names as written, values
 * without the whitespace outside strings, strings (quotes, escapes, braces,
 * commas and spaces inside them) untouched. */
Test(json_io, object_members_split_as_postgresql_prints_them)
{
    static const char text[] = " {\"a\": 1, \"Status\": {\"Message\": \"x, }\\\" ] {y\", \"P\": null},"
                               " \"List\": [1, {\"k\": [\"v w\"]}], \"e\\\"q\": \"\", \"Empty\": {}}";
    const char *names[8], *values[8];
    cr_assert_eq(json_object_members(arena, text, names, values, 8), 5);
    cr_assert_str_eq(names[0], "a");
    cr_assert_str_eq(values[0], "1");
    cr_assert_str_eq(names[1], "Status");
    cr_assert_str_eq(values[1], "{\"Message\":\"x, }\\\" ] {y\",\"P\":null}");
    cr_assert_str_eq(names[2], "List");
    cr_assert_str_eq(values[2], "[1,{\"k\":[\"v w\"]}]");
    cr_assert_str_eq(names[3], "e\\\"q");
    cr_assert_str_eq(values[3], "\"\"");
    cr_assert_str_eq(names[4], "Empty");
    cr_assert_str_eq(values[4], "{}");
    /* At most `cap` members; nothing from NULL, a non-object or a cut text. */
    cr_assert_eq(json_object_members(arena, text, names, values, 2), 2);
    cr_assert_eq(json_object_members(arena, NULL, names, values, 8), 0);
    cr_assert_eq(json_object_members(arena, "[1]", names, values, 8), 0);
    cr_assert_eq(json_object_members(arena, "{\"a\": \"cut", names, values, 8), 1);
    cr_assert_str_eq(values[0], "\"cut");
}

/* A raw member prints as its text, compacted on request, inside the tree. */
Test(json_io, raw_members_print_as_their_text)
{
    json_trees_in(arena);
    cJSON *out = cJSON_CreateObject();
    json_put_raw(out, "Tags", "[{\"Key\": \"k\", \"Value\": \"a b\"}]", true);
    json_put_raw(out, "P", "{\"x\": 1}", false);
    json_put_object_text(out, "CreatedBy", "{\"UserProfileName\": \"u\"}");
    json_put_object_text(out, "LastModifiedBy", "null");
    char *text = cJSON_PrintUnformatted(out);
    cr_assert_str_eq(text, "{\"Tags\":[{\"Key\":\"k\",\"Value\":\"a b\"}],\"P\":{\"x\": 1},"
                           "\"CreatedBy\":{\"UserProfileName\":\"u\"},\"LastModifiedBy\":{}}");
    cJSON_free(text);
    json_trees_in(NULL);
}
