/* Associations: add, delete, list. */
#include <string.h>
#include <strings.h>

#include "json_io.h"
#include "list_params.h"
#include "lineaged/store.h"
#include "ops.h"

enum ld_err op_add_association(struct request *r, const cJSON *in, cJSON *out)
{
    const char *src = json_str(in, "SourceArn"), *dst = json_str(in, "DestinationArn");
    /* An edge from an entity to itself says nothing about where it came from
     * and would be a cycle of one in every walk. ARNs compare ignoring case. */
    if (strcasecmp(src, dst) == 0)
        return req_fail(r, LD_ERR_VALIDATION, "An association cannot join an entity to itself: '%s'.", src);
    enum ld_err e = store_association_add(r, src, dst, json_str(in, "AssociationType"), false);
    if (e == LD_OK) {
        json_put_str(out, "SourceArn", arena_strdup_lower(r->arena, src)); /* the stored forms */
        json_put_str(out, "DestinationArn", arena_strdup_lower(r->arena, dst));
    }
    return e;
}

enum ld_err op_delete_association(struct request *r, const cJSON *in, cJSON *out)
{
    const char *src = json_str(in, "SourceArn"), *dst = json_str(in, "DestinationArn");
    enum ld_err e = store_association_delete(r, src, dst);
    if (e == LD_OK) {
        json_put_str(out, "SourceArn", arena_strdup_lower(r->arena, src)); /* the stored forms */
        json_put_str(out, "DestinationArn", arena_strdup_lower(r->arena, dst));
    }
    return e;
}

enum ld_err op_list_associations(struct request *r, const cJSON *in, cJSON *out)
{
    static const char *const sorts[] = {"CreationTime", "SourceArn", "DestinationArn", "SourceType",
                                        "DestinationType"};
    const char *sort = json_str(in, "SortBy"), *order = json_str(in, "SortOrder");
    struct association_query q = {
        .source_arn = json_str(in, "SourceArn"),
        .destination_arn = json_str(in, "DestinationArn"),
        .source_type = json_str(in, "SourceType"),
        .destination_type = json_str(in, "DestinationType"),
        .association_type = json_str(in, "AssociationType"),
        .ascending = order && strcmp(order, "Ascending") == 0,
        .limit = json_int(in, "MaxResults", LIST_DEFAULT_PAGE),
        .next_token = json_str(in, "NextToken"),
    };
    for (size_t i = 0; sort && i < sizeof sorts / sizeof sorts[0]; i++)
        if (strcmp(sort, sorts[i]) == 0)
            q.sort = (enum association_sort)i;
    q.has_after = json_time(in, "CreatedAfter", &q.created_after_ms);
    q.has_before = json_time(in, "CreatedBefore", &q.created_before_ms);
    const char *next;
    enum ld_err e = store_association_list(r, &q, cJSON_AddArrayToObject(out, "AssociationSummaries"), &next);
    if (e == LD_OK)
        json_put_str(out, "NextToken", next);
    return e;
}
