/* The members every List operation shares: time bounds, sort, page size, token. */
#ifndef LINEAGED_LIST_PARAMS_H
#define LINEAGED_LIST_PARAMS_H

#include "lineaged/store.h"

enum { LIST_DEFAULT_PAGE = 10 };

/* Fills `q` from CreatedAfter, CreatedBefore, SortBy (Name|CreationTime),
 * SortOrder (default Descending), MaxResults (default 10) and NextToken. */
void list_query_from_input(const cJSON *in, enum entity_kind kind, const char *operation,
                           struct list_query *q);

#endif
