/* Search in PostgreSQL: runs the statement the Search compiler builds, then
 * reads the page's records, with their tags and parents (or component
 * summaries), and lists the keys GetSearchSuggestions draws from. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "lineaged/search.h"
#include "lineaged/store.h"
#include "metric_summaries.h"

/* A record's tags as JSON text: json, not jsonb, since it is only printed
 * (a sixth of the records statement's CPU). */
#define TAGS_JSON                                                                                            \
    "(select coalesce(json_agg(json_build_object('Key', t.key, 'Value', t.value) order by t.seq), '[]')"     \
    " from tag t where t.entity_id = entity.id)::text"

/* The list a record carries besides its tags, per kind: none for
 * experiments, TrialComponentSummaries for trials, Parents for components. */
#define TRIAL_RELATED                                                                                        \
    "(select coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object('TrialComponentName', sc.name,"         \
    " 'TrialComponentArn', sc.arn, 'TrialComponentSource', case when sc.source_uri is not null"              \
    " then jsonb_build_object('SourceArn', sc.source_uri, 'SourceType', sc.source_type) end,"                \
    " 'CreationTime', round(extract(epoch from sc.created_at), 3), 'CreatedBy', sc.created_by))"             \
    " order by sm.created_at, sc.id), '[]') from trial_membership sm"                                        \
    " join entity sc on sc.id = sm.component_id where sm.trial_id = entity.id)::text"
#define COMPONENT_RELATED                                                                                    \
    "(select coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object('TrialName', pt.name,"                  \
    " 'ExperimentName', px.name)) order by pm.created_at, pt.id), '[]')"                                     \
    " from trial_membership pm join entity pt on pt.id = pm.trial_id"                                        \
    " left join entity px on px.id = pt.parent_id where pm.component_id = entity.id)::text"

/* The records of the ids $1 (an array), in its order. The text is fixed per
 * kind, so the statement is planned once per connection, apart from the
 * search that found the ids. */
#define RECORDS_SQL(related)                                                                                 \
    "select " DB_ENTITY_COLUMNS ", " TAGS_JSON ", " related " from unnest($1::int8[]) with ordinality"       \
    " u (record_id, place) join entity on entity.id = u.record_id order by u.place"
static const char *const records_sql[] = {
    [KIND_EXPERIMENT] = RECORDS_SQL("null"),
    [KIND_TRIAL] = RECORDS_SQL(TRIAL_RELATED),
    [KIND_TRIAL_COMPONENT] = RECORDS_SQL(COMPONENT_RELATED),
};

enum { COL_TAGS = 17, COL_RELATED = 18 };

/* Runs `sql` of `q` under the plan mode the compiler asked for. The
 * statements are planned once per connection when their shape, not the
 * values, decides the plan (id sets from indexes, the capped matches), since
 * a custom plan costs more than most searches take to run. Except when sets
 * are intersected: a plan for unknown values reads a common tag value's
 * 50,000 rows where probing the other set's 1,000 matches for it costs less. */
static PGresult *run_compiled(struct request *r, const struct search_sql *q, const char *sql)
{
    return db_run_set(r, "plan_cache_mode", q->custom_plan ? "force_custom_plan" : "force_generic_plan", sql,
                      q->param_count, q->params);
}

enum ld_err store_search(struct request *r, struct search_spec *spec, search_writer put, void *ctx,
                         int64_t *total, const char **next_token)
{
    *total = 0;
    *next_token = NULL;
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK)
        return e;
    spec->tenant = tenant;
    struct search_sql q;
    if ((e = search_compile(r, spec, &q)) != LD_OK || !tenant)
        return e;
    PGresult *res = run_compiled(r, &q, q.text);
    if (!res)
        return r->error;
    *total = db_int64(res, 0, 0);
    int col = 1; /* the page's first column: the id */
    if (*total > SEARCH_TOTAL_CAP) {
        if (!(res = run_compiled(r, &q, q.deep)))
            return r->error;
        col = 0;
    }
    int rows = PQntuples(res);
    if (rows == 0 || PQgetisnull(res, 0, col))
        return LD_OK; /* an empty page */
    size_t count = rows > spec->limit ? (size_t)spec->limit : (size_t)rows;
    const char **ids = arena_alloc(r->arena, count * sizeof *ids);
    int64_t *id_values = arena_alloc(r->arena, count * sizeof *id_values);
    for (size_t i = 0; i < count; i++) {
        ids[i] = PQgetvalue(res, (int)i, col);
        id_values[i] = db_int64(res, (int)i, col);
    }
    if (rows > spec->limit) {
        const char **keys = arena_alloc(r->arena, (size_t)q.key_count * sizeof *keys);
        for (int k = 0; k < q.key_count; k++)
            keys[k] = db_text(r, res, (int)count - 1, col + 1 + k);
        *next_token = search_next_token(r->arena, &q, keys, q.key_count);
    }
    /* The records, and for components their metric summaries, in one round trip. */
    const char *vals[] = {db_param_array(r, ids, count, false)};
    struct db_stmt s[] = {{.sql = records_sql[spec->kind], .n = 1, .vals = vals},
                          {.sql = METRIC_SUMMARIES_SQL, .n = 1, .vals = vals}};
    PGresult *out[2];
    if (!db_run_each(r, s, spec->kind == KIND_TRIAL_COMPONENT ? 2 : 1, out))
        return r->error;
    /* A record deleted since its id was found is left out (its summaries with it). */
    cJSON **metrics = arena_alloc(r->arena, count * sizeof *metrics);
    memset(metrics, 0, count * sizeof *metrics);
    size_t place = 0; /* the record's place in `ids`: rows come in that order */
    for (int i = 0; i < PQntuples(out[0]); i++) {
        struct search_hit h;
        db_entity_from_row(r, out[0], i, 0, &h.entity);
        h.tags = db_text(r, out[0], i, COL_TAGS);
        h.related = db_text(r, out[0], i, COL_RELATED);
        while (place < count && id_values[place] != h.entity.id)
            place++;
        if (place == count)
            break;
        metrics[place] = put(r, &h, ctx);
    }
    if (spec->kind == KIND_TRIAL_COMPONENT)
        metric_summaries_read(r, out[1], metrics);
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
