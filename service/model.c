/* The API model compiled once into a shape graph (resolved pointers, compiled
 * regexes, constraint texts), then used read-only by every worker to
 * validate requests before a handler runs. */
#include "model_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineaged/timefmt.h"

/* A failed match is reported, not retried, so pathological backtracking on a
 * hostile string costs a few milliseconds; legal values need far fewer steps. */
enum { MATCH_LIMIT = 1000000 };

/* ---- Loading ---------------------------------------------------------- */

struct loader {
    struct api_model *m;
    struct shape **by_name; /* every shape, sorted by name, to resolve references */
    char *why;              /* malloc'd reason the model is unusable */
};

static bool fail(struct loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct loader *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!l->why && vasprintf(&l->why, fmt, ap) < 0)
        l->why = NULL;
    va_end(ap);
    return false;
}

static const struct {
    const char *name;
    enum shape_type type;
} shape_types[] = {
    {"structure", SHAPE_STRUCTURE}, {"list", SHAPE_LIST},       {"map", SHAPE_MAP},
    {"string", SHAPE_STRING},       {"integer", SHAPE_INTEGER}, {"long", SHAPE_LONG},
    {"double", SHAPE_DOUBLE},       {"float", SHAPE_DOUBLE},    {"boolean", SHAPE_BOOLEAN},
    {"timestamp", SHAPE_TIMESTAMP},
};

static bool parse_type(const char *name, enum shape_type *out)
{
    for (size_t i = 0; name && i < sizeof shape_types / sizeof shape_types[0]; i++) {
        if (strcmp(name, shape_types[i].name) == 0) {
            *out = shape_types[i].type;
            return true;
        }
    }
    return false;
}

static int compare_shape_ptr(const void *x, const void *y)
{
    return strcmp((*(struct shape *const *)x)->name, (*(struct shape *const *)y)->name);
}

static int compare_name_to_shape(const void *key, const void *row)
{
    return strcmp(key, (*(struct shape *const *)row)->name);
}

/* The shape named by `ref` ({"shape": "Name"}), or NULL after fail(). */
static const struct shape *resolve(struct loader *l, const char *from, const cJSON *ref)
{
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ref, "shape"));
    struct shape **hit =
        name ? bsearch(name, l->by_name, l->m->n_shapes, sizeof *l->by_name, compare_name_to_shape) : NULL;
    if (!hit) {
        fail(l, "%s refers to unknown shape %s", from, name ? name : "(none)");
        return NULL;
    }
    return *hit;
}

/* Pass one: every shape's name and type, so pass two can point anywhere. */
static bool declare_shapes(struct loader *l, const cJSON *shapes)
{
    struct api_model *m = l->m;
    m->n_shapes = (size_t)cJSON_GetArraySize(shapes);
    m->shapes = arena_alloc(m->arena, m->n_shapes * sizeof *m->shapes);
    l->by_name = arena_alloc(m->arena, m->n_shapes * sizeof *l->by_name);
    size_t i = 0;
    for (const cJSON *j = shapes->child; j; j = j->next, i++) {
        struct shape *s = &m->shapes[i];
        s->name = arena_strdup(m->arena, j->string);
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "type"));
        if (!parse_type(type, &s->type))
            return fail(l, "shape %s has unsupported type %s", s->name, type ? type : "(none)");
        l->by_name[i] = s;
    }
    qsort(l->by_name, m->n_shapes, sizeof *l->by_name, compare_shape_ptr);
    return true;
}

static bool is_length_bounded(const struct shape *s)
{
    return s->type == SHAPE_STRING || s->type == SHAPE_LIST || s->type == SHAPE_MAP;
}

static void load_bounds(struct loader *l, struct shape *s, const cJSON *j)
{
    const cJSON *min = cJSON_GetObjectItemCaseSensitive(j, "min");
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(j, "max");
    const char *what = is_length_bounded(s) ? "length" : "value";
    char num[32];
    if (cJSON_IsNumber(min)) {
        s->has_min = true;
        s->min = min->valuedouble;
        s->msg_min = arena_printf(l->m->arena, "Member must have %s greater than or equal to %s", what,
                                  model_number_format(s->min, num));
    }
    if (cJSON_IsNumber(max)) {
        s->has_max = true;
        s->max = max->valuedouble;
        s->msg_max = arena_printf(l->m->arena, "Member must have %s less than or equal to %s", what,
                                  model_number_format(s->max, num));
    }
}

static void free_regex(void *re)
{
    pcre2_code_free(re);
}

/* Java's `.` matches anything but its line terminators (LF, CR, NEL, LS, PS),
 * a set none of PCRE2's newline conventions has (NEWLINE_ANY adds VT and FF):
 * each `.` outside a character class becomes the class Java means. */
static const char *java_dots(struct arena *a, const char *pattern)
{
    static const char dot[] = "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]";
    size_t n = 0;
    for (const char *p = pattern; *p; p++)
        n += *p == '.' ? sizeof dot : 1;
    char *out = arena_alloc(a, n + 1), *o = out;
    bool in_class = false;
    for (const char *p = pattern; *p; p++) {
        if (*p == '\\' && p[1]) {
            *o++ = *p++;
            *o++ = *p;
            continue;
        }
        if (*p == '[')
            in_class = true;
        else if (*p == ']')
            in_class = false;
        if (*p == '.' && !in_class) {
            memcpy(o, dot, sizeof dot - 1);
            o += sizeof dot - 1;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

/* Java's String.matches() semantics: the whole value must match. */
static bool load_pattern(struct loader *l, struct shape *s, const char *pattern)
{
    int code;
    PCRE2_SIZE offset;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)java_dots(l->m->arena, pattern), PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &offset, NULL);
    if (!re) {
        PCRE2_UCHAR text[160];
        pcre2_get_error_message(code, text, sizeof text);
        return fail(l, "shape %s: pattern %s: %s at offset %zu", s->name, pattern, (const char *)text,
                    (size_t)offset);
    }
    arena_defer(l->m->arena, free_regex, re);
    /* JIT is an optimisation: without it (or if it fails) the interpreter runs. */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    s->pattern = re;
    s->msg_pattern = arena_printf(l->m->arena, "Member must satisfy regular expression pattern: %s%s",
                                  pattern[0] == '^' ? "" : "^", pattern);
    l->m->n_patterns++;
    return true;
}

static bool load_enum(struct loader *l, struct shape *s, const cJSON *values)
{
    struct arena *a = l->m->arena;
    s->n_enums = (size_t)cJSON_GetArraySize(values);
    s->enums = arena_alloc(a, s->n_enums * sizeof *s->enums);
    char *text = arena_strdup(a, "Member must satisfy enum value set: [");
    size_t i = 0;
    for (const cJSON *v = values->child; v; v = v->next, i++) {
        if (!cJSON_IsString(v))
            return fail(l, "shape %s has a non-string enum value", s->name);
        s->enums[i] = arena_strdup(a, v->valuestring);
        text = arena_printf(a, "%s%s%s", text, i ? ", " : "", v->valuestring);
    }
    s->msg_enum = arena_printf(a, "%s]", text);
    return true;
}

static bool load_string(struct loader *l, struct shape *s, const cJSON *j)
{
    const cJSON *pattern = cJSON_GetObjectItemCaseSensitive(j, "pattern");
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(j, "enum");
    if (cJSON_IsString(pattern) && !load_pattern(l, s, pattern->valuestring))
        return false;
    if (cJSON_IsArray(values) && !load_enum(l, s, values))
        return false;
    return true;
}

/* "ExperimentName" -> "experimentName", the form the service's paths use. */
static const char *lower_camel(struct arena *a, const char *name)
{
    char *s = arena_strdup(a, name);
    if (s[0] >= 'A' && s[0] <= 'Z')
        s[0] = (char)(s[0] - 'A' + 'a');
    return s;
}

static int compare_member_ptr(const void *x, const void *y)
{
    return strcmp((*(const struct member *const *)x)->name, (*(const struct member *const *)y)->name);
}

static int compare_name_to_member(const void *key, const void *row)
{
    return strcmp(key, (*(const struct member *const *)row)->name);
}

static const struct member *find_member(const struct shape *s, const char *name)
{
    const struct member *const *hit = name ? bsearch(name, s->members_by_name, s->n_members,
                                                     sizeof *s->members_by_name, compare_name_to_member)
                                           : NULL;
    return hit ? *hit : NULL;
}

static bool mark_required(struct loader *l, struct shape *s, const cJSON *required)
{
    for (const cJSON *r = required ? required->child : NULL; r; r = r->next) {
        const char *name = cJSON_GetStringValue(r);
        size_t i = 0;
        while (name && i < s->n_members && strcmp(s->members[i].name, name) != 0)
            i++;
        if (!name || i == s->n_members)
            return fail(l, "shape %s requires unknown member %s", s->name, name ? name : "(none)");
        s->members[i].required = true;
    }
    return true;
}

static bool load_structure(struct loader *l, struct shape *s, const cJSON *j)
{
    struct arena *a = l->m->arena;
    const cJSON *members = cJSON_GetObjectItemCaseSensitive(j, "members");
    s->n_members = (size_t)cJSON_GetArraySize(members);
    s->members = arena_alloc(a, s->n_members * sizeof *s->members);
    s->members_by_name = arena_alloc(a, s->n_members * sizeof *s->members_by_name);
    size_t i = 0;
    for (const cJSON *mj = members ? members->child : NULL; mj; mj = mj->next, i++) {
        struct member *m = &s->members[i];
        m->name = arena_strdup(a, mj->string);
        m->path_name = lower_camel(a, mj->string);
        if (!(m->shape = resolve(l, s->name, mj)))
            return false;
        s->members_by_name[i] = m;
    }
    qsort(s->members_by_name, s->n_members, sizeof *s->members_by_name, compare_member_ptr);
    return mark_required(l, s, cJSON_GetObjectItemCaseSensitive(j, "required"));
}

static bool load_map(struct loader *l, struct shape *s, const cJSON *j)
{
    s->key = resolve(l, s->name, cJSON_GetObjectItemCaseSensitive(j, "key"));
    s->value = s->key ? resolve(l, s->name, cJSON_GetObjectItemCaseSensitive(j, "value")) : NULL;
    if (!s->value)
        return false;
    /* JSON object keys are strings; any other key type could never be read. */
    if (s->key->type != SHAPE_STRING)
        return fail(l, "map %s has a key shape that is not a string", s->name);
    return true;
}

/* Pass two: constraints and references of one shape. */
static bool define_shape(struct loader *l, struct shape *s, const cJSON *j)
{
    load_bounds(l, s, j);
    switch (s->type) {
    case SHAPE_STRING:
        return load_string(l, s, j);
    case SHAPE_STRUCTURE:
        return load_structure(l, s, j);
    case SHAPE_LIST:
        return (s->member = resolve(l, s->name, cJSON_GetObjectItemCaseSensitive(j, "member"))) != NULL;
    case SHAPE_MAP:
        return load_map(l, s, j);
    default:
        return true;
    }
}

static bool load_shapes(struct loader *l, const cJSON *shapes)
{
    if (!cJSON_IsObject(shapes))
        return fail(l, "the model has no \"shapes\" object");
    if (!declare_shapes(l, shapes))
        return false;
    size_t i = 0;
    for (const cJSON *j = shapes->child; j; j = j->next, i++)
        if (!define_shape(l, &l->m->shapes[i], j))
            return false;
    return true;
}

static const char *arena_strdup_or_null(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

static bool load_op(struct loader *l, struct api_op *op, const cJSON *j)
{
    struct arena *a = l->m->arena;
    const cJSON *http = cJSON_GetObjectItemCaseSensitive(j, "http");
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(j, "input");
    op->name = arena_strdup(a, j->string);
    op->method =
        arena_strdup_or_null(a, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(http, "method")));
    op->uri =
        arena_strdup_or_null(a, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(http, "requestUri")));
    op->match_ctx = l->m->match_ctx;
    if (!input)
        return true;
    if (!(op->input = resolve(l, op->name, input)))
        return false;
    if (op->input->type != SHAPE_STRUCTURE)
        return fail(l, "operation %s has an input that is not a structure", op->name);
    return true;
}

static int compare_op_ptr(const void *x, const void *y)
{
    return strcmp((*(const struct api_op *const *)x)->name, (*(const struct api_op *const *)y)->name);
}

static int compare_name_to_op(const void *key, const void *row)
{
    return strcmp(key, (*(const struct api_op *const *)row)->name);
}

static bool load_ops(struct loader *l, const cJSON *ops)
{
    struct api_model *m = l->m;
    if (!cJSON_IsObject(ops))
        return fail(l, "the model has no \"operations\" object");
    m->n_ops = (size_t)cJSON_GetArraySize(ops);
    m->ops = arena_alloc(m->arena, m->n_ops * sizeof *m->ops);
    m->ops_by_name = arena_alloc(m->arena, m->n_ops * sizeof *m->ops_by_name);
    size_t i = 0;
    for (const cJSON *j = ops->child; j; j = j->next, i++) {
        if (!load_op(l, &m->ops[i], j))
            return false;
        m->ops_by_name[i] = &m->ops[i];
    }
    qsort(m->ops_by_name, m->n_ops, sizeof *m->ops_by_name, compare_op_ptr);
    return true;
}

static void free_match_context(void *p)
{
    pcre2_match_context_free(p);
}

static struct api_model *model_new(void)
{
    struct arena *a = arena_create();
    struct api_model *m = arena_alloc(a, sizeof *m);
    m->arena = a;
    m->match_ctx = pcre2_match_context_create(NULL);
    if (!m->match_ctx) {
        fputs("lineaged: out of memory\n", stderr);
        abort();
    }
    arena_defer(a, free_match_context, m->match_ctx);
    pcre2_set_match_limit(m->match_ctx, MATCH_LIMIT);
    return m;
}

static bool load_document(struct loader *l, const char *json, size_t len)
{
    cJSON *doc = cJSON_ParseWithLength(json, len);
    if (!doc)
        return fail(l, "the model is not valid JSON");
    bool ok = load_shapes(l, cJSON_GetObjectItemCaseSensitive(doc, "shapes")) &&
              load_ops(l, cJSON_GetObjectItemCaseSensitive(doc, "operations"));
    cJSON_Delete(doc);
    return ok;
}

struct api_model *model_load(const char *json, size_t len, char **err)
{
    struct loader l = {.m = model_new()};
    if (err)
        *err = NULL;
    if (load_document(&l, json, len))
        return l.m;
    model_free(l.m);
    if (err)
        *err = l.why;
    else
        free(l.why);
    return NULL;
}

void model_free(struct api_model *m)
{
    if (m)
        arena_destroy(m->arena); /* m itself lives in its arena */
}

/* ---- Lookup ------------------------------------------------------------ */

const struct api_op *model_find_op(const struct api_model *m, const char *name)
{
    const struct api_op *const *hit =
        name ? bsearch(name, m->ops_by_name, m->n_ops, sizeof *m->ops_by_name, compare_name_to_op) : NULL;
    return hit ? *hit : NULL;
}

const struct api_op *model_find_route(const struct api_model *m, const char *method, const char *uri)
{
    /* A linear scan: only the REST model routes by URI, and it has two operations. */
    for (size_t i = 0; method && uri && i < m->n_ops; i++) {
        const struct api_op *op = &m->ops[i];
        if (op->method && op->uri && strcmp(op->method, method) == 0 && strcmp(op->uri, uri) == 0)
            return op;
    }
    return NULL;
}

size_t model_op_count(const struct api_model *m)
{
    return m->n_ops;
}

const struct api_op *model_op_at(const struct api_model *m, size_t i)
{
    return i < m->n_ops ? &m->ops[i] : NULL;
}

const char *model_op_name(const struct api_op *op)
{
    return op->name;
}

/* ---- Validation ---------------------------------------------------------- */

struct validation {
    struct arena *a;
    pcre2_match_context *match_ctx;
    pcre2_match_data *match_data; /* made on the first pattern check, freed at the end */
    struct violations found;
    char *unreadable; /* the serialization message, once a value cannot be read */
};

static bool is_scalar(const struct shape *s)
{
    return s->type != SHAPE_STRUCTURE && s->type != SHAPE_LIST && s->type != SHAPE_MAP;
}

static bool integral_in(const cJSON *j, double lo, double below)
{
    double d = j->valuedouble;
    return cJSON_IsNumber(j) && d == floor(d) && d >= lo && d < below;
}

/* Whether `j`'s JSON type can be read as the shape's type at all. */
static bool readable(const struct shape *s, const cJSON *j)
{
    int64_t ms;
    switch (s->type) {
    case SHAPE_STRUCTURE:
    case SHAPE_MAP:
        return cJSON_IsObject(j);
    case SHAPE_LIST:
        return cJSON_IsArray(j);
    case SHAPE_STRING:
        return cJSON_IsString(j) && j->valuestring;
    case SHAPE_INTEGER:
        return integral_in(j, -2147483648.0, 2147483648.0);
    case SHAPE_LONG:
        return integral_in(j, -9223372036854775808.0, 9223372036854775808.0);
    case SHAPE_DOUBLE: /* AWS JSON writes the non-finite doubles as these strings */
        return (cJSON_IsNumber(j) && isfinite(j->valuedouble)) ||
               (cJSON_IsString(j) &&
                (strcmp(j->valuestring, "NaN") == 0 || strcmp(j->valuestring, "Infinity") == 0 ||
                 strcmp(j->valuestring, "-Infinity") == 0));
    case SHAPE_BOOLEAN:
        return cJSON_IsBool(j);
    case SHAPE_TIMESTAMP:
        return ldtime_parse(j, &ms);
    }
    return false;
}

static const char *type_name(enum shape_type t)
{
    static const char *const names[] = {
        [SHAPE_STRUCTURE] = "structure", [SHAPE_LIST] = "list",       [SHAPE_MAP] = "map",
        [SHAPE_STRING] = "string",       [SHAPE_INTEGER] = "integer", [SHAPE_LONG] = "long",
        [SHAPE_DOUBLE] = "double",       [SHAPE_BOOLEAN] = "boolean", [SHAPE_TIMESTAMP] = "timestamp",
    };
    return names[t];
}

static enum ld_err unreadable(struct validation *v, const struct shape *s, const cJSON *j,
                              const struct path *p)
{
    const char *at = model_path_render(v->a, p);
    if (cJSON_IsNull(j))
        v->unreadable =
            arena_printf(v->a, "Value null at '%s' cannot be read as %s.", at, type_name(s->type));
    else
        v->unreadable = arena_printf(v->a, "Value '%s' at '%s' cannot be read as %s.",
                                     model_value_render(v->a, j), at, type_name(s->type));
    return LD_ERR_SERIALIZATION;
}

static unsigned bound_failures(const struct shape *s, double x)
{
    unsigned failed = 0;
    if (s->has_min && x < s->min)
        failed |= FAIL_MIN;
    if (s->has_max && x > s->max)
        failed |= FAIL_MAX;
    return failed;
}

/* Code points, the unit of the model's string lengths. For invalid UTF-8 this
 * is approximate; such a value fails any pattern anyway. */
static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool pattern_matches(struct validation *v, const pcre2_code *re, const char *text)
{
    if (!v->match_data && !(v->match_data = pcre2_match_data_create(1, NULL))) {
        fputs("lineaged: out of memory\n", stderr);
        abort();
    }
    /* Without PCRE2_NO_UTF_CHECK, invalid UTF-8 is an error: a mismatch. */
    size_t len = strlen(text);
    int rc = pcre2_match(re, (PCRE2_SPTR)text, len, 0, 0, v->match_data, v->match_ctx);
    /* JIT's stack is small; a long legal value can outgrow it where the
     * interpreter, whose frames live on the heap, does not. */
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
        rc = pcre2_match(re, (PCRE2_SPTR)text, len, 0, PCRE2_NO_JIT, v->match_data, v->match_ctx);
    return rc >= 0; /* 0: matched, with more groups than the match data holds */
}

static bool enum_contains(const struct shape *s, const char *text)
{
    for (size_t i = 0; i < s->n_enums; i++)
        if (strcmp(s->enums[i], text) == 0)
            return true;
    return false;
}

static unsigned string_failures(struct validation *v, const struct shape *s, const char *text)
{
    unsigned failed = bound_failures(s, (double)utf8_length(text));
    if (s->pattern && !pattern_matches(v, s->pattern, text))
        failed |= FAIL_PATTERN;
    if (s->n_enums && !enum_contains(s, text))
        failed |= FAIL_ENUM;
    return failed;
}

/* The constraints a readable scalar fails, as FAIL_* bits. */
static unsigned scalar_failures(struct validation *v, const struct shape *s, const cJSON *j)
{
    switch (s->type) {
    case SHAPE_STRING:
        return string_failures(v, s, j->valuestring);
    case SHAPE_INTEGER:
    case SHAPE_LONG:
    case SHAPE_DOUBLE:
        return bound_failures(s, j->valuedouble);
    default:
        return 0;
    }
}

/* One violation per failed constraint of `s`, each naming `j` at `p`. */
static void report(struct validation *v, const struct shape *s, const cJSON *j, const struct path *p,
                   unsigned failed)
{
    for (unsigned bit = FAIL_MIN; bit <= FAIL_ENUM; bit <<= 1)
        if (failed & bit)
            model_violations_add(v->a, &v->found, j, p, model_constraint_text(s, bit));
}

/* One violation for failures inside a collection: "<prefix> [text, text]". */
static void report_inner(struct validation *v, const struct shape *inner, const cJSON *j,
                         const struct path *p, const char *prefix, unsigned failed)
{
    if (failed)
        model_violations_add(v->a, &v->found, j, p,
                             arena_printf(v->a, "%s %s", prefix, model_constraint_list(v->a, inner, failed)));
}

static enum ld_err validate_value(struct validation *v, const struct shape *s, const cJSON *j,
                                  const struct path *p);

/* Structure members in the model's order, so messages list them that way. */
static enum ld_err validate_structure(struct validation *v, const struct shape *s, const cJSON *obj,
                                      const struct path *p)
{
    const cJSON *local[32];
    const cJSON **given = s->n_members <= 32 ? local : arena_alloc(v->a, s->n_members * sizeof *given);
    memset(given, 0, s->n_members * sizeof *given);
    for (const cJSON *c = obj->child; c; c = c->next) {
        const struct member *m = find_member(s, c->string); /* unknown members are ignored */
        /* The first of duplicate keys wins, as with cJSON_GetObjectItem in handlers. */
        if (m && !given[m - s->members])
            given[m - s->members] = c;
    }
    for (size_t i = 0; i < s->n_members; i++) {
        const struct member *m = &s->members[i];
        struct path mp = {.up = p, .kind = PATH_MEMBER, .name = m->path_name};
        if (!given[i] || cJSON_IsNull(given[i])) { /* null is absent, as botocore sends it */
            if (m->required)
                model_violations_add(v->a, &v->found, NULL, &mp, "Member must not be null");
            continue;
        }
        enum ld_err e = validate_value(v, m->shape, given[i], &mp);
        if (e != LD_OK)
            return e;
    }
    return LD_OK;
}

static enum ld_err validate_list(struct validation *v, const struct shape *s, const cJSON *list,
                                 const struct path *p)
{
    report(v, s, list, p, bound_failures(s, cJSON_GetArraySize(list)));
    unsigned failed = 0; /* scalar elements: reported once, at the list */
    size_t index = 0;
    for (const cJSON *el = list->child; el; el = el->next) {
        index++;
        struct path ep = {.up = p, .kind = PATH_ELEMENT, .index = index};
        if (!is_scalar(s->member)) {
            enum ld_err e = validate_value(v, s->member, el, &ep);
            if (e != LD_OK)
                return e;
            continue;
        }
        if (!readable(s->member, el))
            return unreadable(v, s->member, el, &ep);
        failed |= scalar_failures(v, s->member, el);
    }
    report_inner(v, s->member, list, p, "Member must satisfy constraint:", failed);
    return LD_OK;
}

static enum ld_err validate_map(struct validation *v, const struct shape *s, const cJSON *map,
                                const struct path *p)
{
    report(v, s, map, p, bound_failures(s, cJSON_GetArraySize(map)));
    unsigned key_failed = 0, value_failed = 0;
    for (const cJSON *e = map->child; e; e = e->next)
        key_failed |= string_failures(v, s->key, e->string ? e->string : "");
    report_inner(v, s->key, map, p, "Map keys must satisfy constraint:", key_failed);
    for (const cJSON *e = map->child; e; e = e->next) {
        struct path vp = {.up = p, .kind = PATH_MAP_VALUE, .name = e->string ? e->string : ""};
        if (!is_scalar(s->value)) {
            enum ld_err err = validate_value(v, s->value, e, &vp);
            if (err != LD_OK)
                return err;
            continue;
        }
        if (!readable(s->value, e))
            return unreadable(v, s->value, e, &vp);
        value_failed |= scalar_failures(v, s->value, e);
    }
    report_inner(v, s->value, map, p, "Map value must satisfy constraint:", value_failed);
    return LD_OK;
}

static enum ld_err validate_value(struct validation *v, const struct shape *s, const cJSON *j,
                                  const struct path *p)
{
    if (!readable(s, j))
        return unreadable(v, s, j, p);
    switch (s->type) {
    case SHAPE_STRUCTURE:
        return validate_structure(v, s, j, p);
    case SHAPE_LIST:
        return validate_list(v, s, j, p);
    case SHAPE_MAP:
        return validate_map(v, s, j, p);
    default:
        report(v, s, j, p, scalar_failures(v, s, j));
        return LD_OK;
    }
}

enum ld_err model_validate(const struct api_op *op, const cJSON *input, struct arena *a, char **message)
{
    static const cJSON empty = {.type = cJSON_Object}; /* an empty body is {} */
    *message = NULL;
    if (!input)
        input = &empty;
    if (!cJSON_IsObject(input)) {
        *message = arena_strdup(a, "The request body is not a JSON object.");
        return LD_ERR_SERIALIZATION;
    }
    if (!op->input)
        return LD_OK;
    struct validation v = {.a = a, .match_ctx = op->match_ctx};
    model_violations_init(&v.found);
    enum ld_err e = validate_structure(&v, op->input, input, NULL);
    pcre2_match_data_free(v.match_data);
    if (e != LD_OK) {
        *message = v.unreadable;
        return e;
    }
    if (v.found.n == 0)
        return LD_OK;
    *message = model_violations_message(a, &v.found);
    return LD_ERR_VALIDATION;
}
