/* The explorer's find in PostgreSQL: one statement whose three prefix tests
 * each have a text_pattern_ops index (sql/006_find.sql). */
#include "store_find.h"

#include <libpq-fe.h>
#include <string.h>

#include "db.h"

/* Each prefix test is a range on the index (usable by a generic plan too, where
 * LIKE with a parameter is not) and the LIKE that makes it exact; U+10FFFF
 * sorts after every character a prefix can continue with. */
static const char find_sql[] =
    "select kind, arn, name, vertex_type, source_uri from entity"
    " where tenant_id = $1 and ($2::int2 = 0 or kind = $2::int2) and ("
    " (lower(name) ~>=~ lower($3) and lower(name) ~<~ (lower($3) || chr(1114111))"
    "  and lower(name) like (lower($4) || '%'))"
    " or (arn ~>=~ lower($3) and arn ~<~ (lower($3) || chr(1114111)) and arn like (lower($4) || '%'))"
    " or (source_uri ~>=~ $3 and source_uri ~<~ ($3 || chr(1114111)) and source_uri like ($4 || '%')))"
    " order by lower(name) nulls last, arn limit $5";

/* `s` with LIKE's wildcards and its escape character escaped, so the client's
 * text is a literal prefix; memory from the arena. */
static const char *like_literal(struct request *r, const char *s)
{
    char *out = arena_alloc(r->arena, 2 * strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            *o++ = '\\';
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

enum ld_err store_find(struct request *r, const char *prefix, enum entity_kind kind, size_t limit,
                       struct find_hit **hits, size_t *count)
{
    int32_t tenant;
    *count = 0;
    *hits = NULL;
    enum ld_err e = db_tenant(r, false, &tenant);
    if (e != LD_OK || !tenant)
        return e;
    const char *vals[] = {db_param_int(r, tenant), db_param_int(r, kind), prefix, like_literal(r, prefix),
                          db_param_int(r, (int64_t)limit)};
    PGresult *res = db_run(r, find_sql, 5, vals, NULL);
    if (!res)
        return r->error;
    *count = (size_t)PQntuples(res);
    *hits = arena_alloc(r->arena, (*count ? *count : 1) * sizeof **hits);
    for (int i = 0; i < (int)*count; i++)
        (*hits)[i] = (struct find_hit){.kind = (enum entity_kind)db_int64(res, i, 0),
                                       .arn = db_text(r, res, i, 1),
                                       .name = db_text(r, res, i, 2),
                                       .type = db_text(r, res, i, 3),
                                       .source_uri = db_text(r, res, i, 4)};
    return LD_OK;
}
