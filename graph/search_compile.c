/* The Search compiler: resolves property names against a fixed table of SQL
 * fragments, checks operators against value types, and assembles one
 * statement with a capped count, keyset pagination and missing values last. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lineaged/search.h"
#include "lineaged/timefmt.h"
#include "lineaged/token.h"

enum vtype { VT_TEXT, VT_NUMBER, VT_TIME, VT_PARAM };

enum {
    K_EXP = 1 << 1,
    K_TRIAL = 1 << 2,
    K_TC = 1 << 3,
    K_ALL = K_EXP | K_TRIAL | K_TC,
};

enum {
    F_EXEMPT = 1 << 0,  /* not counted against the one-Contains limit */
    F_NOTNULL = 1 << 1, /* every record has it */
    F_ARN = 1 << 2,     /* compared lower-cased; a comma list under Equals means In */
};

/* A property with a value expression over the relation `entity`. `ci` is the
 * lower-cased column an Equals also tests, so the unique name index serves it. */
struct field {
    const char *name;
    unsigned kinds;
    const char *expr;
    enum vtype type;
    unsigned flags;
    const char *ci;
};

static const struct field fields[] = {
    {"ExperimentName", K_EXP, "entity.name", VT_TEXT, F_EXEMPT | F_NOTNULL, "entity.name_key"},
    {"ExperimentArn", K_EXP, "entity.arn", VT_TEXT, F_NOTNULL | F_ARN, NULL},
    {"TrialName", K_TRIAL, "entity.name", VT_TEXT, F_EXEMPT | F_NOTNULL, "entity.name_key"},
    {"TrialArn", K_TRIAL, "entity.arn", VT_TEXT, F_NOTNULL | F_ARN, NULL},
    {"TrialComponentName", K_TC, "entity.name", VT_TEXT, F_EXEMPT | F_NOTNULL, "entity.name_key"},
    {"TrialComponentArn", K_TC, "entity.arn", VT_TEXT, F_NOTNULL | F_ARN, NULL},
    {"ExperimentName", K_TRIAL, "(select p.name from entity p where p.id = entity.parent_id)", VT_TEXT, 0,
     NULL},
    {"DisplayName", K_ALL, "entity.display_name", VT_TEXT, F_EXEMPT, NULL},
    {"Description", K_EXP, "entity.description", VT_TEXT, 0, NULL},
    {"Source.SourceArn", K_ALL, "entity.source_uri_fold", VT_TEXT, F_ARN, NULL},
    {"SourceDetail.SourceArn", K_TC, "entity.source_uri_fold", VT_TEXT, F_ARN, NULL},
    {"RunName", K_TC, "(entity.details->>'RunName')", VT_TEXT, 0, NULL},
    {"Source.SourceType", K_ALL, "entity.source_type", VT_TEXT, 0, NULL},
    {"CreationTime", K_ALL, "entity.created_at", VT_TIME, F_NOTNULL, NULL},
    {"LastModifiedTime", K_ALL, "entity.modified_at", VT_TIME, F_NOTNULL, NULL},
    {"Status.PrimaryStatus", K_TC, "entity.status", VT_TEXT, 0, NULL},
    {"Status.Message", K_TC, "entity.details->'Status'->>'Message'", VT_TEXT, 0, NULL},
    {"StartTime", K_TC, "to_timestamp((entity.details->>'StartTime')::float8 / 1000)", VT_TIME, 0, NULL},
    {"EndTime", K_TC, "to_timestamp((entity.details->>'EndTime')::float8 / 1000)", VT_TIME, 0, NULL},
    {"LineageGroupArn", K_TC, "(select g.arn from lineage_group g where g.tenant_id = entity.tenant_id)",
     VT_TEXT, F_ARN, NULL},
};

/* List-valued properties: each element is a row of `from` (which ends in a
 * WHERE clause tying it to the record), its fields columns of that row.
 * `ids`, when set, selects the ids of the records owning such rows without
 * reference to the record, so a positive filter is a semi-join that starts
 * from an index on the element rows. */
struct list_def {
    const char *name;
    unsigned kinds;
    const char *from;
    const char *ids;
    const struct field *fields;
    size_t field_count;
};

static const struct field parent_fields[] = {
    {"TrialName", K_TC, "pt.name", VT_TEXT, 0, "pt.name_key"},
    {"ExperimentName", K_TC, "px.name", VT_TEXT, 0, "px.name_key"},
};
static const struct field summary_fields[] = {
    {"TrialComponentName", K_TRIAL, "sc.name", VT_TEXT, 0, "sc.name_key"},
    {"TrialComponentArn", K_TRIAL, "sc.arn", VT_TEXT, F_ARN, NULL},
    {"TrialComponentSource.SourceArn", K_TRIAL, "sc.source_uri_fold", VT_TEXT, F_ARN, NULL},
    {"TrialComponentSource.SourceType", K_TRIAL, "sc.source_type", VT_TEXT, 0, NULL},
    {"CreationTime", K_TRIAL, "sc.created_at", VT_TIME, 0, NULL},
};
static const struct field tag_fields[] = {
    {"Key", K_ALL, "t.key", VT_TEXT, F_EXEMPT, NULL},
    {"Value", K_ALL, "t.value", VT_TEXT, F_EXEMPT, NULL},
};
static const struct field metric_fields[] = {
    {"MetricName", K_TC, "mt.metric_name", VT_TEXT, 0, NULL},
    {"Min", K_TC, "mt.mn", VT_NUMBER, 0, NULL},
    {"Max", K_TC, "mt.mx", VT_NUMBER, 0, NULL},
    {"Avg", K_TC, "mt.av", VT_NUMBER, 0, NULL},
    {"Count", K_TC, "mt.cnt", VT_NUMBER, 0, NULL},
    {"Last", K_TC, "mt.lv", VT_NUMBER, 0, NULL},
    {"StdDev", K_TC, "mt.sd", VT_NUMBER, 0, NULL},
    {"TimeStamp", K_TC, "mt.ts", VT_TIME, 0, NULL},
    {"SourceArn", K_TC, "mt.sa", VT_TEXT, F_ARN, NULL},
};

#define PARENT_ROWS                                                                                          \
    " from trial_membership pm join entity pt on pt.id = pm.trial_id left join entity px on px.id = "        \
    "pt.parent_id"
#define SUMMARY_ROWS " from trial_membership sm join entity sc on sc.id = sm.component_id"
#define LIST(name, kinds, from, ids, f)                                                                      \
    {                                                                                                        \
        name, kinds, from, ids, f, sizeof f / sizeof f[0]                                                    \
    }
static const struct list_def lists[] = {
    LIST("Parents", K_TC, PARENT_ROWS " where pm.component_id = entity.id",
         "select pm.component_id" PARENT_ROWS " where pt.tenant_id = $1 and pt.kind = 2", parent_fields),
    LIST("TrialComponentSummaries", K_TRIAL, SUMMARY_ROWS " where sm.trial_id = entity.id",
         "select sm.trial_id" SUMMARY_ROWS " where sc.tenant_id = $1 and sc.kind = 3", summary_fields),
    LIST("Tags", K_ALL, " from tag t where t.entity_id = entity.id",
         "select t.entity_id from tag t where t.tenant_id = $1", tag_fields),
    LIST(
        "Metrics", K_TC,
        " from (select ms.metric_name, min(ms.min) as mn, max(ms.max) as mx, sum(ms.count * ms.mean) /"
        " sum(ms.count) as av, sum(ms.count)::float8 as cnt, (array_agg(ms.last_value order by ms.last_ts "
        "desc,"
        " coalesce(ms.last_step, -1) desc, ms.last_seq desc))[1] as lv, case when sum(ms.count) > 1 then"
        " sqrt(greatest(sum(ms.m2 + ms.count * (ms.mean - ms.mu) ^ 2), 0) / (sum(ms.count) - 1)) when"
        " sum(ms.count) > 0 then 0 end as sd, max(ms.max_ts) as ts, min(ms.source_arn) as sa from (select"
        " s.*, sum(s.count * s.mean) over w / sum(s.count) over w as mu from metric_summary s where"
        " s.component_id = entity.id window w as (partition by s.metric_name)) ms group by ms.metric_name) mt"
        " where true",
        NULL, metric_fields),
};

/* Metric statistics merged over the summary shards; $%1$d is the metric name. */
#define METRIC_ROWS " from metric_summary ms where ms.component_id = entity.id and ms.metric_name = $%1$d"
static const struct {
    const char *name;
    const char *expr;
    enum vtype type;
} metric_stats[] = {
    {"Min", "(select min(ms.min)" METRIC_ROWS ")", VT_NUMBER},
    {"Max", "(select max(ms.max)" METRIC_ROWS ")", VT_NUMBER},
    {"Avg", "(select sum(ms.count * ms.mean) / sum(ms.count)" METRIC_ROWS ")", VT_NUMBER},
    {"Count", "(select sum(ms.count)::float8" METRIC_ROWS ")", VT_NUMBER},
    {"Last",
     "(select ms.last_value" METRIC_ROWS
     " order by ms.last_ts desc, coalesce(ms.last_step, -1) desc, ms.last_seq desc limit 1)",
     VT_NUMBER},
    {"StdDev",
     "(select case when sum(x.c) > 1 then sqrt(greatest(sum(x.m2 + x.c * (x.mean - x.mu) ^ 2), 0)"
     " / (sum(x.c) - 1)) when sum(x.c) > 0 then 0 end from (select ms.count as c, ms.mean, ms.m2,"
     " sum(ms.count * ms.mean) over () / sum(ms.count) over () as mu" METRIC_ROWS ") x)",
     VT_NUMBER},
    {"TimeStamp", "(select max(ms.max_ts)" METRIC_ROWS ")", VT_TIME},
    {"SourceArn", "(select min(ms.source_arn)" METRIC_ROWS ")", VT_TEXT},
};

/* A resolved property: a scalar (`from` NULL) or a set of element rows. */
struct prop {
    enum vtype type;
    unsigned flags;
    const char *expr; /* the value (the text value for VT_PARAM) */
    const char *num;  /* VT_PARAM: the number value */
    const char *from; /* set form: " from ... where ..." */
    const char *ids;  /* set form: the owning record ids of rows, uncorrelated */
    const char *ci;
    bool scoped; /* ids are only the caller's records of the searched kind */
    bool row;    /* the value reads the record's own columns, not only its id */
};

struct compiler {
    struct request *r;
    const struct search_spec *spec;
    const char **params;
    int n, cap;
    int contains;
    int *keys; /* the parameters holding user keys (add_key) */
    int key_count;
    const char *shared; /* the sort value's expression, which filters read as sv.v0 instead */
    bool custom;        /* an And intersects id sets */
};

static int add_param(struct compiler *c, const char *v)
{
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 32;
        const char **p = arena_alloc(c->r->arena, (size_t)cap * sizeof *p);
        if (c->n)
            memcpy(p, c->params, (size_t)c->n * sizeof *p);
        c->params = p;
        c->cap = cap;
    }
    c->params[c->n++] = v;
    return c->n;
}

/* A user key (tag, parameter, metric or artifact name) as a parameter: the
 * same key twice is one parameter, so the same property compiles to the same
 * expression wherever it is named (the sort and a filter can then share it). */
static int add_key(struct compiler *c, const char *key)
{
    for (int i = 0; i < c->key_count; i++)
        if (strcmp(c->params[c->keys[i] - 1], key) == 0)
            return c->keys[i];
    int *keys = arena_alloc(c->r->arena, (size_t)(c->key_count + 1) * sizeof *keys);
    if (c->key_count)
        memcpy(keys, c->keys, (size_t)c->key_count * sizeof *keys);
    keys[c->key_count] = add_param(c, key);
    c->keys = keys;
    return keys[c->key_count++];
}

static const char *fmt_key(struct compiler *c, const char *tmpl, int key)
{
    return arena_printf(c->r->arena, tmpl, key);
}

static const char *record_label(int kind)
{
    return kind == 1 ? "Experiment" : kind == 2 ? "Trial" : "TrialComponent";
}

static const char *resource_label(int kind)
{
    return kind == 1 ? "Experiment" : kind == 2 ? "ExperimentTrial" : "ExperimentTrialComponent";
}

static const struct field *find_field(const struct field *f, size_t n, unsigned kind_bit, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if ((f[i].kinds & kind_bit) && strcasecmp(f[i].name, name) == 0)
            return &f[i];
    return NULL;
}

static const struct list_def *find_list(unsigned kind_bit, const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if ((lists[i].kinds & kind_bit) && strlen(lists[i].name) == len &&
            strncasecmp(lists[i].name, name, len) == 0)
            return &lists[i];
    return NULL;
}

static void from_field(const struct field *f, struct prop *p)
{
    *p = (struct prop){.type = f->type, .flags = f->flags, .expr = f->expr, .ci = f->ci};
}

/* `name` without an optional record prefix ("TrialComponent.DisplayName"). */
static const char *strip_record(int kind, const char *name)
{
    const char *label = record_label(kind);
    size_t n = strlen(label);
    return strncasecmp(name, label, n) == 0 && name[n] == '.' ? name + n + 1 : name;
}

static enum ld_err unknown(struct compiler *c, const char *name)
{
    return req_fail(c->r, LD_ERR_VALIDATION, "Unknown property name '%s' for resource %s.", name,
                    resource_label(c->spec->kind));
}

/* Resolves a property name: record fields and family prefixes ignore case,
 * user keys (tag, parameter, metric, artifact names) match exactly. */
static enum ld_err resolve(struct compiler *c, const char *given, struct prop *p)
{
    int kind = c->spec->kind;
    unsigned bit = 1u << kind;
    const char *name = strip_record(kind, given);
    const struct field *f = find_field(fields, sizeof fields / sizeof fields[0], bit, name);
    if (f) {
        from_field(f, p);
        p->row = true;
        return LD_OK;
    }
    const char *dot = strchr(name, '.');
    if (!dot || !dot[1])
        return unknown(c, given);
    size_t seg = (size_t)(dot - name);
    const char *rest = dot + 1;
    if (seg == 4 && strncasecmp(name, "Tags", 4) == 0) {
        *p = (struct prop){.type = VT_TEXT, .flags = F_EXEMPT, .expr = "t.value"};
        int key = add_key(c, rest);
        p->from = fmt_key(c, " from tag t where t.entity_id = entity.id and t.key = $%1$d", key);
        p->ids = fmt_key(c, "select t.entity_id from tag t where t.tenant_id = $1 and t.key = $%1$d", key);
        return LD_OK;
    }
    if (kind == 3 && seg == 10 && strncasecmp(name, "Parameters", 10) == 0) {
        *p = (struct prop){.type = VT_PARAM, .expr = "a.txt", .num = "a.num", .scoped = true};
        int key = add_key(c, rest);
        p->from = fmt_key(
            c, " from search_param a where a.entity_id = entity.id and a.tenant_id = $1 and a.key = $%1$d",
            key);
        p->ids = fmt_key(c, "select a.entity_id from search_param a where a.tenant_id = $1 and a.key = $%1$d",
                         key);
        return LD_OK;
    }
    const char *last = strrchr(rest, '.');
    if (kind == 3 && seg == 7 && strncasecmp(name, "Metrics", 7) == 0 && last && last > rest) {
        for (size_t i = 0; i < sizeof metric_stats / sizeof metric_stats[0]; i++)
            if (strcasecmp(last + 1, metric_stats[i].name) == 0) {
                int key = add_key(c, arena_strndup(c->r->arena, rest, (size_t)(last - rest)));
                *p = (struct prop){.type = metric_stats[i].type,
                                   .expr = fmt_key(c, metric_stats[i].expr, key)};
                return LD_OK;
            }
        return unknown(c, given);
    }
    bool input = seg == 14 && strncasecmp(name, "InputArtifacts", 14) == 0;
    if (kind == 3 && (input || (seg == 15 && strncasecmp(name, "OutputArtifacts", 15) == 0)) && last &&
        last > rest) {
        const char *member = strcasecmp(last + 1, "Value") == 0       ? "Value"
                             : strcasecmp(last + 1, "MediaType") == 0 ? "MediaType"
                                                                      : NULL;
        if (!member)
            return unknown(c, given);
        int key = add_key(c, arena_strndup(c->r->arena, rest, (size_t)(last - rest)));
        *p = (struct prop){.type = VT_TEXT, .flags = F_EXEMPT, .row = true};
        p->expr = arena_printf(c->r->arena, "(entity.details->'%s'->($%d::text)->>'%s')",
                               input ? "InputArtifacts" : "OutputArtifacts", key, member);
        return LD_OK;
    }
    bool created = seg == 9 && strncasecmp(name, "CreatedBy", 9) == 0;
    if (created || (seg == 14 && strncasecmp(name, "LastModifiedBy", 14) == 0)) {
        /* The members of the model's UserContext, as paths into the stored one. */
        static const struct {
            const char *name, *path;
        } members[] = {
            {"UserProfileArn", "->>'UserProfileArn'"},
            {"UserProfileName", "->>'UserProfileName'"},
            {"DomainId", "->>'DomainId'"},
            {"IamIdentity.Arn", "->'IamIdentity'->>'Arn'"},
            {"IamIdentity.PrincipalId", "->'IamIdentity'->>'PrincipalId'"},
            {"IamIdentity.SourceIdentity", "->'IamIdentity'->>'SourceIdentity'"},
        };
        for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
            if (strcasecmp(rest, members[i].name) == 0) {
                *p = (struct prop){.type = VT_TEXT, .row = true};
                p->expr = arena_printf(c->r->arena, "(entity.%s%s)", created ? "created_by" : "modified_by",
                                       members[i].path);
                return LD_OK;
            }
        return unknown(c, given);
    }
    if (kind != 1 && seg == 18 && strncasecmp(name, "MetadataProperties", 18) == 0) {
        /* The members of the model's MetadataProperties, named in any case. */
        static const char *const members[] = {"CommitId", "GeneratedBy", "ProjectId", "Repository"};
        for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
            if (strcasecmp(rest, members[i]) == 0) {
                *p = (struct prop){.type = VT_TEXT, .row = true};
                p->expr = fmt_key(c, "(entity.details->'MetadataProperties'->>($%1$d::text))",
                                  add_key(c, members[i]));
                return LD_OK;
            }
        return unknown(c, given);
    }
    const struct list_def *l = find_list(bit, name, seg);
    if (l && l->fields != tag_fields && l->fields != metric_fields &&
        (f = find_field(l->fields, l->field_count, bit, rest))) {
        from_field(f, p);
        p->from = l->from;
        p->ids = l->ids;
        return LD_OK;
    }
    return unknown(c, given);
}

/* `v` as a canonical number literal, or NULL when it is not a finite number. */
static const char *number_text(struct arena *a, const char *v)
{
    char *end;
    double d = strtod(v, &end);
    /* strtod also reads hexadecimal, which is no decimal number. */
    return end == v || *end || !isfinite(d) || strpbrk(v, "xX") ? NULL : arena_printf(a, "%.17g", d);
}

static enum ld_err parse_number(struct compiler *c, const char *name, const char *v, const char **out)
{
    if (!(*out = number_text(c->r->arena, v)))
        return req_fail(c->r, LD_ERR_VALIDATION, "Value '%s' for property '%s' is not a number.", v, name);
    return LD_OK;
}

static enum ld_err parse_time(struct compiler *c, const char *name, const char *v, const char **out)
{
    int64_t ms;
    if (!ldtime_parse_text(v, &ms))
        return req_fail(
            c->r, LD_ERR_VALIDATION,
            "Value '%s' for property '%s' is not a timestamp (ISO-8601 such as 2024-01-02T03:04:05Z, "
            "or epoch seconds).",
            v, name);
    *out = arena_printf(c->r->arena, "%lld", (long long)ms);
    return LD_OK;
}

/* The numbers among the comma-separated `v`, as a PostgreSQL float8[] literal. */
static const char *number_array(struct compiler *c, const char *v)
{
    char *out = arena_strdup(c->r->arena, "{");
    const char *sep = "";
    for (const char *s = v; *s;) {
        size_t n = strcspn(s, ",");
        const char *lit = number_text(c->r->arena, arena_strndup(c->r->arena, s, n));
        if (lit) {
            out = arena_printf(c->r->arena, "%s%s%s", out, sep, lit);
            sep = ",";
        }
        s += n + (s[n] == ',');
    }
    return arena_printf(c->r->arena, "%s}", out);
}

static const char *const type_names[] = {"text", "number", "timestamp", "parameter"};

static enum ld_err wrong_type(struct compiler *c, const char *name, const char *op, enum vtype t)
{
    return req_fail(c->r, LD_ERR_VALIDATION, "The operator %s cannot be used with the %s property '%s'.", op,
                    type_names[t], name);
}

/* The comparison of the value expression(s) of `p` against `v` for operator
 * `op`; NotEquals gives the Equals test, which the caller negates. A
 * parameter's value may match as text or as a number: then `*out` is the text
 * test and `*alt` the number test, either of which matches (else NULL), so
 * that an id set can read each from its own index. */
static enum ld_err value_test(struct compiler *c, const char *name, const struct prop *p, const char *op,
                              const char *v, const char **out, const char **alt)
{
    *alt = NULL;
    struct arena *a = c->r->arena;
    static const struct {
        const char *op, *sql;
    } ranges[] = {
        {"GreaterThan", ">"}, {"GreaterThanOrEqualTo", ">="}, {"LessThan", "<"}, {"LessThanOrEqualTo", "<="}};
    const char *num = p->type == VT_PARAM ? p->num : p->expr;
    const char *lit = NULL;
    enum ld_err e;
    bool in = strcmp(op, "In") == 0;
    if ((strcmp(op, "Equals") == 0 || strcmp(op, "NotEquals") == 0) && (p->flags & F_ARN) && strchr(v, ','))
        in = true; /* the SageMaker SDK's batched ARN lookups */
    if (in) {
        if (p->type == VT_NUMBER || p->type == VT_TIME)
            return wrong_type(c, name, "In", p->type);
        int k = add_param(c, v);
        *out = arena_printf(a, "%s = any(string_to_array(%s($%d::text), ','))", p->expr,
                            (p->flags & F_ARN) ? "lower" : "", k);
        if (p->type == VT_PARAM)
            *alt = arena_printf(a, "%s = any($%d::float8[])", num, add_param(c, number_array(c, v)));
        return LD_OK;
    }
    if (strcmp(op, "Equals") == 0 || strcmp(op, "NotEquals") == 0) {
        switch (p->type) {
        case VT_TEXT: {
            int k = add_param(c, v);
            *out = (p->flags & F_ARN) ? arena_printf(a, "%s = lower($%d::text)", p->expr, k)
                   : p->ci ? arena_printf(a, "%s = lower($%d::text) and %s = $%d::text", p->ci, k, p->expr, k)
                           : arena_printf(a, "%s = $%d::text", p->expr, k);
            return LD_OK;
        }
        case VT_NUMBER:
            if ((e = parse_number(c, name, v, &lit)) != LD_OK)
                return e;
            *out = arena_printf(a, "%s = $%d::float8", num, add_param(c, lit));
            return LD_OK;
        case VT_TIME:
            if ((e = parse_time(c, name, v, &lit)) != LD_OK)
                return e;
            *out = arena_printf(a, "%s = to_timestamp($%d::float8 / 1000)", p->expr, add_param(c, lit));
            return LD_OK;
        case VT_PARAM: {
            int k = add_param(c, v);
            *out = arena_printf(a, "%s = $%d::text", p->expr, k);
            if ((lit = number_text(a, v)))
                *alt = arena_printf(a, "%s = $%d::float8", num, add_param(c, lit));
            return LD_OK;
        }
        }
    }
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (strcmp(op, ranges[i].op) != 0)
            continue;
        if (p->type == VT_TEXT)
            return wrong_type(c, name, op, p->type);
        if (p->type == VT_TIME) {
            if ((e = parse_time(c, name, v, &lit)) != LD_OK)
                return e;
            *out = arena_printf(a, "%s %s to_timestamp($%d::float8 / 1000)", p->expr, ranges[i].sql,
                                add_param(c, lit));
            return LD_OK;
        }
        if ((e = parse_number(c, name, v, &lit)) != LD_OK)
            return e;
        *out = arena_printf(a, "%s %s $%d::float8", num, ranges[i].sql, add_param(c, lit));
        return LD_OK;
    }
    /* Contains */
    if (p->type == VT_NUMBER || p->type == VT_TIME)
        return wrong_type(c, name, op, p->type);
    if (!(p->flags & F_EXEMPT) && ++c->contains > 1)
        return req_fail(c->r, LD_ERR_VALIDATION, "'CONTAINS' operator usage limit of 1 exceeded.");
    *out = arena_printf(a, "strpos(%s, $%d::text) > 0", p->expr, add_param(c, v));
    return LD_OK;
}

/* A condition on the record. `ids`, when set, is an uncorrelated select of
 * exactly the matching record ids, and `sql` is "entity.id in (ids)". When
 * `source` is set, the condition is "entity.id in (source) and rest": source
 * selects each of the caller's records of the searched kind at most once, so
 * the matches can be read from it without the record's row unless `row`. */
struct cond {
    const char *sql;
    const char *ids;
    const char *source;
    const char *rest; /* with source: the other conditions, or NULL */
    bool row;         /* some condition reads the record's own columns */
};

static struct cond id_set(struct arena *a, const char *ids, bool scoped)
{
    return (struct cond){arena_printf(a, "entity.id in (%s)", ids), ids, scoped ? ids : NULL, NULL, false};
}

/* One filter as a condition on the record (or, for a property of a nested
 * list's element, on that element's row). */
static enum ld_err filter_condition(struct compiler *c, const cJSON *filter, const struct prop *p,
                                    struct cond *out)
{
    struct arena *a = c->r->arena;
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(filter, "Name"));
    const char *op = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(filter, "Operator"));
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(filter, "Value"));
    if (!op && !v)
        return req_fail(c->r, LD_ERR_VALIDATION, "The filter on '%s' needs an Operator or a Value.", name);
    if (!op)
        op = "Equals";
    if (strcmp(op, "Exists") == 0 || strcmp(op, "NotExists") == 0) {
        bool yes = op[0] == 'E';
        /* Parameters are always a set, so a scalar has one value expression. */
        if (yes && p->ids)
            *out = id_set(a, p->ids, p->scoped);
        else
            *out = (struct cond){
                .sql = p->from ? arena_printf(a, "%sexists(select 1%s)", yes ? "" : "not ", p->from)
                               : arena_printf(a, "%s is %snull", p->expr, yes ? "not " : ""),
                .row = p->row};
        return LD_OK;
    }
    if (!v)
        return req_fail(c->r, LD_ERR_VALIDATION, "The filter on '%s' with operator %s needs a Value.", name,
                        op);
    const char *test = NULL, *alt = NULL;
    enum ld_err e = value_test(c, name, p, op, v, &test, &alt);
    if (e != LD_OK)
        return e;
    bool negate = strcmp(op, "NotEquals") == 0;
    if (p->ids && !negate) {
        const char *ids = arena_printf(a, "%s and %s", p->ids, test);
        /* A parameter holds a number or a text, never both: the branches are disjoint. */
        *out = id_set(a, alt ? arena_printf(a, "%s union all %s and %s", ids, p->ids, alt) : ids, p->scoped);
        return LD_OK;
    }
    out->row = p->row;
    if (alt)
        test = arena_printf(a, "(%s or %s)", test, alt);
    if (p->from)
        out->sql = arena_printf(a, "%sexists(select 1%s and %s)", negate ? "not " : "", p->from, test);
    else
        out->sql = negate ? arena_printf(a, "not coalesce(%s, false)", test) : arena_printf(a, "(%s)", test);
    return LD_OK;
}

/* A nested filter: one element of the list satisfies every filter. */
static enum ld_err nested_condition(struct compiler *c, const cJSON *nested, struct cond *out)
{
    struct arena *a = c->r->arena;
    int kind = c->spec->kind;
    unsigned bit = 1u << kind;
    const char *given = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(nested, "NestedPropertyName"));
    const char *list_name = strip_record(kind, given);
    const struct list_def *l = find_list(bit, list_name, strlen(list_name));
    if (!l)
        return req_fail(c->r, LD_ERR_VALIDATION, "NestedPropertyName '%s' is not a list property of %s.",
                        given, resource_label(kind));
    const char *cond = "";
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(nested, "Filters"))
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "Name"));
        const char *inner = strip_record(kind, name);
        size_t n = strlen(l->name);
        const struct field *field = strncasecmp(inner, l->name, n) == 0 && inner[n] == '.'
                                        ? find_field(l->fields, l->field_count, bit, inner + n + 1)
                                        : NULL;
        if (!field)
            return req_fail(c->r, LD_ERR_VALIDATION, "Unknown property name '%s' in the nested filter on %s.",
                            name, given);
        struct prop p;
        from_field(field, &p);
        struct cond test = {0};
        enum ld_err e = filter_condition(c, f, &p, &test);
        if (e != LD_OK)
            return e;
        cond = arena_printf(a, "%s and %s", cond, test.sql);
    }
    if (l->ids)
        *out = id_set(a, arena_printf(a, "%s%s", l->ids, cond), false);
    else
        out->sql = arena_printf(a, "exists(select 1%s%s)", l->from, cond);
    return LD_OK;
}

/* An expression's conditions joined by its Operator. An Or of id sets is the
 * union of the sets, so each branch still starts from its own index. */
static enum ld_err expression_condition(struct compiler *c, const cJSON *expr, struct cond *out)
{
    struct arena *a = c->r->arena;
    const char *op = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(expr, "Operator"));
    bool or = op && strcmp(op, "Or") == 0;
    const char *join = or ? " or " : " and ";
    const char *cond = NULL, *ids = NULL, *source = NULL, *rest = NULL;
    bool all_ids = true, all_sourced = true, row = false;
    int parts = 0, sets = 0;
    static const char *const members[] = {"Filters", "NestedFilters", "SubExpressions"};
    for (int m = 0; m < 3; m++) {
        const cJSON *item;
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(expr, members[m]))
        {
            struct cond part = {0};
            enum ld_err e = LD_OK;
            if (m == 0) {
                struct prop p = {0};
                e = resolve(c, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "Name")), &p);
                if (e == LD_OK && c->shared && !p.from && strcmp(p.expr, c->shared) == 0)
                    p.expr = "sv.v0"; /* the sort value, computed once per record */
                if (e == LD_OK)
                    e = filter_condition(c, item, &p, &part);
            } else {
                e = m == 1 ? nested_condition(c, item, &part) : expression_condition(c, item, &part);
            }
            if (e != LD_OK)
                return e;
            cond = cond ? arena_printf(a, "%s%s%s", cond, join, part.sql) : part.sql;
            all_ids = all_ids && part.ids;
            sets += part.ids != NULL;
            if (part.ids)
                ids = ids ? arena_printf(a, "%s union %s", ids, part.ids) : part.ids;
            all_sourced = all_sourced && part.source && !part.rest;
            row = row || part.row;
            /* An And reads its matches from its first sourced part and tests the others. */
            const char *other = part.sql;
            if (! or &&!source && part.source) {
                source = part.source;
                other = part.rest;
            }
            if (! or &&other)
                rest = rest ? arena_printf(a, "%s and %s", rest, other) : other;
            parts++;
        }
    }
    if (!cond)
        return req_fail(
            c->r, LD_ERR_VALIDATION,
            "A SearchExpression needs at least one of Filters, NestedFilters and SubExpressions.");
    c->custom = c->custom || (! or &&sets > 1);
    /* The union runs once, as an array the primary key is probed with: the
     * planner cannot estimate a union of ranges and would scan every record
     * to join it. */
    if (all_ids && or &&parts > 1)
        *out = (struct cond){arena_printf(a, "entity.id = any(array(%s))", ids), ids,
                             all_sourced ? ids : NULL, NULL, false};
    else if (all_ids && parts == 1)
        *out = id_set(a, ids, all_sourced);
    else
        *out =
            (struct cond){.sql = arena_printf(a, "(%s)", cond), .source = or ? NULL : source, .rest = rest};
    out->row = row;
    return LD_OK;
}

/* Filters, nested filters and subexpressions in `expr`, counted recursively. */
static int count_nodes(const cJSON *expr)
{
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(expr, "Filters"));
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(expr, "NestedFilters")) n +=
        1 + cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(item, "Filters"));
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(expr, "SubExpressions")) n +=
        1 + count_nodes(item);
    return n;
}

static enum ld_err visibility_condition(struct compiler *c, const cJSON *list, const char **out)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, list)
    {
        const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "Key"));
        const char *value = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "Value"));
        if (!key || strncasecmp(key, "Tags.", 5) != 0 || !key[5])
            return req_fail(c->r, LD_ERR_VALIDATION,
                            "VisibilityConditions Key '%s' must have the form Tags.<key>.", key ? key : "");
        int k = add_param(c, key + 5), val = add_param(c, value ? value : "");
        *out = arena_printf(c->r->arena,
                            "%s and not exists(select 1 from tag t where t.entity_id = entity.id"
                            " and t.key = $%d::text and t.value <> $%d::text)",
                            *out, k, val);
    }
    return LD_OK;
}

/* One column of the sort: the value, a boolean "is missing" flag before a
 * nullable value (so missing values sort last both ways), or the id. */
struct sort_item {
    const char *expr;
    const char *cast;
    bool ascending;
};

static const char *const casts[] = {"text", "float8", "timestamptz", "text"};

/* The sort's columns into `items`, and in `*lateral` the FROM items they
 * need. A nullable value is computed once per row in a lateral subquery
 * (offset 0 keeps the planner from inlining it, which would evaluate the
 * value once for its "is missing" flag and again for itself). */
static int sort_items(struct compiler *c, const struct prop *p, struct sort_item *items, const char **lateral)
{
    struct arena *a = c->r->arena;
    bool asc = c->spec->ascending;
    int n = 0;
    *lateral = "";
    if (p->flags & F_NOTNULL) {
        items[n++] = (struct sort_item){p->expr, casts[p->type], asc};
    } else {
        const char *exprs[2] = {p->type == VT_PARAM ? p->num : p->expr, p->type == VT_PARAM ? p->expr : NULL};
        const char *types[2] = {p->type == VT_PARAM ? "float8" : casts[p->type], "text"};
        const char *values = "";
        for (int i = 0; i < 2 && exprs[i]; i++) {
            /* A set of values sorts by its first in the sort's direction. */
            values = p->from ? arena_printf(a, "%s%s%s(%s) as v%d", values, i ? ", " : "",
                                            asc ? "min" : "max", exprs[i], i)
                             : arena_printf(a, "%s%s%s as v%d", values, i ? ", " : "", exprs[i], i);
            const char *v = arena_printf(a, "sv.v%d", i);
            items[n++] = (struct sort_item){arena_printf(a, "%s is null", v), "boolean", true};
            items[n++] = (struct sort_item){v, types[i], asc};
        }
        *lateral =
            arena_printf(a, " cross join lateral (select %s%s) sv", values, p->from ? p->from : " offset 0");
    }
    items[n++] = (struct sort_item){"entity.id", "int8", asc};
    return n;
}

/* Rows after the position whose cells are the parameters `k`: a row
 * comparison when every item runs one way (so an index on the sort key
 * serves it), else the lexicographic expansion. The items' values are their
 * expressions, or with `col` the columns col0, col1, ... that hold them. */
static const char *keyset(struct arena *a, const struct sort_item *items, int n, const int *k,
                          const char *col)
{
    const char **v = arena_alloc(a, (size_t)n * sizeof *v);
    bool uniform = true;
    for (int i = 0; i < n; i++) {
        v[i] = col ? arena_printf(a, "%s%d", col, i) : items[i].expr;
        uniform =
            uniform && items[i].ascending == items[0].ascending && strcmp(items[i].cast, "boolean") != 0;
    }
    if (uniform) {
        const char *lhs = "", *rhs = "";
        for (int i = 0; i < n; i++) {
            lhs = arena_printf(a, "%s%s%s", lhs, i ? ", " : "", v[i]);
            rhs = arena_printf(a, "%s%s$%d::%s", rhs, i ? ", " : "", k[i], items[i].cast);
        }
        return arena_printf(a, "(%s) %s (%s)", lhs, items[0].ascending ? ">" : "<", rhs);
    }
    const char *any = NULL;
    for (int i = 0; i < n; i++) {
        const char *all = "";
        for (int j = 0; j < i; j++)
            all = arena_printf(a, "%s%s is not distinct from $%d::%s and ", all, v[j], k[j], items[j].cast);
        const char *term = arena_printf(a, "(%s%s %s $%d::%s)", all, v[i], items[i].ascending ? ">" : "<",
                                        k[i], items[i].cast);
        any = any ? arena_printf(a, "%s or %s", any, term) : term;
    }
    return arena_printf(a, "(%s)", any);
}

/* The sort when SortBy is absent; naming it changes nothing, token included. */
#define DEFAULT_SORT "LastModifiedTime"

static const char *fingerprint(struct request *r, const struct search_spec *s)
{
    char *expr = s->expression ? cJSON_PrintUnformatted(s->expression) : NULL;
    char *vis = s->visibility ? cJSON_PrintUnformatted(s->visibility) : NULL;
    const char *fp =
        arena_printf(r->arena, "Search|%d|%s|%d|%s|%s", s->kind, s->sort_by ? s->sort_by : DEFAULT_SORT,
                     s->ascending, expr ? expr : "", vis ? vis : "");
    cJSON_free(expr);
    cJSON_free(vis);
    return fp;
}

enum ld_err search_compile(struct request *r, const struct search_spec *spec, struct search_sql *out)
{
    struct arena *a = r->arena;
    struct compiler c = {.r = r, .spec = spec};
    add_param(&c, arena_printf(a, "%d", (int)spec->tenant));
    /* The kind is one of ours, never the client's text: written out, so that a
     * statement reading its matches from a source alone need not name it. */
    const char *where = arena_printf(a, "entity.tenant_id = $1 and entity.kind = %d", spec->kind);
    enum ld_err e;
    struct prop sort = {0};
    if ((e = resolve(&c, spec->sort_by ? spec->sort_by : DEFAULT_SORT, &sort)) != LD_OK)
        return e;
    if (!sort.from && !sort.row && !(sort.flags & F_NOTNULL))
        c.shared = sort.expr;
    struct cond cond = {0};
    if (spec->expression) {
        int nodes = count_nodes(spec->expression);
        if (nodes > 50)
            return req_fail(
                r, LD_ERR_VALIDATION,
                "A SearchExpression may hold at most 50 filters, nested filters and subexpressions "
                "in all; this one holds %d.",
                nodes);
        if ((e = expression_condition(&c, spec->expression, &cond)) != LD_OK)
            return e;
        where = arena_printf(a, "%s and %s", where, cond.sql);
    }
    const char *visible = "";
    if (spec->visibility && (e = visibility_condition(&c, spec->visibility, &visible)) != LD_OK)
        return e;
    where = arena_printf(a, "%s%s", where, visible);
    /* The matches from the filter's source alone when nothing needs the
     * record's row: no lookup of each match's record to test its tenant and
     * kind, which the source already fixes. */
    const char *m_from = "entity", *m_where = where;
    if (cond.source && !cond.row && !sort.row) {
        m_from = arena_printf(a, "(%s) entity (id)", cond.source);
        m_where = arena_printf(a, "%s%s", cond.rest ? cond.rest : "true", visible);
    }
    struct sort_item items[5];
    const char *lateral;
    int n = sort_items(&c, &sort, items, &lateral);
    out->fingerprint = fingerprint(r, spec);
    /* The position after which the page starts, as a condition on the sort
     * expressions (`after`) and on the sort-key columns of m (`m_after`). */
    const char *after = "", *m_after = "";
    if (spec->next_token) {
        const char **cells = arena_alloc(a, (size_t)n * sizeof *cells);
        if (!token_decode(a, spec->next_token, out->fingerprint, cells, (size_t)n))
            return req_fail(r, LD_ERR_VALIDATION, "The NextToken is not valid for this request.");
        int *k = arena_alloc(a, (size_t)n * sizeof *k);
        for (int i = 0; i < n; i++) {
            if (cells[i][0] != 'v' && strcmp(cells[i], "n") != 0)
                return req_fail(r, LD_ERR_VALIDATION, "The NextToken is not valid for this request.");
            k[i] = add_param(&c, cells[i][0] == 'v' ? cells[i] + 1 : NULL);
        }
        after = arena_printf(a, " and %s", keyset(a, items, n, k, NULL));
        m_after = arena_printf(a, " and %s", keyset(a, items, n, k, "sk"));
    }
    /* The keys' text copies are named apart, so that ORDER BY reads the typed keys. */
    const char *keys = "", *order = "", *text_keys = "";
    for (int i = 0; i < n; i++) {
        keys = arena_printf(a, "%s, %s as sk%d", keys, items[i].expr, i);
        order = arena_printf(a, "%s%ssk%d %s", order, i ? ", " : "", i, items[i].ascending ? "asc" : "desc");
        text_keys = arena_printf(a, "%s, s.sk%d::text as tk%d", text_keys, i, i);
    }
    int limit = add_param(&c, arena_printf(a, "%d", spec->limit + 1));
    /* The matches are found once, with their sort keys, up to the cap: they
     * give the total and, when they are all of them, the page is sorted from
     * them alone. Past the cap the page is the first rows of the whole filter
     * in sort order, which an index on the sort key can walk: a statement of
     * its own, so that the common case plans (per call, for its values) only
     * the first. */
    out->text =
        arena_printf(a,
                     "with m as materialized (select entity.id%s from %s%s where %s limit %d)"
                     " select t.n, s.id%s from (select count(*) as n from m) t left join lateral"
                     " (select * from m where t.n <= %d%s order by %s limit $%d) s on true order by %s",
                     keys, m_from, lateral, m_where, SEARCH_TOTAL_CAP + 1, text_keys, SEARCH_TOTAL_CAP,
                     m_after, order, limit, order);
    out->deep = arena_printf(a,
                             "select s.id%s from (select entity.id%s from entity%s where %s%s order by %s "
                             "limit $%d) s order by %s",
                             text_keys, keys, lateral, where, after, order, limit, order);
    out->params = c.params;
    out->param_count = c.n;
    out->key_count = n;
    out->custom_plan = c.custom;
    return LD_OK;
}

const char *search_next_token(struct arena *a, const struct search_sql *q, const char *const *keys, int n)
{
    const char **cells = arena_alloc(a, (size_t)n * sizeof *cells);
    for (int i = 0; i < n; i++)
        cells[i] = keys[i] ? arena_printf(a, "v%s", keys[i]) : "n";
    return token_encode(a, q->fingerprint, cells, (size_t)n);
}

static bool hint_matches(const char *hint, const char *name, const char *key)
{
    size_t n = strlen(hint);
    return strncasecmp(name, hint, n) == 0 || strncasecmp(key, hint, n) == 0;
}

static void suggest(cJSON *out, const char *name)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddItemToArray(out, s);
    cJSON_AddStringToObject(s, "PropertyName", name);
}

void search_suggest_fields(int kind, const char *hint, cJSON *out_array)
{
    unsigned bit = 1u << kind;
    char name[128];
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if ((fields[i].kinds & bit) && hint_matches(hint, fields[i].name, fields[i].name))
            suggest(out_array, fields[i].name);
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        if (!(lists[l].kinds & bit) || lists[l].fields == tag_fields || lists[l].fields == metric_fields)
            continue;
        for (size_t i = 0; i < lists[l].field_count; i++) {
            snprintf(name, sizeof name, "%s.%s", lists[l].name, lists[l].fields[i].name);
            if (hint_matches(hint, name, lists[l].fields[i].name))
                suggest(out_array, name);
        }
    }
}

void search_suggest_key(const char *family, const char *key, const char *hint, cJSON *out_array)
{
    char name[512];
    if (strcmp(family, "Metrics") != 0) {
        snprintf(name, sizeof name, "%s.%s", family, key);
        if (hint_matches(hint, name, key))
            suggest(out_array, name);
        return;
    }
    for (size_t i = 0; i < sizeof metric_stats / sizeof metric_stats[0]; i++) {
        snprintf(name, sizeof name, "Metrics.%s.%s", key, metric_stats[i].name);
        if (hint_matches(hint, name, key))
            suggest(out_array, name);
    }
}
