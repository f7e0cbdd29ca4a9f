/* The API model (the service's own JSON model, embedded at build time):
 * compiled once at start into shapes with their constraints, then used to
 * validate every request before a handler runs. Read-only after loading, so
 * every worker thread shares one. */
#ifndef LINEAGED_MODEL_H
#define LINEAGED_MODEL_H

#include <stddef.h>

#include <cJSON.h>

#include "lineaged/arena.h"
#include "lineaged/error.h"

struct api_model;
struct api_op;

/* Compiles a model document (JSON text of length len). Returns NULL and sets
 * *err (malloc'd, caller frees) when the document is not a usable model.
 * Free with model_free. */
struct api_model *model_load(const char *json, size_t len, char **err);
void model_free(struct api_model *m);

/* The operation named `name` (e.g. "CreateExperiment"), or NULL. */
const struct api_op *model_find_op(const struct api_model *m, const char *name);

/* The operation whose HTTP method and request URI match (REST-JSON models), or NULL. */
const struct api_op *model_find_route(const struct api_model *m, const char *method, const char *uri);

/* The number of operations and the i-th one, in the model's order. */
size_t model_op_count(const struct api_model *m);
const struct api_op *model_op_at(const struct api_model *m, size_t i);

/* The operation's wire name. */
const char *model_op_name(const struct api_op *op);

/* Checks `input` (a JSON object, or NULL for an empty body) against the
 * operation's input shape: required members, types, lengths, ranges,
 * patterns, enums, list and map sizes, recursively.
 * Returns LD_OK, or
 *  - LD_ERR_VALIDATION with *message set to one message listing every
 *    constraint violated ("2 validation errors detected: Value ... ; Value ..."),
 *  - LD_ERR_SERIALIZATION with *message naming the member whose JSON type
 *    cannot be read as the model's type.
 * *message is allocated from `a`. */
enum ld_err model_validate(const struct api_op *op, const cJSON *input, struct arena *a, char **message);

#endif
