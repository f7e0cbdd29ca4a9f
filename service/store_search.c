/* Search in PostgreSQL: runs the statement the Search compiler builds, with
 * each record's tags and parents (or component summaries) gathered for the
 * page alone, and lists the keys GetSearchSuggestions draws from. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "lineaged/search.h"
#include "lineaged/store.h"

#define TAGS_JSON                                                                                            \
    "(select coalesce(jsonb_agg(jsonb_build_object('Key', t.key, 'Value', t.value) order by t.seq), '[]')"   \
    " from tag t where t.entity_id = entity.id)::text"

/* The list a record carries besides its tags, per kind: none for
 * experiments, TrialComponentSummaries for trials, Parents for components. */
static const char *const related_json[] = {
    [KIND_EXPERIMENT] = "null",
    [KIND_TRIAL] =
        "(select coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object('TrialComponentName', sc.name,"
        " 'TrialComponentArn', sc.arn, 'TrialComponentSource', case when sc.source_uri is not null"
        " then jsonb_build_object('SourceArn', sc.source_uri, 'SourceType', sc.source_type) end,"
        " 'CreationTime', round(extract(epoch from sc.created_at), 3), 'CreatedBy', sc.created_by))"
        " order by sm.created_at, sc.id), '[]') from trial_membership sm"
        " join entity sc on sc.id = sm.component_id where sm.trial_id = entity.id)::text",
    [KIND_TRIAL_COMPONENT] =
        "(select coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object('TrialName', pt.name,"
        " 'ExperimentName', px.name)) order by pm.created_at, pt.id), '[]')"
        " from trial_membership pm join entity pt on pt.id = pm.trial_id"
        " left join entity px on px.id = pt.parent_id where pm.component_id = entity.id)::text",
};

enum { COL_TOTAL = 0, COL_ENTITY = 1, COL_TAGS = 18, COL_RELATED = 19, COL_KEYS = 20 };

enum ld_err store_search(struct request *r, struct search_spec *spec, struct search_hit **hits, size_t *n,
                         int64_t *total, const char **next_token)
{
    *hits = NULL;
    *n = 0;
    *total = 0;
    *next_token = NULL;
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK)
        return e;
    spec->tenant = tenant;
    spec->columns = arena_printf(r->arena, DB_ENTITY_COLUMNS ", " TAGS_JSON ", %s", related_json[spec->kind]);
    struct search_sql q;
    if ((e = search_compile(r, spec, &q)) != LD_OK || !tenant)
        return e;
    /* The statement is planned once per connection: its shape, not the
     * values, decides the plan (id sets from indexes, the capped matches),
     * while a custom plan costs more than most searches take to run (about
     * 2 ms). Except when sets are intersected: a plan for unknown values
     * reads a common tag value's 50,000 rows where probing the other set's
     * 1,000 matches for it costs less. */
    PGresult *res =
        db_run_set(r, "plan_cache_mode", q.custom_plan ? "force_custom_plan" : "force_generic_plan", q.text,
                   q.param_count, q.params);
    if (!res)
        return r->error;
    int rows = PQntuples(res);
    *total = db_int64(res, 0, COL_TOTAL);
    if (rows == 1 && PQgetisnull(res, 0, COL_ENTITY))
        return LD_OK; /* an empty page */
    size_t count = rows > spec->limit ? (size_t)spec->limit : (size_t)rows;
    *hits = arena_alloc(r->arena, count * sizeof **hits);
    for (size_t i = 0; i < count; i++) {
        struct search_hit *h = &(*hits)[i];
        db_entity_from_row(r, res, (int)i, COL_ENTITY, &h->entity);
        h->tags = db_text(r, res, (int)i, COL_TAGS);
        h->related = db_text(r, res, (int)i, COL_RELATED);
    }
    *n = count;
    if (rows > spec->limit) {
        const char **keys = arena_alloc(r->arena, (size_t)q.key_count * sizeof *keys);
        for (int k = 0; k < q.key_count; k++)
            keys[k] = db_text(r, res, (int)count - 1, COL_KEYS + k);
        *next_token = search_next_token(r->arena, &q, keys, q.key_count);
    }
    return LD_OK;
}

/* The tag keys of the kind's records, and for components their parameter
 * and metric names: each as (family, key). */
static const char keys_sql[] =
    "select 'Tags', t.key from tag t join entity e on e.id = t.entity_id"
    " where e.tenant_id = $1 and e.kind = $2 group by t.key"
    " union all select 'Parameters', a.key from search_param a where a.tenant_id = $1 and $2 = 3 group by "
    "a.key"
    " union all select 'Metrics', m.metric_name from metric_summary m join entity e on e.id = m.component_id"
    " where e.tenant_id = $1 and e.kind = $2 group by m.metric_name"
    " order by 1 desc, 2";

enum ld_err store_search_suggestions(struct request *r, int kind, const char *hint, cJSON *out_array)
{
    search_suggest_fields(kind, hint, out_array);
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK || !tenant)
        return e;
    const char *vals[] = {db_param_int(r, tenant), db_param_int(r, kind)};
    PGresult *res = db_run(r, keys_sql, 2, vals, NULL);
    if (!res)
        return r->error;
    for (int i = 0; i < PQntuples(res); i++)
        search_suggest_key(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), hint, out_array);
    return LD_OK;
}
