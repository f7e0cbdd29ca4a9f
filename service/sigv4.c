/* AWS Signature Version 4 verification: the canonical request, the string to
 * sign and the derived key, as the SDKs compute them, compared in constant time. */
#include "lineaged/sigv4.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Requests more than this far from the server's clock are refused, as AWS does. */
enum { MAX_SKEW_SECONDS = 15 * 60, MAX_KEYS = 1024 };

struct sigv4_key {
    char *id;
    char *secret;
};

struct sigv4_keys {
    struct sigv4_key *keys;
    size_t count;
};

void sigv4_keys_free(struct sigv4_keys *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->count; i++) {
        free(k->keys[i].id);
        OPENSSL_clear_free(k->keys[i].secret, strlen(k->keys[i].secret));
    }
    free(k->keys);
    free(k);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Adds the section's pair once both halves are read; a section may list them in either order. */
static int keys_add(struct sigv4_keys *k, char **id, char **secret)
{
    if (!*id || !*secret)
        return 0;
    if (k->count == MAX_KEYS)
        return -1;
    k->keys[k->count++] = (struct sigv4_key){*id, *secret};
    *id = *secret = NULL;
    return 0;
}

struct sigv4_keys *sigv4_keys_load(const char *path, char *why, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, n, "cannot read %s", path);
        return NULL;
    }
    struct sigv4_keys *k = calloc(1, sizeof *k);
    k->keys = calloc(MAX_KEYS, sizeof *k->keys);
    char line[1024], *id = NULL, *secret = NULL;
    int bad = 0;
    while (!bad && fgets(line, sizeof line, f)) {
        char *s = trim(line), *eq = strchr(s, '=');
        if (*s == '[')
            bad = keys_add(k, &id, &secret); /* a new profile */
        if (!eq || *s == '#' || *s == ';' || *s == '[')
            continue;
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        char **slot = strcmp(key, "aws_access_key_id") == 0       ? &id
                      : strcmp(key, "aws_secret_access_key") == 0 ? &secret
                                                                  : NULL;
        if (slot) {
            free(*slot);
            *slot = strdup(value);
        }
        if (!bad && id && secret)
            bad = keys_add(k, &id, &secret);
    }
    fclose(f);
    free(id);
    free(secret);
    if (bad || k->count == 0) {
        snprintf(why, n, bad ? "%s holds more than 1024 keys" : "%s holds no aws_access_key_id with its secret",
                 path);
        sigv4_keys_free(k);
        return NULL;
    }
    return k;
}

static const char *secret_of(const struct sigv4_keys *k, const char *id)
{
    for (size_t i = 0; i < k->count; i++)
        if (strcmp(k->keys[i].id, id) == 0)
            return k->keys[i].secret;
    return NULL;
}

/* A growable text buffer for the canonical request. */
struct text {
    char *s;
    size_t len, cap;
};

static void text_addn(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = 2 * (t->len + n + 1);
        t->s = realloc(t->s, t->cap);
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void text_add(struct text *t, const char *s)
{
    text_addn(t, s, strlen(s));
}

/* RFC 3986 encoding as SigV4 wants it: unreserved characters kept, the rest %XX. */
static void text_add_encoded(struct text *t, const char *s, size_t n, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            text_addn(t, (const char *)&c, 1);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            text_addn(t, esc, 3);
        }
    }
}

static int hex_value(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* Decodes %XX (and '+' as space, as form encoding sends it) into a new string. */
static char *url_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hex_value((unsigned char)s[i + 1])) >= 0 &&
            (lo = hex_value((unsigned char)s[i + 2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            i += 2;
        } else {
            *o++ = s[i] == '+' ? ' ' : s[i];
        }
    }
    *o = '\0';
    return out;
}

struct query_pair {
    char *key, *value;
};

static int compare_pairs(const void *a, const void *b)
{
    const struct query_pair *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

/* The query's pairs, decoded, re-encoded and sorted by key then value. */
static void add_canonical_query(struct text *t, const char *query)
{
    if (!query || !*query)
        return;
    size_t cap = 1;
    for (const char *p = query; *p; p++)
        cap += *p == '&';
    struct query_pair *pairs = calloc(cap, sizeof *pairs);
    size_t n = 0;
    for (const char *p = query; *p;) {
        size_t len = strcspn(p, "&");
        if (len) {
            const char *eq = memchr(p, '=', len);
            size_t klen = eq ? (size_t)(eq - p) : len;
            pairs[n].key = url_decode(p, klen);
            pairs[n].value = eq ? url_decode(eq + 1, len - klen - 1) : url_decode("", 0);
            n++;
        }
        p += len + (p[len] == '&');
    }
    qsort(pairs, n, sizeof *pairs, compare_pairs);
    for (size_t i = 0; i < n; i++) {
        if (i)
            text_add(t, "&");
        text_add_encoded(t, pairs[i].key, strlen(pairs[i].key), false);
        text_add(t, "=");
        text_add_encoded(t, pairs[i].value, strlen(pairs[i].value), false);
        free(pairs[i].key);
        free(pairs[i].value);
    }
    free(pairs);
}

/* A header value trimmed, with runs of spaces folded to one. */
static void add_header_value(struct text *t, const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    size_t end = strlen(v);
    while (end && (v[end - 1] == ' ' || v[end - 1] == '\t'))
        end--;
    for (size_t i = 0; i < end; i++) {
        if ((v[i] == ' ' || v[i] == '\t') && i + 1 < end && (v[i + 1] == ' ' || v[i + 1] == '\t'))
            continue;
        text_addn(t, v[i] == '\t' ? " " : &v[i], 1);
    }
}

static void hex_of(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void sha256_hex(const void *data, size_t n, char out[65])
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(data, n, d);
    hex_of(d, sizeof d, out);
}

static void hmac(const unsigned char *key, size_t klen, const char *msg, unsigned char out[32])
{
    unsigned int len = 32;
    HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &len);
}

/* Copies the Authorization header's `name=` parameter, up to ',' or the end. */
static bool auth_param(const char *auth, const char *name, char *out, size_t n)
{
    size_t len = strlen(name);
    for (const char *p = auth; (p = strstr(p, name)); p += len) {
        if (p != auth && p[-1] != ' ' && p[-1] != ',')
            continue;
        if (p[len] != '=')
            continue;
        p += len + 1;
        size_t v = strcspn(p, ", ");
        if (v == 0 || v >= n)
            return false;
        memcpy(out, p, v);
        out[v] = '\0';
        return true;
    }
    return false;
}

static enum sigv4_outcome fail(enum sigv4_outcome o, char *msg, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
    return o;
}

/* Parses an X-Amz-Date (yyyymmddThhmmssZ) as UTC. */
static bool parse_amz_date(const char *s, time_t *out)
{
    struct tm tm = {0};
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return false;
    if (sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = timegm(&tm);
    return *out != (time_t)-1;
}

static void format_amz_date(time_t t, char out[17])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* The canonical request of SigV4, hashed: method, path, query, signed headers, payload hash. */
static void canonical_hash(const struct sigv4_request *req, const char *signed_headers, char out[65])
{
    struct text t = {0};
    text_add(&t, req->method);
    text_add(&t, "\n");
    text_add_encoded(&t, req->path, strlen(req->path), true);
    text_add(&t, "\n");
    add_canonical_query(&t, req->query);
    text_add(&t, "\n");
    for (const char *p = signed_headers; *p;) {
        size_t len = strcspn(p, ";");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), p);
        const char *v = req->header(req->ctx, name);
        text_add(&t, name);
        text_add(&t, ":");
        add_header_value(&t, v ? v : "");
        text_add(&t, "\n");
        p += len + (p[len] == ';');
    }
    text_add(&t, "\n");
    text_add(&t, signed_headers);
    text_add(&t, "\n");
    const char *payload = req->header(req->ctx, "X-Amz-Content-Sha256");
    char body_hash[65];
    if (!payload) {
        sha256_hex(req->body, req->body_len, body_hash);
        payload = body_hash;
    }
    text_add(&t, payload);
    sha256_hex(t.s, t.len, out);
    free(t.s);
}

enum sigv4_outcome sigv4_verify(const struct sigv4_keys *k, const struct sigv4_request *req, time_t now,
                                char *msg, size_t n)
{
    const char *auth = req->header(req->ctx, "Authorization");
    if (!auth)
        return fail(SIGV4_MISSING, msg, n, "Missing Authentication Token");
    char credential[512], signed_headers[1024], signature[65];
    static const char *const params[] = {"Credential", "SignedHeaders", "Signature"};
    char *values[] = {credential, signed_headers, signature};
    size_t sizes[] = {sizeof credential, sizeof signed_headers, sizeof signature};
    if (strncmp(auth, "AWS4-HMAC-SHA256 ", 17) != 0)
        return fail(SIGV4_INCOMPLETE, msg, n, "Authorization header requires the 'AWS4-HMAC-SHA256' algorithm.");
    for (int i = 0; i < 3; i++)
        if (!auth_param(auth, params[i], values[i], sizes[i]))
            return fail(SIGV4_INCOMPLETE, msg, n, "Authorization header requires '%s' parameter.", params[i]);
    /* Credential = key id / date / region / service / aws4_request */
    char *parts[5], *save = NULL;
    int count = 0;
    for (char *p = strtok_r(credential, "/", &save); p && count < 5; p = strtok_r(NULL, "/", &save))
        parts[count++] = p;
    if (count != 5 || strcmp(parts[4], "aws4_request") != 0)
        return fail(SIGV4_INCOMPLETE, msg, n,
                    "Credential should be scoped to a valid region, a service and 'aws4_request'.");
    const char *date = req->header(req->ctx, "X-Amz-Date");
    time_t when;
    if (!date)
        return fail(SIGV4_INCOMPLETE, msg, n,
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    if (!parse_amz_date(date, &when))
        return fail(SIGV4_INCOMPLETE, msg, n, "Date must be in ISO-8601 'basic format'. Got '%s'.", date);
    const char *secret = secret_of(k, parts[0]);
    if (!secret)
        return fail(SIGV4_UNKNOWN_KEY, msg, n, "The security token included in the request is invalid.");
    char bound[17];
    if (when < now - MAX_SKEW_SECONDS) {
        format_amz_date(now - MAX_SKEW_SECONDS, bound);
        return fail(SIGV4_EXPIRED, msg, n, "Signature expired: %s is now earlier than %s.", date, bound);
    }
    if (when > now + MAX_SKEW_SECONDS) {
        format_amz_date(now + MAX_SKEW_SECONDS, bound);
        return fail(SIGV4_EXPIRED, msg, n, "Signature not yet current: %s is still later than %s.", date, bound);
    }

    char request_hash[65], scope[256], to_sign[512], key0[256];
    canonical_hash(req, signed_headers, request_hash);
    snprintf(scope, sizeof scope, "%s/%s/%s/aws4_request", parts[1], parts[2], parts[3]);
    snprintf(to_sign, sizeof to_sign, "AWS4-HMAC-SHA256\n%s\n%s\n%s", date, scope, request_hash);
    unsigned char key[32], expected[32];
    int klen = snprintf(key0, sizeof key0, "AWS4%s", secret);
    hmac((const unsigned char *)key0, (size_t)klen, parts[1], key);
    for (int i = 2; i <= 4; i++)
        hmac(key, sizeof key, parts[i], key);
    hmac(key, sizeof key, to_sign, expected);
    OPENSSL_cleanse(key0, sizeof key0);
    char expected_hex[65];
    hex_of(expected, sizeof expected, expected_hex);
    if (strlen(signature) != 64 || CRYPTO_memcmp(expected_hex, signature, 64) != 0)
        return fail(SIGV4_BAD_SIGNATURE, msg, n,
                    "The request signature we calculated does not match the signature you provided. Check your "
                    "AWS Secret Access Key and signing method. Consult the service documentation for details.");
    return SIGV4_OK;
}
