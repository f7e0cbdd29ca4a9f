/* Private to the model module: the compiled shape graph (built by model.c)
 * and the message helpers (model_message.c) that render violations in the
 * real service's form. Tests include it to look inside a loaded model. */
#ifndef LINEAGED_MODEL_INTERNAL_H
#define LINEAGED_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "lineaged/model.h"

enum shape_type {
    SHAPE_STRUCTURE,
    SHAPE_LIST,
    SHAPE_MAP,
    SHAPE_STRING,
    SHAPE_INTEGER,
    SHAPE_LONG,
    SHAPE_DOUBLE,
    SHAPE_BOOLEAN,
    SHAPE_TIMESTAMP,
};

/* The constraints a scalar can fail, as bits; violations are reported in
 * this order. */
enum {
    FAIL_MIN = 1u << 0,
    FAIL_MAX = 1u << 1,
    FAIL_PATTERN = 1u << 2,
    FAIL_ENUM = 1u << 3,
};

struct member {
    const char *name;      /* wire name: "ExperimentName" */
    const char *path_name; /* name in messages: "experimentName" */
    const struct shape *shape;
    bool required;
};

struct shape {
    const char *name;
    enum shape_type type;
    /* Bounds on length (strings, in code points), size (lists, maps) or
     * value (numbers). cJSON holds every number as a double, so one bound
     * type serves them all. */
    bool has_min, has_max;
    double min, max;
    pcre2_code *pattern; /* anchored at both ends, like Java's matches() */
    const char **enums;
    size_t n_enums;
    /* Constraint texts ("Member must ..."), written once at load. */
    const char *msg_min, *msg_max, *msg_pattern, *msg_enum;
    struct member *members; /* structures, in the model's order */
    size_t n_members;
    const struct member **members_by_name; /* sorted by wire name, for bsearch */
    const struct shape *member;            /* list element */
    const struct shape *key, *value;       /* map entry */
};

struct api_op {
    const char *name;
    const char *method, *uri;       /* http.method and http.requestUri, or NULL */
    const struct shape *input;      /* NULL when the operation takes no input */
    pcre2_match_context *match_ctx; /* the model's; read-only while matching */
};

struct api_model {
    struct arena *arena; /* owns every string and array below, and the regexes */
    struct shape *shapes;
    size_t n_shapes;
    struct api_op *ops; /* the model's order */
    size_t n_ops;
    const struct api_op **ops_by_name; /* sorted by name, for bsearch */
    size_t n_patterns;                 /* compiled regexes */
    pcre2_match_context *match_ctx;
};

/* A path to a value, kept on the stack while validating and rendered only
 * when a message needs it: "tags.1.member.key". */
enum path_kind {
    PATH_MEMBER,    /* structure member: name */
    PATH_ELEMENT,   /* list element: "<index>.member" */
    PATH_MAP_VALUE, /* map value: "<key>.member" */
};

struct path {
    const struct path *up; /* NULL at the top-level structure */
    enum path_kind kind;
    const char *name; /* member path name or map key */
    size_t index;     /* 1-based list index */
};

/* The violations found so far, in order. */
struct violation;
struct violations {
    struct violation *head, **tail;
    size_t n;
};

void model_violations_init(struct violations *vs);

/* Adds "Value '<v>' at '<path>' failed to satisfy constraint: <constraint>";
 * `v` NULL renders as `Value null`. Memory from `a`. */
void model_violations_add(struct arena *a, struct violations *vs, const cJSON *v, const struct path *p,
                          const char *constraint);

/* "N validation error(s) detected: " and the violations joined by "; ". */
char *model_violations_message(struct arena *a, const struct violations *vs);

/* `p` as "a.b.1.member.c" (empty for the top level), from `a`. */
char *model_path_render(struct arena *a, const struct path *p);

/* `v` as the service prints values: strings raw, lists "[a, b]", objects
 * "{k=v, k2=v2}", numbers minimally. From `a`. */
char *model_value_render(struct arena *a, const cJSON *v);

/* `d` in the fewest digits that read back exactly ("0", "1.5", "100"). */
char *model_number_format(double d, char buf[32]);

/* The shape's failed constraints in `failed` as "[text, text]", from `a`. */
char *model_constraint_list(struct arena *a, const struct shape *s, unsigned failed);

/* The shape's text for one FAIL_* bit. */
const char *model_constraint_text(const struct shape *s, unsigned bit);

#endif
