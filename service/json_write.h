/* Printing cJSON trees into one growing buffer, byte for byte as
 * cJSON_PrintUnformatted does (numbers to the last bit), without its
 * per-number sprintf/sscanf. */
#ifndef LINEAGED_JSON_WRITE_H
#define LINEAGED_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "lineaged/arena.h"
#include "text_buf.h"

/* JSON text laid out exactly as cJSON prints the same tree: compact as
 * cJSON_PrintUnformatted, or, when `formatted`, as cJSON_Print; written in
 * order, without building a tree: json_out_open and json_out_close around
 * each container (at most 63 deep), json_out_next before each of its
 * values, then the value. */
struct json_out {
    struct text_buf t;
    bool formatted;
    int depth;
    uint64_t filled; /* bit d: the open container at depth d holds a value */
};

/* An empty text in `a`. */
void json_out_start(struct json_out *o, struct arena *a, bool formatted);

/* Opens ('{', '[') or closes ('}', ']') a container. */
void json_out_open(struct json_out *o, char bracket);
void json_out_close(struct json_out *o, char bracket);

/* Starts the next value of the open container: the member `key` of an
 * object, or (key NULL) an element of an array. */
void json_out_next(struct json_out *o, const char *key);

/* A string, escaped as cJSON escapes it; a number as cJSON prints it. */
void json_out_string(struct json_out *o, const char *s);
void json_out_number(struct json_out *o, double d);

/* The tree `v` as cJSON prints it where it stands; false where cJSON's print
 * fails too (a node of no known type, a raw node without text). */
bool json_out_tree(struct json_out *o, const cJSON *v);

/* Returns `v` printed as cJSON_PrintUnformatted (or, when `formatted`,
 * cJSON_Print) would print it, numbers to the last bit: NUL-terminated, its
 * length in *len (when len is not NULL), in memory owned by `a`; NULL where
 * cJSON's print fails too. */
char *json_write(struct arena *a, const cJSON *v, bool formatted, size_t *len);

#endif
