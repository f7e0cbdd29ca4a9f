/* Per-request memory: bump allocation from blocks, plus cleanups for foreign
 * allocations (cJSON trees, PGresults) run when the arena is reset. */
#ifndef LINEAGED_ARENA_H
#define LINEAGED_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Returns a new empty arena; aborts on out-of-memory. Free with arena_destroy. */
struct arena *arena_create(void);

/* Runs every registered cleanup (last registered first), then frees all blocks. */
void arena_destroy(struct arena *a);

/* Runs the cleanups and forgets every allocation, keeping the first block for
 * reuse so a worker's steady state allocates nothing per request. */
void arena_reset(struct arena *a);

/* Returns n zeroed bytes aligned for any type, owned by `a`. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);

/* Returns a copy of s (or its first n bytes), NUL-terminated, owned by `a`. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* A copy of `s` with ASCII letters lower-cased: names and ARNs are keyed
 * that way (the model allows only ASCII in both). */
char *arena_strdup_lower(struct arena *a, const char *s);

/* Returns a formatted string owned by `a`. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Registers fn(p) to run when `a` is reset or destroyed; takes ownership of p. */
void arena_defer(struct arena *a, void (*fn)(void *), void *p);

#endif
