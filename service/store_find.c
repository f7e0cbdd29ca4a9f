/* The explorer's find in PostgreSQL: one statement whose three prefix tests
 * each have a text_pattern_ops index (sql/006_find.sql). */
#include "store_find.h"

#include <libpq-fe.h>
#include <string.h>

#include "db.h"

/* One prefix test per branch, each a range on its text_pattern_ops index (usable
 * by a generic plan too, where LIKE with a parameter is not) read in index
 * order up to the limit, so a one-letter prefix over a large tenant stops
 * early; the LIKE makes the range exact (U+10FFFF sorts after any character a
 * prefix can continue with). */
#define FIND_BRANCH(key, prefix, pattern)                                                                    \
    "(select kind, arn, name, name_fold, vertex_type, source_uri from entity"                                \
    " where tenant_id = $1 and ($2::int2 = 0 or kind = $2::int2) and " key " ~>=~ " prefix " and " key       \
    " ~<~ (" prefix " || chr(1114111)) and " key " like (" pattern " || '%') order by " key                  \
    " using ~<~ limit $5)"

/* clang-format off */
static const char find_sql[] =
    "select kind, arn, name, vertex_type, source_uri from ("
    FIND_BRANCH("name_fold", "lower($3)", "lower($4)") " union "
    FIND_BRANCH("arn", "lower($3)", "lower($4)") " union "
    FIND_BRANCH("source_uri", "$3", "$4")
    ") hits order by name_fold nulls last, arn limit $5";
/* clang-format on */

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
