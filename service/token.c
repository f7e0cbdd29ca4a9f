/* Pagination tokens: base64url(mac || fields), where mac is a truncated
 * HMAC-SHA256 over the query description and the fields. */
#include "lineaged/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

enum { MAC_LEN = 16, KEY_MAX = 64 };
#define FIELD_SEP '\x1f'

static unsigned char token_key[KEY_MAX];
static size_t token_key_len;

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void token_set_key(const unsigned char *key, size_t len)
{
    token_key_len = len < KEY_MAX ? len : KEY_MAX;
    memcpy(token_key, key, token_key_len);
}

static void compute_mac(const char *query, const unsigned char *payload, size_t n, unsigned char out[MAC_LEN])
{
    unsigned char full[EVP_MAX_MD_SIZE];
    size_t full_len = 0;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end()};
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    memset(full, 0, sizeof full);
    /* The query's NUL goes in too, so the query text cannot run into the fields. */
    if (ctx && EVP_MAC_init(ctx, token_key, token_key_len, params) &&
        EVP_MAC_update(ctx, (const unsigned char *)query, strlen(query) + 1) &&
        EVP_MAC_update(ctx, payload, n))
        EVP_MAC_final(ctx, full, &full_len, sizeof full);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    memcpy(out, full, MAC_LEN);
}

static char *b64_encode(struct arena *a, const unsigned char *in, size_t n)
{
    char *out = arena_alloc(a, (n + 2) / 3 * 4 + 1), *p = out;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        *p++ = b64url[(v >> 18) & 63];
        *p++ = b64url[(v >> 12) & 63];
        if (i + 1 < n)
            *p++ = b64url[(v >> 6) & 63];
        if (i + 2 < n)
            *p++ = b64url[v & 63];
    }
    *p = '\0';
    return out;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(b64url, c) : NULL;
    return p ? (int)(p - b64url) : -1;
}

/* Decodes into arena memory; returns the length, or -1 on a bad character. */
static long b64_decode(struct arena *a, const char *in, unsigned char **out)
{
    size_t n = strlen(in);
    if (n % 4 == 1)
        return -1;
    unsigned char *buf = arena_alloc(a, n * 3 / 4 + 3);
    size_t len = 0;
    for (size_t i = 0; i < n; i += 4) {
        unsigned v = 0;
        size_t k;
        for (k = 0; k < 4 && i + k < n; k++) {
            int d = b64_value(in[i + k]);
            if (d < 0)
                return -1;
            v |= (unsigned)d << (18 - 6 * k);
        }
        buf[len++] = (unsigned char)(v >> 16);
        if (k > 2)
            buf[len++] = (unsigned char)(v >> 8);
        if (k > 3)
            buf[len++] = (unsigned char)v;
    }
    *out = buf;
    return (long)len;
}

char *token_encode(struct arena *a, const char *query, const char *const *fields, size_t n)
{
    size_t total = MAC_LEN;
    for (size_t i = 0; i < n; i++)
        total += strlen(fields[i]) + 1;
    unsigned char *buf = arena_alloc(a, total), *p = buf + MAC_LEN;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(fields[i]);
        memcpy(p, fields[i], len);
        p += len;
        *p++ = FIELD_SEP;
    }
    compute_mac(query, buf + MAC_LEN, total - MAC_LEN, buf);
    return b64_encode(a, buf, total);
}

const char *token_query_part(struct arena *a, const char *s)
{
    return s ? arena_printf(a, "%zu:%s", strlen(s), s) : "-";
}

bool token_decode(struct arena *a, const char *token, const char *query, const char **fields, size_t n)
{
    unsigned char *buf, mac[MAC_LEN];
    long len = b64_decode(a, token, &buf);
    if (len < MAC_LEN || len > 8192)
        return false;
    compute_mac(query, buf + MAC_LEN, (size_t)len - MAC_LEN, mac);
    if (CRYPTO_memcmp(mac, buf, MAC_LEN) != 0)
        return false;
    const unsigned char *p = buf + MAC_LEN, *end = buf + len;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *sep = memchr(p, FIELD_SEP, (size_t)(end - p));
        if (!sep)
            return false;
        fields[i] = arena_strndup(a, (const char *)p, (size_t)(sep - p));
        p = sep + 1;
    }
    return p == end;
}
