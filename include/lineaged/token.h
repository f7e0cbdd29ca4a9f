/* Pagination tokens: opaque, signed with the service's key, and bound to the
 * operation and query that issued them (not to the page size). */
#ifndef LINEAGED_TOKEN_H
#define LINEAGED_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "lineaged/arena.h"

/* Installs the process-wide signing key (copied). Call once before serving. */
void token_set_key(const unsigned char *key, size_t len);

/* Returns a token (base64url text from `a`) carrying the `n` position fields
 * (text without NUL or U+001F, the separator) for the query described by `query` (a canonical
 * text naming the operation, its filters and its sort). */
char *token_encode(struct arena *a, const char *query, const char *const *fields, size_t n);

/* One client-given text of a query description, as "length:text" (from `a`),
 * or "-" when `s` is NULL: two queries whose values merely run together
 * differently ("a|b" then "c" against "a" then "b|c") describe differently. */
const char *token_query_part(struct arena *a, const char *s);

/* Reads `token` issued for the same `query`, filling fields[0..n) with arena
 * copies. Returns false if it was forged, altered, issued for another query,
 * or carries another number of fields. */
bool token_decode(struct arena *a, const char *token, const char *query, const char **fields, size_t n);

#endif
