/* The growing text buffer of text_buf.h. */
#include "text_buf.h"

#include <stdio.h>
#include <stdlib.h>

/* Most replies fit the first chunk. */
enum { FIRST_CHUNK = 4096 };

void text_start(struct text_buf *t, struct arena *a)
{
    *t = (struct text_buf){.arena = a, .p = arena_alloc(a, FIRST_CHUNK), .cap = FIRST_CHUNK};
}

void text_grow(struct text_buf *t, size_t n)
{
    size_t cap = t->cap * 2 > t->len + n + 1 ? t->cap * 2 : t->len + n + 1;
    char *p = t->heap ? realloc(t->p, cap) : malloc(cap);
    if (!p) {
        fputs("lineaged: out of memory\n", stderr);
        abort();
    }
    if (!t->heap)
        memcpy(p, t->p, t->len);
    t->p = p;
    t->cap = cap;
    t->heap = true;
}

void text_tabs(struct text_buf *t, int n)
{
    static const char tabs[] = "\t\t\t\t\t\t\t\t";
    for (; n > 0; n -= (int)sizeof tabs - 1)
        text_put(t, tabs, n < (int)sizeof tabs - 1 ? (size_t)n : sizeof tabs - 1);
}

char *text_finish(struct text_buf *t, size_t *len)
{
    text_reserve(t, 0);
    t->p[t->len] = '\0';
    if (t->heap)
        arena_defer(t->arena, free, t->p);
    if (len)
        *len = t->len;
    return t->p;
}

void text_drop(struct text_buf *t)
{
    if (t->heap)
        free(t->p);
    t->heap = false;
}
