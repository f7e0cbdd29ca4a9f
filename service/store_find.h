/* Private to the native find endpoint: prefix search over the caller's
 * entities by name, ARN and source URI. */
#ifndef LINEAGED_STORE_FIND_H
#define LINEAGED_STORE_FIND_H

#include <stddef.h>

#include "lineaged/store.h"

/* One entity that matched; strings are NULL when absent, memory from the arena. */
struct find_hit {
    enum entity_kind kind;
    const char *arn, *name, *type, *source_uri;
};

/* Up to `limit` of the caller's entities (of kind `kind`, or any kind when 0)
 * whose name or ARN starts with `prefix` ignoring case, or whose source URI
 * starts with it exactly; by name, then ARN. `prefix` is matched literally
 * (LIKE wildcards in it are escaped). Fills `*hits` (arena memory) and `*count`. */
enum ld_err store_find(struct request *r, const char *prefix, enum entity_kind kind, size_t limit,
                       struct find_hit **hits, size_t *count);

#endif
