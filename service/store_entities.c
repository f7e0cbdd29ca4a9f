/* Vertices in PostgreSQL: create, find, update, delete and list entities of
 * every kind, with names unique per kind and compared case-insensitively. */
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "lineaged/store.h"
#include "lineaged/token.h"

struct kind_row {
    const char *label;
    const char *arn_type;
    const char *vertex_type; /* fixed Type, or NULL when it comes from the entity */
};

static const struct kind_row kinds[] = {
    [KIND_EXPERIMENT] = {"Experiment", "experiment", "Experiment"},
    [KIND_TRIAL] = {"Trial", "experiment-trial", NULL},
    [KIND_TRIAL_COMPONENT] = {"TrialComponent", "experiment-trial-component", NULL},
    [KIND_ARTIFACT] = {"Artifact", "artifact", NULL},
    [KIND_ACTION] = {"Action", "action", NULL},
    [KIND_CONTEXT] = {"Context", "context", NULL},
};

const char *entity_kind_label(enum entity_kind k)
{
    return kinds[k].label;
}

const char *entity_kind_arn_type(enum entity_kind k)
{
    return kinds[k].arn_type;
}

const char *entity_arn_label(const char *arn)
{
    const char *colon = arn;
    for (int i = 0; i < 5 && colon; i++)
        colon = strchr(colon + 1, ':');
    if (!colon)
        return "Resource";
    const char *type = colon + 1;
    size_t len = strcspn(type, "/");
    for (int k = KIND_EXPERIMENT; k <= KIND_CONTEXT; k++) {
        const char *t = entity_kind_arn_type((enum entity_kind)k);
        if (strlen(t) == len && strncmp(type, t, len) == 0)
            return entity_kind_label((enum entity_kind)k);
    }
    return "Resource";
}

const char *entity_arn(struct request *r, enum entity_kind k, const char *name)
{
    return arena_strdup_lower(r->arena, arena_printf(r->arena, "arn:aws:sagemaker:%s:%s:%s/%s", r->region,
                                                     r->account, kinds[k].arn_type, name));
}

const char *entity_lineage_group_arn(struct request *r)
{
    return db_lineage_group_arn(r);
}

void db_entity_from_row(struct request *r, const PGresult *res, int row, int col, struct entity *e)
{
    e->id = db_int64(res, row, col);
    e->kind = (enum entity_kind)db_int64(res, row, col + 1);
    e->name = db_text(r, res, row, col + 2);
    e->arn = db_text(r, res, row, col + 3);
    e->vertex_type = db_text(r, res, row, col + 4);
    e->display_name = db_text(r, res, row, col + 5);
    e->description = db_text(r, res, row, col + 6);
    e->source_uri = db_text(r, res, row, col + 7);
    e->source_type = db_text(r, res, row, col + 8);
    e->source_id = db_text(r, res, row, col + 9);
    e->status = db_text(r, res, row, col + 10);
    e->details = db_text(r, res, row, col + 11);
    e->created_by = db_text(r, res, row, col + 12);
    e->modified_by = db_text(r, res, row, col + 13);
    e->parent_name = db_text(r, res, row, col + 14);
    e->created_ms = db_int64(res, row, col + 15);
    e->modified_ms = db_int64(res, row, col + 16);
}

static enum ld_err not_found(struct request *r, enum entity_kind k, const char *name_or_arn)
{
    const char *arn = strncmp(name_or_arn, "arn:", 4) == 0 ? name_or_arn : entity_arn(r, k, name_or_arn);
    return req_fail(r, LD_ERR_NOT_FOUND, "%s '%s' does not exist.", kinds[k].label, arn);
}

/* ResourceLimitExceeded when a configured cap on manually created entities is reached. */
static enum ld_err check_limit(struct request *r, int32_t tenant, enum entity_kind k)
{
    long cap = r->limits ? r->limits->per_kind[k] : 0;
    if (cap <= 0)
        return LD_OK;
    const char *vals[] = {db_param_int(r, tenant), db_param_int(r, k)};
    PGresult *res =
        db_run(r, "select count(*) from entity where tenant_id = $1 and kind = $2 and not auto_created", 2,
               vals, NULL);
    if (!res)
        return r->error;
    if (db_int64(res, 0, 0) >= cap)
        return req_fail(r, LD_ERR_LIMIT, "The account has reached its limit of %ld %s entities.", cap,
                        kinds[k].label);
    return LD_OK;
}

#define INSERT_ENTITY                                                                                        \
    "insert into entity (tenant_id, kind, name, name_key, arn, vertex_type, display_name,"                   \
    " description, source_uri, source_type, source_id, status, details, parent_id,"                          \
    " auto_created, created_at, modified_at) values ($1, $2, $3, lower($13), $4, $5, $6, $7, $8, $9,"        \
    " $10, $11, $12::jsonb, $14::int8, $15::boolean, now(), now())"

enum ld_err store_entity_create(struct request *r, const struct entity_input *in, const cJSON *tags,
                                const char **arn_out)
{
    /* Without tags the insert is one statement and needs no transaction of its own. */
    bool with_tags = tags && cJSON_GetArraySize(tags) > 0;
    int32_t tenant;
    enum ld_err e = with_tags ? db_begin(r) : LD_OK;
    if (e == LD_OK)
        e = db_tenant(r, true, &tenant);
    if (e == LD_OK)
        e = db_audit(r);
    if (e != LD_OK)
        return e;
    if (in->lineage && (e = db_lineage_group(r, tenant)) != LD_OK)
        return e;
    if (!in->derived && (e = check_limit(r, tenant, in->kind)) != LD_OK)
        return e;
    const char *arn = entity_arn(r, in->kind, in->arn_id ? in->arn_id : in->name);
    const char *vals[] = {
        db_param_int(r, tenant),
        db_param_int(r, in->kind),
        in->name,
        arn,
        in->vertex_type ? in->vertex_type : kinds[in->kind].vertex_type,
        in->display_name,
        in->description,
        in->source_uri,
        in->source_type,
        in->source_id,
        in->status,
        in->details ? in->details : "{}",
        in->arn_id ? NULL : in->name,
        in->parent_id ? db_param_int(r, in->parent_id) : NULL,
        in->derived ? "true" : "false",
    };
    struct db_violation v;
    PGresult *res = db_run(
        r, in->derived ? INSERT_ENTITY " on conflict do nothing returning id" : INSERT_ENTITY " returning id",
        15, vals, &v);
    if (res && in->derived && PQntuples(res) == 0) { /* kept: the same name or identity exists */
        *arn_out = arn;
        return with_tags ? db_commit(r) : LD_OK;
    }
    if (!res) {
        if (r->error != LD_OK)
            return r->error;
        if (strcmp(v.sqlstate, "23503") == 0) /* the parent went away meanwhile */
            return req_fail(r, LD_ERR_NOT_FOUND, "The parent of %s '%s' no longer exists.",
                            kinds[in->kind].label, arn);
        if (in->arn_id)
            return req_fail(r, LD_ERR_VALIDATION,
                            "%s with source URI (%s) and these source types already exists.",
                            kinds[in->kind].label, in->source_uri);
        return req_fail(r, LD_ERR_VALIDATION, "%s with name (%s) already exists.", kinds[in->kind].label,
                        in->name);
    }
    if (with_tags && ((e = tags_put(r, db_text(r, res, 0, 0), tags)) != LD_OK || (e = db_commit(r)) != LD_OK))
        return e;
    *arn_out = arn;
    return LD_OK;
}

enum ld_err store_artifact_by_source(struct request *r, const char *uri, const char *source_types,
                                     const char **arn_out)
{
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK)
        return e;
    PGresult *res = NULL;
    if (tenant) {
        const char *vals[] = {db_param_int(r, tenant), uri, source_types};
        res = db_run(r,
                     "select arn from entity where tenant_id = $1 and kind = 4 and source_uri = $2"
                     " and ($3::jsonb is null or ((details->'SourceTypes') @> $3::jsonb"
                     " and $3::jsonb @> (details->'SourceTypes'))) order by id limit 2",
                     3, vals, NULL);
        if (!res)
            return r->error;
    }
    int n = res ? PQntuples(res) : 0;
    if (n == 0)
        return req_fail(r, LD_ERR_NOT_FOUND, "Artifact with source URI (%s) does not exist.", uri);
    if (n > 1)
        return req_fail(r, LD_ERR_VALIDATION,
                        "More than one artifact has source URI (%s); delete one by its ArtifactArn.", uri);
    *arn_out = db_text(r, res, 0, 0);
    return LD_OK;
}

/* An update's details: $8's members set, then the three maps named by $9,
 * $12 and $15 merged (additions $10, $13, $16; removals $11, $14, $17). */
#define MERGED_DETAILS                                                                                       \
    "ld_merge_map(ld_merge_map(ld_merge_map(details || coalesce($8::jsonb, '{}'::jsonb), $9, $10::jsonb,"    \
    " $11::jsonb), $12, $13::jsonb, $14::jsonb), $15, $16::jsonb, $17::jsonb)"

/* The lookup predicate for a name or an ARN, bound as $1 tenant, $2 kind, $3
 * key. An ARN names one entity of the tenant (a unique index), its kind only
 * checked on the row found: written "kind + 0", no plan can walk the kind's
 * indexes filtering ARNs instead (a generic plan made before the table had
 * statistics did, lowering $3 once per row). */
static const char *key_predicate(const char *name_or_arn)
{
    return strncmp(name_or_arn, "arn:", 4) == 0
               ? " where tenant_id = $1 and arn = lower($3) and kind + 0 = $2"
               : " where tenant_id = $1 and kind = $2 and name_key = lower($3)";
}

enum ld_err store_entity_get(struct request *r, enum entity_kind k, const char *name_or_arn,
                             struct entity *out)
{
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK)
        return e;
    if (!tenant)
        return not_found(r, k, name_or_arn);
    const char *vals[] = {db_param_int(r, tenant), db_param_int(r, k), name_or_arn};
    const char *sql =
        arena_printf(r->arena, "select " DB_ENTITY_COLUMNS " from entity%s", key_predicate(name_or_arn));
    PGresult *res = db_run(r, sql, 3, vals, NULL);
    if (!res)
        return r->error;
    if (PQntuples(res) == 0)
        return not_found(r, k, name_or_arn);
    db_entity_from_row(r, res, 0, 0, out);
    return LD_OK;
}

enum ld_err store_entity_update(struct request *r, enum entity_kind k, const char *name_or_arn,
                                const struct entity_update *u, const char **arn_out)
{
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK)
        return e;
    if (!tenant)
        return not_found(r, k, name_or_arn);
    if ((e = db_audit(r)) != LD_OK)
        return e;
    const char *vals[20] = {db_param_int(r, tenant), db_param_int(r, k), name_or_arn, u->name,
                            u->display_name,         u->description,     u->status,   u->details_set};
    for (int m = 0; m < 3; m++) {
        vals[8 + 3 * m] = u->merges[m].member;
        vals[9 + 3 * m] = u->merges[m].additions;
        vals[10 + 3 * m] = u->merges[m].removals;
        vals[17 + m] = u->merges[m].max ? db_param_int(r, u->merges[m].max) : NULL;
    }
    /* The merge is computed on the latest version of the row, locked first,
     * so that a concurrent update is merged rather than lost and each
     * merged map can be held to its bound before anything changes. */
    const char *sql = arena_printf(
        r->arena,
        "with cur as (select id, " MERGED_DETAILS " as d from entity%s for no key update),"
        " n as (select id, d, array(select (select count(*) from jsonb_object_keys(coalesce(d -> k,"
        "  '{}'::jsonb))) from unnest(array[$9, $12, $15]::text[]) with ordinality u(k, i) order by i)"
        "  as size from cur),"
        " up as (update entity e set name = coalesce($4, e.name), display_name = coalesce($5,"
        "  e.display_name), description = coalesce($6, e.description), status = coalesce($7, e.status),"
        "  details = n.d, modified_at = now() from n where e.id = n.id and n.size[1] <= coalesce($18,"
        "  n.size[1]) and n.size[2] <= coalesce($19, n.size[2]) and n.size[3] <= coalesce($20, n.size[3])"
        "  returning e.arn)"
        " select (select arn from up), size[1], size[2], size[3] from n",
        key_predicate(name_or_arn));
    PGresult *res = db_run(r, sql, 20, vals, NULL);
    if (!res)
        return r->error;
    if (PQntuples(res) == 0)
        return not_found(r, k, name_or_arn);
    if (!PQgetisnull(res, 0, 0)) {
        *arn_out = db_text(r, res, 0, 0);
        return LD_OK;
    }
    for (int m = 0; m < 3; m++) /* not updated: a map past its bound */
        if (u->merges[m].max && db_int64(res, 0, 1 + m) > u->merges[m].max)
            return req_fail(r, LD_ERR_VALIDATION,
                            "The update would leave %s with %lld entries; at most %d are allowed.",
                            u->merges[m].member, (long long)db_int64(res, 0, 1 + m), u->merges[m].max);
    return not_found(r, k, name_or_arn);
}

enum ld_err store_entity_details(struct request *r, const int64_t *ids, size_t n, const int64_t *as_of,
                                 struct entity **rows, size_t *count, cJSON *tags)
{
    const char **items = arena_alloc(r->arena, (n ? n : 1) * sizeof *items);
    for (size_t i = 0; i < n; i++)
        items[i] = db_param_int(r, ids[i]);
    const char *vals[] = {db_param_array(r, items, n, false), as_of ? db_param_int(r, *as_of) : NULL};
    PGresult *res =
        as_of
            ? db_run(r,
                     "select " DB_ENTITY_COLUMNS
                     " from " DB_ENTITY_AS_OF("h.entity_id = any($1::int8[])", "$2") " where id is not null",
                     2, vals, NULL)
            : db_run(r, "select " DB_ENTITY_COLUMNS " from entity where id = any($1::int8[])", 1, vals, NULL);
    if (!res)
        return r->error;
    *count = (size_t)PQntuples(res);
    *rows = arena_alloc(r->arena, (*count ? *count : 1) * sizeof **rows);
    for (size_t i = 0; i < *count; i++)
        db_entity_from_row(r, res, (int)i, 0, &(*rows)[i]);
    /* Tags then: per (entity, key) the latest history row, unless a removal. */
    res =
        as_of
            ? db_run(r,
                     "select entity_id, after->>'key', after->>'value' from (select distinct on"
                     " (h.entity_id, coalesce(h.after, h.before)->>'key') h.entity_id, h.after from history h"
                     " where h.entity_id = any($1::int8[]) and h.subject = 3"
                     " and h.at <= to_timestamp($2::float8 / 1000) order by h.entity_id,"
                     " coalesce(h.after, h.before)->>'key', h.at desc, h.id desc) t where after is not null"
                     " order by entity_id, (after->>'seq')::int8",
                     2, vals, NULL)
            : db_run(r,
                     "select entity_id, key, value from tag where entity_id = any($1::int8[])"
                     " order by entity_id, seq",
                     1, vals, NULL);
    if (!res)
        return r->error;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *id = PQgetvalue(res, i, 0);
        cJSON *list = cJSON_GetObjectItemCaseSensitive(tags, id);
        if (!list)
            list = cJSON_AddArrayToObject(tags, id);
        cJSON *tag = cJSON_CreateObject();
        cJSON_AddItemToArray(list, tag);
        cJSON_AddStringToObject(tag, "Key", PQgetvalue(res, i, 1));
        cJSON_AddStringToObject(tag, "Value", PQgetvalue(res, i, 2));
    }
    return LD_OK;
}

/* Children that must go before an entity can be deleted, per kind. */
struct delete_guard {
    const char *count_sql; /* $1 = entity id */
    const char *message;   /* printf: label, arn, count, plural */
};

static const struct delete_guard delete_guards[] = {
    [KIND_EXPERIMENT] = {"select count(*) from entity where parent_id = $1 and kind = 2",
                         "%s '%s' has %lld trial%s and cannot be deleted."},
    [KIND_TRIAL] = {"select count(*) from trial_membership where trial_id = $1",
                    "%s '%s' has %lld trial component%s and cannot be deleted."},
    [KIND_TRIAL_COMPONENT] = {"select count(*) from trial_membership where component_id = $1",
                              "%s '%s' is linked to %lld trial%s and cannot be deleted."},
};

enum ld_err store_entity_delete(struct request *r, enum entity_kind k, const char *name_or_arn,
                                const char **arn_out)
{
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK)
        return e;
    if (!tenant)
        return not_found(r, k, name_or_arn);
    if ((e = db_begin(r)) != LD_OK || (e = db_audit(r)) != LD_OK)
        return e;
    const char *vals[] = {db_param_int(r, tenant), db_param_int(r, k), name_or_arn};
    const char *sql =
        arena_printf(r->arena, "select id, arn from entity%s for update", key_predicate(name_or_arn));
    PGresult *res = db_run(r, sql, 3, vals, NULL);
    if (!res)
        return r->error;
    if (PQntuples(res) == 0)
        return not_found(r, k, name_or_arn);
    const char *id[] = {db_text(r, res, 0, 0)};
    const char *arn = db_text(r, res, 0, 1);
    if (k < (int)(sizeof delete_guards / sizeof delete_guards[0]) && delete_guards[k].count_sql) {
        PGresult *count = db_run(r, delete_guards[k].count_sql, 1, id, NULL);
        if (!count)
            return r->error;
        long long n = (long long)db_int64(count, 0, 0);
        if (n > 0)
            return req_fail(r, LD_ERR_VALIDATION, delete_guards[k].message, kinds[k].label, arn, n,
                            n == 1 ? "" : "s");
    }
    if (!db_run(r, "delete from association where source_id = $1 or destination_id = $1", 1, id, NULL) ||
        !db_run(r, "delete from entity where id = $1", 1, id, NULL))
        return r->error;
    *arn_out = arn;
    return db_commit(r);
}

/* Predicates per list scope, each with one parameter (the scope value). */
static const char *const scope_predicates[] = {
    [SCOPE_ALL] = NULL,
    [SCOPE_EXPERIMENT_TRIALS] = "parent_id = (select id from entity where tenant_id = $1 and kind = 1"
                                " and name_key = lower($%d))",
    [SCOPE_COMPONENT_TRIALS] =
        "id in (select m.trial_id from trial_membership m where m.component_id ="
        " (select id from entity where tenant_id = $1 and kind = 3 and name_key = lower($%d)))",
    [SCOPE_EXPERIMENT_COMPONENTS] = "id in (select m.component_id from trial_membership m join entity t"
                                    " on t.id = m.trial_id where t.parent_id = (select id from entity"
                                    " where tenant_id = $1 and kind = 1 and name_key = lower($%d)))",
    [SCOPE_TRIAL_COMPONENTS] =
        "id in (select component_id from trial_membership where trial_id ="
        " (select id from entity where tenant_id = $1 and kind = 2 and name_key = lower($%d)))",
    [SCOPE_SOURCE_ARN] = "kind = 3 and source_uri_fold = lower($%d)",
};

/* The canonical description of a list query that its tokens are bound to. */
static const char *list_fingerprint(struct request *r, const struct list_query *q)
{
    struct arena *a = r->arena;
    return arena_printf(a, "%s|%d|%d|%lld|%lld|%d|%d|%s|%s|%d|%s|%s", q->operation, q->sort, q->ascending,
                        (long long)q->created_after_ms, (long long)q->created_before_ms, q->has_after,
                        q->has_before, token_query_part(a, q->source_uri), token_query_part(a, q->type),
                        q->scope, token_query_part(a, q->scope_value), token_query_part(a, q->experiment));
}

enum ld_err store_entity_list(struct request *r, const struct list_query *q, struct entity **rows, size_t *n,
                              const char **next_token)
{
    *rows = NULL;
    *n = 0;
    *next_token = NULL;
    const char *query = list_fingerprint(r, q);
    const char *position[2] = {NULL, NULL};
    if (q->next_token && !token_decode(r->arena, q->next_token, query, position, 2))
        return req_fail(r, LD_ERR_VALIDATION, "The NextToken is not valid for this request.");
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK || !tenant)
        return e;

    const char *sort_col = q->sort == SORT_NAME ? "name_key" : "created_at";
    const char *sort_param = q->sort == SORT_NAME ? "$%d::text" : "to_timestamp($%d::float8 / 1000)";
    const char *dir = q->ascending ? "asc" : "desc";
    const char *vals[11];
    int nv = 0;
    vals[nv++] = db_param_int(r, tenant);
    vals[nv++] = db_param_int(r, q->kind);
    char *sql =
        arena_printf(r->arena, "select " DB_ENTITY_COLUMNS " from entity where tenant_id = $1 and kind = $2");
    if (q->has_after) {
        vals[nv++] = db_param_int(r, q->created_after_ms);
        sql = arena_printf(r->arena, "%s and created_at > to_timestamp($%d::float8 / 1000)", sql, nv);
    }
    if (q->has_before) {
        vals[nv++] = db_param_int(r, q->created_before_ms);
        sql = arena_printf(r->arena, "%s and created_at < to_timestamp($%d::float8 / 1000)", sql, nv);
    }
    if (q->scope != SCOPE_ALL) {
        vals[nv++] = q->scope_value;
        sql =
            arena_printf(r->arena, "%s and %s", sql, arena_printf(r->arena, scope_predicates[q->scope], nv));
    }
    if (q->experiment) {
        vals[nv++] = q->experiment;
        sql = arena_printf(r->arena, "%s and %s", sql,
                           arena_printf(r->arena, scope_predicates[SCOPE_EXPERIMENT_TRIALS], nv));
    }
    if (q->source_uri) {
        vals[nv++] = q->source_uri;
        sql = arena_printf(r->arena, "%s and source_uri = $%d", sql, nv);
    }
    if (q->type) {
        vals[nv++] = q->type;
        sql = arena_printf(r->arena, "%s and vertex_type = $%d", sql, nv);
    }
    if (q->next_token) {
        vals[nv++] = position[0];
        vals[nv++] = position[1];
        const char *cmp = arena_printf(r->arena, sort_param, nv - 1);
        sql = arena_printf(r->arena, "%s and (%s, id) %s (%s, $%d::int8)", sql, sort_col,
                           q->ascending ? ">" : "<", cmp, nv);
    }
    vals[nv++] = db_param_int(r, q->limit + 1);
    sql = arena_printf(r->arena, "%s order by %s %s, id %s limit $%d", sql, sort_col, dir, dir, nv);
    PGresult *res = db_run(r, sql, nv, vals, NULL);
    if (!res)
        return r->error;
    int got = PQntuples(res);
    size_t count = got > q->limit ? (size_t)q->limit : (size_t)got;
    *rows = arena_alloc(r->arena, (count ? count : 1) * sizeof **rows);
    for (size_t i = 0; i < count; i++)
        db_entity_from_row(r, res, (int)i, 0, &(*rows)[i]);
    *n = count;
    if (got > q->limit) {
        const struct entity *last = &(*rows)[count - 1];
        const char *fields[] = {
            q->sort == SORT_NAME ? arena_strdup(r->arena, PQgetvalue(res, (int)count - 1, 2))
                                 : db_param_int(r, last->created_ms),
            db_param_int(r, last->id),
        };
        if (q->sort == SORT_NAME)
            for (char *p = (char *)fields[0]; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p - 'A' + 'a');
        *next_token = token_encode(r->arena, query, fields, 2);
    }
    return LD_OK;
}
