/* Search and GetSearchSuggestions over experiments, trials and trial
 * components: records in their full SearchRecord shapes, TotalHits, pages. */
#include <string.h>

#include "json_io.h"
#include "lineaged/search.h"
#include "lineaged/store.h"
#include "ops.h"

static const struct {
    const char *resource;
    enum entity_kind kind;
    const char *member; /* the SearchRecord member */
} resources[] = {
    {"Experiment", KIND_EXPERIMENT, "Experiment"},
    {"ExperimentTrial", KIND_TRIAL, "Trial"},
    {"ExperimentTrialComponent", KIND_TRIAL_COMPONENT, "TrialComponent"},
};

/* The index of `resource` in `resources`, or -1 after a ValidationException. */
static int find_resource(struct request *r, const char *resource)
{
    for (int i = 0; i < (int)(sizeof resources / sizeof resources[0]); i++)
        if (strcmp(resources[i].resource, resource) == 0)
            return i;
    req_fail(r, LD_ERR_VALIDATION,
             "Resource '%s' is not served here; lineaged searches Experiment, ExperimentTrial and "
             "ExperimentTrialComponent.",
             resource);
    return -1;
}

/* The page's records, as store_search writes them. */
struct page {
    cJSON *results;
    int resource;
};

static cJSON *put_record(struct request *r, const struct search_hit *h, void *ctx)
{
    const struct page *p = ctx;
    enum entity_kind kind = resources[p->resource].kind;
    cJSON *wrapper = cJSON_CreateObject();
    cJSON_AddItemToArray(p->results, wrapper);
    cJSON *rec = cJSON_AddObjectToObject(wrapper, resources[p->resource].member);
    if (kind == KIND_EXPERIMENT)
        op_write_experiment(&h->entity, rec);
    else if (kind == KIND_TRIAL)
        op_write_trial(r, &h->entity, rec);
    else
        op_write_trial_component(r, &h->entity, rec, true);
    if (h->tags)
        json_put_raw(rec, "Tags", h->tags, true);
    if (h->related)
        json_put_raw(rec, kind == KIND_TRIAL ? "TrialComponentSummaries" : "Parents", h->related, true);
    return cJSON_GetObjectItemCaseSensitive(rec, "Metrics");
}

enum ld_err op_search(struct request *r, const cJSON *in, cJSON *out)
{
    int res = find_resource(r, json_str(in, "Resource"));
    if (res < 0)
        return r->error;
    const char *order = json_str(in, "SortOrder");
    struct search_spec spec = {
        .kind = resources[res].kind,
        .expression = cJSON_GetObjectItemCaseSensitive(in, "SearchExpression"),
        .sort_by = json_str(in, "SortBy"),
        .ascending = order && strcmp(order, "Ascending") == 0,
        .visibility = cJSON_GetObjectItemCaseSensitive(in, "VisibilityConditions"),
        .limit = json_int(in, "MaxResults", 10),
        .next_token = json_str(in, "NextToken"),
    };
    cJSON *results = cJSON_AddArrayToObject(out, "Results");
    cJSON *hits_json = cJSON_AddObjectToObject(out, "TotalHits");
    const char *cross = json_str(in, "CrossAccountFilterOption");
    /* Nothing of another account is discoverable here: a cross-account search finds nothing. */
    if (cross && strcmp(cross, "CrossAccount") == 0) {
        cJSON_AddNumberToObject(hits_json, "Value", 0);
        cJSON_AddStringToObject(hits_json, "Relation", "EqualTo");
        return LD_OK;
    }
    int64_t total;
    const char *next;
    struct page page = {results, res};
    enum ld_err err = store_search(r, &spec, put_record, &page, &total, &next);
    if (err != LD_OK)
        return err;
    bool capped = total > SEARCH_TOTAL_CAP;
    cJSON_AddNumberToObject(hits_json, "Value", (double)(capped ? SEARCH_TOTAL_CAP : total));
    cJSON_AddStringToObject(hits_json, "Relation", capped ? "GreaterThanOrEqualTo" : "EqualTo");
    json_put_str(out, "NextToken", next);
    return LD_OK;
}

enum ld_err op_get_search_suggestions(struct request *r, const cJSON *in, cJSON *out)
{
    int res = find_resource(r, json_str(in, "Resource"));
    if (res < 0)
        return r->error;
    const cJSON *query = cJSON_GetObjectItemCaseSensitive(in, "SuggestionQuery");
    const char *hint =
        json_str(cJSON_GetObjectItemCaseSensitive(query, "PropertyNameQuery"), "PropertyNameHint");
    cJSON *list = cJSON_AddArrayToObject(out, "PropertyNameSuggestions");
    return store_search_suggestions(r, resources[res].kind, hint ? hint : "", list);
}
