/* Lineage the service derives itself (from an emulator's SageMaker calls or
 * OpenLineage events): a plan of entities, associations, trial memberships
 * and status updates, built from one document and applied in one transaction
 * so a delivery is stored whole or not at all, and a repeated one is a no-op. */
#ifndef LINEAGED_DERIVE_H
#define LINEAGED_DERIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "lineaged/store.h"

/* An update of an entity of the plan, applied only when it changes something:
 * `status` (not moved back from a finished state to an open one), details
 * members replaced by `details_set`, and keys of `merge` (a JSON object) added
 * to the details map `merge_member`, which holds at most `merge_max` keys
 * (0: no limit; new keys past it are dropped, existing ones still change). */
struct derive_update {
    size_t node;
    const char *status;
    cJSON *details_set;
    const char *merge_member;
    cJSON *merge;
    int merge_max;
};

struct derive_plan {
    struct request *r;
    struct derive_node *nodes;
    size_t node_count, node_cap;
    struct derive_edge *edges;
    size_t edge_count, edge_cap;
    struct derive_member *members;
    size_t member_count, member_cap;
    struct derive_run_source *run_sources;
    size_t run_source_count, run_source_cap;
    struct derive_update *updates;
    size_t update_count, update_cap;
    char *problems; /* every problem found while reading the document */
    int problem_count;
};

/* A plan in `r`'s arena. */
void derive_init(struct derive_plan *p, struct request *r);

/* Records a problem with the document; the plan will not be applied. */
void derive_problem(struct derive_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds an entity to ensure (created unless one of that name or identity
 * exists, which is reused). `parent_experiment` names a trial's experiment.
 * Returns its index. `in` is copied; its strings must live as long as `p`. */
size_t derive_entity(struct derive_plan *p, const struct entity_input *in, const char *parent_experiment);

/* Adds the artifact with this source URI and type (no source types), once per
 * plan; `properties` (a JSON object or NULL) is stored with a new one. */
size_t derive_artifact(struct derive_plan *p, const char *uri, const char *type, const cJSON *properties);

/* Adds the association source -> destination (indexes from derive_*). */
void derive_edge(struct derive_plan *p, size_t source, size_t destination, const char *type);

/* Adds the component's membership in the trial named `trial` (an existing
 * one, or one of the plan); with `experiment`, the trial must belong to it. */
void derive_membership(struct derive_plan *p, size_t component, const char *trial, const char *experiment);

/* Adds the job of `component` (its Source) to the Sources of the existing
 * trial component `run` (an experiment run, by name or ARN). */
void derive_run_source(struct derive_plan *p, size_t component, const char *run);

/* Adds an update; returns it for the caller to fill. */
struct derive_update *derive_update(struct derive_plan *p, size_t node);

/* The reading helpers: each records a problem naming `path`.`key` when the
 * member is required and missing, or present with the wrong JSON type. */
const cJSON *derive_object(struct derive_plan *p, const cJSON *o, const char *path, const char *key,
                           bool required);
const cJSON *derive_array(struct derive_plan *p, const cJSON *o, const char *path, const char *key,
                          bool required);
const char *derive_string(struct derive_plan *p, const cJSON *o, const char *path, const char *key,
                          bool required);
/* A string that must also match the experiment-entity name rule within `max` characters. */
const char *derive_name(struct derive_plan *p, const cJSON *o, const char *path, const char *key, int max);

/* Applies the plan in one transaction, or fails with every problem recorded
 * (ValidationException) before anything is written. Appends each entity's
 * ARN to `entities` and each association to `associations`. */
enum ld_err derive_apply(struct derive_plan *p, cJSON *entities, cJSON *associations);

#endif
