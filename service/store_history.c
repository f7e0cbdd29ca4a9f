/* The audit trail in PostgreSQL: the history rows sql/003_history.sql's
 * triggers append, read back per entity (its own rows and those of the
 * associations, tags and trial memberships touching it). */
#include <libpq-fe.h>
#include <string.h>

#include "db.h"
#include "json_io.h"
#include "lineaged/store.h"

/* The ARN an entity id had, from its history (the entity may be gone). */
#define ARN_OF(id) "(select x.arn from history x where x.entity_id = " id " and x.subject = 1 limit 1)"

/* clang-format off */
static const char history_sql[] =
    "with ids as (select distinct id as entity_id, w.arn from unnest($2::text[]) a, lower(a) w(arn),"
    "   lateral " DB_ENTITY_IDS_WITH_ARN("w.arn") " i(id)),"
    " hits as (select ids.arn as key, h.* from ids join history h on h.entity_id = ids.entity_id"
    "   union all select ids.arn, h.* from ids cross join lateral (select source_id from association"
    "   where destination_id = ids.entity_id union select trial_id from trial_membership"
    "   where component_id = ids.entity_id union select entity_id from history_removal"
    "   where other_id = ids.entity_id) f (id) join history h on h.entity_id = f.id"
    "   and h.subject in (2, 4) and h.other_id = ids.entity_id where f.id <> ids.entity_id)"
    " select h.key, to_char(h.at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), h.subject,"
    " h.operation, h.access_key, h.request_id,"
    " coalesce(to_json(h.before_entity), to_json(h.before_association), h.before)::text,"
    " coalesce(to_json(h.after_entity), to_json(h.after_association), h.after)::text,"
    " case when h.subject in (2, 4) then " ARN_OF("h.entity_id") " end,"
    " case when h.subject in (2, 4) then " ARN_OF("h.other_id") " end"
    " from hits h order by h.key, h.at, h.id";
/* clang-format on */

static const char *const subjects[] = {"", "entity", "association", "tag", "membership"};

/* Adds member `key` holding the JSON text in the cell (owned by `o`), or null. */
static void put_json_cell(cJSON *o, const char *key, const PGresult *res, int row, int col)
{
    cJSON *v = PQgetisnull(res, row, col) ? NULL : cJSON_Parse(PQgetvalue(res, row, col));
    cJSON_AddItemToObject(o, key, v ? v : cJSON_CreateNull());
}

static void put_text_or_null(cJSON *o, const char *key, const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddStringToObject(o, key, PQgetvalue(res, row, col));
}

enum ld_err store_history(struct request *r, const char *const *arns, size_t n, cJSON *out)
{
    int32_t tenant;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK || !tenant || !n)
        return e;
    const char *vals[] = {db_param_int(r, tenant), db_param_array(r, arns, n, true)};
    PGresult *res = db_run(r, history_sql, 2, vals, NULL);
    if (!res)
        return r->error;
    cJSON *rows = NULL;
    const char *key = NULL;
    for (int i = 0; i < PQntuples(res); i++) {
        if (!key || strcmp(key, PQgetvalue(res, i, 0)) != 0) {
            key = PQgetvalue(res, i, 0);
            rows = cJSON_AddArrayToObject(out, key);
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(rows, o);
        int subject = (int)db_int64(res, i, 2);
        cJSON_AddStringToObject(o, "at", PQgetvalue(res, i, 1));
        put_text_or_null(o, "operation", res, i, 3);
        put_text_or_null(o, "accessKeyId", res, i, 4);
        put_text_or_null(o, "requestId", res, i, 5);
        json_put_str(o, "subject", subject >= 1 && subject <= 4 ? subjects[subject] : "");
        if (subject == 2 || subject == 4) {
            json_put_str(o, subject == 2 ? "sourceArn" : "trialArn", db_text(r, res, i, 8));
            json_put_str(o, subject == 2 ? "destinationArn" : "trialComponentArn", db_text(r, res, i, 9));
        }
        put_json_cell(o, "before", res, i, 6);
        put_json_cell(o, "after", res, i, 7);
    }
    return LD_OK;
}
