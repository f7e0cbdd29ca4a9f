/* Search: compiles a validated SearchExpression over experiments, trials or
 * trial components into one parameterised SQL statement built from a fixed
 * vocabulary of fragments; client text only ever travels as a parameter. */
#ifndef LINEAGED_SEARCH_H
#define LINEAGED_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "lineaged/request.h"

/* TotalHits is exact up to this many matches, then reported as "at least". */
#define SEARCH_TOTAL_CAP 10000

/* What one Search page asks for. */
struct search_spec {
    int kind;                /* enum entity_kind: 1 experiment, 2 trial, 3 trial component */
    int32_t tenant;          /* bound as $1 */
    const cJSON *expression; /* a SearchExpression, or NULL for every record */
    const char *sort_by;     /* a property name, or NULL for LastModifiedTime */
    bool ascending;          /* SortOrder; Descending by default */
    const cJSON *visibility; /* a VisibilityConditionsList, or NULL */
    int limit;               /* records per page, 1..100 */
    const char *next_token;  /* the previous page's NextToken, or NULL */
};

/* The compiled statements, over the same parameters. `text`'s rows: the
 * total (capped at SEARCH_TOTAL_CAP + 1) in column 0, then, when the total is
 * within the cap, the page's record ids and their `key_count` sort keys as
 * text, in page order; an empty page (or one past the cap) is one row whose
 * other columns are NULL. Past the cap `deep` gives the page: the ids and the
 * keys, from column 0. At most limit + 1 rows each. */
struct search_sql {
    const char *text;
    const char *deep;
    const char **params;
    int param_count;
    int key_count;
    const char *fingerprint; /* the canonical query that page tokens are bound to */
    bool custom_plan;        /* plan it with its values: an And intersects sets read from indexes, and
                                which to read first depends on how many records each value matches */
};

/* Compiles `spec`. Returns LD_OK, or a ValidationException (recorded with
 * req_fail) naming the offending property, operator, value or token. All
 * memory comes from r's arena. */
enum ld_err search_compile(struct request *r, const struct search_spec *spec, struct search_sql *out);

/* The NextToken for a page whose last row carried the sort-key cells `keys`
 * (text, NULL for SQL NULL; `n` = key_count); memory from `a`. */
const char *search_next_token(struct arena *a, const struct search_sql *q, const char *const *keys, int n);

/* Appends the record field names of `kind` that begin with `hint`, ignoring
 * case, to `out_array` as PropertyNameSuggestion objects. */
void search_suggest_fields(int kind, const char *hint, cJSON *out_array);

/* Appends the property names a stored key gives (`family` "Tags" or
 * "Parameters": one; "Metrics": one per statistic) whose full name or key
 * begins with `hint`, ignoring case, to `out_array`. */
void search_suggest_key(const char *family, const char *key, const char *hint, cJSON *out_array);

#endif
