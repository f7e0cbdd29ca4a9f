/* Exports of a lineage view: JSON in the native API's shape, and DOT and SVG
 * built with Graphviz (cgraph for the graph, gvc for layout and rendering).
 * Graphviz keeps global state, so every use of it holds one lock. */
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_io.h"
#include "lineaged/export.h"

void export_json(const struct lineage_view *view, cJSON *out)
{
    cJSON *truncated = cJSON_AddArrayToObject(out, "truncated");
    for (size_t i = 0; i < view->marker_count; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(truncated, o);
        json_put_str(o, "arn", view->markers[i].arn);
        json_put_str(o, "direction", view->markers[i].up ? "up" : "down");
        cJSON_AddNumberToObject(o, "unexplored", (double)view->markers[i].unexplored);
    }
    cJSON *vertices = cJSON_AddArrayToObject(out, "vertices");
    for (size_t i = 0; i < view->vertex_count; i++) {
        const struct graph_vertex *v = view->vertices[i].v;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(vertices, o);
        json_put_str(o, "arn", v->arn);
        json_put_str(o, "name", v->name);
        json_put_str(o, "type", v->type);
        json_put_str(o, "lineageType", v->lineage_type);
        cJSON_AddNumberToObject(o, "layer", (double)view->vertices[i].layer);
        json_put_time(o, "creationTime", v->created_ms);
        if (view->vertices[i].details)
            cJSON_AddItemToObject(o, "details", cJSON_Duplicate(view->vertices[i].details, 1));
    }
    cJSON *edges = cJSON_AddArrayToObject(out, "edges");
    for (size_t i = 0; i < view->edge_count; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(edges, o);
        json_put_str(o, "sourceArn", view->edges[i].source);
        json_put_str(o, "destinationArn", view->edges[i].destination);
        json_put_str(o, "associationType", view->edges[i].type);
    }
}

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
    return out;
}

/* The part of an ARN after its resource type: what an unnamed vertex shows. */
static const char *arn_resource(const char *arn)
{
    const char *slash = strchr(arn, '/');
    return slash ? slash + 1 : arn;
}

static void set(void *obj, const char *name, const char *value)
{
    agset(obj, (char *)name, (char *)value);
}

static void style_node(Agnode_t *n, const char *lineage_type)
{
    const struct lineage_style *s = style_of(lineage_type);
    set(n, "shape", s->shape);
    set(n, "fillcolor", s->fill);
}

static int compare_arns(const void *a, const void *b)
{
    return strcmp((*(const struct view_vertex *const *)a)->v->arn,
                  (*(const struct view_vertex *const *)b)->v->arn);
}

/* The vertex with `arn` among `n` sorted by ARN, or NULL. */
static const struct view_vertex *find_vertex(const struct view_vertex **by_arn, size_t n, const char *arn)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(by_arn[mid]->v->arn, arn);
        if (c == 0)
            return by_arn[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
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
    /* Every attribute declared up front, so each object writes them in one order. */
    static const char *const graph_attrs[][2] = {
        {"rankdir", "LR"}, {"fontname", "Helvetica"}, {"rank", ""}, {"label", ""}};
    static const char *const node_attrs[][2] = {
        {"shape", "box"},  {"style", "filled"},  {"fillcolor", "white"},    {"color", "black"},
        {"penwidth", "1"}, {"peripheries", "1"}, {"fontname", "Helvetica"}, {"label", "\\N"}};
    static const char *const edge_attrs[][2] = {{"label", ""},
                                                {"style", "solid"},
                                                {"fontname", "Helvetica"},
                                                {"fontsize", "10"},
                                                {"constraint", "true"}};
    for (size_t i = 0; i < sizeof graph_attrs / sizeof graph_attrs[0]; i++)
        agattr(g, AGRAPH, (char *)graph_attrs[i][0], (char *)graph_attrs[i][1]);
    for (size_t i = 0; i < sizeof node_attrs / sizeof node_attrs[0]; i++)
        agattr(g, AGNODE, (char *)node_attrs[i][0], (char *)node_attrs[i][1]);
    for (size_t i = 0; i < sizeof edge_attrs / sizeof edge_attrs[0]; i++)
        agattr(g, AGEDGE, (char *)edge_attrs[i][0], (char *)edge_attrs[i][1]);

    /* One rank per layer, left (upstream) to right (downstream). cgraph
     * writes subgraphs in id order, and a named one's id is its string's
     * address: anonymous ones are numbered in creation order instead. */
    Agraph_t *layer = NULL;
    for (size_t i = 0; i < view->vertex_count; i++) {
        const struct view_vertex *vv = &view->vertices[i];
        if (i == 0 || vv->layer != view->vertices[i - 1].layer) {
            layer = agsubg(g, NULL, 1);
            set(layer, "rank", "same");
        }
        const struct graph_vertex *v = vv->v;
        Agnode_t *n = agnode(layer, (char *)v->arn, 1);
        style_node(n, v->lineage_type);
        set(n, "color", type_colour(v->type));
        set(n, "penwidth", "2");
        if (vv->layer == 0)
            set(n, "peripheries", "2");
        set(n, "label",
            arena_printf(scratch, "%s\\n%s", label_text(scratch, v->name ? v->name : arn_resource(v->arn)),
                         label_text(scratch, v->type ? v->type : "")));
    }
    const struct view_vertex **by_arn = arena_alloc(scratch, (view->vertex_count + 1) * sizeof *by_arn);
    for (size_t i = 0; i < view->vertex_count; i++)
        by_arn[i] = &view->vertices[i];
    if (view->vertex_count)
        qsort(by_arn, view->vertex_count, sizeof *by_arn, compare_arns);
    for (size_t i = 0; i < view->edge_count; i++) {
        const struct view_vertex *s = find_vertex(by_arn, view->vertex_count, view->edges[i].source),
                                 *d = find_vertex(by_arn, view->vertex_count, view->edges[i].destination);
        if (!s || !d)
            continue;
        Agedge_t *e = agedge(g, agnode(g, (char *)s->v->arn, 0), agnode(g, (char *)d->v->arn, 0), NULL, 1);
        set(e, "label", label_text(scratch, view->edges[i].type ? view->edges[i].type : ""));
        /* The layers place the vertices; an edge that does not lead to a later
         * layer (a cycle closed, a vertex reached both ways) must not rank
         * them, nor make dot reverse it (which leaks in Graphviz 2.43). */
        if (d->layer <= s->layer)
            set(e, "constraint", "false");
    }
    for (size_t i = 0; i < view->marker_count; i++) {
        const struct view_marker *m = &view->markers[i];
        Agnode_t *at = agnode(g, (char *)m->arn, 0);
        if (!at)
            continue;
        Agnode_t *stub = agnode(g, arena_printf(scratch, "more %zu", i), 1);
        set(stub, "shape", "note");
        set(stub, "style", "filled,dashed");
        set(stub, "label", arena_printf(scratch, "%zu more", m->unexplored));
        Agedge_t *e = m->up ? agedge(g, stub, at, NULL, 1) : agedge(g, at, stub, NULL, 1);
        set(e, "style", "dashed");
    }
    /* The legend: one sample per lineage type, and the stub. Its name makes
     * dot draw it as a box (a cluster); its id, an address, sorts after the
     * layers' small numbers. */
    Agraph_t *legend = agsubg(g, "cluster_legend", 1);
    set(legend, "label", "Legend");
    for (const struct lineage_style *s = lineage_styles; s->lineage_type; s++) {
        Agnode_t *n = agnode(legend, arena_printf(scratch, "legend %s", s->lineage_type), 1);
        style_node(n, s->lineage_type);
        set(n, "label", s->lineage_type);
    }
    Agnode_t *more = agnode(legend, "legend more", 1);
    set(more, "shape", "note");
    set(more, "style", "filled,dashed");
    set(more, "label", "N more (not walked)");
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

/* Builds and writes (DOT) or lays out and renders (SVG) the view; the
 * result is copied into `a`. Graphviz objects live in a scratch arena freed
 * before the lock is released. */
static const char *render(struct arena *a, const struct lineage_view *view, bool svg, size_t *len)
{
    const char *result = NULL;
    pthread_mutex_lock(&graphviz_lock);
    struct arena *scratch = arena_create();
    GVC_t *gvc = svg ? gvContextPlugins(builtin_plugins, 0) : NULL;
    if (gvc)
        arena_defer(scratch, free_context, gvc);
    Agraph_t *g = (!svg || gvc) ? build_graph(scratch, view) : NULL;
    if (g && svg) {
        char *buf = NULL;
        unsigned int n = 0;
        if (gvLayout(gvc, g, "dot") == 0) {
            struct layout *l = arena_alloc(scratch, sizeof *l);
            *l = (struct layout){gvc, g};
            arena_defer(scratch, free_layout, l);
            if (gvRenderData(gvc, g, "svg", &buf, &n) == 0 && buf) {
                arena_defer(scratch, free_render, buf);
                result = arena_strndup(a, buf, n);
                *len = n;
            }
        }
    } else if (g) {
        char *buf = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&buf, &n);
        int written = f ? agwrite(g, f) : -1;
        /* buf is final only once the stream is closed. */
        if (f && fclose(f) == 0) {
            arena_defer(scratch, free, buf);
            if (written == 0) {
                result = arena_strndup(a, buf, n);
                *len = n;
            }
        }
    }
    arena_destroy(scratch);
    pthread_mutex_unlock(&graphviz_lock);
    return result;
}

const char *export_dot(struct arena *a, const struct lineage_view *view, size_t *len)
{
    return render(a, view, false, len);
}

const char *export_svg(struct arena *a, const struct lineage_view *view, size_t *len)
{
    return render(a, view, true, len);
}
