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

enum ld_err op_add_tags(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_list_tags(struct request *r, const cJSON *in, cJSON *out);
enum ld_err op_delete_tags(struct request *r, const cJSON *in, cJSON *out);

#endif
