/* The vertex fact cache: shards by id, each behind its own mutex, holding an
 * open-addressed index into a byte pool of entries; a shard that fills up is
 * emptied whole, which bounds memory without bookkeeping per entry. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vertex_cache.h"

enum { SHARDS = 64 };

/* An index slot: id 0 is free (identity ids start at 1). */
struct slot {
    int64_t id;
    int32_t tenant;
    uint32_t at; /* entry offset in the pool: kind, has-type byte, ARN, NUL, Type, NUL */
};

struct shard {
    pthread_mutex_t lock;
    struct slot *slots;
    size_t mask; /* slot count - 1, a power of two minus one */
    size_t used;
    char *pool;
    size_t pool_size, pool_used;
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
    for (size_t i = (size_t)(h >> 16) & s->mask;; i = (i + 1) & s->mask)
        if (s->slots[i].id == id || s->slots[i].id == 0)
            return &s->slots[i];
}

void vertex_cache_setup(size_t bytes)
{
    size_t per_shard = bytes / SHARDS;
    if (per_shard < 4096 || per_shard > UINT32_MAX)
        return;
    /* Up to 30% for the index, whose 16-byte slots are at most half used: an
     * entry (an ARN and a Type) takes some 80 bytes of the rest. */
    size_t slots = 16;
    while (slots * 2 * sizeof(struct slot) <= per_shard / 10 * 3)
        slots *= 2;
    for (int i = 0; i < SHARDS; i++) {
        struct shard *s = &shards[i];
        pthread_mutex_init(&s->lock, NULL);
        /* Untouched pages of these large blocks cost no memory until used. */
        s->slots = calloc(slots, sizeof *s->slots);
        s->mask = slots - 1;
        s->used = 0;
        s->pool_size = per_shard - slots * sizeof *s->slots;
        s->pool = malloc(s->pool_size);
        s->pool_used = 0;
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
        const char *e = s->pool + slot->at;
        *kind = (unsigned char)e[0];
        *arn = arena_strdup(a, e + 2);
        *type = e[1] ? arena_strdup(a, e + 2 + strlen(e + 2) + 1) : NULL;
    }
    pthread_mutex_unlock(&s->lock);
    return hit;
}

void vertex_cache_put(int32_t tenant, int64_t id, int kind, const char *arn, const char *type)
{
    if (!enabled || id <= 0 || kind < 0 || kind > 255)
        return;
    size_t arn_len = strlen(arn), type_len = type ? strlen(type) : 0;
    size_t need = 2 + arn_len + 1 + type_len + 1;
    uint64_t h = hash_of(id);
    struct shard *s = shard_of(h);
    if (need > s->pool_size / 16)
        return; /* never an ARN or Type the model allows */
    pthread_mutex_lock(&s->lock);
    struct slot *slot = probe(s, h, id);
    if (slot->id != id) {
        if (2 * (s->used + 1) > s->mask + 1 || s->pool_used + need > s->pool_size) {
            memset(s->slots, 0, (s->mask + 1) * sizeof *s->slots);
            s->used = s->pool_used = 0;
            slot = probe(s, h, id);
        }
        char *e = s->pool + s->pool_used;
        e[0] = (char)kind;
        e[1] = type != NULL;
        memcpy(e + 2, arn, arn_len + 1);
        if (type)
            memcpy(e + 2 + arn_len + 1, type, type_len + 1);
        *slot = (struct slot){.id = id, .tenant = tenant, .at = (uint32_t)s->pool_used};
        s->pool_used += need;
        s->used++;
    }
    pthread_mutex_unlock(&s->lock);
}
