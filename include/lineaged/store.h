/* The store: one PostgreSQL connection per worker thread, with every
 * statement prepared once per connection, and the typed operations handlers
 * call. Results are copied into the request's arena. */
#ifndef LINEAGED_STORE_H
#define LINEAGED_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "lineaged/request.h"

struct store;

/* Connects to `conninfo` (libpq conninfo or URL). Never NULL: a store whose
 * database is down reconnects on the next request. Free with store_close. */
struct store *store_open(const char *conninfo);
void store_close(struct store *st);

/* Gives `st` a second connection, to a streaming replica at `conninfo`
 * (owned and closed by `st`), for store_route to send reads to. */
void store_add_reader(struct store *st, const char *conninfo);

/* The store for the request's operation: `st`'s replica when the operation
 * only reads, the replica answers and it has replayed the last write this
 * instance made for the caller's (account, region), so the caller reads its
 * writes; else `st`. Without a replica, `st`. */
struct store *store_route(struct store *st, const struct request *r);

/* Applies every embedded migration not yet recorded, each in its own
 * transaction, under an advisory lock so concurrent starts are safe.
 * Returns 0, or -1 with *err (malloc'd) set. */
int store_migrate(const char *conninfo, char **err);

/* Reads the token-signing key (creating it on first start) and installs it
 * for the process. Returns 0, or -1 with *err (malloc'd) set. */
int store_load_token_key(const char *conninfo, char **err);

/* Whether the database answers now (reconnecting if needed). */
bool store_healthy(struct store *st);

/* Whether the connection was up when last used, and how many connections
 * `st` has opened in all (for /metrics). */
bool store_connected(const struct store *st);
unsigned long store_connects(const struct store *st);

/* Rolls back a transaction a failed handler left open. Returns true when the
 * handler failed on a transient conflict with concurrent transactions
 * (deadlock or serialisation failure, SQLSTATE 40P01/40001), which rolled its
 * transaction back, so that it may run again. */
bool store_end_request(struct store *st);

/* One transaction around several store calls: store_begin first makes sure
 * the caller's tenant and default lineage group exist (committed on their
 * own), then begins; store calls inside join it (their own begins nest). An
 * error leaves it open for store_end_request to roll back. */
enum ld_err store_begin(struct request *r);
enum ld_err store_commit(struct request *r);

enum entity_kind {
    KIND_EXPERIMENT = 1,
    KIND_TRIAL = 2,
    KIND_TRIAL_COMPONENT = 3,
    KIND_ARTIFACT = 4,
    KIND_ACTION = 5,
    KIND_CONTEXT = 6,
};

/* The wire label ("Experiment", "TrialComponent", ...) and ARN resource
 * type ("experiment", "experiment-trial-component", ...) of a kind. */
const char *entity_kind_label(enum entity_kind k);
const char *entity_kind_arn_type(enum entity_kind k);

/* The label of the entity kind an ARN names ("Experiment", ...), or
 * "Resource" when it names no kind of this service. */
const char *entity_arn_label(const char *arn);

/* The ARN of a named entity in the caller's scope (name lower-cased); memory from r's arena. */
const char *entity_arn(struct request *r, enum entity_kind k, const char *name);

/* The ARN of the caller's default lineage group; memory from r's arena. */
const char *entity_lineage_group_arn(struct request *r);

/* A vertex as stored; strings are NULL when absent; memory from the request's arena. */
struct entity {
    int64_t id;
    enum entity_kind kind;
    const char *name;
    const char *arn;
    const char *vertex_type;
    const char *display_name;
    const char *description;
    const char *source_uri;
    const char *source_type;
    const char *source_id;
    const char *status;
    const char *details;     /* JSON object text */
    const char *parent_name; /* trials: the experiment's name */
    const char *created_by;  /* JSON object text */
    const char *modified_by; /* JSON object text */
    int64_t created_ms;
    int64_t modified_ms;
};

/* What a create stores; NULL members are not set. */
struct entity_input {
    enum entity_kind kind;
    const char *name;
    const char *arn_id;      /* the ARN's resource id when it is not the name (artifacts) */
    const char *vertex_type; /* the QueryLineage Type, when the kind has no fixed one */
    bool lineage;            /* a lineage entity: joins the default lineage group */
    int64_t parent_id;       /* trials: the experiment's id; 0 for none */
    const char *display_name;
    const char *description;
    const char *source_uri;
    const char *source_type;
    const char *source_id;
    const char *status;
    const char *details; /* JSON object text, or NULL for {} */
    bool derived;        /* created by the service itself: an existing entity of
                            the same name (or artifact identity) is kept and
                            reused, and no cap on manual creation applies */
};

/* Creates the entity and its `tags` (a TagList array, may be NULL) in one
 * transaction. A taken name is a ValidationException "<Kind> with name (<name>)
 * already exists." (for `derived` input, the existing entity's ARN is the
 * answer); *arn_out gets the ARN. */
enum ld_err store_entity_create(struct request *r, const struct entity_input *in, const cJSON *tags,
                                const char **arn_out);

/* Finds an entity of kind `k` by name (case-insensitively) or, when
 * `name_or_arn` starts with "arn:", by ARN. Missing is ResourceNotFound
 * "<Kind> '<arn>' does not exist.". */
enum ld_err store_entity_get(struct request *r, enum entity_kind k, const char *name_or_arn,
                             struct entity *out);

/* The entities with these ids (any tenant: callers pass ids of their own
 * walk) as they are, or were at *as_of (epoch ms) when it is not NULL, in
 * no particular order; and their tags then, into `tags` as one array of
 * {Key, Value} per entity id (the member's name is the id in decimal). */
enum ld_err store_entity_details(struct request *r, const int64_t *ids, size_t n, const int64_t *as_of,
                                 struct entity **rows, size_t *count, cJSON *tags);

/* One map member of the details document that an update merges. */
struct map_merge {
    const char *member;    /* "Properties", "Parameters", ...; NULL for none */
    const char *additions; /* JSON object text: each key replaces its own */
    const char *removals;  /* JSON array text of keys deleted first */
    int max;               /* the model's most keys the map may hold after it; 0: no bound */
};

/* What an update changes; NULL members stay as they are. */
struct entity_update {
    const char *name; /* artifacts only: the artifact's (non-unique) name */
    const char *display_name;
    const char *description;
    const char *status;
    const char *details_set; /* JSON object text whose members replace those of details */
    struct map_merge merges[3];
};

/* Applies `u` and sets the modification time. Missing is ResourceNotFound;
 * a merge past its map's `max` is a ValidationException and changes nothing. */
enum ld_err store_entity_update(struct request *r, enum entity_kind k, const char *name_or_arn,
                                const struct entity_update *u, const char **arn_out);

/* Deletes the entity with its tags and associations. Missing is ResourceNotFound. */
enum ld_err store_entity_delete(struct request *r, enum entity_kind k, const char *name_or_arn,
                                const char **arn_out);

/* The ARN of the caller's one artifact with this source URI and, when
 * `source_types` (a canonical JSON array) is given, this set of source types.
 * None is ResourceNotFound; several is a ValidationException. */
enum ld_err store_artifact_by_source(struct request *r, const char *uri, const char *source_types,
                                     const char **arn_out);

enum list_sort { SORT_CREATION_TIME, SORT_NAME };

/* Which entities of the kind a list covers, named by `scope_value`. */
enum list_scope {
    SCOPE_ALL,
    SCOPE_EXPERIMENT_TRIALS,     /* trials of the named experiment */
    SCOPE_COMPONENT_TRIALS,      /* trials the named component belongs to */
    SCOPE_EXPERIMENT_COMPONENTS, /* components in any trial of the named experiment */
    SCOPE_TRIAL_COMPONENTS,      /* components of the named trial */
    SCOPE_SOURCE_ARN,            /* components whose Source.SourceArn equals it, ignoring case */
};

/* A page request over one kind; bounds are exclusive, 0 means none. */
struct list_query {
    enum entity_kind kind;
    enum list_sort sort;
    bool ascending;
    int64_t created_after_ms;
    int64_t created_before_ms;
    bool has_after, has_before;
    enum list_scope scope;
    const char *scope_value;
    const char *experiment; /* trials: only those of this experiment (by name), or NULL */
    const char *source_uri; /* exact SourceUri, or NULL */
    const char *type;       /* exact ArtifactType/ActionType/ContextType, or NULL */
    int limit;              /* 1..100 */
    const char *next_token; /* NULL for the first page */
    const char *operation;  /* binds the token to the operation */
};

/* Lists one page; *next_token is NULL on the last page. A token that was not
 * issued for this same query is a ValidationException. */
enum ld_err store_entity_list(struct request *r, const struct list_query *q, struct entity **rows, size_t *n,
                              const char **next_token);

/* Adds (or, with !add, removes) the component's membership in the trial;
 * both must exist. Adding twice and removing an absent membership are no-ops. */
enum ld_err store_membership_set(struct request *r, const char *component, const char *trial, bool add,
                                 const char **component_arn, const char **trial_arn);

/* Appends the TrialComponentMetricSummary objects of each of the `n`
 * components `component_ids[k]` to `out_arrays[k]`, in one query. */
enum ld_err store_metric_summaries(struct request *r, const int64_t *component_ids, size_t n,
                                   cJSON *const *out_arrays);

struct metric_point;

/* One BatchPutMetrics call's write: its `n` valid points for the component
 * named `component` (borrowed until it is settled). Its batch may carry the
 * same tenant's calls of other workers, and its worker need not wait for it:
 * `wake` is called, from any thread, when the call is settled or must write
 * the tenant's next batch; the owner then calls store_metrics_put_resume on
 * its own thread. The rest is the store's. */
enum metrics_put_state { PUT_QUEUED, PUT_LEAD, PUT_FAILED, PUT_WRITTEN };
struct metrics_put {
    const char *component;
    const struct metric_point *points;
    size_t n;
    void (*wake)(struct metrics_put *put);
    void *owner;                  /* the caller's, for `wake` */
    enum metrics_put_state state; /* PUT_WRITTEN once settled */
    bool found;                   /* once settled: the component exists (else nothing was stored) */
    enum ld_err error;            /* once settled: LD_OK, or the error the call ends with */
    const char *message;
    int32_t tenant;
    struct metrics_put *next;
};

/* Starts `put`. *waking says whether `wake` follows: false when nothing is to
 * be written (or on failure: the error is also returned and recorded on
 * `r`); true when the call is queued or leads its batch (for a lead, `wake`
 * is called before this returns, so the owner writes its batch on its next
 * turn). Only *waking tells: once queued, another thread may settle the
 * call and wake its owner before this returns. */
enum ld_err store_metrics_put_begin(struct request *r, struct metrics_put *put, bool *waking);

/* After `wake`, on the owner's thread and connection: writes what the call
 * was woken for (the tenant's next batch, or the call alone when its batch
 * failed); returns with put->state PUT_WRITTEN and its error. */
enum ld_err store_metrics_put_resume(struct request *r, struct metrics_put *put);

enum metric_stat { STAT_MIN, STAT_MAX, STAT_AVG, STAT_COUNT, STAT_STDDEV, STAT_LAST };

/* One BatchGetMetrics query: the series of `metric` on the component named by
 * ARN (or on the component of the job with that ARN), bucketed by `period_ms`
 * (0 buckets by step) and reduced by `stat`. Fills `x` and `y` (arrays of
 * numbers); *found is false when the resource is unknown. */
enum ld_err store_metrics_get(struct request *r, const char *resource_arn, const char *metric,
                              int64_t period_ms, enum metric_stat stat, const int64_t *start,
                              const int64_t *end, cJSON *x, cJSON *y, bool *found);

/* Associations (edges). Both ends must be the caller's; two experiment
 * entities cannot be joined; a pair is stored once: adding it again is a
 * ValidationException, or, when `derived` (made by the service itself, with
 * no cap), a no-op. */
enum ld_err store_association_add(struct request *r, const char *source_arn, const char *destination_arn,
                                  const char *type, bool derived);
enum ld_err store_association_delete(struct request *r, const char *source_arn, const char *destination_arn);

enum association_sort {
    ASSOC_SORT_CREATION_TIME,
    ASSOC_SORT_SOURCE_ARN,
    ASSOC_SORT_DESTINATION_ARN,
    ASSOC_SORT_SOURCE_TYPE,
    ASSOC_SORT_DESTINATION_TYPE,
};

struct association_query {
    const char *source_arn, *destination_arn, *source_type, *destination_type, *association_type;
    int64_t created_after_ms, created_before_ms;
    bool has_after, has_before;
    enum association_sort sort;
    bool ascending;
    int limit;
    const char *next_token;
};

/* Appends AssociationSummary objects for one page to `out_array`. */
enum ld_err store_association_list(struct request *r, const struct association_query *q, cJSON *out_array,
                                   const char **next_token);

/* The caller's default lineage group, by name or ARN, as DescribeLineageGroup
 * shows it (written into `out`), or ResourceNotFound. */
enum ld_err store_lineage_group_describe(struct request *r, const char *name_or_arn, cJSON *out);

/* Its resource policy: ResourceNotFound while none is set. */
enum ld_err store_lineage_group_policy(struct request *r, const char *name_or_arn, cJSON *out);

/* Appends LineageGroupSummary objects for one page (SortBy Name or CreationTime). */
enum ld_err store_lineage_group_list(struct request *r, const struct list_query *q, cJSON *out_array,
                                     const char **next_token);

/* Tags of the entity named by `arn` (any kind). */
enum ld_err store_tags_add(struct request *r, const char *arn, const cJSON *tags);
enum ld_err store_tags_delete(struct request *r, const char *arn, const cJSON *keys);
/* Appends {Key, Value} objects to `out_array`, one page of at most `limit`. */
enum ld_err store_tags_list(struct request *r, const char *arn, int limit, const char *next_token,
                            cJSON *out_array, const char **next_token_out);

struct search_spec;

/* One Search record: the entity, its TagList and its related list (a JSON
 * array text: trials' TrialComponentSummaries, components' Parents; NULL for
 * experiments). */
struct search_hit {
    struct entity entity;
    const char *tags;
    const char *related;
};

/* Writes the Search record of `h` and returns the array its metric
 * summaries go into (NULL for none); `ctx` is store_search's caller's. */
typedef cJSON *(*search_writer)(struct request *r, const struct search_hit *h, void *ctx);

/* Runs one Search page for the caller's tenant (filling spec->tenant): calls
 * `put` for each record in order, then fills the arrays it returned with the
 * components' metric summaries (read in the records' round trip); sets the
 * capped total (see SEARCH_TOTAL_CAP) and the next page's token (NULL on the
 * last page). An invalid expression, sort or token is a ValidationException
 * naming it. */
enum ld_err store_search(struct request *r, struct search_spec *spec, search_writer put, void *ctx,
                         int64_t *total, const char **next_token);

/* Appends PropertyNameSuggestion objects for the record fields of `kind`
 * and the tag, parameter and metric keys the caller's records of that kind
 * carry, whose names begin with `hint` (ignoring case). */
enum ld_err store_search_suggestions(struct request *r, int kind, const char *hint, cJSON *out_array);

/* The audit history of each of the `n` ARNs in the caller's scope, deleted
 * entities included: into `out`, one member per ARN that has any, an array
 * of rows oldest first ({at, operation, accessKeyId, requestId, subject,
 * before, after}, with the ends' ARNs for associations and memberships): the
 * entity's own rows and those of the associations, tags and trial
 * memberships touching it. */
enum ld_err store_history(struct request *r, const char *const *arns, size_t n, cJSON *out);

#endif
