/* The vertex fact cache: shards by id, each behind its own mutex, holding an
 * open-addressed index into a byte pool of entries; a shard that fills up is
 * emptied whole, which bounds memory without bookkeeping per entry. The
 * ARNs of a tenant share their first five fields, kept once per shard. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vertex_cache.h"

enum { SHARDS = 64, PREFIXES = 8, NO_PREFIX = 0xff };

/* An index slot: id 0 is free (identity ids start at 1). */
struct slot {
    int64_t id;
    int32_t tenant;
    uint32_t at; /* entry offset in the pool: kind, has-type, prefix, ARN rest, NUL, Type, NUL */
};

struct shard {
    pthread_mutex_t lock;
    struct slot *slots;
    size_t slot_count, used;
    char *pool;
    size_t pool_size, pool_used;
    uint32_t prefix_at[PREFIXES]; /* ARN prefixes in the pool, each NUL-terminated */
    size_t prefix_len[PREFIXES], prefixes;
};

static struct shard shards[SHARDS];
static bool enabled;

static uint64_t hash_of(int64_t id)
{
    return (uint64_t)id * 0x9E3779B97F4A7C15ULL;
}

static struct shard *shard_of(uint64_t h)
{
    return &shards[h >> 58];
}

/* The slot holding `id`, or the free one where it would go. */
static struct slot *probe(const struct shard *s, uint64_t h, int64_t id)
{
    size_t i = (size_t)((((h >> 26) & 0xffffffffULL) * s->slot_count) >> 32);
    for (;; i = i + 1 == s->slot_count ? 0 : i + 1)
        if (s->slots[i].id == id || s->slots[i].id == 0)
            return &s->slots[i];
}

void vertex_cache_setup(size_t bytes)
{
    size_t per_shard = bytes / SHARDS;
    if (per_shard < 4096 || per_shard > UINT32_MAX)
        return;
    /* 40% for the index, whose 16-byte slots are at most half used, the rest
     * for the entries (the rest of an ARN past its prefix, and a Type: some
     * 45 bytes), so that both fill at about the same pace. */
    size_t slot_count = per_shard / 10 * 4 / sizeof(struct slot);
    for (int i = 0; i < SHARDS; i++) {
        struct shard *s = &shards[i];
        pthread_mutex_init(&s->lock, NULL);
        /* Untouched pages of these large blocks cost no memory until used. */
        s->slots = calloc(slot_count, sizeof *s->slots);
        s->slot_count = slot_count;
        s->used = 0;
        s->pool_size = per_shard - slot_count * sizeof *s->slots;
        s->pool = malloc(s->pool_size);
        s->pool_used = s->prefixes = 0;
        if (!s->slots || !s->pool)
            abort();
    }
    enabled = true;
}

void vertex_cache_cleanup(void)
{
    if (!enabled)
        return;
    enabled = false;
    for (int i = 0; i < SHARDS; i++) {
        free(shards[i].slots);
        free(shards[i].pool);
        pthread_mutex_destroy(&shards[i].lock);
    }
}

bool vertex_cache_get(struct arena *a, int32_t tenant, int64_t id, int *kind, const char **arn,
                      const char **type)
{
    if (!enabled)
        return false;
    uint64_t h = hash_of(id);
    struct shard *s = shard_of(h);
    pthread_mutex_lock(&s->lock);
    const struct slot *slot = probe(s, h, id);
    bool hit = slot->id == id && slot->tenant == tenant;
    if (hit) {
        /* Copied while locked: the entry is gone once its shard empties. */
        const char *e = s->pool + slot->at, *rest = e + 3;
        size_t p = (unsigned char)e[2], head = p == NO_PREFIX ? 0 : s->prefix_len[p];
        size_t rest_len = strlen(rest);
        char *out = arena_alloc(a, head + rest_len + 1);
        if (head)
            memcpy(out, s->pool + s->prefix_at[p], head);
        memcpy(out + head, rest, rest_len + 1);
        *kind = (unsigned char)e[0];
        *arn = out;
        *type = e[1] ? arena_strdup(a, rest + rest_len + 1) : NULL;
    }
    pthread_mutex_unlock(&s->lock);
    return hit;
}

/* The length of the ARN's first five fields with their colons
 * ("arn:aws:sagemaker:us-east-1:123456789012:"), 0 when it has fewer. */
static size_t prefix_length(const char *arn, size_t len)
{
    size_t at = 0;
    for (int colons = 0; colons < 5; colons++) {
        const char *c = memchr(arn + at, ':', len - at);
        if (!c)
            return 0;
        at = (size_t)(c - arn) + 1;
    }
    return at;
}

/* The shard's index of the ARN prefix of length `n`, added when there is
 * room for it, else NO_PREFIX. */
static size_t prefix_of(struct shard *s, const char *arn, size_t n)
{
    if (!n)
        return NO_PREFIX;
    for (size_t p = 0; p < s->prefixes; p++)
        if (s->prefix_len[p] == n && memcmp(s->pool + s->prefix_at[p], arn, n) == 0)
            return p;
    if (s->prefixes == PREFIXES || s->pool_used + n + 1 > s->pool_size)
        return NO_PREFIX;
    memcpy(s->pool + s->pool_used, arn, n);
    s->pool[s->pool_used + n] = '\0';
    s->prefix_at[s->prefixes] = (uint32_t)s->pool_used;
    s->prefix_len[s->prefixes] = n;
    s->pool_used += n + 1;
    return s->prefixes++;
}

void vertex_cache_put(int32_t tenant, int64_t id, int kind, const char *arn, const char *type)
{
    if (!enabled || id <= 0 || kind < 0 || kind > 255)
        return;
    size_t arn_len = strlen(arn), type_len = type ? strlen(type) : 0, head = prefix_length(arn, arn_len);
    uint64_t h = hash_of(id);
    struct shard *s = shard_of(h);
    if (3 + arn_len + 1 + type_len + 1 + head + 1 > s->pool_size / 16)
        return; /* never an ARN or Type the model allows */
    pthread_mutex_lock(&s->lock);
    struct slot *slot = probe(s, h, id);
    if (slot->id != id) {
        /* Room for the entry and, at worst, its prefix; else start over. */
        if (2 * (s->used + 1) > s->slot_count ||
            s->pool_used + 3 + arn_len + 1 + type_len + 1 + head + 1 > s->pool_size) {
            memset(s->slots, 0, s->slot_count * sizeof *s->slots);
            s->used = s->pool_used = s->prefixes = 0;
            slot = probe(s, h, id);
        }
        size_t p = prefix_of(s, arn, head);
        const char *rest = p == NO_PREFIX ? arn : arn + head;
        size_t rest_len = p == NO_PREFIX ? arn_len : arn_len - head;
        char *e = s->pool + s->pool_used;
        e[0] = (char)kind;
        e[1] = type != NULL;
        e[2] = (char)p;
        memcpy(e + 3, rest, rest_len + 1);
        if (type)
            memcpy(e + 3 + rest_len + 1, type, type_len + 1);
        *slot = (struct slot){.id = id, .tenant = tenant, .at = (uint32_t)s->pool_used};
        s->pool_used += 3 + rest_len + 1 + (type ? type_len + 1 : 0);
        s->used++;
    }
    pthread_mutex_unlock(&s->lock);
}
