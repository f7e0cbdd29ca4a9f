/* The shapes the entity families share: Update and Delete of a named entity
 * answered with its ARN, and List pages of summaries. */
#ifndef LINEAGED_OP_COMMON_H
#define LINEAGED_OP_COMMON_H

#include "lineaged/store.h"

/* Applies `u` to the entity of kind `k` named by member `key` of `in`;
 * answers {arn_member: arn}. */
enum ld_err op_update_entity(struct request *r, const cJSON *in, cJSON *out, enum entity_kind k,
                             const char *key, const char *arn_member, const struct entity_update *u);

/* Deletes the entity of kind `k` named `name_or_arn`; answers {arn_member: arn}. */
enum ld_err op_delete_entity(struct request *r, cJSON *out, enum entity_kind k, const char *name_or_arn,
                             const char *arn_member);

/* Writes the summary of `e` into `s`; `ctx` is the caller's. */
typedef void (*summary_writer)(struct request *r, const struct entity *e, cJSON *s, const void *ctx);

/* Lists the page `q` asks for and answers {member: [one summary per entity], NextToken?}. */
enum ld_err op_list_page(struct request *r, const struct list_query *q, cJSON *out, const char *member,
                         summary_writer put, const void *ctx);

/* An entity's details document split into its members' JSON texts: no tree
 * is built, as a Search page or a list writes a hundred of them. */
struct op_details {
    const char *names[16], *values[16];
    size_t n;
};

/* Splits the details document `text` (NULL: no members) into `d`, in r's arena. */
void op_details_split(struct request *r, const char *text, struct op_details *d);

/* The JSON text of member `key` of `d`, or NULL when absent. */
const char *op_detail(const struct op_details *d, const char *key);

/* Copies member `key` of `d` into `out`, unless it is absent or an empty
 * object: Describe leaves out a map or structure that holds nothing, whether
 * given empty or emptied by an update. */
void op_put_detail(const struct op_details *d, const char *key, cJSON *out);

struct lineage_view;

/* Gives each vertex of `view` its Describe answer plus `Tags`, as of
 * *as_of (epoch ms; NULL for now); two batched reads, the trees freed with
 * the request. */
enum ld_err op_view_details(struct request *r, struct lineage_view *view, const int64_t *as_of);

#endif
