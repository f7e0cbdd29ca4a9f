/* Tags in PostgreSQL: add (replacing values of known keys), delete and list
 * in order of first addition, on any entity or the lineage group, named by ARN. */
#include <libpq-fe.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "lineaged/store.h"
#include "lineaged/token.h"

/* Where a resource's tags live: entities' in `tag`, the lineage group's in
 * `lineage_group_tag` (019); both tables have the same columns but the owner's. */
struct tag_owner {
    const char *table, *column; /* fixed names, never client input */
    const char *id;
};

static const struct tag_owner entity_tags = {"tag", "entity_id", NULL};
static const struct tag_owner group_tags = {"lineage_group_tag", "group_id", NULL};

/* Inserts or replaces tags from a TagList; the last value of a key repeated
 * in one list wins, and new keys keep the order they first appear in. */
#define TAGS_UPSERT_SQL                                                                                      \
    "insert into %s (%s, key, value) "                                                                       \
    "select $1, key, value from ("                                                                           \
    "  select distinct on (t->>'Key') t->>'Key' as key, t->>'Value' as value,"                               \
    "         min(ord) over (partition by t->>'Key') as first_ord"                                           \
    "  from jsonb_array_elements($2::jsonb) with ordinality as e(t, ord)"                                    \
    "  order by t->>'Key', ord desc) d "                                                                     \
    "order by first_ord "                                                                                    \
    "on conflict (%s, key) do update set value = excluded.value"

enum { MAX_TAGS = 50 };

static enum ld_err owner_put(struct request *r, const struct tag_owner *o, const cJSON *tags)
{
    if (!tags || cJSON_GetArraySize(tags) == 0)
        return LD_OK;
    char *json = cJSON_PrintUnformatted(tags);
    if (!json)
        return req_fail(r, LD_ERR_INTERNAL, "An internal error occurred (request %s).", r->id);
    arena_defer(r->arena, cJSON_free, json);
    const char *vals[] = {o->id, json};
    if (!db_run(r, arena_printf(r->arena, TAGS_UPSERT_SQL, o->table, o->column, o->column), 2, vals, NULL))
        return r->error;
    PGresult *res =
        db_run(r, arena_printf(r->arena, "select count(*) from %s where %s = $1", o->table, o->column), 1,
               vals, NULL);
    if (!res)
        return r->error;
    /* A ValidationException, not ResourceLimitExceeded: the model gives AddTags
     * no error shapes (ResourceLimitExceeded is modelled on creates only). */
    if (db_int64(res, 0, 0) > MAX_TAGS)
        return req_fail(r, LD_ERR_VALIDATION,
                        "A resource can have at most %d tags; this request would leave it %lld.", MAX_TAGS,
                        (long long)db_int64(res, 0, 0));
    return LD_OK;
}

enum ld_err tags_put(struct request *r, const char *entity_id, const cJSON *tags)
{
    struct tag_owner o = entity_tags;
    o.id = entity_id;
    return owner_put(r, &o, tags);
}

/* Whether the ARN's resource type is the lineage group's. */
static bool names_lineage_group(const char *arn)
{
    const char *colon = arn;
    for (int i = 0; i < 5 && colon; i++)
        colon = strchr(colon + 1, ':');
    return colon && strncasecmp(colon + 1, "lineage-group/", 14) == 0; /* ARNs compare ignoring case */
}

/* The caller's entity or lineage group with this ARN (locked for a change
 * when `lock`). A missing one is a ValidationException, not ResourceNotFound:
 * the model gives the tag operations no error shapes, and the real service
 * answers ValidationException for a resource that is gone. */
static enum ld_err owner_by_arn(struct request *r, const char *arn, bool lock, struct tag_owner *out)
{
    bool group = names_lineage_group(arn);
    *out = group ? group_tags : entity_tags;
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK)
        return e;
    if (tenant) {
        const char *vals[] = {db_param_int(r, tenant), arn};
        PGresult *res =
            db_run(r,
                   arena_printf(r->arena, "select id from %s where tenant_id = $1 and arn = lower($2)%s",
                                group ? "lineage_group" : "entity", lock ? " for update" : ""),
                   2, vals, NULL);
        if (!res)
            return r->error;
        if (PQntuples(res) == 1) {
            out->id = db_text(r, res, 0, 0);
            return LD_OK;
        }
    }
    return req_fail(r, LD_ERR_VALIDATION, "%s '%s' does not exist.",
                    group ? "LineageGroup" : entity_arn_label(arn), arn);
}

enum ld_err store_tags_add(struct request *r, const char *arn, const cJSON *tags)
{
    struct tag_owner o;
    enum ld_err e = db_begin(r);
    if (e == LD_OK)
        e = owner_by_arn(r, arn, true, &o);
    if (e == LD_OK)
        e = db_audit(r);
    if (e == LD_OK)
        e = owner_put(r, &o, tags);
    return e == LD_OK ? db_commit(r) : e;
}

enum ld_err store_tags_delete(struct request *r, const char *arn, const cJSON *keys)
{
    struct tag_owner o;
    enum ld_err e = owner_by_arn(r, arn, false, &o);
    if (e == LD_OK)
        e = db_audit(r);
    if (e != LD_OK)
        return e;
    char *json = cJSON_PrintUnformatted(keys);
    if (!json)
        return req_fail(r, LD_ERR_INTERNAL, "An internal error occurred (request %s).", r->id);
    arena_defer(r->arena, cJSON_free, json);
    const char *vals[] = {o.id, json};
    if (!db_run(r,
                arena_printf(
                    r->arena,
                    "delete from %s where %s = $1 and key in (select jsonb_array_elements_text($2::jsonb))",
                    o.table, o.column),
                2, vals, NULL))
        return r->error;
    return LD_OK;
}

enum ld_err store_tags_list(struct request *r, const char *arn, int limit, const char *next_token,
                            cJSON *out_array, const char **next_token_out)
{
    *next_token_out = NULL;
    const char *query = arena_printf(r->arena, "ListTags|%s", arn);
    const char *after = "0";
    if (next_token && !token_decode(r->arena, next_token, query, &after, 1))
        return req_fail(r, LD_ERR_VALIDATION, "The NextToken is not valid for this request.");
    struct tag_owner o;
    enum ld_err e = owner_by_arn(r, arn, false, &o);
    if (e != LD_OK)
        return e;
    /* ListTags has no upper bound on MaxResults: one more than INT_MAX must not wrap. */
    const char *vals[] = {o.id, after, db_param_int(r, (int64_t)limit + 1)};
    PGresult *res = db_run(r,
                           arena_printf(r->arena,
                                        "select key, value, seq from %s where %s = $1 and seq > $2::int8 "
                                        "order by seq limit $3",
                                        o.table, o.column),
                           3, vals, NULL);
    if (!res)
        return r->error;
    int got = PQntuples(res), count = got > limit ? limit : got;
    for (int i = 0; i < count; i++) {
        cJSON *tag = cJSON_CreateObject();
        cJSON_AddItemToArray(out_array, tag);
        cJSON_AddStringToObject(tag, "Key", PQgetvalue(res, i, 0));
        cJSON_AddStringToObject(tag, "Value", PQgetvalue(res, i, 1));
    }
    if (got > limit) {
        const char *last = arena_strdup(r->arena, PQgetvalue(res, count - 1, 2));
        *next_token_out = token_encode(r->arena, query, &last, 1);
    }
    return LD_OK;
}
