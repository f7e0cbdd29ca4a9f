/* Associations in PostgreSQL: add and delete in one statement on the happy
 * path, and keyset-paged listing with every filter and sort of the API. */
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "json_io.h"
#include "lineaged/store.h"
#include "lineaged/token.h"

/* Experiment entities (experiments, trials, trial components) are kinds 1..3. */
#define EXPERIMENT_KINDS "3"

/* Says why an add or delete matched no pair of ends: a missing end, or two
 * experiment entities. Returns the recorded error, or LD_OK if both ends are fine. */
static enum ld_err explain_ends(struct request *r, int32_t tenant, const char *src, const char *dst)
{
    const char *arns[] = {src, dst};
    int kinds[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        if (tenant) {
            const char *vals[] = {db_param_int(r, tenant), arns[i]};
            PGresult *res =
                db_run(r, "select kind from entity where tenant_id = $1 and arn = lower($2)", 2, vals, NULL);
            if (!res)
                return r->error;
            if (PQntuples(res))
                kinds[i] = (int)db_int64(res, 0, 0);
        }
        if (!kinds[i])
            return req_fail(r, LD_ERR_NOT_FOUND, "%s '%s' does not exist.", entity_arn_label(arns[i]),
                            arns[i]);
    }
    if (kinds[0] <= KIND_TRIAL_COMPONENT && kinds[1] <= KIND_TRIAL_COMPONENT)
        return req_fail(r, LD_ERR_VALIDATION,
                        "An association cannot join two experiment entities (experiments, trials and trial "
                        "components): '%s' and '%s'.",
                        src, dst);
    return LD_OK;
}

#define INSERT_ASSOCIATION                                                                                   \
    "insert into association (tenant_id, source_id, destination_id, association_type,"                       \
    " created_at) select $1, s.id, d.id, $4, now() from entity s, entity d"                                  \
    " where s.tenant_id = $1 and s.arn = lower($2) and d.tenant_id = $1"                                     \
    " and d.arn = lower($3) and (s.kind > " EXPERIMENT_KINDS " or d.kind > " EXPERIMENT_KINDS ")"

/* ResourceLimitExceeded when the configured cap on associations is reached. */
static enum ld_err check_association_limit(struct request *r, int32_t tenant)
{
    long cap = r->limits ? r->limits->associations : 0;
    if (cap <= 0)
        return LD_OK;
    const char *vals[] = {db_param_int(r, tenant)};
    PGresult *res = db_run(r, "select count(*) from association where tenant_id = $1", 1, vals, NULL);
    if (!res)
        return r->error;
    if (db_int64(res, 0, 0) >= cap)
        return req_fail(r, LD_ERR_LIMIT, "The account has reached its limit of %ld associations.", cap);
    return LD_OK;
}

enum ld_err store_association_add(struct request *r, const char *src, const char *dst, const char *type,
                                  bool derived)
{
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK)
        return e;
    if (tenant &&
        ((!derived && (e = check_association_limit(r, tenant)) != LD_OK) || (e = db_audit(r)) != LD_OK))
        return e;
    const char *vals[] = {db_param_int(r, tenant), src, dst, type};
    struct db_violation v;
    PGresult *res = db_run(r,
                           derived ? INSERT_ASSOCIATION " on conflict (source_id, destination_id) do nothing"
                                   : INSERT_ASSOCIATION,
                           4, vals, &v);
    if (!res && r->error != LD_OK)
        return r->error;
    /* 23503: an end was deleted after the insert saw it; explain_ends says which. */
    if (!res && strcmp(v.sqlstate, "23503") != 0)
        return req_fail(r, LD_ERR_VALIDATION,
                        "Association with source (%s) and destination (%s) already exists.", src, dst);
    if (res && strcmp(PQcmdTuples(res), "1") == 0)
        return LD_OK;
    if ((e = explain_ends(r, tenant, src, dst)) != LD_OK)
        return e;
    if (derived) /* both ends are fine: the pair was there already */
        return LD_OK;
    return req_fail(r, LD_ERR_INTERNAL, "An internal error occurred (request %s).", r->id);
}

enum ld_err store_association_delete(struct request *r, const char *src, const char *dst)
{
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK)
        return e;
    if (tenant && (e = db_audit(r)) != LD_OK)
        return e;
    if (tenant) {
        const char *vals[] = {db_param_int(r, tenant), src, dst};
        PGresult *res = db_run(r,
                               "delete from association a using entity s, entity d where s.tenant_id = $1"
                               " and s.arn = lower($2) and d.tenant_id = $1 and d.arn = lower($3)"
                               " and a.source_id = s.id and a.destination_id = d.id",
                               3, vals, NULL);
        if (!res)
            return r->error;
        if (strcmp(PQcmdTuples(res), "1") == 0)
            return LD_OK;
    }
    if ((e = explain_ends(r, tenant, src, dst)) != LD_OK)
        return e;
    return req_fail(r, LD_ERR_NOT_FOUND, "Association with source (%s) and destination (%s) does not exist.",
                    src, dst);
}

/* An end's Type in summaries: the entity's type, or a component's raw source type. */
#define END_TYPE(t) "case when " t ".kind = 3 then " t ".source_type else " t ".vertex_type end"

/* Sort expressions, indexed by enum association_sort; never NULL so keysets compare. */
static const char *const sort_exprs[] = {
    "a.created_at", "s.arn", "d.arn", "coalesce(" END_TYPE("s") ", '')", "coalesce(" END_TYPE("d") ", '')",
};

enum ld_err store_association_list(struct request *r, const struct association_query *q, cJSON *out_array,
                                   const char **next_token)
{
    *next_token = NULL;
    struct arena *ar = r->arena;
    const char *query =
        arena_printf(ar, "ListAssociations|%d|%d|%s|%s|%s|%s|%s|%d:%lld|%d:%lld", q->sort, q->ascending,
                     token_query_part(ar, q->source_arn), token_query_part(ar, q->destination_arn),
                     token_query_part(ar, q->source_type), token_query_part(ar, q->destination_type),
                     token_query_part(ar, q->association_type), q->has_after, (long long)q->created_after_ms,
                     q->has_before, (long long)q->created_before_ms);
    const char *pos[3];
    if (q->next_token && !token_decode(r->arena, q->next_token, query, pos, 3))
        return req_fail(r, LD_ERR_VALIDATION, "The NextToken is not valid for this request.");
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK || !tenant)
        return e;

    const char *vals[12];
    int nv = 0;
    vals[nv++] = db_param_int(r, tenant);
    const char *sort = sort_exprs[q->sort];
    const char *sort_out =
        q->sort == ASSOC_SORT_CREATION_TIME ? "(extract(epoch from a.created_at) * 1000)::int8" : sort;
    char *sql = arena_printf(
        r->arena,
        "select s.arn, d.arn, " END_TYPE("s") ", " END_TYPE(
            "d") ", a.association_type,"
                 " s.name, d.name, (extract(epoch from a.created_at) * 1000)::int8, a.created_by::text,"
                 " a.source_id, a.destination_id, %s from association a"
                 " join entity s on s.id = a.source_id join entity d on d.id = a.destination_id"
                 " where a.tenant_id = $1",
        sort_out);
    struct {
        const char *value, *predicate;
    } filters[] = {
        /* Ends by id, so the walk starts from the edge indexes of that end. */
        {q->source_arn, "a.source_id = (select id from entity where tenant_id = $1 and arn = lower($%d))"},
        {q->destination_arn,
         "a.destination_id = (select id from entity where tenant_id = $1 and arn = lower($%d))"},
        {q->source_type, END_TYPE("s") " = $%d"},
        {q->destination_type, END_TYPE("d") " = $%d"},
        {q->association_type, "a.association_type = $%d"},
        {q->has_after ? db_param_int(r, q->created_after_ms) : NULL,
         "a.created_at > to_timestamp($%d::float8 / 1000)"},
        {q->has_before ? db_param_int(r, q->created_before_ms) : NULL,
         "a.created_at < to_timestamp($%d::float8 / 1000)"},
    };
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        if (!filters[i].value)
            continue;
        vals[nv++] = filters[i].value;
        sql = arena_printf(r->arena, "%s and %s", sql, arena_printf(r->arena, filters[i].predicate, nv));
    }
    if (q->next_token) {
        const char *key =
            q->sort == ASSOC_SORT_CREATION_TIME ? "to_timestamp($%d::float8 / 1000)" : "$%d::text";
        vals[nv++] = pos[0];
        vals[nv++] = pos[1];
        vals[nv++] = pos[2];
        sql = arena_printf(r->arena,
                           "%s and (%s, a.source_id, a.destination_id) %s (%s, $%d::int8, $%d::int8)", sql,
                           sort, q->ascending ? ">" : "<", arena_printf(r->arena, key, nv - 2), nv - 1, nv);
    }
    const char *dir = q->ascending ? "asc" : "desc";
    vals[nv++] = db_param_int(r, q->limit + 1);
    sql = arena_printf(r->arena, "%s order by %s %s, a.source_id %s, a.destination_id %s limit $%d", sql,
                       sort, dir, dir, dir, nv);
    PGresult *res = db_run(r, sql, nv, vals, NULL);
    if (!res)
        return r->error;
    int got = PQntuples(res), count = got > q->limit ? q->limit : got;
    static const char *const text_members[] = {"SourceArn",       "DestinationArn",  "SourceType",
                                               "DestinationType", "AssociationType", "SourceName",
                                               "DestinationName"};
    for (int i = 0; i < count; i++) {
        cJSON *a = cJSON_CreateObject();
        cJSON_AddItemToArray(out_array, a);
        for (int c = 0; c < 7; c++)
            if (!PQgetisnull(res, i, c))
                cJSON_AddStringToObject(a, text_members[c], PQgetvalue(res, i, c));
        json_put_time(a, "CreationTime", db_int64(res, i, 7));
        json_put_object_text(a, "CreatedBy", PQgetvalue(res, i, 8));
    }
    if (got > q->limit) {
        const char *fields[] = {db_text(r, res, count - 1, 11), db_text(r, res, count - 1, 9),
                                db_text(r, res, count - 1, 10)};
        *next_token = token_encode(r->arena, query, fields, 3);
    }
    return LD_OK;
}
