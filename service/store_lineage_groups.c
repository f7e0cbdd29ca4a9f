/* Lineage groups in PostgreSQL: the default group of each (account, region). */
#include <libpq-fe.h>
#include <string.h>

#include "db.h"
#include "json_io.h"
#include "lineaged/store.h"
#include "lineaged/token.h"

#define GROUP_COLUMNS                                                                                        \
    "name, arn, display_name, description, (extract(epoch from created_at) * 1000)::int8, created_by::text," \
    " (extract(epoch from modified_at) * 1000)::int8, modified_by::text, policy"

/* The group row by name or ARN, or NULL after recording ResourceNotFound. */
static PGresult *find_group(struct request *r, const char *name_or_arn)
{
    int32_t tenant;
    if (db_tenant(r, false, &tenant) != LD_OK)
        return NULL;
    bool by_arn = strncmp(name_or_arn, "arn:", 4) == 0;
    name_or_arn = arena_strdup_lower(r->arena, name_or_arn); /* names compare ignoring case */
    if (tenant) {
        const char *vals[] = {db_param_int(r, tenant), name_or_arn};
        PGresult *res =
            db_run(r,
                   by_arn ? "select " GROUP_COLUMNS " from lineage_group where tenant_id = $1 and arn = $2"
                          : "select " GROUP_COLUMNS " from lineage_group where tenant_id = $1 and name = $2",
                   2, vals, NULL);
        if (!res || PQntuples(res) == 1)
            return res;
    }
    const char *arn = by_arn ? name_or_arn
                             : arena_printf(r->arena, "arn:aws:sagemaker:%s:%s:lineage-group/%s", r->region,
                                            r->account, name_or_arn);
    req_fail(r, LD_ERR_NOT_FOUND, "LineageGroup '%s' does not exist.", arn);
    return NULL;
}

enum ld_err store_lineage_group_describe(struct request *r, const char *name_or_arn, cJSON *out)
{
    PGresult *res = find_group(r, name_or_arn);
    if (!res)
        return r->error;
    json_put_str(out, "LineageGroupName", PQgetvalue(res, 0, 0));
    json_put_str(out, "LineageGroupArn", PQgetvalue(res, 0, 1));
    json_put_str(out, "DisplayName", db_text(r, res, 0, 2));
    json_put_str(out, "Description", db_text(r, res, 0, 3));
    json_put_time(out, "CreationTime", db_int64(res, 0, 4));
    json_put_object_text(out, "CreatedBy", PQgetvalue(res, 0, 5));
    json_put_time(out, "LastModifiedTime", db_int64(res, 0, 6));
    json_put_object_text(out, "LastModifiedBy", PQgetvalue(res, 0, 7));
    return LD_OK;
}

enum ld_err store_lineage_group_policy(struct request *r, const char *name_or_arn, cJSON *out)
{
    PGresult *res = find_group(r, name_or_arn);
    if (!res)
        return r->error;
    if (PQgetisnull(res, 0, 8))
        return req_fail(r, LD_ERR_NOT_FOUND, "LineageGroup '%s' has no resource policy.",
                        PQgetvalue(res, 0, 1));
    json_put_str(out, "LineageGroupArn", PQgetvalue(res, 0, 1));
    json_put_str(out, "ResourcePolicy", PQgetvalue(res, 0, 8));
    return LD_OK;
}

enum ld_err store_lineage_group_list(struct request *r, const struct list_query *q, cJSON *out_array,
                                     const char **next_token)
{
    *next_token = NULL;
    const char *query =
        arena_printf(r->arena, "ListLineageGroups|%d|%d|%d:%lld|%d:%lld", q->sort, q->ascending, q->has_after,
                     (long long)q->created_after_ms, q->has_before, (long long)q->created_before_ms);
    const char *pos[2];
    if (q->next_token && !token_decode(r->arena, q->next_token, query, pos, 2))
        return req_fail(r, LD_ERR_VALIDATION, "The NextToken is not valid for this request.");
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK || !tenant)
        return e;
    const char *sort = q->sort == SORT_NAME ? "name" : "created_at";
    const char *key = q->sort == SORT_NAME ? "$7::text" : "to_timestamp($7::float8 / 1000)";
    const char *vals[] = {db_param_int(r, tenant),
                          q->has_after ? db_param_int(r, q->created_after_ms) : NULL,
                          q->has_before ? db_param_int(r, q->created_before_ms) : NULL,
                          db_param_int(r, q->limit + 1),
                          q->next_token ? "1" : NULL,
                          q->next_token ? pos[1] : "0",
                          q->next_token ? pos[0] : NULL};
    const char *dir = q->ascending ? "asc" : "desc";
    const char *sql =
        arena_printf(r->arena,
                     "select " GROUP_COLUMNS ", id, %s from lineage_group where tenant_id = $1"
                     " and ($2::int8 is null or created_at > to_timestamp($2::float8 / 1000))"
                     " and ($3::int8 is null or created_at < to_timestamp($3::float8 / 1000))"
                     " and ($5::int is null or (%s, id) %s (%s, $6::int8)) order by %s %s, id %s limit $4",
                     q->sort == SORT_NAME ? "name" : "(extract(epoch from created_at) * 1000)::int8", sort,
                     q->ascending ? ">" : "<", key, sort, dir, dir);
    PGresult *res = db_run(r, sql, 7, vals, NULL);
    if (!res)
        return r->error;
    int got = PQntuples(res), count = got > q->limit ? q->limit : got;
    for (int i = 0; i < count; i++) {
        cJSON *g = cJSON_CreateObject();
        cJSON_AddItemToArray(out_array, g);
        json_put_str(g, "LineageGroupArn", PQgetvalue(res, i, 1));
        json_put_str(g, "LineageGroupName", PQgetvalue(res, i, 0));
        json_put_str(g, "DisplayName", db_text(r, res, i, 2));
        json_put_time(g, "CreationTime", db_int64(res, i, 4));
        json_put_time(g, "LastModifiedTime", db_int64(res, i, 6));
    }
    if (got > q->limit) {
        const char *fields[] = {db_text(r, res, count - 1, 10), db_text(r, res, count - 1, 9)};
        *next_token = token_encode(r->arena, query, fields, 2);
    }
    return LD_OK;
}
