/* Derived lineage: a plan read from one document, then applied through the
 * ordinary store calls inside one transaction. */
#include "derive.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_io.h"
#include "lineaged/artifact_identity.h"

struct derive_node {
    struct entity_input in;
    const char *parent_experiment;
    const char *arn; /* set by derive_apply */
};

struct derive_edge {
    size_t source, destination;
    const char *type;
    const char *source_arn, *destination_arn; /* set by derive_apply */
};

struct derive_member {
    size_t component;
    const char *trial, *experiment;
};

struct derive_run_source {
    size_t component;
    const char *run;
};

/* Room for one more item in an arena array that doubles when full. */
static void *grow(struct arena *a, void *items, size_t size, size_t count, size_t *cap)
{
    if (count < *cap)
        return items;
    size_t n = *cap ? 2 * *cap : 8;
    void *bigger = arena_alloc(a, n * size);
    if (count)
        memcpy(bigger, items, count * size);
    *cap = n;
    return bigger;
}

void derive_init(struct derive_plan *p, struct request *r)
{
    memset(p, 0, sizeof *p);
    p->r = r;
}

void derive_problem(struct derive_plan *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *one = arena_vprintf(p->r->arena, fmt, ap);
    va_end(ap);
    p->problems = p->problems ? arena_printf(p->r->arena, "%s; %s", p->problems, one) : one;
    p->problem_count++;
}

size_t derive_entity(struct derive_plan *p, const struct entity_input *in, const char *parent_experiment)
{
    p->nodes = grow(p->r->arena, p->nodes, sizeof *p->nodes, p->node_count, &p->node_cap);
    struct derive_node *n = &p->nodes[p->node_count];
    n->in = *in;
    n->in.derived = true;
    n->parent_experiment = parent_experiment;
    return p->node_count++;
}

size_t derive_artifact(struct derive_plan *p, const char *uri, const char *type, const cJSON *properties)
{
    for (size_t i = 0; i < p->node_count; i++) {
        const struct entity_input *in = &p->nodes[i].in;
        if (in->kind == KIND_ARTIFACT && strcmp(in->source_uri, uri) == 0 &&
            strcmp(in->vertex_type, type) == 0)
            return i;
    }
    if (strlen(uri) > 2048) /* the model's limit on a SourceUri */
        derive_problem(p, "the artifact URI '%.64s...' is longer than 2048 characters", uri);
    struct arena *a = p->r->arena;
    cJSON *types = artifact_source_type_set(a, NULL);
    cJSON *details = json_parse_owned_adopt(p->r, cJSON_CreateObject());
    cJSON_AddItemToObject(details, "SourceTypes", cJSON_Duplicate(types, 1));
    if (properties)
        cJSON_AddItemToObject(details, "Properties", cJSON_Duplicate(properties, 1));
    struct entity_input in = {
        .kind = KIND_ARTIFACT,
        .arn_id = artifact_id(a, uri, type, types),
        .vertex_type = type,
        .lineage = true,
        .source_uri = uri,
        .details = json_print_owned(p->r, details),
    };
    return derive_entity(p, &in, NULL);
}

void derive_edge(struct derive_plan *p, size_t source, size_t destination, const char *type)
{
    p->edges = grow(p->r->arena, p->edges, sizeof *p->edges, p->edge_count, &p->edge_cap);
    p->edges[p->edge_count++] =
        (struct derive_edge){.source = source, .destination = destination, .type = type};
}

void derive_membership(struct derive_plan *p, size_t component, const char *trial, const char *experiment)
{
    p->members = grow(p->r->arena, p->members, sizeof *p->members, p->member_count, &p->member_cap);
    p->members[p->member_count++] = (struct derive_member){component, trial, experiment};
}

void derive_run_source(struct derive_plan *p, size_t component, const char *run)
{
    p->run_sources =
        grow(p->r->arena, p->run_sources, sizeof *p->run_sources, p->run_source_count, &p->run_source_cap);
    p->run_sources[p->run_source_count++] = (struct derive_run_source){component, run};
}

struct derive_update *derive_update(struct derive_plan *p, size_t node)
{
    p->updates = grow(p->r->arena, p->updates, sizeof *p->updates, p->update_count, &p->update_cap);
    struct derive_update *u = &p->updates[p->update_count++];
    memset(u, 0, sizeof *u);
    u->node = node;
    return u;
}

static const char *member_path(struct derive_plan *p, const char *path, const char *key)
{
    return *path ? arena_printf(p->r->arena, "%s.%s", path, key) : key;
}

/* The member when it has the type `is` accepts; records a problem otherwise. */
static const cJSON *typed_member(struct derive_plan *p, const cJSON *o, const char *path, const char *key,
                                 bool required, cJSON_bool (*is)(const cJSON *), const char *what)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) {
        if (required)
            derive_problem(p, "%s is required", member_path(p, path, key));
        return NULL;
    }
    if (!is(v)) {
        derive_problem(p, "%s must be %s", member_path(p, path, key), what);
        return NULL;
    }
    return v;
}

const cJSON *derive_object(struct derive_plan *p, const cJSON *o, const char *path, const char *key,
                           bool required)
{
    return typed_member(p, o, path, key, required, cJSON_IsObject, "an object");
}

const cJSON *derive_array(struct derive_plan *p, const cJSON *o, const char *path, const char *key,
                          bool required)
{
    return typed_member(p, o, path, key, required, cJSON_IsArray, "an array");
}

const char *derive_string(struct derive_plan *p, const cJSON *o, const char *path, const char *key,
                          bool required)
{
    const cJSON *v = typed_member(p, o, path, key, required, cJSON_IsString, "a string");
    if (v && !*v->valuestring) {
        derive_problem(p, "%s must not be empty", member_path(p, path, key));
        return NULL;
    }
    return v ? v->valuestring : NULL;
}

/* Whether `s` matches [a-zA-Z0-9](-*[a-zA-Z0-9]){0,max-1}. */
static bool entity_name_ok(const char *s, int max)
{
    size_t n = strlen(s);
    if (n == 0 || n > (size_t)max || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

const char *derive_name(struct derive_plan *p, const cJSON *o, const char *path, const char *key, int max)
{
    const char *s = derive_string(p, o, path, key, true);
    if (s && !entity_name_ok(s, max)) {
        derive_problem(p, "%s '%s' must be 1 to %d letters, digits and inner hyphens",
                       member_path(p, path, key), s, max);
        return NULL;
    }
    return s;
}

static bool finished(const char *status)
{
    return status && (strcmp(status, "Completed") == 0 || strcmp(status, "Failed") == 0 ||
                      strcmp(status, "Stopped") == 0);
}

/* Applies the changes of `u` (not its node: `cur` is the entity) to `cur`,
 * or nothing when the entity already says it all. */
static enum ld_err update_entity(struct derive_plan *p, const struct entity *cur,
                                 const struct derive_update *u)
{
    struct request *r = p->r;
    const char *status = u->status;
    /* A late "running" never reopens a finished job or run; the same status is no change. */
    if (status && cur->status &&
        (strcmp(status, cur->status) == 0 || (finished(cur->status) && !finished(status))))
        status = NULL;
    const cJSON *details = json_parse_owned(r, cur->details);
    const cJSON *map = cJSON_GetObjectItemCaseSensitive(details, u->merge_member);
    cJSON *merge = json_parse_owned_adopt(r, cJSON_CreateObject());
    int keys = cJSON_GetArraySize(map);
    const cJSON *item;
    cJSON_ArrayForEach(item, u->merge)
    {
        const cJSON *old = cJSON_GetObjectItemCaseSensitive(map, item->string);
        if (old && cJSON_Compare(old, item, 1))
            continue;
        if (!old && u->merge_max && keys >= u->merge_max)
            continue;
        keys += !old;
        cJSON_AddItemToObject(merge, item->string, cJSON_Duplicate(item, 1));
    }
    if (!status && !merge->child)
        return LD_OK;
    struct entity_update upd = {
        .status = status,
        /* The details that describe a state travel with it. */
        .details_set = status && u->details_set ? json_print_owned(r, u->details_set) : NULL,
        .merges = {{u->merge_member, merge->child ? json_print_owned(r, merge) : NULL, NULL, 0}},
    };
    const char *arn;
    return store_entity_update(r, cur->kind, cur->arn, &upd, &arn);
}

static enum ld_err apply_update(struct derive_plan *p, const struct derive_update *u)
{
    const struct derive_node *n = &p->nodes[u->node];
    struct entity cur;
    enum ld_err e = store_entity_get(p->r, n->in.kind, n->arn, &cur);
    return e == LD_OK ? update_entity(p, &cur, u) : e;
}

/* The run's Sources is kept as a map from job ARN to source type, so a job
 * named again changes nothing and concurrent jobs merge rather than race. */
static enum ld_err apply_run_source(struct derive_plan *p, const struct derive_run_source *s)
{
    struct entity run;
    enum ld_err e = store_entity_get(p->r, KIND_TRIAL_COMPONENT, s->run, &run);
    if (e != LD_OK)
        return e;
    const struct entity_input *job = &p->nodes[s->component].in;
    struct derive_update u = {.merge_member = "Sources",
                              .merge = json_parse_owned_adopt(p->r, cJSON_CreateObject())};
    cJSON_AddStringToObject(u.merge, job->source_uri, job->source_type);
    return update_entity(p, &run, &u);
}

/* Joins the component to its trial, which must exist and, when named, be in `experiment`. */
static enum ld_err apply_membership(struct derive_plan *p, const struct derive_member *m)
{
    struct request *r = p->r;
    struct entity trial;
    enum ld_err e = store_entity_get(r, KIND_TRIAL, m->trial, &trial);
    if (e != LD_OK)
        return e;
    if (m->experiment && (!trial.parent_name || strcasecmp(trial.parent_name, m->experiment) != 0))
        return req_fail(r, LD_ERR_VALIDATION, "Trial (%s) does not belong to experiment (%s).", m->trial,
                        m->experiment);
    const char *component_arn, *trial_arn;
    return store_membership_set(r, p->nodes[m->component].arn, m->trial, true, &component_arn, &trial_arn);
}

static const char *node_key(const struct derive_node *n)
{
    return n->in.arn_id ? n->in.arn_id : n->in.name;
}

/* Entities go in one global order (kind, then name or identity), and edges in
 * their ends' ARN order, so concurrent deliveries that share entities wait on
 * one another instead of deadlocking. Kind order also creates an experiment
 * before its trials. */
static int by_kind_and_key(const void *a, const void *b)
{
    const struct derive_node *x = *(const struct derive_node *const *)a,
                             *y = *(const struct derive_node *const *)b;
    if (x->in.kind != y->in.kind)
        return x->in.kind < y->in.kind ? -1 : 1;
    return strcasecmp(node_key(x), node_key(y));
}

static int by_ends(const void *a, const void *b)
{
    const struct derive_edge *x = *(const struct derive_edge *const *)a,
                             *y = *(const struct derive_edge *const *)b;
    int c = strcmp(x->source_arn, y->source_arn);
    return c ? c : strcmp(x->destination_arn, y->destination_arn);
}

enum ld_err derive_apply(struct derive_plan *p, cJSON *entities, cJSON *associations)
{
    struct request *r = p->r;
    if (p->problem_count)
        return req_fail(r, LD_ERR_VALIDATION, "%d validation error%s detected: %s", p->problem_count,
                        p->problem_count == 1 ? "" : "s", p->problems);
    struct derive_node **nodes = arena_alloc(r->arena, (p->node_count + 1) * sizeof *nodes);
    for (size_t i = 0; i < p->node_count; i++)
        nodes[i] = &p->nodes[i];
    qsort(nodes, p->node_count, sizeof *nodes, by_kind_and_key);
    enum ld_err e = store_begin(r);
    for (size_t i = 0; e == LD_OK && i < p->node_count; i++) {
        struct derive_node *n = nodes[i];
        if (n->parent_experiment) {
            struct entity experiment;
            if ((e = store_entity_get(r, KIND_EXPERIMENT, n->parent_experiment, &experiment)) != LD_OK)
                break;
            n->in.parent_id = experiment.id;
        }
        if ((e = store_entity_create(r, &n->in, NULL, &n->arn)) == LD_OK)
            cJSON_AddItemToArray(entities, cJSON_CreateString(n->arn));
    }
    struct derive_edge **edges = arena_alloc(r->arena, (p->edge_count + 1) * sizeof *edges);
    for (size_t i = 0; e == LD_OK && i < p->edge_count; i++) {
        edges[i] = &p->edges[i];
        edges[i]->source_arn = p->nodes[edges[i]->source].arn;
        edges[i]->destination_arn = p->nodes[edges[i]->destination].arn;
    }
    if (e == LD_OK)
        qsort(edges, p->edge_count, sizeof *edges, by_ends);
    for (size_t i = 0; e == LD_OK && i < p->edge_count; i++) {
        const struct derive_edge *d = edges[i];
        if ((e = store_association_add(r, d->source_arn, d->destination_arn, d->type, true)) != LD_OK)
            break;
        cJSON *a = cJSON_CreateObject();
        cJSON_AddItemToArray(associations, a);
        json_put_str(a, "SourceArn", d->source_arn);
        json_put_str(a, "DestinationArn", d->destination_arn);
        json_put_str(a, "AssociationType", d->type);
    }
    for (size_t i = 0; e == LD_OK && i < p->member_count; i++)
        e = apply_membership(p, &p->members[i]);
    for (size_t i = 0; e == LD_OK && i < p->run_source_count; i++)
        e = apply_run_source(p, &p->run_sources[i]);
    for (size_t i = 0; e == LD_OK && i < p->update_count; i++)
        e = apply_update(p, &p->updates[i]);
    return e == LD_OK ? store_commit(r) : e;
}
