/* Handlers, one per operation: op_<snake of the wire name>. Each trusts its
 * validated input and checks only meaning (existence, uniqueness). */
#ifndef LINEAGED_OPS_H
#define LINEAGED_OPS_H

#include "lineaged/request.h"

enum ld_err op_create_experiment(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_describe_experiment(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_update_experiment(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_delete_experiment(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_list_experiments(struct request *r, const cJSON *in, cJSON *out);

enum ld_err op_create_trial(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_describe_trial(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_update_trial(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_delete_trial(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_list_trials(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_associate_trial_component(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_disassociate_trial_component(struct request *r, const cJSON *in, cJSON *out);

enum ld_err op_create_trial_component(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_describe_trial_component(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_update_trial_component(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_delete_trial_component(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_list_trial_components(struct request *r, const cJSON *in, cJSON *out);

/* Record writers shared by Describe, Search and the native API's vertex
 * details: the entity's Describe fields into `out`; a component's "Metrics"
 * array is left empty for the caller to fill (store_metric_summaries does a
 * page of them at once); artifacts, actions and contexts by their kind. */
struct entity;
void op_write_experiment(const struct entity *e, cJSON *out);
void op_write_trial(struct request *r, const struct entity *e, cJSON *out);
/* A trial component as Describe answers it (with its run's Sources), or,
 * when `search_record`, as a Search record has it (with SourceDetail and the
 * RunName a job's ExperimentConfig gave it, and no Sources). */
void op_write_trial_component(struct request *r, const struct entity *e, cJSON *out, bool search_record);
void op_write_lineage_entity(struct request *r, const struct entity *e, cJSON *out);

enum ld_err op_search(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_get_search_suggestions(struct request *r, const cJSON *in, cJSON *out);

enum ld_err op_query_lineage(struct request *r, const cJSON *in, cJSON *out);

enum ld_err op_batch_put_metrics(struct request *r, const cJSON *in, cJSON *out);
/* BatchPutMetrics in steps, for a worker that serves other requests while the
 * call waits for its batch (op_batch_put_metrics waits instead): _begin
 * checks the validated `in` and starts the write (the call lives in r's
 * arena); when _waking says so, `wake` (see struct metrics_put) follows,
 * then one _resume on the caller's thread settles the call; once settled
 * with LD_OK, _reply fills the response object. */
struct put_call;
struct metrics_put;
struct put_call *op_put_metrics_begin(struct request *r, const cJSON *in, void (*wake)(struct metrics_put *),
                                      void *owner, enum ld_err *e);
bool op_put_metrics_waking(const struct put_call *c);
enum ld_err op_put_metrics_resume(struct request *r, struct put_call *c);
void op_put_metrics_reply(const struct put_call *c, cJSON *out);
enum ld_err op_batch_get_metrics(struct request *r, const cJSON *in, cJSON *out);

#define LINEAGE_HANDLER_DECLS(kind)                                                                          \
    enum ld_err op_create_##kind(struct request *r, const cJSON *in, cJSON *out);                            \
    enum ld_err op_describe_##kind(struct request *r, const cJSON *in, cJSON *out);                          \
    enum ld_err op_update_##kind(struct request *r, const cJSON *in, cJSON *out);                            \
    enum ld_err op_delete_##kind(struct request *r, const cJSON *in, cJSON *out);                            \
    enum ld_err op_list_##kind##s(struct request *r, const cJSON *in, cJSON *out);
LINEAGE_HANDLER_DECLS(artifact)
LINEAGE_HANDLER_DECLS(action)
LINEAGE_HANDLER_DECLS(context)

enum ld_err op_add_association(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_delete_association(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_list_associations(struct request *r, const cJSON *in, cJSON *out);

enum ld_err op_describe_lineage_group(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_list_lineage_groups(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_get_lineage_group_policy(struct request *r, const cJSON *in, cJSON *out);

enum ld_err op_add_tags(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_list_tags(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_delete_tags(struct request *r, const cJSON *in, cJSON *out);

#endif
