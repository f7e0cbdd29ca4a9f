/* The shape every Update and Delete of a named entity shares: find it by one
 * request member, change it, answer with its ARN under one response member. */
#ifndef LINEAGED_OP_COMMON_H
#define LINEAGED_OP_COMMON_H

#include "lineaged/store.h"

/* Applies `u` to the entity of kind `k` named by member `key` of `in`;
 * answers {arn_member: arn}. */
enum ld_err op_update_entity(struct request *r, const cJSON *in, cJSON *out, enum entity_kind k,
                             const char *key, const char *arn_member, const struct entity_update *u);

/* Deletes the entity of kind `k` named by member `key` of `in`; answers {arn_member: arn}. */
enum ld_err op_delete_entity(struct request *r, const cJSON *in, cJSON *out, enum entity_kind k,
                             const char *key, const char *arn_member);

#endif
