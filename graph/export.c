/* Exports of a lineage view: JSON in the native API's shape, DOT written
 * directly, and SVG through Graphviz (cgraph for the graph, gvc for layout
 * and rendering); one drawing walk feeds both. Graphviz keeps global state,
 * so every use of it holds one lock. */
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_write.h"
#include "lineaged/export.h"
#include "lineaged/timefmt.h"

/* The member `key` = `value`, left out when `value` is NULL. */
static void member_str(struct json_out *o, const char *key, const char *value)
{
    if (!value)
        return;
    json_out_next(o, key);
    json_out_string(o, value);
}

static void member_number(struct json_out *o, const char *key, double value)
{
    json_out_next(o, key);
    json_out_number(o, value);
}

const char *export_json(struct arena *a, const struct lineage_view *view, bool formatted,
                        const cJSON *history, size_t *len)
{
    struct json_out o;
    bool ok = true; /* a details or history tree cJSON could not print either */
    json_out_start(&o, a, formatted);
    json_out_open(&o, '{');
    json_out_next(&o, "truncated");
    json_out_open(&o, '[');
    for (size_t i = 0; i < view->marker_count; i++) {
        json_out_next(&o, NULL);
        json_out_open(&o, '{');
        member_str(&o, "arn", view->markers[i].arn);
        member_str(&o, "direction", view->markers[i].up ? "up" : "down");
        member_number(&o, "unexplored", (double)view->markers[i].unexplored);
        json_out_close(&o, '}');
    }
    json_out_close(&o, ']');
    json_out_next(&o, "vertices");
    json_out_open(&o, '[');
    for (size_t i = 0; i < view->vertex_count; i++) {
        const struct graph_vertex *v = view->vertices[i].v;
        char time[32];
        json_out_next(&o, NULL);
        json_out_open(&o, '{');
        member_str(&o, "arn", v->arn);
        member_str(&o, "name", v->name);
        member_str(&o, "type", v->type);
        member_str(&o, "lineageType", v->lineage_type);
        member_number(&o, "layer", (double)view->vertices[i].layer);
        json_out_next(&o, "creationTime");
        text_puts(&o.t, ldtime_format(v->created_ms, time));
        if (view->vertices[i].details) {
            json_out_next(&o, "details");
            ok = ok && json_out_tree(&o, view->vertices[i].details);
        }
        json_out_close(&o, '}');
    }
    json_out_close(&o, ']');
    json_out_next(&o, "edges");
    json_out_open(&o, '[');
    for (size_t i = 0; i < view->edge_count; i++) {
        json_out_next(&o, NULL);
        json_out_open(&o, '{');
        member_str(&o, "sourceArn", view->edges[i].source);
        member_str(&o, "destinationArn", view->edges[i].destination);
        member_str(&o, "associationType", view->edges[i].type);
        json_out_close(&o, '}');
    }
    json_out_close(&o, ']');
    if (history) {
        json_out_next(&o, "history");
        ok = ok && json_out_tree(&o, history);
    }
    json_out_close(&o, '}');
    if (!ok) {
        text_drop(&o.t);
        return NULL;
    }
    return text_finish(&o.t, len);
}

/* The attributes an export sets, per kind of object, in the (alphabetical)
 * order DOT lists them, with their declared defaults. A value equal to its
 * default is left out of the DOT text, as cgraph's own writer does. */
enum { G_FONTNAME, G_LABEL, G_RANK, G_RANKDIR, GRAPH_ATTRS };
enum { N_COLOR, N_FILLCOLOR, N_FONTNAME, N_LABEL, N_PENWIDTH, N_PERIPHERIES, N_SHAPE, N_STYLE, NODE_ATTRS };
enum { E_CONSTRAINT, E_FONTNAME, E_FONTSIZE, E_LABEL, E_STYLE, EDGE_ATTRS };

struct attr_decl {
    const char *name, *fallback;
};

static const struct attr_decl graph_attrs[GRAPH_ATTRS] = {
    {"fontname", "Helvetica"}, {"label", ""}, {"rank", ""}, {"rankdir", "LR"}};
static const struct attr_decl node_attrs[NODE_ATTRS] = {
    {"color", "black"}, {"fillcolor", "white"}, {"fontname", "Helvetica"}, {"label", "\\N"},
    {"penwidth", "1"},  {"peripheries", "1"},   {"shape", "box"},          {"style", "filled"}};
static const struct attr_decl edge_attrs[EDGE_ATTRS] = {
    {"constraint", "true"}, {"fontname", "Helvetica"}, {"fontsize", "10"}, {"label", ""}, {"style", "solid"}};

/* How a lineage type is drawn; the last row serves any other. */
struct lineage_style {
    const char *lineage_type, *shape, *fill;
};

static const struct lineage_style lineage_styles[] = {
    {"Artifact", "ellipse", "#dbeafe"}, {"Action", "box", "#fef3c7"},
    {"Context", "hexagon", "#dcfce7"},  {"TrialComponent", "component", "#fce7f3"},
    {NULL, "box", "#f3f4f6"},
};

static const struct lineage_style *style_of(const char *lineage_type)
{
    const struct lineage_style *s = lineage_styles;
    while (s->lineage_type && (!lineage_type || strcmp(s->lineage_type, lineage_type) != 0))
        s++;
    return s;
}

/* The outline colour of a Type: a fixed palette indexed by a hash of the
 * name, so one Type has one colour in every export. */
static const char *type_colour(const char *type)
{
    static const char *const palette[] = {"#1d4ed8", "#b45309", "#047857", "#be185d",
                                          "#6d28d9", "#0e7490", "#b91c1c", "#4d7c0f"};
    uint32_t h = 2166136261u;
    for (const char *p = type ? type : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return palette[h % (sizeof palette / sizeof palette[0])];
}

/* `s` with each backslash doubled, so Graphviz shows it as written. */
static char *label_text(struct arena *a, const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '\\' ? 2 : 1;
    char *out = arena_alloc(a, n + 1), *q = out;
    for (const char *p = s; *p; p++) {
        if (*p == '\\')
            *q++ = '\\';
        *q++ = *p;
    }
    *q = '\0';
    return out;
}

/* The part of an ARN after its resource type: what an unnamed vertex shows. */
static const char *arn_resource(const char *arn)
{
    const char *slash = strchr(arn, '/');
    return slash ? slash + 1 : arn;
}

/* Where a drawing goes: the DOT writer or the Graphviz graph for layout.
 * Attribute arrays are indexed by the enums above; NULL means unset. */
struct drawing {
    void (*subgraph)(struct drawing *d, const char *name, const char *const *graph_vals); /* until end */
    void (*end)(struct drawing *d);
    void (*node)(struct drawing *d, const char *name, const char *const *vals);
    void (*edge)(struct drawing *d, const char *tail, const char *head, const char *const *vals);
};

static void stub_node(struct drawing *d, const char *name, const char *label)
{
    const char *vals[NODE_ATTRS] = {[N_LABEL] = label, [N_SHAPE] = "note", [N_STYLE] = "filled,dashed"};
    d->node(d, name, vals);
}

/* A truncation marker: its "N more" stub and the dashed edge to or from it. */
static void draw_marker(struct arena *scratch, struct drawing *d, const struct view_marker *m, size_t i)
{
    const char *stub = arena_printf(scratch, "more %zu", i);
    stub_node(d, stub, arena_printf(scratch, "%zu more", m->unexplored));
    const char *vals[EDGE_ATTRS] = {[E_STYLE] = "dashed"};
    d->edge(d, m->up ? stub : m->arn, m->up ? m->arn : stub, vals);
}

/* Markers by their vertex's rank, then in walk order. */
static int compare_markers(const void *a, const void *b)
{
    const struct view_marker *const *x = a, *const *y = b;
    if ((*x)->rank != (*y)->rank)
        return (*x)->rank < (*y)->rank ? -1 : 1;
    return (*x > *y) - (*x < *y);
}

static void draw_vertex(struct arena *scratch, struct drawing *d, const struct view_vertex *vv)
{
    const struct graph_vertex *v = vv->v;
    const struct lineage_style *s = style_of(v->lineage_type);
    const char *vals[NODE_ATTRS] = {
        [N_COLOR] = type_colour(v->type),
        [N_FILLCOLOR] = s->fill,
        [N_LABEL] =
            arena_printf(scratch, "%s\\n%s", label_text(scratch, v->name ? v->name : arn_resource(v->arn)),
                         label_text(scratch, v->type ? v->type : "")),
        [N_PENWIDTH] = "2",
        [N_PERIPHERIES] = vv->layer == 0 ? "2" : NULL,
        [N_SHAPE] = s->shape,
    };
    d->node(d, v->arn, vals);
}

/* The legend: one sample per lineage type, and the stub. Its name makes dot
 * draw it as a box (a cluster). */
static void draw_legend(struct arena *scratch, struct drawing *d)
{
    const char *legend_vals[GRAPH_ATTRS] = {[G_LABEL] = "Legend"};
    d->subgraph(d, "cluster_legend", legend_vals);
    for (const struct lineage_style *s = lineage_styles; s->lineage_type; s++) {
        const char *vals[NODE_ATTRS] = {
            [N_FILLCOLOR] = s->fill, [N_LABEL] = s->lineage_type, [N_SHAPE] = s->shape};
        d->node(d, arena_printf(scratch, "legend %s", s->lineage_type), vals);
    }
    stub_node(d, "legend more", "N more (not walked)");
    d->end(d);
}

/* Draws the view: one rank per layer, left (upstream) to right (downstream),
 * the legend, then each vertex's edges and the stubs below it, then the
 * stubs above vertices. This is the order cgraph's writer lists such a graph
 * in, so the DOT text did not change when it stopped being used. */
static void draw_view(struct arena *scratch, const struct lineage_view *view, struct drawing *d)
{
    const char *layer_vals[GRAPH_ATTRS] = {[G_RANK] = "same"};
    for (size_t i = 0; i < view->vertex_count; i++) {
        if (i == 0 || view->vertices[i].layer != view->vertices[i - 1].layer) {
            if (i)
                d->end(d);
            d->subgraph(d, NULL, layer_vals);
        }
        draw_vertex(scratch, d, &view->vertices[i]);
    }
    if (view->vertex_count)
        d->end(d);
    draw_legend(scratch, d);

    const struct view_marker **down = arena_alloc(scratch, (view->marker_count + 1) * sizeof *down);
    size_t down_count = 0;
    for (size_t i = 0; i < view->marker_count; i++)
        if (!view->markers[i].up)
            down[down_count++] = &view->markers[i];
    if (down_count)
        qsort(down, down_count, sizeof *down, compare_markers);
    /* Edges and down markers are in rank order: where each rank's begin. */
    size_t *first_edge = arena_alloc(scratch, (view->vertex_count + 1) * sizeof *first_edge);
    size_t *first_down = arena_alloc(scratch, (view->vertex_count + 1) * sizeof *first_down);
    for (size_t k = 0, e = 0, m = 0; k <= view->vertex_count; k++) {
        first_edge[k] = e;
        first_down[k] = m;
        while (e < view->edge_count && view->edges[e].from == k)
            e++;
        while (m < down_count && down[m]->rank == k)
            m++;
    }

    for (size_t i = 0; i < view->vertex_count; i++) {
        const struct view_vertex *s = &view->vertices[i];
        for (size_t e = first_edge[s->rank]; e < first_edge[s->rank + 1]; e++) {
            const struct view_vertex *to = &view->vertices[view->at_rank[view->edges[e].to]];
            /* The layers place the vertices; an edge that does not lead to a
             * later layer (a cycle closed, a vertex reached both ways) must
             * not rank them, nor make dot reverse it (which leaks in Graphviz
             * 2.43). */
            const char *vals[EDGE_ATTRS] = {
                [E_CONSTRAINT] = to->layer <= s->layer ? "false" : NULL,
                [E_LABEL] = label_text(scratch, view->edges[e].type ? view->edges[e].type : ""),
            };
            d->edge(d, s->v->arn, to->v->arn, vals);
        }
        for (size_t m = first_down[s->rank]; m < first_down[s->rank + 1]; m++)
            draw_marker(scratch, d, down[m], (size_t)(down[m] - view->markers));
    }
    for (size_t i = 0; i < view->marker_count; i++)
        if (view->markers[i].up)
            draw_marker(scratch, d, &view->markers[i], i);
}

/* DOT text written straight into a text buffer (cgraph's writer spends most
 * of a large export finding, for each node, the subgraph that holds it). */
struct dot_writer {
    struct drawing d;
    struct text_buf t;
    int level;
};

static bool is_keyword(const char *s)
{
    static const char *const keywords[] = {"node", "edge", "strict", "graph", "digraph", "subgraph"};
    /* Most IDs are ARNs: their first letter settles it. */
    if (!strchr("degnsDEGNS", *s))
        return false;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strcasecmp(s, keywords[i]) == 0)
            return true;
    return false;
}

/* Whether DOT reads `s` unquoted as itself: an identifier of letters,
 * digits, '_' and non-ASCII bytes not starting with a digit, or a numeral;
 * the same test cgraph's writer applies. */
static bool is_bare(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!*p || is_keyword(s))
        return false;
    if (isdigit(*p) || *p == '.' || *p == '-') {
        bool dot = false;
        for (size_t i = 0; p[i]; i++)
            if (p[i] == '.' ? dot : p[i] == '-' ? i > 0 : !isdigit(p[i]))
                return false;
            else if (p[i] == '.')
                dot = true;
        return p[1] || isdigit(*p);
    }
    for (; *p; p++)
        if (!isalnum(*p) && *p != '_' && *p < 0x80)
            return false;
    return true;
}

/* `s` as a DOT ID: bare when that reads back the same, else quoted with its
 * quotes escaped (DOT's only escape inside quotes; the rest is the label's). */
static void put_id(struct text_buf *t, const char *s)
{
    if (is_bare(s)) {
        text_puts(t, s);
        return;
    }
    text_put(t, "\"", 1);
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        text_put(t, s, (size_t)(q - s));
        text_put(t, "\\\"", 2);
    }
    text_puts(t, s);
    text_put(t, "\"", 1);
}

/* The set attributes that differ from their defaults, as ` [a=b,\n\tc=d]`. */
static void put_attrs(struct dot_writer *w, const struct attr_decl *decls, const char *const *vals, size_t n,
                      const char *open)
{
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!vals[i] || strcmp(vals[i], decls[i].fallback) == 0)
            continue;
        if (first)
            text_puts(&w->t, open);
        else {
            text_put(&w->t, ",\n", 2);
            text_tabs(&w->t, w->level + 1);
        }
        first = false;
        put_id(&w->t, decls[i].name);
        text_put(&w->t, "=", 1);
        put_id(&w->t, vals[i]);
    }
    if (!first)
        text_put(&w->t, "]", 1);
}

static void dot_subgraph(struct drawing *d, const char *name, const char *const *graph_vals)
{
    struct dot_writer *w = (struct dot_writer *)d;
    text_tabs(&w->t, w->level);
    if (name) {
        text_puts(&w->t, "subgraph ");
        put_id(&w->t, name);
        text_put(&w->t, " ", 1);
    }
    text_put(&w->t, "{\n", 2);
    w->level++;
    text_tabs(&w->t, w->level);
    put_attrs(w, graph_attrs, graph_vals, GRAPH_ATTRS, "graph [");
    text_put(&w->t, ";\n", 2);
}

static void dot_end(struct drawing *d)
{
    struct dot_writer *w = (struct dot_writer *)d;
    w->level--;
    text_tabs(&w->t, w->level);
    text_put(&w->t, "}\n", 2);
}

static void dot_node(struct drawing *d, const char *name, const char *const *vals)
{
    struct dot_writer *w = (struct dot_writer *)d;
    text_tabs(&w->t, w->level);
    put_id(&w->t, name);
    put_attrs(w, node_attrs, vals, NODE_ATTRS, "\t[");
    text_put(&w->t, ";\n", 2);
}

static void dot_edge(struct drawing *d, const char *tail, const char *head, const char *const *vals)
{
    struct dot_writer *w = (struct dot_writer *)d;
    text_tabs(&w->t, w->level);
    put_id(&w->t, tail);
    text_put(&w->t, " -> ", 4);
    put_id(&w->t, head);
    put_attrs(w, edge_attrs, vals, EDGE_ATTRS, "\t[");
    text_put(&w->t, ";\n", 2);
}

/* The declared defaults of one kind, as `\tkind [a=b,\n\t\tc=d\n\t];`. */
static void put_defaults(struct text_buf *t, const char *kind, const struct attr_decl *decls, size_t n)
{
    text_put(t, "\t", 1);
    text_puts(t, kind);
    text_put(t, " [", 2);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!*decls[i].fallback)
            continue;
        text_puts(t, first ? "" : ",\n\t\t");
        first = false;
        put_id(t, decls[i].name);
        text_put(t, "=", 1);
        put_id(t, decls[i].fallback);
    }
    text_puts(t, "\n\t];\n");
}

const char *export_dot(struct arena *a, const struct lineage_view *view, size_t *len)
{
    struct arena *scratch = arena_create();
    struct dot_writer w = {.d = {dot_subgraph, dot_end, dot_node, dot_edge}, .level = 1};
    text_start(&w.t, a);
    text_puts(&w.t, "digraph lineage {\n");
    put_defaults(&w.t, "graph", graph_attrs, GRAPH_ATTRS);
    put_defaults(&w.t, "node", node_attrs, NODE_ATTRS);
    put_defaults(&w.t, "edge", edge_attrs, EDGE_ATTRS);
    draw_view(scratch, view, &w.d);
    text_put(&w.t, "}\n", 2);
    arena_destroy(scratch);
    return text_finish(&w.t, len);
}

/* The Graphviz graph dot lays out for SVG, built from the same drawing. */
struct graph_builder {
    struct drawing d;
    Agraph_t *root, *current;
};

static void set_all(void *obj, const char *const *vals, size_t n, const struct attr_decl *decls)
{
    for (size_t i = 0; i < n; i++)
        if (vals[i])
            agset(obj, (char *)decls[i].name, (char *)vals[i]);
}

static void build_subgraph(struct drawing *d, const char *name, const char *const *graph_vals)
{
    struct graph_builder *b = (struct graph_builder *)d;
    b->current = agsubg(b->root, (char *)name, 1);
    set_all(b->current, graph_vals, GRAPH_ATTRS, graph_attrs);
}

static void build_end(struct drawing *d)
{
    struct graph_builder *b = (struct graph_builder *)d;
    b->current = b->root;
}

static void build_node(struct drawing *d, const char *name, const char *const *vals)
{
    struct graph_builder *b = (struct graph_builder *)d;
    set_all(agnode(b->current, (char *)name, 1), vals, NODE_ATTRS, node_attrs);
}

/* The edge's label goes in as an external label (xlabel): dot ranks a label
 * as a node of its own, which took a 2,286-vertex pipeline subgraph's layout
 * from 0.9 s to 4.4 s; an xlabel is placed after the layout. */
static void build_edge(struct drawing *d, const char *tail, const char *head, const char *const *vals)
{
    struct graph_builder *b = (struct graph_builder *)d;
    Agedge_t *e =
        agedge(b->root, agnode(b->root, (char *)tail, 0), agnode(b->root, (char *)head, 0), NULL, 1);
    const char *layout_vals[EDGE_ATTRS];
    memcpy(layout_vals, vals, sizeof layout_vals);
    layout_vals[E_LABEL] = NULL;
    set_all(e, layout_vals, EDGE_ATTRS, edge_attrs);
    if (vals[E_LABEL])
        agset(e, "xlabel", (char *)vals[E_LABEL]);
}

static void close_graph(void *g)
{
    agclose(g);
}

/* Builds the view's graph in `scratch` (agclose registered there). */
static Agraph_t *build_graph(struct arena *scratch, const struct lineage_view *view)
{
    Agraph_t *g = agopen("lineage", Agdirected, NULL);
    if (!g)
        return NULL;
    arena_defer(scratch, close_graph, g);
    for (size_t i = 0; i < GRAPH_ATTRS; i++)
        agattr(g, AGRAPH, (char *)graph_attrs[i].name, (char *)graph_attrs[i].fallback);
    for (size_t i = 0; i < NODE_ATTRS; i++)
        agattr(g, AGNODE, (char *)node_attrs[i].name, (char *)node_attrs[i].fallback);
    for (size_t i = 0; i < EDGE_ATTRS; i++)
        agattr(g, AGEDGE, (char *)edge_attrs[i].name, (char *)edge_attrs[i].fallback);
    agattr(g, AGEDGE, "xlabel", "");
    struct graph_builder b = {{build_subgraph, build_end, build_node, build_edge}, g, g};
    draw_view(scratch, view, &b.d);
    return g;
}

static pthread_mutex_t graphviz_lock = PTHREAD_MUTEX_INITIALIZER;

/* The two plugins an export needs, built in (see CMakeLists.txt). */
extern gvplugin_library_t gvplugin_dot_layout_LTX_library, gvplugin_core_LTX_library;
static lt_symlist_t builtin_plugins[] = {
    {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
    {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
    {NULL, NULL},
};

static void free_context(void *gvc)
{
    gvFreeContext(gvc);
}

static void free_render(void *buf)
{
    gvFreeRenderData(buf);
}

struct layout {
    GVC_t *gvc;
    Agraph_t *g;
};

static void free_layout(void *p)
{
    struct layout *l = p;
    gvFreeLayout(l->gvc, l->g);
}

/* Builds, lays out and renders the view as SVG; the result is copied into
 * `a`. Graphviz objects live in a scratch arena freed before the lock is
 * released. */
const char *export_svg(struct arena *a, const struct lineage_view *view, size_t *len)
{
    const char *result = NULL;
    pthread_mutex_lock(&graphviz_lock);
    struct arena *scratch = arena_create();
    GVC_t *gvc = gvContextPlugins(builtin_plugins, 0);
    if (gvc)
        arena_defer(scratch, free_context, gvc);
    Agraph_t *g = gvc ? build_graph(scratch, view) : NULL;
    char *buf = NULL;
    unsigned int n = 0;
    if (g && gvLayout(gvc, g, "dot") == 0) {
        struct layout *l = arena_alloc(scratch, sizeof *l);
        *l = (struct layout){gvc, g};
        arena_defer(scratch, free_layout, l);
        if (gvRenderData(gvc, g, "svg", &buf, &n) == 0 && buf) {
            arena_defer(scratch, free_render, buf);
            result = arena_strndup(a, buf, n);
            *len = n;
        }
    }
    arena_destroy(scratch);
    pthread_mutex_unlock(&graphviz_lock);
    return result;
}
