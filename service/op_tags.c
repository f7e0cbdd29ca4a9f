/* Tags on any taggable entity, named by ARN. */
#include "json_io.h"
#include "lineaged/store.h"
#include "ops.h"

enum { TAGS_PAGE_DEFAULT = 50, TAGS_ALL = 1000 };

enum ld_err op_add_tags(struct request *r, const cJSON *in, cJSON *out)
{
    const char *arn = json_str(in, "ResourceArn"), *unused;
    enum ld_err err = store_tags_add(r, arn, cJSON_GetObjectItemCaseSensitive(in, "Tags"));
    if (err != LD_OK)
        return err;
    return store_tags_list(r, arn, TAGS_ALL, NULL, cJSON_AddArrayToObject(out, "Tags"), &unused);
}

enum ld_err op_list_tags(struct request *r, const cJSON *in, cJSON *out)
{
    const char *next;
    enum ld_err err =
        store_tags_list(r, json_str(in, "ResourceArn"), json_int(in, "MaxResults", TAGS_PAGE_DEFAULT),
                        json_str(in, "NextToken"), cJSON_AddArrayToObject(out, "Tags"), &next);
    if (err == LD_OK)
        json_put_str(out, "NextToken", next);
    return err;
}

enum ld_err op_delete_tags(struct request *r, const cJSON *in, cJSON *out)
{
    (void)out;
    return store_tags_delete(r, json_str(in, "ResourceArn"), cJSON_GetObjectItemCaseSensitive(in, "TagKeys"));
}
