/* The lineage walk's reads in PostgreSQL: per level, one batched statement
 * for the frontier's associations with their far ends' details (as of a past
 * moment, the far ends in a second statement); a walk without edges in one. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "lineaged/store.h"
#include "store_graph.h"
#include "vertex_cache.h"

/* The frontier's ids as an int8[] parameter. */
static const char *id_array(struct request *r, const int64_t *ids, size_t n)
{
    const char **items = arena_alloc(r->arena, (n ? n : 1) * sizeof *items);
    for (size_t i = 0; i < n; i++)
        items[i] = db_param_int(r, ids[i]);
    return db_param_array(r, items, n, false);
}

/* The facts of a vertex that never change (see vertex_cache.h): its id,
 * kind, ARN and QueryLineage Type. A component shows its job kind without
 * the SageMaker prefix (cut without a regular expression, which costs more
 * per row), an experiment is a context. The LineageType follows from the
 * kind (lineage_type_of). */
#define VERTEX_FACTS                                                                                         \
    "id, kind, arn, case kind when 1 then 'Experiment'"                                                      \
    " when 3 then coalesce(case when starts_with(source_type, 'SageMaker') then substr(source_type, 10)"     \
    " else source_type end, 'TrialComponent')"                                                               \
    " else vertex_type end"
/* The facts, then the details filters read. */
#define VERTEX_COLUMNS                                                                                       \
    VERTEX_FACTS                                                                                             \
    ", (extract(epoch from created_at) * 1000)::int8, (extract(epoch from modified_at) * 1000)::int8,"       \
    " (details->'Properties')::text, name"

/* The QueryLineage LineageType of a kind of vertex. */
static const char *lineage_type_of(int kind)
{
    switch (kind) {
    case KIND_TRIAL_COMPONENT:
        return "TrialComponent";
    case KIND_ARTIFACT:
        return "Artifact";
    case KIND_ACTION:
        return "Action";
    default: /* contexts and experiments */
        return "Context";
    }
}

/* A text column where it is in the result, NULL for SQL NULL: the result
 * lives as long as the request's arena (db_run), so it is not copied. */
static const char *text_ref(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

/* Reads the VERTEX_FACTS that start at column `col` of `row`; its strings
 * are the result's. */
static void facts_from_row(const PGresult *res, int row, int col, struct graph_vertex *v)
{
    v->id = db_int64(res, row, col);
    v->kind = (int)db_int64(res, row, col + 1);
    v->arn = text_ref(res, row, col + 2);
    v->type = text_ref(res, row, col + 3);
    v->lineage_type = lineage_type_of(v->kind);
}

/* Reads the VERTEX_COLUMNS that start at column `col` of `row`, as above. */
static void vertex_from_row(const PGresult *res, int row, int col, struct graph_vertex *v)
{
    facts_from_row(res, row, col, v);
    v->created_ms = PQgetisnull(res, row, col + 4) ? 0 : db_int64(res, row, col + 4);
    v->modified_ms = PQgetisnull(res, row, col + 5) ? 0 : db_int64(res, row, col + 5);
    v->properties = text_ref(res, row, col + 6);
    v->name = text_ref(res, row, col + 7);
}

/* The same reads as of a past moment ($2, epoch ms), from the history rows
 * of the associations `key` (a predicate on history h) picks: per edge, its
 * latest row at or before then, when that row is not a removal. History is
 * indexed by an edge's source: the rows of the edges into the frontier are
 * those of the sources of its live edges and of its removed ones. */
#define EDGES_AS_OF(key)                                                                                     \
    "select source_id, destination_id, association_type from (select distinct on (h.entity_id, h.other_id)"  \
    " h.entity_id as source_id, h.other_id as destination_id, (h.after_association).association_type,"       \
    " (h.after_association).source_id is not null as present from history h where " key                      \
    " and h.subject = 2 and h.at <= to_timestamp($2::float8 / 1000)"                                         \
    " order by h.entity_id, h.other_id, h.at desc, h.id desc) a where present"
#define FROM_FRONTIER "h.entity_id = any($1::int8[]) and h.other_id is not null"
#define INTO_FRONTIER                                                                                        \
    "h.other_id = any($1::int8[]) and h.entity_id in (select source_id from association"                     \
    " where destination_id = any($1::int8[]) union all select entity_id from history_removal"                \
    " where subject = 2 and other_id = any($1::int8[]))"

static const char *const adjacent_as_of_sql[] = {
    [WALK_BOTH] = EDGES_AS_OF(FROM_FRONTIER) " union " EDGES_AS_OF(INTO_FRONTIER),
    [WALK_ASCENDANTS] = EDGES_AS_OF(INTO_FRONTIER),
    [WALK_DESCENDANTS] = EDGES_AS_OF(FROM_FRONTIER),
};

/* The live associations from (`near` = source) or to (`near` = destination)
 * the frontier, each with its far end's vertex columns (NULL unless the far
 * end is a vertex of tenant $2), so that a level costs one statement; but
 * only when the level has at most $3 distinct far ends, as a level past the
 * walk's budget needs none of them (a hub's first level alone can hold
 * thousands). "offset 0" keeps that test a gate before the entity read. */
#define EDGES(near, far)                                                                                     \
    "select a.source_id, a.destination_id, a.association_type, a." far " as far from association a"          \
    " where a." near " = any($1::int8[])"
#define EDGES_WITH_FAR_ENDS(edges)                                                                           \
    "with e as materialized (" edges "), g as (select count(distinct far) <= $3::int8 as fetch from e)"      \
    " select e.source_id, e.destination_id, e.association_type, v.* from e cross join g left join lateral"   \
    " (select " VERTEX_COLUMNS " from entity where id = e.far and tenant_id = $2 and kind <> 2 and g.fetch"  \
    " offset 0) v on true"

static const char *const adjacent_sql[] = {
    [WALK_BOTH] = EDGES_WITH_FAR_ENDS(
        EDGES("source_id", "destination_id") " union all " EDGES("destination_id", "source_id")),
    [WALK_ASCENDANTS] = EDGES_WITH_FAR_ENDS(EDGES("destination_id", "source_id")),
    [WALK_DESCENDANTS] = EDGES_WITH_FAR_ENDS(EDGES("source_id", "destination_id")),
};

/* The associations alone, for a level with no room left (the look past the
 * depth limit that counts what a frontier vertex leads on to). */
static const char *const adjacent_edges_sql[] = {
    [WALK_BOTH] = EDGES("source_id", "destination_id") " union all " EDGES("destination_id", "source_id"),
    [WALK_ASCENDANTS] = EDGES("destination_id", "source_id"),
    [WALK_DESCENDANTS] = EDGES("source_id", "destination_id"),
};

/* The whole walk in one statement: per level (one row of the recursion), the
 * distinct far ends not met before, kept as arrays; a hashed anti-join
 * against the ids seen so far keeps each level linear, and the associations
 * are read from their index alone (sql/014). The recursion stops past the
 * depth ($3) or once it holds more than the budget ($4). A row per vertex:
 * depth, id and, in the statements that read them, its VERTEX_COLUMNS
 * ("offset 0" keeps the budget test a gate before the entity read, not a
 * filter after it), unless the walk passed the budget. */
#define REACH_LEVELS(far_ends)                                                                               \
    "with recursive lv (depth, ids, seen) as (select 0, array[s.id], array[s.id] from entity s"              \
    " where s.tenant_id = $2 and s.arn = lower($1) and s.kind <> 2 union all"                                \
    " select lv.depth + 1, n.ids, lv.seen || n.ids from lv cross join lateral (select array_agg(distinct"    \
    " f.id) as ids from (" far_ends ") f where not exists (select from unnest(lv.seen) s (id)"               \
    " where s.id = f.id) and not exists (select from entity t where t.id = f.id and t.kind = 2)) n"          \
    " where lv.depth < $3 and n.ids is not null and cardinality(lv.seen) <= $4::int8)"
/* Whether the walk kept within the budget: a walk past it reads no
 * vertex's columns and no edge, as its caller answers with an error. */
#define WITHIN_BUDGET "(select max(cardinality(seen)) from lv) <= $4::int8"
#define ID_ROWS(more) " select lv.depth, i.vid" more " from lv cross join unnest(lv.ids) i (vid)"
#define VERTEX_ROWS(more)                                                                                    \
    " select lv.depth, i.vid, v.*" more " from lv cross join unnest(lv.ids) i (vid) left join lateral"       \
    " (select " VERTEX_COLUMNS " from entity where id = i.vid and " WITHIN_BUDGET " offset 0) v on true"
#define FAR_ENDS(near, far) "select a." far " as id from association a where a." near " = any(lv.ids)"
#define BOTH_ENDS                                                                                            \
    FAR_ENDS("source_id", "destination_id") " union all " FAR_ENDS("destination_id", "source_id")
/* With edges, after the vertex rows (their `nulls` where a vertex row has
 * its id and columns): a row per association from a vertex closer than the
 * depth limit (`near`) to one of the walk, unless the walk passed the budget. */
#define WALKED ", w as (select lv.depth, i.vid from lv cross join unnest(lv.ids) i (vid))"
#define EDGE_ROWS(nulls, near, far)                                                                          \
    " union all select null, null, " nulls " a.source_id, a.destination_id, a.association_type from w n"     \
    " join association a on a." near " = n.vid join w f on f.vid = a." far                                   \
    " where n.depth < $3 and " WITHIN_BUDGET
#define EDGE_COLUMNS ", null::int8, null::int8, null::text"
/* In each direction, the vertex rows `rows`, then with edges the edge rows. */
#define REACH_VERTICES(rows)                                                                                 \
    {                                                                                                        \
        [WALK_BOTH] = REACH_LEVELS(BOTH_ENDS) rows(""),                                                      \
        [WALK_ASCENDANTS] = REACH_LEVELS(FAR_ENDS("destination_id", "source_id")) rows(""),                  \
        [WALK_DESCENDANTS] = REACH_LEVELS(FAR_ENDS("source_id", "destination_id")) rows(""),                 \
    }
#define REACH_EDGES(rows, nulls)                                                                             \
    {                                                                                                        \
        [WALK_BOTH] = REACH_LEVELS(BOTH_ENDS) WALKED rows(EDGE_COLUMNS)                                      \
            EDGE_ROWS(nulls, "source_id", "destination_id") EDGE_ROWS(nulls, "destination_id", "source_id"), \
        [WALK_ASCENDANTS] = REACH_LEVELS(FAR_ENDS("destination_id", "source_id")) WALKED rows(EDGE_COLUMNS)  \
            EDGE_ROWS(nulls, "destination_id", "source_id"),                                                 \
        [WALK_DESCENDANTS] = REACH_LEVELS(FAR_ENDS("source_id", "destination_id")) WALKED rows(EDGE_COLUMNS) \
            EDGE_ROWS(nulls, "source_id", "destination_id"),                                                 \
    }

/* [with the vertices' columns][with edges][direction] */
static const char *const reach_sql[2][2][3] = {
    {REACH_VERTICES(ID_ROWS), REACH_EDGES(ID_ROWS, "")},
    {REACH_VERTICES(VERTEX_ROWS),
     REACH_EDGES(VERTEX_ROWS, "null, null, null, null, null, null, null, null,")},
};

/* Runs a statement that looks up an array of ids. Its generic plan (index
 * lookups per id) suits any array; a custom plan costs the planner a look at
 * every id (70 ms for 80,000) only to choose a sequential scan. */
static PGresult *run_by_ids(struct request *r, const char *sql, int n, const char *const *vals)
{
    return db_run_set(r, "plan_cache_mode", "force_generic_plan", sql, n, vals);
}

static int by_id(const void *a, const void *b)
{
    const struct graph_vertex *x = *(struct graph_vertex *const *)a, *y = *(struct graph_vertex *const *)b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Fills in the facts of the walk's vertices at positions [from, to) of its
 * order by depth (the start at 0): from the cache, and those it misses in
 * one read, which the cache then keeps. A vertex the read does not find
 * keeps its id alone (ARN ""). */
static enum ld_err fill_facts(struct request *r, int32_t tenant, struct graph_vertex *v, size_t n,
                              size_t from, size_t to)
{
    int deepest = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].depth > deepest)
            deepest = v[i].depth;
    /* Level d holds the positions [first[d], first[d + 1]). */
    size_t *first = arena_alloc(r->arena, ((size_t)deepest + 2) * sizeof *first);
    for (size_t i = 0; i < n; i++)
        first[v[i].depth + 1]++;
    for (int d = 0; d <= deepest; d++)
        first[d + 1] += first[d];
    const char **missed = arena_alloc(r->arena, (n ? n : 1) * sizeof *missed);
    struct graph_vertex **missed_at = arena_alloc(r->arena, (n ? n : 1) * sizeof *missed_at);
    size_t misses = 0;
    for (size_t i = 0; i < n; i++) {
        struct graph_vertex *x = &v[i];
        if (first[x->depth + 1] <= from || first[x->depth] >= to)
            continue;
        if (vertex_cache_get(r->arena, tenant, x->id, &x->kind, &x->arn, &x->type)) {
            x->lineage_type = lineage_type_of(x->kind);
            continue;
        }
        missed[misses] = db_param_int(r, x->id);
        missed_at[misses++] = x;
    }
    if (!misses)
        return LD_OK;
    const char *vals[] = {db_param_int(r, tenant), db_param_array(r, missed, misses, false)};
    PGresult *res = run_by_ids(
        r, "select " VERTEX_FACTS " from entity where tenant_id = $1 and id = any($2::int8[]) and kind <> 2",
        2, vals);
    if (!res)
        return r->error;
    /* The rows in any order: matched to the vertices through a sorted copy. */
    qsort(missed_at, misses, sizeof *missed_at, by_id);
    for (int row = 0; row < PQntuples(res); row++) {
        struct graph_vertex facts;
        facts_from_row(res, row, 0, &facts);
        vertex_cache_put(tenant, facts.id, facts.kind, facts.arn, facts.type);
        struct graph_vertex key = {.id = facts.id}, *k = &key;
        struct graph_vertex **at = bsearch(&k, missed_at, misses, sizeof *missed_at, by_id);
        if (at) {
            (*at)->kind = facts.kind;
            (*at)->arn = facts.arn;
            (*at)->type = facts.type;
            (*at)->lineage_type = facts.lineage_type;
        }
    }
    return LD_OK;
}

enum ld_err store_graph_reach(struct request *r, const char *arn, const struct walk_options *opt,
                              struct graph_vertex **out, size_t *count, struct graph_edge **edges,
                              size_t *edge_count)
{
    *count = *edge_count = 0;
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK || !tenant)
        return e;
    bool columns = opt->detail_to == 0;
    const char *vals[] = {arn, db_param_int(r, tenant), db_param_int(r, opt->max_depth),
                          db_param_int(r, (int64_t)opt->budget)};
    PGresult *res = db_run(r, reach_sql[columns][!opt->vertices_only][opt->direction], 4, vals, NULL);
    if (!res)
        return r->error;
    size_t rows = (size_t)PQntuples(res);
    int edge_col = PQnfields(res) - 3;
    *out = arena_alloc(r->arena, (rows ? rows : 1) * sizeof **out);
    *edges = arena_alloc(r->arena, (rows ? rows : 1) * sizeof **edges);
    for (size_t i = 0; i < rows; i++) {
        int row = (int)i;
        if (PQgetisnull(res, row, 1)) { /* an edge */
            (*edges)[(*edge_count)++] =
                (struct graph_edge){.source_id = db_int64(res, row, edge_col),
                                    .destination_id = db_int64(res, row, edge_col + 1),
                                    .type = text_ref(res, row, edge_col + 2)};
            continue;
        }
        struct graph_vertex *v = &(*out)[(*count)++];
        if (!columns || PQgetisnull(res, row, 2))
            *v = (struct graph_vertex){.id = db_int64(res, row, 1), .arn = ""};
        else
            vertex_from_row(res, row, 2, v);
        v->depth = (int)db_int64(res, row, 0);
    }
    /* Past the budget the caller answers with an error: no facts needed. */
    if (columns || *count > opt->budget)
        return LD_OK;
    return fill_facts(r, tenant, *out, *count, opt->detail_from, opt->detail_to);
}

enum ld_err store_graph_adjacent(struct request *r, int32_t tenant, const int64_t *ids, size_t n,
                                 enum walk_direction dir, const int64_t *as_of, size_t room,
                                 struct graph_edge **edges, struct graph_vertex **far, size_t *count,
                                 bool *far_read)
{
    const char *vals[] = {id_array(r, ids, n), as_of ? db_param_int(r, *as_of) : db_param_int(r, tenant),
                          db_param_int(r, (int64_t)room)};
    bool edges_only = !as_of && room == 0;
    PGresult *res = as_of        ? run_by_ids(r, adjacent_as_of_sql[dir], 2, vals)
                    : edges_only ? run_by_ids(r, adjacent_edges_sql[dir], 1, vals)
                                 : run_by_ids(r, adjacent_sql[dir], 3, vals);
    if (!res)
        return r->error;
    *count = (size_t)PQntuples(res);
    *far_read = false;
    *edges = arena_alloc(r->arena, (*count ? *count : 1) * sizeof **edges);
    *far = arena_alloc(r->arena, (*count ? *count : 1) * sizeof **far);
    for (size_t i = 0; i < *count; i++) {
        (*edges)[i] = (struct graph_edge){.source_id = db_int64(res, (int)i, 0),
                                          .destination_id = db_int64(res, (int)i, 1),
                                          .type = text_ref(res, (int)i, 2)};
        /* As of a past moment, or past `room`, the far ends are read apart (id 0 here). */
        (*far)[i] = (struct graph_vertex){0};
        if (!as_of && !edges_only && !PQgetisnull(res, (int)i, 3)) {
            vertex_from_row(res, (int)i, 3, &(*far)[i]);
            *far_read = true;
        }
    }
    return LD_OK;
}

enum ld_err store_graph_vertices(struct request *r, int32_t tenant, const int64_t *ids, size_t n,
                                 const int64_t *as_of, struct graph_vertex **out, size_t *count)
{
    const char *vals[] = {db_param_int(r, tenant), id_array(r, ids, n),
                          as_of ? db_param_int(r, *as_of) : NULL};
    PGresult *res =
        as_of ? run_by_ids(r,
                           "select " VERTEX_COLUMNS " from " DB_ENTITY_AS_OF(
                               "h.entity_id = any($2::int8[])", "$3") " where tenant_id = $1 and kind <> 2",
                           3, vals)
              : run_by_ids(r,
                           "select " VERTEX_COLUMNS
                           " from entity where tenant_id = $1 and id = any($2::int8[]) and kind <> 2",
                           2, vals);
    if (!res)
        return r->error;
    *count = (size_t)PQntuples(res);
    *out = arena_alloc(r->arena, (*count ? *count : 1) * sizeof **out);
    for (size_t i = 0; i < *count; i++)
        vertex_from_row(res, (int)i, 0, &(*out)[i]);
    return LD_OK;
}

enum ld_err store_graph_start(struct request *r, const char *arn, const int64_t *as_of, int32_t *tenant,
                              struct graph_vertex *out, bool *found)
{
    *found = false;
    enum ld_err e = db_tenant(r, false, tenant);
    if (e != LD_OK || !*tenant)
        return e;
    const char *vals[] = {db_param_int(r, *tenant), arn, as_of ? db_param_int(r, *as_of) : NULL};
    PGresult *res =
        as_of ? db_run(r,
                       "select " VERTEX_COLUMNS
                       " from " DB_ENTITY_AS_OF("h.entity_id in " DB_ENTITY_IDS_WITH_ARN("lower($2)"),
                                                "$3") " where id is not null and kind <> 2",
                       3, vals, NULL)
              : db_run(r,
                       "select " VERTEX_COLUMNS
                       " from entity where tenant_id = $1 and arn = lower($2) and kind <> 2",
                       2, vals, NULL);
    if (!res)
        return r->error;
    if (PQntuples(res) == 1) {
        vertex_from_row(res, 0, 0, out);
        *found = true;
    }
    return LD_OK;
}
