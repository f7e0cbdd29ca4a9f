/* Update and Delete of a named entity, shared by the entity families. */
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

enum ld_err op_delete_entity(struct request *r, const cJSON *in, cJSON *out, enum entity_kind k,
                             const char *key, const char *arn_member)
{
    const char *arn;
    enum ld_err err = store_entity_delete(r, k, json_str(in, key), &arn);
    if (err == LD_OK)
        json_put_str(out, arn_member, arn);
    return err;
}
