/* The request arena: alignment, large blocks, cleanups, reuse after reset. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "lineaged/arena.h"

static int cleanups_run;

static void count_cleanup(void *p)
{
    (void)p;
    cleanups_run++;
}

Test(arena, allocations_are_zeroed_and_aligned)
{
    struct arena *a = arena_create();
    for (size_t n = 1; n < 200; n += 7) {
        unsigned char *p = arena_alloc(a, n);
        cr_assert_eq((uintptr_t)p % 16, 0);
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(p[i], 0);
        memset(p, 0xab, n);
    }
    arena_destroy(a);
}

Test(arena, large_allocations_and_strings)
{
    struct arena *a = arena_create();
    char *big = arena_alloc(a, 1 << 20);
    memset(big, 'x', 1 << 20);
    char *s = arena_printf(a, "%s-%d", "item", 42);
    cr_assert_str_eq(s, "item-42");
    cr_assert_str_eq(arena_strndup(a, "abcdef", 3), "abc");
    cr_assert_str_eq(arena_strdup(a, ""), "");
    arena_destroy(a);
}

Test(arena, cleanups_run_on_reset_and_destroy)
{
    struct arena *a = arena_create();
    cleanups_run = 0;
    arena_defer(a, count_cleanup, NULL);
    arena_defer(a, count_cleanup, NULL);
    arena_reset(a);
    cr_assert_eq(cleanups_run, 2);
    arena_defer(a, count_cleanup, NULL);
    arena_destroy(a);
    cr_assert_eq(cleanups_run, 3);
}

Test(arena, usable_after_many_resets)
{
    struct arena *a = arena_create();
    for (int round = 0; round < 100; round++) {
        for (int i = 0; i < 100; i++)
            arena_alloc(a, 300);
        arena_reset(a);
    }
    cr_assert_not_null(arena_alloc(a, 8));
    arena_destroy(a);
}
