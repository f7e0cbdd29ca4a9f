/* Private to the store files: running statements on the worker's connection.
 * Every statement is prepared once per connection, keyed by its text, and
 * every value travels as a parameter. */
#ifndef LINEAGED_DB_H
#define LINEAGED_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "lineaged/request.h"

/* A constraint violation the caller maps to an API error itself. */
struct db_violation {
    char sqlstate[6];
    const char *constraint; /* arena copy, or "" */
};

/* Runs `sql` with `n` text parameters (NULL entries are SQL NULL). Returns
 * the result (cleared with the arena), or NULL after req_fail. When `v` is
 * given, a constraint violation (class 23) fills it and returns NULL without
 * failing the request. */
PGresult *db_run(struct request *r, const char *sql, int n, const char *const *vals, struct db_violation *v);

/* As db_run (without `v`), where parameter i is binary of lengths[i] bytes
 * when formats[i] is 1 (libpq's conventions; text otherwise): for arrays
 * built with db_array_*, which PostgreSQL reads without parsing text. */
PGresult *db_run_binary(struct request *r, const char *sql, int n, const char *const *vals,
                        const int *lengths, const int *formats);

/* As db_run (without `v`), with the setting `setting` = `value` in force
 * for the statement alone (set_config's is_local): both travel in one
 * pipeline, in the one implicit transaction its sync ends, so the setting
 * costs no round trip of its own. Within an open transaction the setting
 * lasts until that ends. */
PGresult *db_run_set(struct request *r, const char *setting, const char *value, const char *sql, int n,
                     const char *const *vals);

/* A statement for db_run_each: its text and `n` parameters, text unless
 * `lengths` and `formats` say otherwise. */
struct db_stmt {
    const char *sql;
    int n;
    const char *const *vals;
    const int *lengths, *formats; /* as db_run_binary's; NULL when every parameter is text */
};
#define DB_MAX_PIPED 4

/* Runs the `count` (at most DB_MAX_PIPED) statements `s` in one round trip
 * (one implicit transaction outside an open one), as db_run runs one; their
 * results into out[i] (cleared with the arena). False after req_fail. */
bool db_run_each(struct request *r, const struct db_stmt *s, int count, PGresult **out);

/* Transactions; each returns LD_OK or the recorded error. They nest: only
 * the outermost begin and commit reach the database. */
enum ld_err db_begin(struct request *r);
enum ld_err db_commit(struct request *r);

/* The tenant id of the caller's (account, region), created on first write
 * when `create`; 0 when it doesn't exist and !create. Cached per connection.
 * It also names the tenant in the session setting lineaged.tenant, which the
 * row-level security of sql/004_isolation.sql reads; db_run calls it before
 * a statement whenever the connection last served another caller. */
enum ld_err db_tenant(struct request *r, bool create, int32_t *id_out);

/* Names the request's caller (request id, access key, operation) in
 * the session settings the history triggers of sql/003_history.sql read.
 * Every write path calls it before its first change. They are sent once per
 * request, in the same round trip as the next statement db_run runs. */
enum ld_err db_audit(struct request *r);

/* Creates the tenant's default lineage group unless it exists (cached per connection). */
enum ld_err db_lineage_group(struct request *r, int32_t tenant);

/* The name and ARN of the default lineage group in the caller's scope. */
#define LD_LINEAGE_GROUP "sagemaker-default-lineage-group"
const char *db_lineage_group_arn(struct request *r);

/* The columns of an entity row, over a relation named `entity`, in the
 * order db_entity_from_row reads them. */
#define DB_ENTITY_COLUMNS                                                                                    \
    "id, kind, name, arn, vertex_type, display_name, description, source_uri, source_type, source_id, "      \
    "status, details::text, created_by::text, modified_by::text, "                                           \
    "case when parent_id is null then null else (select p.name from entity p where p.id = "                  \
    "entity.parent_id) end, "                                                                                \
    "(extract(epoch from created_at) * 1000)::int8, (extract(epoch from modified_at) * 1000)::int8"

struct entity;

/* Reads the DB_ENTITY_COLUMNS that start at column `col` of `row` into `e`
 * (strings copied into the arena). */
void db_entity_from_row(struct request *r, const PGresult *res, int row, int col, struct entity *e);

/* The ids of every entity of the tenant in parameter $1 that had the ARN
 * `arn` (an SQL expression): the live one and the deleted ones. */
#define DB_ENTITY_IDS_WITH_ARN(arn)                                                                          \
    "(select id from entity where tenant_id = $1 and arn = " arn " union select entity_id"                   \
    " from history_removal where tenant_id = $1 and arn = " arn ")"

/* A FROM item named `entity` holding entity rows as they were at the epoch
 * ms parameter `at` (e.g. "$3"), rebuilt from the history: per entity picked
 * by `key` (a predicate on history h), its latest row then; an entity
 * removed by then is all NULLs (id is null). */
#define DB_ENTITY_AS_OF(key, at)                                                                             \
    "(select distinct on (h.entity_id) (h.after_entity).* from history h"                                    \
    " where " key " and h.subject = 1 and h.at <= to_timestamp(" at "::float8 / 1000)"                       \
    " order by h.entity_id, h.at desc, h.id desc) entity"

/* Cell helpers: an arena copy of the value, or NULL for SQL NULL. */
const char *db_text(struct request *r, const PGresult *res, int row, int col);
int64_t db_int64(const PGresult *res, int row, int col);

/* A float8 selected as float8send(x) (its IEEE bits, as bytea text
 * "\\x<16 hex digits>"): exact, and many times cheaper than strtod on its
 * decimal text. */
double db_float8(const PGresult *res, int row, int col);

/* Writes a TagList onto entity `entity_id` inside the caller's transaction:
 * a key given again replaces its value; more than 50 tags in all is a
 * ValidationException. */
enum ld_err tags_put(struct request *r, const char *entity_id, const cJSON *tags);

/* A PostgreSQL array literal of `items` (NULL entries are SQL NULL), each
 * element quoted and escaped when `quote`; memory from the arena. */
const char *db_param_array(struct request *r, const char *const *items, size_t n, bool quote);

/* A one-dimensional array parameter in binary format, for db_run_binary:
 * db_array_begin makes room for `n` elements of `type` in the arena, then
 * exactly `n` calls of db_array_int (int4 or int8 elements; `null` makes
 * the element NULL) or db_array_double (float8, exact) append them in order.
 * `data` is the parameter's value and db_array_length its length. */
enum db_elem { DB_INT4, DB_INT8, DB_FLOAT8 };
struct db_array {
    unsigned char *data, *end;
    enum db_elem type;
};
void db_array_begin(struct request *r, struct db_array *a, enum db_elem type, size_t n);
void db_array_int(struct db_array *a, int64_t v, bool null);
void db_array_double(struct db_array *a, double v);
int db_array_length(const struct db_array *a);

/* Formats a double parameter exactly (C99 hexadecimal notation for a finite
 * value, which float8 input reads; not for numeric) into the arena. */
const char *db_param_double(struct request *r, double v);

/* Formats an integer parameter into the arena. */
const char *db_param_int(struct request *r, int64_t v);

#endif
