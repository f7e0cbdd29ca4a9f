/* Update, Delete and List pages of named entities, shared by the entity families. */
#include "op_common.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json_io.h"
#include "lineaged/export.h"
#include "ops.h"

static int by_id(const void *a, const void *b)
{
    const struct entity *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int by_vertex_id(const void *a, const void *b, void *ctx)
{
    const struct lineage_view *view = ctx;
    int64_t x = view->vertices[*(const size_t *)a].v->id, y = view->vertices[*(const size_t *)b].v->id;
    return x < y ? -1 : x > y;
}

/* An id as the decimal text that names it in a tags object. */
static const char *id_text(struct request *r, int64_t id)
{
    return arena_printf(r->arena, "%" PRId64, id);
}

enum ld_err op_update_entity(struct request *r, const cJSON *in, cJSON *out, enum entity_kind k,
                             const char *key, const char *arn_member, const struct entity_update *u)
{
    const char *arn;
    enum ld_err err = store_entity_update(r, k, json_str(in, key), u, &arn);
    if (err == LD_OK)
        json_put_str(out, arn_member, arn);
    return err;
}

enum ld_err op_delete_entity(struct request *r, cJSON *out, enum entity_kind k, const char *name_or_arn,
                             const char *arn_member)
{
    const char *arn;
    enum ld_err err = store_entity_delete(r, k, name_or_arn, &arn);
    if (err == LD_OK)
        json_put_str(out, arn_member, arn);
    return err;
}

void op_details_split(struct request *r, const char *text, struct op_details *d)
{
    d->n = json_object_members(r->arena, text, d->names, d->values, sizeof d->names / sizeof d->names[0]);
}

const char *op_detail(const struct op_details *d, const char *key)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->names[i], key) == 0)
            return d->values[i];
    return NULL;
}

/* Whether JSON text holds a run of more than 17 digits outside its strings.
 * PostgreSQL writes a jsonb number without an exponent, so a double past
 * 1e17 (1.5e300, say) comes back as a long integer, which a client would
 * read as an integer of another value; 17 digits tell any double. */
static bool has_long_digit_run(const char *s)
{
    int run = 0;
    for (bool quoted = false; *s; s++) {
        if (quoted) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '"')
                quoted = false;
        } else if (*s >= '0' && *s <= '9') {
            if (++run > 17)
                return true;
            continue;
        } else {
            quoted = *s == '"';
        }
        run = 0;
    }
    return false;
}

void op_put_detail(const struct op_details *d, const char *key, cJSON *out)
{
    const char *v = op_detail(d, key);
    if (!v || strcmp(v, "{}") == 0)
        return;
    /* Such numbers are read and printed again, as the doubles they are. */
    cJSON *parsed = has_long_digit_run(v) ? cJSON_Parse(v) : NULL;
    if (parsed)
        cJSON_AddItemToObject(out, key, parsed);
    else
        json_put_raw(out, key, v, false); /* compact already */
}

enum ld_err op_view_details(struct request *r, struct lineage_view *view, const int64_t *as_of)
{
    int64_t *ids = arena_alloc(r->arena, (view->vertex_count + 1) * sizeof *ids);
    for (size_t i = 0; i < view->vertex_count; i++)
        ids[i] = view->vertices[i].v->id;
    struct entity *rows;
    size_t n;
    cJSON *tags = json_parse_owned_adopt(r, cJSON_CreateObject());
    enum ld_err err = store_entity_details(r, ids, view->vertex_count, as_of, &rows, &n, tags);
    if (err != LD_OK)
        return err;
    /* Both in id order, so one merge pairs them. */
    qsort(rows, n, sizeof *rows, by_id);
    size_t *order = arena_alloc(r->arena, (view->vertex_count + 1) * sizeof *order);
    for (size_t i = 0; i < view->vertex_count; i++)
        order[i] = i;
    qsort_r(order, view->vertex_count, sizeof *order, by_vertex_id, view);
    /* The components' metric summaries come after, in one query. */
    int64_t *components = arena_alloc(r->arena, (n + 1) * sizeof *components);
    cJSON **metrics = arena_alloc(r->arena, (n + 1) * sizeof *metrics);
    size_t component_count = 0;
    for (size_t i = 0, k = 0; i < view->vertex_count; i++) {
        struct view_vertex *vv = &view->vertices[order[i]];
        while (k < n && rows[k].id < vv->v->id)
            k++;
        if (k == n || rows[k].id != vv->v->id)
            continue;
        cJSON *d = json_parse_owned_adopt(r, cJSON_CreateObject());
        if (rows[k].kind == KIND_EXPERIMENT)
            op_write_experiment(&rows[k], d);
        else if (rows[k].kind == KIND_TRIAL_COMPONENT) {
            op_write_trial_component(r, &rows[k], d, false);
            components[component_count] = rows[k].id;
            metrics[component_count++] = cJSON_GetObjectItemCaseSensitive(d, "Metrics");
        } else {
            op_write_lineage_entity(r, &rows[k], d);
        }
        const cJSON *list = cJSON_GetObjectItemCaseSensitive(tags, id_text(r, vv->v->id));
        cJSON_AddItemToObject(d, "Tags", list ? cJSON_Duplicate(list, 1) : cJSON_CreateArray());
        vv->details = d;
    }
    return component_count ? store_metric_summaries(r, components, component_count, metrics) : LD_OK;
}

enum ld_err op_list_page(struct request *r, const struct list_query *q, cJSON *out, const char *member,
                         summary_writer put, const void *ctx)
{
    struct entity *rows;
    size_t n;
    const char *next;
    enum ld_err err = store_entity_list(r, q, &rows, &n, &next);
    if (err != LD_OK)
        return err;
    cJSON *list = cJSON_AddArrayToObject(out, member);
    for (size_t i = 0; i < n; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddItemToArray(list, s);
        put(r, &rows[i], s, ctx);
    }
    json_put_str(out, "NextToken", next);
    return LD_OK;
}
