/* Update, Delete and List pages of named entities, shared by the entity families. */
#include "op_common.h"

#include "json_io.h"

enum ld_err op_update_entity(struct request *r, const cJSON *in, cJSON *out, enum entity_kind k,
                             const char *key, const char *arn_member, const struct entity_update *u)
{
    const char *arn;
    enum ld_err err = store_entity_update(r, k, json_str(in, key), u, &arn);
    if (err == LD_OK)
        json_put_str(out, arn_member, arn);
    return err;
}

enum ld_err op_delete_entity(struct request *r, cJSON *out, enum entity_kind k, const char *name_or_arn,
                             const char *arn_member)
{
    const char *arn;
    enum ld_err err = store_entity_delete(r, k, name_or_arn, &arn);
    if (err == LD_OK)
        json_put_str(out, arn_member, arn);
    return err;
}

enum ld_err op_list_page(struct request *r, const struct list_query *q, cJSON *out, const char *member,
                         summary_writer put, const void *ctx)
{
    struct entity *rows;
    size_t n;
    const char *next;
    enum ld_err err = store_entity_list(r, q, &rows, &n, &next);
    if (err != LD_OK)
        return err;
    cJSON *list = cJSON_AddArrayToObject(out, member);
    for (size_t i = 0; i < n; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddItemToArray(list, s);
        put(r, &rows[i], s, ctx);
    }
    json_put_str(out, "NextToken", next);
    return LD_OK;
}
