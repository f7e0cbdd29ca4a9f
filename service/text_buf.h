/* Text built in one growing buffer: a first chunk from the arena, then one
 * malloc'd buffer grown by doubling and freed with the arena. Running out of
 * memory aborts, as every allocation of the service does. */
#ifndef LINEAGED_TEXT_BUF_H
#define LINEAGED_TEXT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "lineaged/arena.h"

struct text_buf {
    struct arena *arena;
    char *p;
    size_t len, cap;
    bool heap; /* p is malloc'd, not the arena's chunk */
};

/* An empty text in `a`. */
void text_start(struct text_buf *t, struct arena *a);

/* Makes room for more than `n` further bytes; text_reserve's slow path. */
void text_grow(struct text_buf *t, size_t n);

/* Makes room for `n` more bytes and the terminating NUL. */
static inline void text_reserve(struct text_buf *t, size_t n)
{
    if (t->cap - t->len <= n)
        text_grow(t, n);
}

static inline void text_put(struct text_buf *t, const char *s, size_t n)
{
    text_reserve(t, n);
    memcpy(t->p + t->len, s, n);
    t->len += n;
}

static inline void text_putc(struct text_buf *t, char c)
{
    text_reserve(t, 1);
    t->p[t->len++] = c;
}

static inline void text_puts(struct text_buf *t, const char *s)
{
    text_put(t, s, strlen(s));
}

/* `n` tabs. */
void text_tabs(struct text_buf *t, int n);

/* The text, NUL-terminated, living as long as the arena (length in *len
 * when len is not NULL). */
char *text_finish(struct text_buf *t, size_t *len);

/* Drops the text (a malloc'd buffer is freed now). */
void text_drop(struct text_buf *t);

#endif
