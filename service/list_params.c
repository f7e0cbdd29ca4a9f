/* Reading the members every List operation shares. */
#include "list_params.h"

#include <string.h>

#include "json_io.h"

void list_query_from_input(const cJSON *in, enum entity_kind kind, const char *operation,
                           struct list_query *q)
{
    const char *sort = json_str(in, "SortBy"), *order = json_str(in, "SortOrder");
    memset(q, 0, sizeof *q);
    q->kind = kind;
    q->operation = operation;
    q->sort = sort && strcmp(sort, "Name") == 0 ? SORT_NAME : SORT_CREATION_TIME;
    q->ascending = order && strcmp(order, "Ascending") == 0;
    q->has_after = json_time(in, "CreatedAfter", &q->created_after_ms);
    q->has_before = json_time(in, "CreatedBefore", &q->created_before_ms);
    q->limit = json_int(in, "MaxResults", LIST_DEFAULT_PAGE);
    q->next_token = json_str(in, "NextToken");
}
