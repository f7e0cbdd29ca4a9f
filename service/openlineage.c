/* OpenLineage run events as lineage: each run is an action (its status from
 * the event type), each dataset an artifact keyed by namespace and name;
 * inputs contribute to the run and the run produces its outputs. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "derive.h"
#include "ingest.h"
#include "json_io.h"
#include "lineaged/timefmt.h"

enum { PROPERTY_MAX = 30, PROPERTY_VALUE_MAX = 2500, SOURCE_URI_MAX = 2048, SOURCE_FIELD_MAX = 256 };

/* Event types and the action status each sets (NULL: no change). */
static const struct {
    const char *event_type, *status;
} event_types[] = {
    {"START", "InProgress"}, {"RUNNING", "InProgress"}, {"COMPLETE", "Completed"},
    {"FAIL", "Failed"},      {"ABORT", "Stopped"},      {"OTHER", NULL},
};

/* Whether `s` is a UUID in its canonical 8-4-4-4-12 hex layout. */
static bool uuid_ok(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex)
            return false;
    }
    return true;
}

/* Checks each facet of a facets object: an object carrying _producer and
 * _schemaURL (or a deletion marker _deleted). Keeps each that fits as a
 * property "<prefix><facet name>" holding its JSON text. */
static void facets(struct derive_plan *p, const cJSON *owner, const char *path, const char *key,
                   const char *prefix, cJSON *properties)
{
    const cJSON *all = derive_object(p, owner, path, key, false), *f;
    const char *fp = arena_printf(p->r->arena, "%s.%s", path, key);
    cJSON_ArrayForEach(f, all)
    {
        const char *one = arena_printf(p->r->arena, "%s.%s", fp, f->string);
        if (!cJSON_IsObject(f)) {
            derive_problem(p, "%s must be an object", one);
            continue;
        }
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "_deleted")))
            continue;
        derive_string(p, f, one, "_producer", true);
        derive_string(p, f, one, "_schemaURL", true);
        const char *text = json_print_owned(p->r, f);
        const char *name = arena_printf(p->r->arena, "%s%s", prefix, f->string);
        /* A facet longer than a property value holds is left out rather than cut. */
        if (strlen(text) <= PROPERTY_VALUE_MAX && strlen(name) <= PROPERTY_VALUE_MAX)
            cJSON_AddStringToObject(properties, name, text);
    }
}

/* The artifact of one dataset: its URI is "<namespace>/<name>", or the name
 * alone when that is already a URI. */
static size_t dataset(struct derive_plan *p, const cJSON *d, const char *path, const char *facet_key)
{
    const char *ns = derive_string(p, d, path, "namespace", true);
    const char *name = derive_string(p, d, path, "name", true);
    cJSON *props = json_parse_owned_adopt(p->r, cJSON_CreateObject());
    facets(p, d, path, "facets", "facet.", props);
    facets(p, d, path, facet_key, "facet.", props);
    if (!ns || !name)
        return (size_t)-1;
    size_t nl = strlen(ns);
    const char *uri = strstr(name, "://")       ? name
                      : nl && ns[nl - 1] == '/' ? arena_printf(p->r->arena, "%s%s", ns, name)
                                                : arena_printf(p->r->arena, "%s/%s", ns, name);
    if (strlen(uri) > SOURCE_URI_MAX) {
        derive_problem(p, "%s: the dataset URI '%.64s...' is longer than %d characters", path, uri,
                       SOURCE_URI_MAX);
        return (size_t)-1;
    }
    size_t a = derive_artifact(p, uri, "DataSet", NULL);
    struct derive_update *u = derive_update(p, a);
    u->merge_member = "Properties";
    u->merge = props;
    u->merge_max = PROPERTY_MAX;
    return a;
}

/* The action of a run: named by its run id, its Source the job ("<namespace>/<name>"),
 * the producer and the run id; `status` NULL leaves it Unknown. */
static size_t run_action(struct derive_plan *p, const char *run_id, const char *source, const char *job_name,
                         const char *producer, const char *status)
{
    char *name = arena_strdup(p->r->arena, run_id);
    for (char *c = name; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    struct entity_input in = {
        .kind = KIND_ACTION,
        .name = name,
        .vertex_type = "OpenLineageRun",
        .lineage = true,
        .description = job_name,
        .source_uri = source,
        .source_type = producer,
        .source_id = name,
        .status = status ? status : "Unknown",
    };
    return derive_entity(p, &in, NULL);
}

/* The parent run facet (a DAG run above its task runs, say): the parent's
 * action, made if its own events have not come yet, is AssociatedWith the
 * child's. Edges run parent to child, so the walks up from a run's outputs
 * never spread to its sibling tasks. */
static void parent_run(struct derive_plan *p, const cJSON *run, const char *producer, const char *child_id,
                       size_t child)
{
    const char *pp = "run.facets.parent";
    const cJSON *parent =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(run, "facets"), "parent");
    if (!cJSON_IsObject(parent) || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(parent, "_deleted")))
        return;
    const cJSON *prun = derive_object(p, parent, pp, "run", true);
    const cJSON *pjob = derive_object(p, parent, pp, "job", true);
    const char *id = derive_string(p, prun, "run.facets.parent.run", "runId", true);
    const char *ns = derive_string(p, pjob, "run.facets.parent.job", "namespace", true);
    const char *name = derive_string(p, pjob, "run.facets.parent.job", "name", true);
    if (id && !uuid_ok(id))
        derive_problem(p, "run.facets.parent.run.runId '%s' must be a UUID", id);
    if (!id || !uuid_ok(id) || !ns || !name || child == (size_t)-1 || strcasecmp(id, child_id) == 0)
        return;
    const char *source = arena_printf(p->r->arena, "%s/%s", ns, name);
    if (strlen(source) > SOURCE_URI_MAX) {
        derive_problem(p, "run.facets.parent.job: '%.64s...' is longer than %d characters", source,
                       SOURCE_URI_MAX);
        return;
    }
    derive_edge(p, run_action(p, id, source, name, producer, NULL), child, "AssociatedWith");
}

enum ld_err openlineage_ingest(struct request *r, const cJSON *event)
{
    struct derive_plan p;
    derive_init(&p, r);
    const char *event_time = derive_string(&p, event, "", "eventTime", true);
    int64_t ms;
    if (event_time && !ldtime_parse_text(event_time, &ms))
        derive_problem(&p, "eventTime '%s' must be an ISO-8601 date-time", event_time);
    const char *producer = derive_string(&p, event, "", "producer", true);
    derive_string(&p, event, "", "schemaURL", true);
    const char *type = derive_string(&p, event, "", "eventType", false), *status = NULL;
    bool known = !type;
    for (size_t i = 0; type && i < sizeof event_types / sizeof event_types[0]; i++)
        if (strcmp(type, event_types[i].event_type) == 0) {
            known = true;
            status = event_types[i].status;
        }
    if (!known)
        derive_problem(&p, "eventType '%s' must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER",
                       type);
    const cJSON *run = derive_object(&p, event, "", "run", true);
    const cJSON *job = derive_object(&p, event, "", "job", true);
    const char *run_id = derive_string(&p, run, "run", "runId", true);
    if (run_id && !uuid_ok(run_id))
        derive_problem(&p, "run.runId '%s' must be a UUID", run_id);
    const char *ns = derive_string(&p, job, "job", "namespace", true);
    const char *job_name = derive_string(&p, job, "job", "name", true);
    cJSON *props = json_parse_owned_adopt(r, cJSON_CreateObject());
    facets(&p, run, "run", "facets", "run.facet.", props);
    facets(&p, job, "job", "facets", "job.facet.", props);
    const char *source = ns && job_name ? arena_printf(r->arena, "%s/%s", ns, job_name) : NULL;
    if (source && strlen(source) > SOURCE_URI_MAX)
        derive_problem(&p, "job: '%.64s...' is longer than %d characters", source, SOURCE_URI_MAX);
    if (producer && strlen(producer) > SOURCE_FIELD_MAX)
        derive_problem(&p, "producer is longer than %d characters", SOURCE_FIELD_MAX);

    size_t action = 0;
    bool have_action = run_id && uuid_ok(run_id) && source;
    if (have_action) {
        cJSON_AddStringToObject(props, "JobNamespace", ns);
        cJSON_AddStringToObject(props, "JobName", job_name);
        if (type && strcmp(type, "START") == 0)
            cJSON_AddStringToObject(props, "StartTime", event_time);
        if (status && strcmp(status, "InProgress") != 0)
            cJSON_AddStringToObject(props, "EndTime", event_time);
        action = run_action(&p, run_id, source, job_name, producer, status);
        struct derive_update *u = derive_update(&p, action);
        u->status = status;
        u->merge_member = "Properties";
        u->merge = props;
        u->merge_max = PROPERTY_MAX;
    }
    parent_run(&p, run, producer, run_id, have_action ? action : (size_t)-1);
    const char *sides[] = {"inputs", "outputs"}, *facet_keys[] = {"inputFacets", "outputFacets"};
    for (int s = 0; s < 2; s++) {
        const cJSON *list = derive_array(&p, event, "", sides[s], false), *d;
        int i = 0;
        cJSON_ArrayForEach(d, list)
        {
            const char *path = arena_printf(r->arena, "%s[%d]", sides[s], i++);
            if (!cJSON_IsObject(d)) {
                derive_problem(&p, "%s must be an object", path);
                continue;
            }
            size_t a = dataset(&p, d, path, facet_keys[s]);
            if (a == (size_t)-1 || p.problem_count)
                continue;
            if (s == 0)
                derive_edge(&p, a, action, "ContributedTo");
            else
                derive_edge(&p, action, a, "Produced");
        }
    }
    cJSON *entities = json_parse_owned_adopt(r, cJSON_CreateArray());
    cJSON *associations = json_parse_owned_adopt(r, cJSON_CreateArray());
    return derive_apply(&p, entities, associations);
}
