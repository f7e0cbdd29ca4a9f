/* Validation messages in the real service's (AWS Coral) form: values rendered
 * the way Java prints them, paths in lowerCamel with ".N.member" for list
 * elements, every violation joined into one message. */
#include "model_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct violation {
    struct violation *next;
    const char *text;
};

/* A growable string on the heap: messages are built piecewise and copied
 * into the arena once finished, since the arena cannot grow an allocation. */
struct sbuf {
    char *p;
    size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            fputs("lineaged: out of memory\n", stderr);
            abort();
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

/* Returns the text copied into `a` and frees the buffer. */
static char *sb_finish(struct sbuf *b, struct arena *a)
{
    char *s = arena_strndup(a, b->p ? b->p : "", b->len);
    free(b->p);
    return s;
}

char *model_number_format(double d, char buf[32])
{
    if (d == 0) { /* also -0, which Java's integers never print */
        snprintf(buf, 32, "0");
        return buf;
    }
    if (d == trunc(d) && fabs(d) < 1e19) {
        snprintf(buf, 32, "%.0f", d);
        return buf;
    }
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(buf, 32, "%.*g", precision, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return buf;
}

static void render(struct sbuf *b, const cJSON *v)
{
    char num[32];
    if (cJSON_IsString(v)) {
        sb_str(b, v->valuestring ? v->valuestring : "");
    } else if (cJSON_IsNumber(v)) {
        sb_str(b, model_number_format(v->valuedouble, num));
    } else if (cJSON_IsBool(v)) {
        sb_str(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        /* Java's List.toString and Map.toString. */
        bool object = cJSON_IsObject(v);
        sb_str(b, object ? "{" : "[");
        for (const cJSON *c = v->child; c; c = c->next) {
            if (object) {
                sb_str(b, c->string ? c->string : "");
                sb_str(b, "=");
            }
            render(b, c);
            if (c->next)
                sb_str(b, ", ");
        }
        sb_str(b, object ? "}" : "]");
    } else {
        sb_str(b, "null");
    }
}

char *model_value_render(struct arena *a, const cJSON *v)
{
    struct sbuf b = {0};
    render(&b, v);
    return sb_finish(&b, a);
}

static void put_path(struct sbuf *b, const struct path *p)
{
    if (!p)
        return;
    put_path(b, p->up);
    if (p->up)
        sb_str(b, ".");
    char index[32];
    switch (p->kind) {
    case PATH_MEMBER:
        sb_str(b, p->name);
        break;
    case PATH_ELEMENT:
        snprintf(index, sizeof index, "%zu.member", p->index);
        sb_str(b, index);
        break;
    case PATH_MAP_VALUE:
        sb_str(b, p->name);
        sb_str(b, ".member");
        break;
    }
}

char *model_path_render(struct arena *a, const struct path *p)
{
    struct sbuf b = {0};
    put_path(&b, p);
    return sb_finish(&b, a);
}

const char *model_constraint_text(const struct shape *s, unsigned bit)
{
    switch (bit) {
    case FAIL_MIN:
        return s->msg_min;
    case FAIL_MAX:
        return s->msg_max;
    case FAIL_PATTERN:
        return s->msg_pattern;
    case FAIL_ENUM:
        return s->msg_enum;
    }
    return "";
}

char *model_constraint_list(struct arena *a, const struct shape *s, unsigned failed)
{
    struct sbuf b = {0};
    sb_str(&b, "[");
    for (unsigned bit = FAIL_MIN; bit <= FAIL_ENUM; bit <<= 1) {
        if (!(failed & bit))
            continue;
        if (b.len > 1)
            sb_str(&b, ", ");
        sb_str(&b, model_constraint_text(s, bit));
    }
    sb_str(&b, "]");
    return sb_finish(&b, a);
}

void model_violations_init(struct violations *vs)
{
    vs->head = NULL;
    vs->tail = &vs->head;
    vs->n = 0;
}

void model_violations_add(struct arena *a, struct violations *vs, const cJSON *v, const struct path *p,
                          const char *constraint)
{
    struct violation *x = arena_alloc(a, sizeof *x);
    const char *at = model_path_render(a, p);
    if (v)
        x->text = arena_printf(a, "Value '%s' at '%s' failed to satisfy constraint: %s",
                               model_value_render(a, v), at, constraint);
    else
        x->text = arena_printf(a, "Value null at '%s' failed to satisfy constraint: %s", at, constraint);
    *vs->tail = x;
    vs->tail = &x->next;
    vs->n++;
}

char *model_violations_message(struct arena *a, const struct violations *vs)
{
    struct sbuf b = {0};
    char head[64];
    snprintf(head, sizeof head, "%zu validation error%s detected: ", vs->n, vs->n == 1 ? "" : "s");
    sb_str(&b, head);
    for (const struct violation *x = vs->head; x; x = x->next) {
        sb_str(&b, x->text);
        if (x->next)
            sb_str(&b, "; ");
    }
    return sb_finish(&b, a);
}
