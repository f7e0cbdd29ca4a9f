/* Bump allocator with deferred cleanups. Under sanitizers every allocation is
 * its own malloc block, so an overflow lands outside a live allocation. */
#include "lineaged/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK = 16 * 1024, ARENA_ALIGN = 16 };

struct block {
    struct block *next;
    size_t size;
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

struct cleanup {
    struct cleanup *next;
    void (*fn)(void *);
    void *p;
};

struct arena {
    struct block *head; /* newest block first; the last one is kept on reset */
    struct cleanup *cleanups;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("lineaged: out of memory\n", stderr);
        abort();
    }
    return p;
}

static struct block *block_new(size_t size)
{
    struct block *b = xmalloc(sizeof *b + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

struct arena *arena_create(void)
{
    struct arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    a->cleanups = NULL;
#ifndef LINEAGED_ARENA_MALLOC
    a->head = block_new(ARENA_BLOCK);
#endif
    return a;
}

static void run_cleanups(struct arena *a)
{
    while (a->cleanups) {
        struct cleanup *c = a->cleanups;
        a->cleanups = c->next;
        c->fn(c->p);
    }
}

void arena_reset(struct arena *a)
{
    run_cleanups(a);
    struct block *keep = NULL;
    while (a->head) {
        struct block *b = a->head;
        a->head = b->next;
#ifndef LINEAGED_ARENA_MALLOC
        if (!a->head && b->size == ARENA_BLOCK) {
            keep = b;
            break;
        }
#endif
        free(b);
    }
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
    a->head = keep;
}

void arena_destroy(struct arena *a)
{
    if (!a)
        return;
    arena_reset(a);
    free(a->head);
    free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need == 0)
        need = ARENA_ALIGN;
#ifdef LINEAGED_ARENA_MALLOC
    struct block *b = block_new(need);
    b->next = a->head;
    a->head = b;
#else
    struct block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK;
        struct block *nb = block_new(size);
        if (size == need && b) {
            /* Oversized: slot it behind the current block so its free space stays in use. */
            nb->next = b->next;
            b->next = nb;
            nb->used = need;
            memset(nb->data, 0, need);
            return nb->data;
        }
        nb->next = b;
        a->head = nb;
        b = nb;
    }
#endif
    void *p = b->data + b->used;
    b->used += need;
    memset(p, 0, need);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_strdup_lower(struct arena *a, const char *s)
{
    char *out = arena_strdup(a, s);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    /* Most strings fit the stack buffer, so they are formatted once. */
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof small)
        return arena_strndup(a, small, (size_t)n);
    char *s = arena_alloc(a, (size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return s;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
    struct cleanup *c = arena_alloc(a, sizeof *c);
    c->fn = fn;
    c->p = p;
    c->next = a->cleanups;
    a->cleanups = c;
}
