/* Printing cJSON trees into one growing buffer, byte for byte as
 * cJSON_PrintUnformatted does, without its per-number sprintf/sscanf. */
#ifndef LINEAGED_JSON_WRITE_H
#define LINEAGED_JSON_WRITE_H

#include <stddef.h>

#include <cJSON.h>

#include "lineaged/arena.h"

/* Returns `v` printed as cJSON_PrintUnformatted would print it (same bytes,
 * NUL-terminated, its length in *len), in memory owned by `a`; NULL where
 * cJSON's print fails too (a node of no known type, a raw node without text). */
char *json_write(struct arena *a, const cJSON *v, size_t *len);

#endif
