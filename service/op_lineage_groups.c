/* Lineage groups: describe, list, and the (never set) resource policy. */
#include <string.h>

#include "json_io.h"
#include "list_params.h"
#include "lineaged/store.h"
#include "ops.h"

enum ld_err op_describe_lineage_group(struct request *r, const cJSON *in, cJSON *out)
{
    return store_lineage_group_describe(r, json_str(in, "LineageGroupName"), out);
}

enum ld_err op_get_lineage_group_policy(struct request *r, const cJSON *in, cJSON *out)
{
    return store_lineage_group_policy(r, json_str(in, "LineageGroupName"), out);
}

enum ld_err op_list_lineage_groups(struct request *r, const cJSON *in, cJSON *out)
{
    struct list_query q;
    list_query_from_input(in, 0, "ListLineageGroups", &q);
    const char *order = json_str(in, "SortOrder");
    q.ascending = !order || strcmp(order, "Ascending") == 0; /* this list alone defaults to Ascending */
    const char *next;
    enum ld_err e =
        store_lineage_group_list(r, &q, cJSON_AddArrayToObject(out, "LineageGroupSummaries"), &next);
    if (e == LD_OK)
        json_put_str(out, "NextToken", next);
    return e;
}
