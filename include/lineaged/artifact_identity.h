/* An artifact's identity: its source URI, its type and the set of its source
 * types. The identity, not a name, decides its ARN, the same in every account. */
#ifndef LINEAGED_ARTIFACT_IDENTITY_H
#define LINEAGED_ARTIFACT_IDENTITY_H

#include <cJSON.h>

#include "lineaged/arena.h"

/* The SourceTypes of `source` as a set: sorted by (SourceIdType, Value) with
 * duplicates dropped, an empty array when absent. The tree is freed with `a`. */
cJSON *artifact_source_type_set(struct arena *a, const cJSON *source);

/* The artifact's ARN id: 32 lowercase hex digits of a digest of (uri, type,
 * type_set as artifact_source_type_set returns it). Memory from `a`. */
const char *artifact_id(struct arena *a, const char *uri, const char *type, const cJSON *type_set);

#endif
