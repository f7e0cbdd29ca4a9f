/* Reading validated request members and writing response members. */
#ifndef LINEAGED_JSON_IO_H
#define LINEAGED_JSON_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "lineaged/arena.h"
#include "lineaged/request.h"

/* The string member `key` of `in`, or NULL when absent. */
const char *json_str(const cJSON *in, const char *key);

/* The integer member `key`, or `dflt` when absent. */
int json_int(const cJSON *in, const char *key, int dflt);

/* The timestamp member `key` in epoch ms; false when absent. */
bool json_time(const cJSON *in, const char *key, int64_t *ms);

/* Adds `value` as a string member unless it is NULL. */
void json_put_str(cJSON *out, const char *key, const char *value);

/* Adds `value` as a string member unless it is NULL, without copying either:
 * `key` must be a literal and `value` live as long as the request (arena
 * memory), as the reply is printed before the arena is freed. */
void json_put_str_ref(cJSON *out, const char *key, const char *value);

/* Adds a timestamp member (epoch seconds with milliseconds). */
void json_put_time(cJSON *out, const char *key, int64_t ms);

/* Adds a member holding the JSON text `text` (valid JSON, as PostgreSQL
 * prints jsonb) as it is, with `compact` without its whitespace outside
 * strings: no tree is built, so writing it costs a copy. */
void json_put_raw(cJSON *out, const char *key, const char *text, bool compact);

/* json_put_raw (compact) of the JSON object text `text`; NULL or another
 * value gives {}. */
void json_put_object_text(cJSON *out, const char *key, const char *text);

/* The members of the JSON object text `text` (valid JSON, as PostgreSQL
 * prints jsonb), without building a tree: up to `cap` names (as written
 * between their quotes) into `names` and value texts (compact, as
 * json_put_raw writes them) into `values`, all in memory from `a`. Returns how many; 0
 * for NULL or a value that is not an object. */
size_t json_object_members(struct arena *a, const char *text, const char **names, const char **values,
                           size_t cap);

/* Parses `text` into a tree freed with the request's arena, or NULL. */
cJSON *json_parse_owned(struct request *r, const char *text);

/* Registers tree `v` to be freed with the request; returns it. */
cJSON *json_parse_owned_adopt(struct request *r, cJSON *v);

/* Adds {SourceArn, SourceType} under `key` when `arn` is set. */
void json_put_source(cJSON *out, const char *key, const char *arn, const char *type);

/* Prints `v` as compact JSON living as long as the request, numbers to the
 * last bit; NULL when `v` is NULL. */
const char *json_print_owned(struct request *r, const cJSON *v);

/* The member `key` of `in` printed as compact JSON, or NULL when absent. */
const char *json_member_text(struct request *r, const cJSON *in, const char *key);

/* Routes cJSON's allocations through json_trees_in's arenas. Call once at
 * start-up before any other cJSON call: every block cJSON allocates after it
 * carries a header that tells its free where it came from. */
void json_hooks_install(void);

/* While `a` is set on the calling thread (NULL ends it), cJSON nodes and
 * strings it allocates come from `a` (up to a bound per setting, then from
 * malloc), and freeing them does nothing: they go when `a` is reset. Without
 * json_hooks_install, cJSON keeps using malloc. */
void json_trees_in(struct arena *a);

#endif
