/* The reply printer: cJSON_PrintUnformatted's bytes (tests/unit/test_json_write.c
 * compares the two), written into one buffer, with numbers formatted by exact
 * integer arithmetic instead of a sprintf and an sscanf per number. Numbers
 * read back as the very double they print (cJSON stops at 15 digits when those
 * read back within a relative DBL_EPSILON, which drops the last bit). */
#include "json_write.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

enum { NUMBER_MAX = 32 };

/* cJSON escapes the quote, the backslash and every control character, and
 * copies every other byte (DEL and UTF-8 sequences included) unchanged. */
static bool special(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/* Whether any of the 16 bytes at p is special, all compared at once (GCC's
 * vector extension: SSE2 on x86-64). */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

static bool any_special16(const char *p)
{
    bytes16 v;
    memcpy(&v, p, sizeof v);
    bytes16 hit = (bytes16)((v < 0x20) | (v == '"') | (v == '\\'));
    uint64_t halves[2];
    memcpy(halves, &hit, sizeof halves);
    return (halves[0] | halves[1]) != 0;
}

/* Whether [p, end) of string s, shorter than 16 bytes, has no special byte:
 * the last 16 bytes of s when it has as many (some seen before, where a
 * special byte only sends the caller on byte by byte), else a padded copy. */
static bool tail_clean(const char *s, const char *p, const char *end)
{
    if (end - s >= 16)
        return !any_special16(end - 16);
    char padded[16];
    memset(padded, 'a', sizeof padded);
    memcpy(padded, p, (size_t)(end - p));
    return !any_special16(padded);
}

static void write_string(struct text_buf *o, const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    text_reserve(o, n + 2);
    o->p[o->len++] = '"';
    const char *run = s, *p = s, *end = s + n;
    for (;;) {
        /* Blocks of 16 up to the one holding a special byte, then bytes to it. */
        while (end - p >= 16 && !any_special16(p))
            p += 16;
        if (end - p < 16 && tail_clean(s, p, end))
            break;
        while (p < end && !special((unsigned char)*p))
            p++;
        if (p == end)
            break;
        text_put(o, run, (size_t)(p - run));
        unsigned char c = (unsigned char)*p;
        static const char shorts[] = {
            ['"'] = '"', ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'};
        static const char hex[] = "0123456789abcdef";
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        if (c < sizeof shorts && shorts[c]) {
            esc[1] = shorts[c];
            text_put(o, esc, 2);
        } else {
            text_put(o, esc, sizeof esc);
        }
        run = ++p;
    }
    text_put(o, run, (size_t)(end - run));
    text_putc(o, '"');
}

static const uint64_t pow10_int[] = {1ULL,
                                     10ULL,
                                     100ULL,
                                     1000ULL,
                                     10000ULL,
                                     100000ULL,
                                     1000000ULL,
                                     10000000ULL,
                                     100000000ULL,
                                     1000000000ULL,
                                     10000000000ULL,
                                     100000000000ULL,
                                     1000000000000ULL,
                                     10000000000000ULL,
                                     100000000000000ULL,
                                     1000000000000000ULL,
                                     10000000000000000ULL,
                                     100000000000000000ULL,
                                     1000000000000000000ULL};

/* Powers of ten that doubles hold exactly. */
static const double pow10_dbl[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Up to the largest power of five below 2^64: m * 5^s stays in 128 bits. */
static const uint64_t pow5[] = {1ULL,
                                5ULL,
                                25ULL,
                                125ULL,
                                625ULL,
                                3125ULL,
                                15625ULL,
                                78125ULL,
                                390625ULL,
                                1953125ULL,
                                9765625ULL,
                                48828125ULL,
                                244140625ULL,
                                1220703125ULL,
                                6103515625ULL,
                                30517578125ULL,
                                152587890625ULL,
                                762939453125ULL,
                                3814697265625ULL,
                                19073486328125ULL,
                                95367431640625ULL,
                                476837158203125ULL,
                                2384185791015625ULL,
                                11920928955078125ULL,
                                59604644775390625ULL,
                                298023223876953125ULL,
                                1490116119384765625ULL,
                                7450580596923828125ULL};

enum { SCALE_MAX = 27 };

/* floor(m * 2^e * 10^s) for 0 <= s <= SCALE_MAX, with *up telling whether
 * the rest rounds it up (to nearest, ties to even, as glibc's printf does);
 * UINT64_MAX when the result does not fit. */
static uint64_t scale(uint64_t m, int e, int s, bool *up)
{
    u128 p = (u128)m * pow5[s];
    int shift = e + s; /* 10^s = 5^s * 2^s */
    *up = false;
    if (shift >= 0)
        return shift < 64 && p >> (64 - shift) == 0 ? (uint64_t)(p << shift) : UINT64_MAX;
    if (-shift >= 128)
        return 0;
    u128 q = p >> -shift;
    u128 rest = p - (q << -shift);
    u128 half = (u128)1 << (-shift - 1);
    *up = rest > half || (rest == half && (q & 1));
    return q >> 64 ? UINT64_MAX : (uint64_t)q;
}

/* The `prec` significant digits of m * 2^e rounded as printf rounds them:
 * *n in [10^(prec-1), 10^prec) and *x the decimal exponent of the rounded
 * value, starting from the guess x. False when 10^(prec-1-x) leaves the
 * range scale() covers. */
static bool digits(uint64_t m, int e, int prec, int x, uint64_t *n, int *xout)
{
    uint64_t lo = pow10_int[prec - 1], hi = pow10_int[prec];
    for (int tries = 0; tries < 3; tries++) {
        int s = prec - 1 - x;
        if (s < 0 || s > SCALE_MAX)
            return false;
        bool up;
        uint64_t q = scale(m, e, s, &up);
        /* The truncated value places the exponent exactly; only then round. */
        if (q < lo) {
            x--;
            continue;
        }
        if (q >= hi) {
            x++;
            continue;
        }
        q += up;
        if (q == hi) {
            q = lo;
            x++;
        }
        *n = q;
        *xout = x;
        return true;
    }
    return false;
}

/* Writes the nd decimal digits of n (nd <= 20) at dg, two at a time. */
static void put_digits(char *dg, int nd, uint64_t n)
{
    static const char pairs[] =
        "0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849"
        "505152535455565758596061626364656667686970717273747576777879808182838485868788899091929394959697989"
        "9";
    for (; nd >= 2; n /= 100) {
        nd -= 2;
        memcpy(dg + nd, pairs + 2 * (n % 100), 2);
    }
    if (nd)
        dg[0] = (char)('0' + n);
}

/* Writes n (prec digits) at decimal exponent x as printf's "%1.<prec>g":
 * trailing zeros dropped, fixed notation for -4 <= x < prec. */
static size_t format_g(char *p, bool neg, uint64_t n, int x, int prec)
{
    int nd = prec;
    while (nd > 1 && n % 10 == 0) {
        n /= 10;
        nd--;
    }
    char dg[20];
    put_digits(dg, nd, n);
    char *o = p;
    if (neg)
        *o++ = '-';
    if (x < -4 || x >= prec) {
        *o++ = dg[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, dg + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        int ax = x < 0 ? -x : x;
        *o++ = 'e';
        *o++ = x < 0 ? '-' : '+';
        if (ax >= 100) {
            *o++ = (char)('0' + ax / 100);
            ax %= 100;
        }
        *o++ = (char)('0' + ax / 10);
        *o++ = (char)('0' + ax % 10);
    } else if (x >= 0) {
        int whole = x + 1;
        memcpy(o, dg, (size_t)(nd < whole ? nd : whole));
        if (nd <= whole) {
            memset(o + nd, '0', (size_t)(whole - nd));
            o += whole;
        } else {
            o += whole;
            *o++ = '.';
            memcpy(o, dg + whole, (size_t)(nd - whole));
            o += nd - whole;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        memset(o, '0', (size_t)(-x - 1));
        o += -x - 1;
        memcpy(o, dg, (size_t)nd);
        o += nd;
    }
    *o = '\0';
    return (size_t)(o - p);
}

/* The shortest of "%1.15g", "%1.16g" and "%1.17g" that reads back as d,
 * through the C library. */
static size_t number_slow(char *p, double d)
{
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(p, NUMBER_MAX, "%1.*g", prec, d);
        if (strtod(p, NULL) == d)
            break;
    }
    return (size_t)n;
}

static size_t write_uint(char *p, bool neg, uint64_t v)
{
    int nd = 1;
    while (nd < (int)(sizeof pow10_int / sizeof pow10_int[0]) && v >= pow10_int[nd])
        nd++;
    char *o = p;
    if (neg)
        *o++ = '-';
    put_digits(o, nd, v);
    o[nd] = '\0';
    return (size_t)(o + nd - p);
}

/* Writes d into p (NUMBER_MAX bytes): NaN and infinities as null (as cJSON
 * does), else as "%1.15g", "%1.16g" or "%1.17g", the first that reads back as
 * d, so a client gets the value it stored, to the bit. Integers and values
 * from 1e-11 to 1e15 take the exact integer path; the rest (tiny, huge,
 * subnormal) go through snprintf. */
static size_t write_number(char *p, double d)
{
    if (isnan(d) || isinf(d)) {
        memcpy(p, "null", 5);
        return 4;
    }
    bool neg = signbit(d);
    double ad = fabs(d);
    if (ad < 1e15 && ad == (double)(int64_t)ad)
        return write_uint(p, neg, (uint64_t)ad);
    if (ad < 1e-11 || ad >= 1e15)
        return number_slow(p, d);
    uint64_t bits;
    memcpy(&bits, &ad, sizeof bits);
    int e = (int)(bits >> 52) - 1075;
    uint64_t m = (bits & ((1ULL << 52) - 1)) | 1ULL << 52;
    /* floor(log10(2^(e+52))), rounded towards minus infinity. */
    int t = (e + 52) * 78913;
    int x = t >= 0 ? t / 262144 : -((-t + 262143) / 262144);
    /* A power of ten inside that binary octave makes it one more; a guess
     * off at the edge only costs digits() another try. */
    if (x >= -1 ? ad >= pow10_dbl[x + 1] : ad * pow10_dbl[-x - 1] >= 1.0)
        x++;
    for (int prec = 15;; prec++) {
        uint64_t n;
        int nx;
        if (!digits(m, e, prec, x, &n, &nx))
            return number_slow(p, d);
        size_t len = format_g(p, neg, n, nx, prec);
        if (prec == 17)
            return len; /* 17 digits always read back */
        /* 15 digits read back as strtod would: one correctly rounded
         * operation is exact while n and the power of ten are exact doubles. */
        int k = nx - 14;
        bool same = prec == 15 && k >= -22
                        ? (k >= 0 ? (double)n * pow10_dbl[k] : (double)n / pow10_dbl[-k]) == ad
                        : fabs(strtod(p, NULL)) == ad;
        if (same)
            return len;
    }
}

/* A value where the layout stands, as cJSON prints it: formatted, each
 * object member on a line of its own, indented by depth. */
static bool write_value(struct json_out *o, const cJSON *v)
{
    struct text_buf *t = &o->t;
    switch (v->type & 0xFF) {
    case cJSON_NULL:
        text_put(t, "null", 4);
        return true;
    case cJSON_False:
        text_put(t, "false", 5);
        return true;
    case cJSON_True:
        text_put(t, "true", 4);
        return true;
    case cJSON_Number:
        json_out_number(o, v->valuedouble);
        return true;
    case cJSON_Raw:
        if (!v->valuestring)
            return false;
        text_puts(t, v->valuestring);
        return true;
    case cJSON_String:
        write_string(t, v->valuestring);
        return true;
    case cJSON_Array:
        text_putc(t, '[');
        o->depth++;
        for (const cJSON *c = v->child; c; c = c->next) {
            if (!write_value(o, c))
                return false;
            if (c->next)
                text_put(t, ", ", o->formatted ? 2 : 1);
        }
        o->depth--;
        text_putc(t, ']');
        return true;
    case cJSON_Object:
        text_put(t, "{\n", o->formatted ? 2 : 1);
        o->depth++;
        for (const cJSON *c = v->child; c; c = c->next) {
            if (o->formatted)
                text_tabs(t, o->depth);
            write_string(t, c->string);
            text_put(t, ":\t", o->formatted ? 2 : 1);
            if (!write_value(o, c))
                return false;
            if (c->next)
                text_putc(t, ',');
            if (o->formatted)
                text_putc(t, '\n');
        }
        o->depth--;
        if (o->formatted)
            text_tabs(t, o->depth);
        text_putc(t, '}');
        return true;
    default:
        return false;
    }
}

void json_out_start(struct json_out *o, struct arena *a, bool formatted)
{
    *o = (struct json_out){.formatted = formatted};
    text_start(&o->t, a);
}

void json_out_open(struct json_out *o, char bracket)
{
    text_putc(&o->t, bracket);
    o->depth++;
    o->filled &= ~(UINT64_C(1) << o->depth);
    if (bracket == '{' && o->formatted)
        text_putc(&o->t, '\n');
}

void json_out_close(struct json_out *o, char bracket)
{
    if (bracket == '}' && o->formatted) {
        if (o->filled >> o->depth & 1)
            text_putc(&o->t, '\n');
        text_tabs(&o->t, o->depth - 1);
    }
    text_putc(&o->t, bracket);
    o->depth--;
}

void json_out_next(struct json_out *o, const char *key)
{
    bool later = o->filled >> o->depth & 1;
    o->filled |= UINT64_C(1) << o->depth;
    if (!key) {
        if (later)
            text_put(&o->t, ", ", o->formatted ? 2 : 1);
        return;
    }
    if (later)
        text_put(&o->t, ",\n", o->formatted ? 2 : 1);
    if (o->formatted)
        text_tabs(&o->t, o->depth);
    write_string(&o->t, key);
    text_put(&o->t, ":\t", o->formatted ? 2 : 1);
}

void json_out_string(struct json_out *o, const char *s)
{
    write_string(&o->t, s);
}

void json_out_number(struct json_out *o, double d)
{
    text_reserve(&o->t, NUMBER_MAX);
    o->t.len += write_number(o->t.p + o->t.len, d);
}

bool json_out_tree(struct json_out *o, const cJSON *v)
{
    return v && write_value(o, v);
}

char *json_write(struct arena *a, const cJSON *v, bool formatted, size_t *len)
{
    struct json_out o;
    json_out_start(&o, a, formatted);
    if (!json_out_tree(&o, v)) {
        text_drop(&o.t);
        return NULL;
    }
    return text_finish(&o.t, len);
}
