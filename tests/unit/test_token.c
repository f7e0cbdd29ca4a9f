/* Pagination tokens: round trip, binding to the query, tamper evidence. */
#include <criterion/criterion.h>
#include <string.h>

#include "lineaged/token.h"

static struct arena *a;

static void setup(void)
{
    static const unsigned char key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    token_set_key(key, sizeof key);
    a = arena_create();
}

static void teardown(void)
{
    arena_destroy(a);
}

TestSuite(token, .init = setup, .fini = teardown);

Test(token, round_trip_keeps_fields)
{
    const char *in[] = {"1700000000123", "42"};
    char *t = token_encode(a, "ListExperiments|0|0", in, 2);
    const char *out[2];
    cr_assert(token_decode(a, t, "ListExperiments|0|0", out, 2));
    cr_assert_str_eq(out[0], "1700000000123");
    cr_assert_str_eq(out[1], "42");
}

Test(token, is_url_safe_text)
{
    const char *in[] = {"name-with-dashes", "9"};
    char *t = token_encode(a, "q", in, 2);
    cr_assert(strlen(t) > 0);
    cr_assert_eq(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), strlen(t));
}

Test(token, rejects_another_query)
{
    const char *in[] = {"a", "1"};
    char *t = token_encode(a, "ListExperiments|sort=Name", in, 2);
    const char *out[2];
    cr_assert_not(token_decode(a, t, "ListExperiments|sort=CreationTime", out, 2));
    cr_assert_not(token_decode(a, t, "ListTags|sort=Name", out, 2));
}

Test(token, rejects_altered_tokens)
{
    const char *in[] = {"abc", "7"};
    char *t = token_encode(a, "q", in, 2);
    const char *out[2];
    for (size_t i = 0; t[i]; i++) {
        char *copy = arena_strdup(a, t);
        copy[i] = copy[i] == 'A' ? 'B' : 'A';
        cr_assert_not(token_decode(a, copy, "q", out, 2), "altered at %zu", i);
    }
}

Test(token, rejects_garbage_and_wrong_field_count)
{
    const char *out[3];
    cr_assert_not(token_decode(a, "", "q", out, 2));
    cr_assert_not(token_decode(a, "not a token!", "q", out, 2));
    cr_assert_not(token_decode(a, "AAAA", "q", out, 2));
    const char *in[] = {"x", "1"};
    char *t = token_encode(a, "q", in, 2);
    cr_assert_not(token_decode(a, t, "q", out, 3));
    cr_assert_not(token_decode(a, t, "q", out, 1));
}

Test(token, depends_on_the_key)
{
    const char *in[] = {"x", "1"};
    char *t = token_encode(a, "q", in, 2);
    static const unsigned char other[32] = {9, 9, 9};
    token_set_key(other, sizeof other);
    const char *out[2];
    cr_assert_not(token_decode(a, t, "q", out, 2));
}
