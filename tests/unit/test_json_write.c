/* The reply printer against cJSON_PrintUnformatted and cJSON_Print themselves:
 * the same bytes for escaped strings and trees of every shape, compact and
 * formatted; and numbers of every kind printed as the shortest printf "%g"
 * text that reads back as the same double (where cJSON may drop the last bit). */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_write.h"

static struct arena *arena;

static void setup(void)
{
    arena = arena_create();
}

static void teardown(void)
{
    arena_destroy(arena);
}

TestSuite(json_write, .init = setup, .fini = teardown);

/* A fixed-seed generator (splitmix64), so a failure repeats. */
static uint64_t seed = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
    uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double random_unit(void)
{
    return (double)(next_random() >> 11) / 9007199254740992.0;
}

/* Asserts that json_write prints `v` exactly as cJSON_PrintUnformatted does,
 * and the formatted layout as cJSON_Print (or fails where they fail). */
static void assert_same(const cJSON *v, const char *what)
{
    for (int layout = 0; layout < 2; layout++) {
        char *want = layout ? cJSON_Print(v) : cJSON_PrintUnformatted(v);
        size_t len = 0;
        const char *got = json_write(arena, v, layout, &len);
        if (!want) {
            cr_assert_null(got, "%s: cJSON cannot print it, json_write gave %s", what, got);
            return;
        }
        bool same = got && len == strlen(want) && memcmp(got, want, len) == 0;
        if (!same)
            cr_log_error("%s (%s): cJSON %s, json_write %s", what, layout ? "formatted" : "compact", want,
                         got ? got : "(null)");
        cJSON_free(want);
        cr_assert(same, "%s differs", what);
        arena_reset(arena);
    }
}

/* Asserts that json_write prints d as the first of "%1.15g", "%1.16g" and
 * "%1.17g" that strtod reads back as d ("null" for NaN and infinities), and
 * that it does read back. */
static void assert_number(double d)
{
    char want[40] = "null";
    for (int prec = 15; isfinite(d) && prec <= 17; prec++) {
        snprintf(want, sizeof want, "%1.*g", prec, d);
        if (strtod(want, NULL) == d)
            break;
    }
    cJSON *n = cJSON_CreateNumber(d);
    size_t len = 0;
    const char *got = json_write(arena, n, false, &len);
    cr_assert(got && len == strlen(want) && strcmp(got, want) == 0, "the number %a (%.17g): want %s, got %s",
              d, d, want, got ? got : "(null)");
    if (isfinite(d))
        cr_assert(strtod(got, NULL) == d || (d == 0 && strtod(got, NULL) == 0), "%s does not read back as %a",
                  got, d);
    cJSON_Delete(n);
    arena_reset(arena);
}

/* Numbers whose last bit cJSON's 15 digits lose: the reply keeps it. */
Test(json_write, numbers_keep_their_last_bit)
{
    static const struct {
        double d;
        const char *text;
    } cases[] = {{0.1 + 0.2, "0.30000000000000004"},
                 {0.15000000000000002, "0.15000000000000002"},
                 {1.0 / 3.0, "0.3333333333333333"},
                 {2.0 / 3.0, "0.6666666666666666"},
                 {0.3, "0.3"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *n = cJSON_CreateNumber(cases[i].d);
        const char *got = json_write(arena, n, false, NULL); /* the length is optional */
        cr_assert_str_eq(got, cases[i].text);
        cJSON_Delete(n);
    }
}

Test(json_write, special_numbers)
{
    static const double values[] = {0.0,
                                    -0.0,
                                    1.0,
                                    -1.0,
                                    0.1,
                                    0.1 + 0.2,
                                    1.0 / 3,
                                    2.0 / 3,
                                    2.5,
                                    100,
                                    1e-4,
                                    1e-5,
                                    1.5e-5,
                                    0.00012345678901234567,
                                    1e15,
                                    1e15 - 0.5,
                                    999999999999999.5,
                                    999999999999999.9,
                                    1e16,
                                    1e17,
                                    1e21,
                                    1e22,
                                    1e23,
                                    1e100,
                                    1e-100,
                                    1e308,
                                    DBL_MAX,
                                    -DBL_MAX,
                                    DBL_MIN,
                                    DBL_TRUE_MIN,
                                    5e-324,
                                    2.2250738585072009e-308,
                                    DBL_EPSILON,
                                    9007199254740992.0,
                                    9007199254740993.0,
                                    9007199254740991.0,
                                    -9007199254740991.0,
                                    4503599627370495.5,
                                    1700000000.123,
                                    1700000000.1,
                                    1700000000.999,
                                    1650241311.366,
                                    1234567890123.125,
                                    123456789012.0625,
                                    0.30000000000000004,
                                    1e-11,
                                    9.9999999999999e-12,
                                    1.0000000000000002,
                                    0.9999999999999999,
                                    123456.789e3,
                                    3.14159265358979,
                                    2.718281828459045,
                                    6.02214076e23,
                                    1.602176634e-19,
                                    NAN,
                                    -NAN,
                                    INFINITY,
                                    -INFINITY,
                                    4294967295.0,
                                    2147483648.5,
                                    -2147483649.25,
                                    1e14 + 0.5,
                                    1e14 + 0.25,
                                    99999.99999999999};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        assert_number(values[i]);
}

Test(json_write, random_bit_patterns)
{
    /* Every exponent, subnormals included; NaN and infinity turn up too. */
    for (int i = 0; i < 40000; i++) {
        uint64_t bits = next_random();
        double d;
        memcpy(&d, &bits, sizeof d);
        assert_number(d);
    }
}

Test(json_write, random_values_of_common_magnitudes)
{
    for (int i = 0; i < 40000; i++) {
        double scale = pow(10.0, (double)(int)(next_random() % 36) - 18);
        double d = (random_unit() - 0.5) * scale;
        assert_number(d);
        assert_number(d * d);
        assert_number(sqrt(fabs(d)));
    }
}

Test(json_write, decimals_with_few_digits)
{
    /* Timestamps (seconds with milliseconds), prices, rates: short decimals. */
    for (int i = 0; i < 40000; i++) {
        uint64_t r = next_random();
        assert_number(1600000000.0 + (double)(r % 200000000000ULL) / 1000.0);
        int places = (int)(r % 9);
        double mantissa = (double)((r >> 20) % 100000000);
        assert_number(mantissa / pow(10.0, places));
        assert_number(-mantissa / pow(10.0, places + 6));
        assert_number((double)(int64_t)(r >> 10) / 1024.0); /* exact binary fractions, ties */
    }
}

Test(json_write, powers_of_ten_and_their_neighbours)
{
    for (int k = -330; k <= 310; k++) {
        char text[16];
        snprintf(text, sizeof text, "1e%d", k);
        double d = strtod(text, NULL);
        for (int step = 0; step < 4; step++)
            d = nextafter(d, 0);
        for (int step = 0; step < 9; step++, d = nextafter(d, INFINITY)) {
            assert_number(d);
            assert_number(-d);
            assert_number(d * 5);
            assert_number(d * 9.999999999999999);
            assert_number(d * 9.9999999999999995);
        }
    }
}

Test(json_write, integers_near_the_double_limit)
{
    for (int64_t base = (1LL << 53) - 20; base < (1LL << 53) + 20; base++) {
        assert_number((double)base);
        assert_number(-(double)base);
    }
    for (int shift = 0; shift < 64; shift++) {
        assert_number(ldexp(1.0, shift) - 1);
        assert_number(ldexp(1.0, shift) + 1);
        assert_number(ldexp(1.0, -shift));
    }
    for (int i = 0; i < 20000; i++) {
        uint64_t r = next_random();
        assert_number((double)(int64_t)(r >> (r % 64)));
    }
}

/* Strings holding every byte 1..255 alone, then random byte soups, as values and keys. */
Test(json_write, string_escaping)
{
    for (int c = 1; c < 256; c++) {
        char s[4] = {'a', (char)c, 'z', 0};
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, s, s);
        char what[32];
        snprintf(what, sizeof what, "the byte 0x%02x", c);
        assert_same(o, what);
        cJSON_Delete(o);
    }
    static const char alphabet[] = "\"\\/\b\f\n\r\t\x01\x1f\x7f"
                                   "abc \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xff";
    for (int i = 0; i < 5000; i++) {
        char s[64];
        size_t n = next_random() % (sizeof s);
        for (size_t k = 0; k < n; k++)
            s[k] = alphabet[next_random() % (sizeof alphabet - 1)];
        s[n] = 0;
        cJSON *a = cJSON_CreateArray();
        cJSON_AddItemToArray(a, cJSON_CreateString(s));
        cJSON_AddItemToArray(a, cJSON_CreateStringReference(s));
        assert_same(a, "a random string");
        cJSON_Delete(a);
    }
}

/* Each byte at each offset of a longer string, where whole words are scanned at once. */
Test(json_write, every_byte_at_every_offset)
{
    for (int c = 1; c < 256; c++)
        for (int at = 0; at < 24; at++) {
            char s[26];
            memset(s, c == 'a' ? 'b' : 'a', 25);
            s[25] = 0;
            s[at] = (char)c;
            cJSON *v = cJSON_CreateString(s);
            char what[48];
            snprintf(what, sizeof what, "the byte 0x%02x at offset %d", c, at);
            assert_same(v, what);
            cJSON_Delete(v);
        }
}

Test(json_write, string_without_text_and_object_member_without_key)
{
    cJSON *a = cJSON_CreateArray();
    cJSON *s = cJSON_CreateString("x");
    cJSON_AddItemToArray(a, s);
    cJSON_free(s->valuestring);
    s->valuestring = NULL;
    assert_same(a, "a string node without text");
    cJSON_Delete(a);

    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(o, cJSON_CreateNumber(1)); /* a member without a key */
    assert_same(o, "an object member without a key");
    cJSON_Delete(o);
}

Test(json_write, unprintable_nodes_fail_as_in_cjson)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *bad = cJSON_CreateNull();
    bad->type = cJSON_Invalid;
    cJSON_AddItemToObject(o, "k", bad);
    assert_same(o, "a node of type cJSON_Invalid");
    cJSON_Delete(o);

    cJSON *raw = cJSON_CreateRaw("1");
    cJSON_free(raw->valuestring);
    raw->valuestring = NULL;
    assert_same(raw, "a raw node without text");
    cJSON_Delete(raw);

    size_t len;
    cr_assert_null(json_write(arena, NULL, false, &len));
}

/* x cut to nine decimals: at most 15 significant digits below 1e6, which
 * cJSON prints as the shortest text, so trees of such numbers print the same
 * bytes in both printers. */
static double nine_decimals(double x)
{
    return (double)(int64_t)(x * 1e9) / 1e9;
}

/* A random tree of every node type, `depth` levels at most. */
static cJSON *random_tree(int depth)
{
    uint64_t r = next_random();
    int kind = depth > 0 ? (int)(r % 9) : (int)(r % 7);
    char text[16];
    snprintf(text, sizeof text, "k%u\"\n", (unsigned)(r >> 40) % 50);
    switch (kind) {
    case 0:
        return cJSON_CreateNull();
    case 1:
        return cJSON_CreateBool(r & 256);
    case 2:
        return cJSON_CreateNumber((double)(int64_t)(r >> 20) / 1000.0);
    case 3:
        return cJSON_CreateNumber(nine_decimals(random_unit() * 1e5));
    case 4:
        return cJSON_CreateString(text);
    case 5:
        return cJSON_CreateRaw("1700000000.123");
    case 6:
        return cJSON_CreateStringReference("arn:aws:sagemaker:us-east-1:123456789012:artifact/abc");
    case 7: {
        cJSON *a = cJSON_CreateArray();
        for (int n = (int)(r >> 8) % 6; n > 0; n--)
            cJSON_AddItemToArray(a, random_tree(depth - 1));
        return a;
    }
    default: {
        cJSON *o = cJSON_CreateObject();
        for (int n = (int)(r >> 8) % 6; n > 0; n--) {
            snprintf(text, sizeof text, "Key%d\t", n);
            if (n % 2)
                cJSON_AddItemToObject(o, text, random_tree(depth - 1));
            else
                cJSON_AddItemToObjectCS(o, "ConstKey", random_tree(depth - 1));
        }
        return o;
    }
    }
}

Test(json_write, random_trees)
{
    for (int i = 0; i < 3000; i++) {
        cJSON *t = random_tree(5);
        assert_same(t, "a random tree");
        cJSON_Delete(t);
    }
}

Test(json_write, empty_and_nested_containers)
{
    static const char *const docs[] = {"{}",
                                       "[]",
                                       "[[]]",
                                       "[{}]",
                                       "{\"a\":{}}",
                                       "{\"a\":[]}",
                                       "[[[[[[[[[[]]]]]]]]]]",
                                       "[null,true,false]",
                                       "{\"\":\"\"}",
                                       "{\"a\":[1,[2,[3,{\"b\":[]}]]],\"c\":{\"d\":{\"e\":{}}}}",
                                       "\"top\"",
                                       "42",
                                       "null"};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        cJSON *t = cJSON_Parse(docs[i]);
        cr_assert_not_null(t);
        assert_same(t, docs[i]);
        cJSON_Delete(t);
    }
}

/* A Search-sized reply: many records, well past the first buffer chunk. */
Test(json_write, large_reply)
{
    cJSON *out = cJSON_CreateObject();
    cJSON *results = cJSON_AddArrayToObject(out, "Results");
    for (int i = 0; i < 300; i++) {
        cJSON *wrapper = cJSON_CreateObject();
        cJSON_AddItemToArray(results, wrapper);
        cJSON *rec = cJSON_AddObjectToObject(wrapper, "TrialComponent");
        cJSON_AddStringToObject(rec, "TrialComponentArn", "arn:aws:sagemaker:us-east-1:123456789012:tc/x");
        cJSON_AddRawToObject(rec, "CreationTime", "1700000000.123");
        cJSON *metrics = cJSON_AddArrayToObject(rec, "Metrics");
        for (int m = 0; m < 5; m++) {
            cJSON *s = cJSON_CreateObject();
            cJSON_AddItemToArray(metrics, s);
            cJSON_AddNumberToObject(s, "Min", nine_decimals(random_unit()));
            cJSON_AddNumberToObject(s, "Avg", nine_decimals(random_unit() * 100));
            cJSON_AddNumberToObject(s, "StdDev", nine_decimals(sqrt(random_unit())));
            cJSON_AddNumberToObject(s, "Count", m * 1000);
        }
    }
    char *big = malloc(100000);
    memset(big, 'x', 99999);
    big[99999] = 0;
    big[5000] = '\n';
    cJSON_AddStringToObject(out, "Big", big);
    free(big);
    assert_same(out, "a large reply");
    cJSON_Delete(out);
}
