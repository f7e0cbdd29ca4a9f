/* Small readers and writers over cJSON for handlers. */
#include "json_io.h"

#include <stdlib.h>
#include <string.h>

#include "json_write.h"
#include "lineaged/timefmt.h"

const char *json_str(const cJSON *in, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int json_int(const cJSON *in, const char *key, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, key);
    return cJSON_IsNumber(v) ? (int)v->valuedouble : dflt;
}

bool json_time(const cJSON *in, const char *key, int64_t *ms)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, key);
    return v && !cJSON_IsNull(v) && ldtime_parse(v, ms);
}

void json_put_str(cJSON *out, const char *key, const char *value)
{
    if (value)
        cJSON_AddStringToObject(out, key, value);
}

void json_put_str_ref(cJSON *out, const char *key, const char *value)
{
    if (value)
        cJSON_AddItemToObjectCS(out, key, cJSON_CreateStringReference(value));
}

void json_put_time(cJSON *out, const char *key, int64_t ms)
{
    char buf[32];
    cJSON_AddRawToObject(out, key, ldtime_format(ms, buf));
}

/* Copies the JSON value at `s` to *out without the whitespace outside its
 * strings, NUL-terminated, and moves *out past it; returns where the value
 * ends in `s`: at the ',', '}' or ']' after it, or at the NUL. The copy is
 * never longer than the text, so *out may be `s` itself. */
static const char *copy_value(const char *s, char **out)
{
    char *o = *out;
    int depth = 0;
    for (; *s; s++) {
        char c = *s;
        if (c == '"') {
            *o++ = *s++;
            while (*s && *s != '"') {
                if (*s == '\\' && s[1])
                    *o++ = *s++;
                *o++ = *s++;
            }
            if (!*s)
                break;
            *o++ = '"';
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (depth == 0 && (c == ',' || c == '}' || c == ']'))
            break;
        depth += c == '{' || c == '[' ? 1 : c == '}' || c == ']' ? -1 : 0;
        *o++ = c;
    }
    *o++ = '\0';
    *out = o;
    return s;
}

void json_put_raw(cJSON *out, const char *key, const char *text, bool compact)
{
    cJSON *v = cJSON_CreateRaw(text);
    char *o = v->valuestring;
    if (compact)
        copy_value(o, &o);
    cJSON_AddItemToObject(out, key, v);
}

void json_put_object_text(cJSON *out, const char *key, const char *text)
{
    if (text && text[strspn(text, " \t\n\r")] == '{')
        json_put_raw(out, key, text, true);
    else
        cJSON_AddItemToObject(out, key, cJSON_CreateObject());
}

size_t json_object_members(struct arena *a, const char *text, const char **names, const char **values,
                           size_t cap)
{
    static const char space[] = " \t\n\r";
    const char *s = text ? text + strspn(text, space) : "";
    if (*s != '{')
        return 0;
    char *o = arena_alloc(a, 2 * strlen(s) + 2);
    size_t n = 0;
    for (s++; n < cap; s++) {
        s += strspn(s, space);
        if (*s != '"')
            break;
        const char *name = ++s;
        while (*s && *s != '"')
            s += *s == '\\' && s[1] ? 2 : 1;
        if (!*s)
            break;
        names[n] = memcpy(o, name, (size_t)(s - name));
        o += s - name;
        *o++ = '\0';
        s++;
        s += strspn(s, space);
        if (*s != ':')
            break;
        values[n++] = o;
        if (*(s = copy_value(s + 1, &o)) != ',')
            break;
    }
    return n;
}

static void delete_tree(void *p)
{
    cJSON_Delete(p);
}

cJSON *json_parse_owned_adopt(struct request *r, cJSON *v)
{
    if (v)
        arena_defer(r->arena, delete_tree, v);
    return v;
}

cJSON *json_parse_owned(struct request *r, const char *text)
{
    return json_parse_owned_adopt(r, text ? cJSON_Parse(text) : NULL);
}

void json_put_source(cJSON *out, const char *key, const char *arn, const char *type)
{
    if (!arn)
        return;
    cJSON *src = cJSON_AddObjectToObject(out, key);
    json_put_str(src, "SourceArn", arn);
    json_put_str(src, "SourceType", type);
}

const char *json_print_owned(struct request *r, const cJSON *v)
{
    return v ? json_write(r->arena, v, false, NULL) : NULL;
}

const char *json_member_text(struct request *r, const cJSON *in, const char *key)
{
    return json_print_owned(r, cJSON_GetObjectItemCaseSensitive(in, key));
}

/* A request's trees (its parsed body, its reply, the JSON read from the
 * database) are many small blocks that all die with the request: taking them
 * from its arena spares a malloc and a free each. The header keeps alignment
 * and says whether a block is the arena's, as a tree may be freed on any
 * thread and at any time, in or out of a request. */
enum { TREE_HEADER = 16, FROM_HEAP = 0, FROM_ARENA = 1 };

/* A free in the arena gives nothing back until the request ends, so a
 * handler that parses and frees a tree per row would grow it without end:
 * past this many bytes a request's blocks come from malloc again. A Search
 * of 100 components takes about 1 MiB. */
enum { TREE_ARENA_MAX = 16 << 20 };

static _Thread_local struct arena *tree_arena;
static _Thread_local size_t tree_arena_used;

static void *tree_malloc(size_t n)
{
    unsigned char *p;
    if (tree_arena && tree_arena_used + n <= TREE_ARENA_MAX) {
        tree_arena_used += n + TREE_HEADER;
        p = arena_alloc(tree_arena, n + TREE_HEADER);
        p[0] = FROM_ARENA;
    } else {
        if (!(p = malloc(n + TREE_HEADER)))
            return NULL;
        p[0] = FROM_HEAP;
    }
    return p + TREE_HEADER;
}

static void tree_free(void *block)
{
    if (!block)
        return;
    unsigned char *p = (unsigned char *)block - TREE_HEADER;
    if (p[0] == FROM_HEAP)
        free(p);
}

void json_hooks_install(void)
{
    cJSON_Hooks hooks = {.malloc_fn = tree_malloc, .free_fn = tree_free};
    cJSON_InitHooks(&hooks);
}

void json_trees_in(struct arena *a)
{
    tree_arena = a;
    tree_arena_used = 0;
}
