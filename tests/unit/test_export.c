/* The export module without a database: walks merged into a view (each
 * vertex once at its nearest layer), and the view's JSON and DOT compared
 * with golden files in tests/data (LINEAGED_UPDATE_GOLDEN=1 rewrites them),
 * its DOT read back by Graphviz's own parser, and its SVG checked for every
 * vertex, edge and stub. */
#include <criterion/criterion.h>
#include <graphviz/cgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineaged/export.h"
#include "lineaged/timefmt.h"

static struct arena *a;

static void setup(void)
{
    a = arena_create();
}

static void teardown(void)
{
    arena_destroy(a);
}

TestSuite(export, .init = setup, .fini = teardown);

/* Upstream of a model m: a training component t fed by a dataset d and an
 * image i (a name with a backslash); downstream: an endpoint context e and an
 * unnamed artifact u. d has 3 parents left unwalked, e 2 children. */
static struct graph_vertex up_vs[] = {
    {.id = 1,
     .arn = "arn:m",
     .name = "model",
     .type = "Model",
     .lineage_type = "Artifact",
     .created_ms = 1000},
    {.id = 2,
     .arn = "arn:t",
     .name = "train",
     .type = "TrainingJob",
     .lineage_type = "TrialComponent",
     .created_ms = 2000,
     .depth = 1},
    {.id = 3,
     .arn = "arn:d",
     .name = "data",
     .type = "DataSet",
     .lineage_type = "Artifact",
     .created_ms = 3000,
     .depth = 2},
    {.id = 4,
     .arn = "arn:i",
     .name = "img\\v1",
     .type = "Image",
     .lineage_type = "Artifact",
     .created_ms = 4500,
     .depth = 2},
};
static struct graph_edge up_es[] = {
    {.source_id = 2, .destination_id = 1, .type = "Produced", .source = 1, .destination = 0},
    {.source_id = 3, .destination_id = 2, .type = "ContributedTo", .source = 2, .destination = 1},
    {.source_id = 4, .destination_id = 2, .type = NULL, .source = 3, .destination = 1},
};
static struct graph_truncation up_cut[] = {{.vertex = 2, .unexplored = 3}};

static struct graph_vertex down_vs[] = {
    {.id = 1,
     .arn = "arn:m",
     .name = "model",
     .type = "Model",
     .lineage_type = "Artifact",
     .created_ms = 1000},
    {.id = 5,
     .arn = "arn:e",
     .name = "endpoint",
     .type = "Endpoint",
     .lineage_type = "Context",
     .created_ms = 5000,
     .depth = 1},
    {.id = 6,
     .arn = "arn:aws:sagemaker:r:1:artifact/abc",
     .type = "Report",
     .lineage_type = "Artifact",
     .created_ms = 6000,
     .depth = 1},
    /* Also reached upstream, nearer there: it stays at layer -1. */
    {.id = 2,
     .arn = "arn:t",
     .name = "train",
     .type = "TrainingJob",
     .lineage_type = "TrialComponent",
     .created_ms = 2000,
     .depth = 2},
};
static struct graph_edge down_es[] = {
    {.source_id = 1, .destination_id = 5, .type = "DeployedTo", .source = 0, .destination = 1},
    {.source_id = 1, .destination_id = 6, .type = "ContributedTo", .source = 0, .destination = 2},
    {.source_id = 5, .destination_id = 2, .type = "AssociatedWith", .source = 1, .destination = 3},
};
static struct graph_truncation down_cut[] = {{.vertex = 1, .unexplored = 2}};

static void build(struct lineage_view *view)
{
    struct graph_walk up = {WALK_ASCENDANTS, up_vs, 4, up_es, 3, up_cut, 1};
    struct graph_walk down = {WALK_DESCENDANTS, down_vs, 4, down_es, 3, down_cut, 1};
    memset(view, 0, sizeof *view);
    view_add_walk(a, view, &up, -1);
    view_add_walk(a, view, &down, 1);
    view_settle(a, view);
}

/* Compares `text` with tests/data/<name>, or rewrites it when asked. */
static void assert_golden(const char *name, const char *text, size_t len)
{
    const char *dir = getenv("LINEAGED_SOURCE_DIR");
    cr_assert(dir, "LINEAGED_SOURCE_DIR is not set");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/%s", dir, name);
    const char *update = getenv("LINEAGED_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        FILE *f = fopen(path, "wb");
        cr_assert(f && fwrite(text, 1, len, f) == len && fclose(f) == 0, "cannot write %s", path);
    }
    FILE *f = fopen(path, "rb");
    cr_assert(f, "missing golden file %s", path);
    char *want = calloc(1, len + 2);
    size_t got = fread(want, 1, len + 1, f);
    fclose(f);
    bool same = got == len && memcmp(want, text, len) == 0;
    free(want);
    cr_assert(same, "%s differs from the export:\n%.*s", path, (int)len, text);
}

Test(export, settle_keeps_each_vertex_once_at_its_nearest_layer_in_layer_then_arn_order)
{
    struct lineage_view view;
    build(&view);
    const char *arns[] = {"arn:d", "arn:i", "arn:t", "arn:m", "arn:aws:sagemaker:r:1:artifact/abc", "arn:e"};
    long layers[] = {-2, -2, -1, 0, 1, 1};
    cr_assert_eq(view.vertex_count, 6);
    for (size_t i = 0; i < 6; i++) {
        cr_expect_str_eq(view.vertices[i].v->arn, arns[i]);
        cr_expect_eq(view.vertices[i].layer, layers[i], "%s at %ld", arns[i], view.vertices[i].layer);
    }
    cr_assert_eq(view.edge_count, 6);
    for (size_t i = 1; i < view.edge_count; i++) {
        int c = strcmp(view.edges[i - 1].source, view.edges[i].source);
        cr_expect(c < 0 || (c == 0 && strcmp(view.edges[i - 1].destination, view.edges[i].destination) < 0));
    }
    cr_assert_eq(view.marker_count, 2);
    cr_expect(view.markers[0].up && strcmp(view.markers[0].arn, "arn:d") == 0);
    cr_expect(!view.markers[1].up && strcmp(view.markers[1].arn, "arn:e") == 0);
}

Test(export, json_is_the_native_shape_and_matches_the_golden_file)
{
    struct lineage_view view;
    build(&view);
    cJSON *details = cJSON_CreateObject();
    cJSON_AddStringToObject(details, "ArtifactArn", "arn:m");
    view.vertices[3].details = details;
    size_t len = 0;
    const char *text = export_json(a, &view, false, NULL, &len);
    cr_assert(text);
    assert_golden("export_styled.json", text, len);

    /* Formatted, with a history member, it is the text cJSON_Print gives
     * for the same tree. */
    cJSON *history =
        cJSON_Parse("{\"arn:m\":[{\"operation\":\"Create\",\"after\":{\"a\":[1,{}]}}],\"e\":{}}");
    cJSON *doc = cJSON_Parse(text);
    cJSON *vertex;
    cJSON_ArrayForEach(vertex, cJSON_GetObjectItem(doc, "vertices"))
    {
        /* the export writes times as they were read, as raw text */
        char time[32];
        double s = cJSON_GetObjectItem(vertex, "creationTime")->valuedouble;
        cJSON_ReplaceItemInObject(vertex, "creationTime",
                                  cJSON_CreateRaw(ldtime_format((int64_t)(s * 1000), time)));
    }
    cJSON_AddItemReferenceToObject(doc, "history", history);
    char *expected = cJSON_Print(doc);
    const char *formatted = export_json(a, &view, true, history, &len);
    cr_assert(formatted);
    cr_expect_str_eq(formatted, expected);
    cr_expect_eq(len, strlen(expected));
    cJSON_free(expected);
    cJSON_Delete(doc);
    cJSON_Delete(history);
    cJSON_Delete(details);
}

/* The DOT of the hand-built view, which `view` receives. */
static const char *styled_dot(struct lineage_view *view, size_t *len)
{
    build(view);
    const char *dot = export_dot(a, view, len);
    cr_assert(dot);
    return dot;
}

Test(export, dot_is_styled_labelled_truncated_and_matches_the_golden_file)
{
    struct lineage_view view;
    size_t len = 0;
    const char *dot = styled_dot(&view, &len);
    assert_golden("export_styled.dot", dot, len);
    /* Twice the same bytes. */
    size_t len2 = 0;
    const char *again = export_dot(a, &view, &len2);
    cr_assert(len2 == len && memcmp(dot, again, len) == 0);
}

Test(export, dot_labels_show_backslashes_and_unnamed_vertices_by_resource_id)
{
    struct lineage_view view;
    size_t len = 0;
    const char *dot = styled_dot(&view, &len);
    cr_expect(strstr(dot, "label=\"img\\\\v1\\nImage\""), "%s", dot);
    cr_expect(strstr(dot, "label=\"abc\\nReport\""), "%s", dot);
    cr_expect(strstr(dot, "label=\"3 more\""));
    cr_expect(strstr(dot, "label=\"2 more\""));
    cr_expect(strstr(dot, "rankdir=LR"));
    cr_expect(strstr(dot, "cluster_legend"));
}

static void close_graph(void *g)
{
    agclose(g);
}

/* The DOT text parsed by cgraph; agclose registered on the test arena. */
static Agraph_t *parse_dot(const char *dot)
{
    Agraph_t *g = agmemread(dot);
    cr_assert(g, "cgraph cannot read:\n%s", dot);
    arena_defer(a, close_graph, g);
    return g;
}

static const char *attr(void *obj, const char *name)
{
    const char *v = agget(obj, (char *)name);
    return v ? v : "(undeclared)";
}

/* The subgraph of `g` holding `n`, or NULL. */
static Agraph_t *holder(Agraph_t *g, Agnode_t *n)
{
    for (Agraph_t *s = agfstsubg(g); s; s = agnxtsubg(s))
        if (agidnode(s, AGID(n), 0))
            return s;
    return NULL;
}

Test(export, dot_reads_back_as_the_same_graph_and_cgraph_writes_it_unchanged)
{
    struct lineage_view view;
    size_t len = 0;
    const char *dot = styled_dot(&view, &len);
    Agraph_t *g = parse_dot(dot);
    /* The vertices, 2 stubs and 5 legend entries; the edges and 2 stub edges. */
    cr_expect_eq(agnnodes(g), (int)view.vertex_count + 2 + 5);
    cr_expect_eq(agnedges(g), (int)view.edge_count + 2);
    cr_expect_str_eq(attr(g, "rankdir"), "LR");
    for (size_t i = 0; i < view.vertex_count; i++) {
        Agnode_t *n = agnode(g, (char *)view.vertices[i].v->arn, 0);
        cr_assert(n, "no node %s", view.vertices[i].v->arn);
        cr_expect_str_eq(attr(n, "penwidth"), "2");
        cr_expect_str_eq(attr(n, "peripheries"), view.vertices[i].layer == 0 ? "2" : "1");
        Agraph_t *layer = holder(g, n);
        cr_assert(layer, "%s is in no layer", agnameof(n));
        cr_expect_str_eq(attr(layer, "rank"), "same");
        /* A layer holds exactly the vertices of one layer. */
        if (i > 0)
            cr_expect_eq(layer == holder(g, agnode(g, (char *)view.vertices[i - 1].v->arn, 0)),
                         view.vertices[i].layer == view.vertices[i - 1].layer);
    }
    Agnode_t *img = agnode(g, "arn:i", 0), *t = agnode(g, "arn:t", 0), *e = agnode(g, "arn:e", 0);
    cr_expect_str_eq(attr(img, "label"), "img\\\\v1\\nImage");
    cr_expect_str_eq(attr(img, "shape"), "ellipse");
    cr_expect_str_eq(attr(img, "fillcolor"), "#dbeafe");
    cr_expect_str_eq(attr(t, "shape"), "component");
    cr_expect_str_eq(attr(agedge(g, agnode(g, "arn:d", 0), t, NULL, 0), "label"), "ContributedTo");
    cr_expect_str_eq(attr(agedge(g, img, t, NULL, 0), "label"), "");
    Agedge_t *back = agedge(g, e, t, NULL, 0);
    cr_assert(back);
    cr_expect_str_eq(attr(back, "constraint"), "false");
    cr_expect_str_eq(attr(back, "label"), "AssociatedWith");
    Agnode_t *stub = agnode(g, "more 0", 0);
    cr_assert(stub);
    cr_expect_str_eq(attr(stub, "label"), "3 more");
    cr_expect_str_eq(attr(stub, "shape"), "note");
    cr_expect_str_eq(attr(agedge(g, stub, agnode(g, "arn:d", 0), NULL, 0), "style"), "dashed");
    Agraph_t *legend = agsubg(g, "cluster_legend", 0);
    cr_assert(legend);
    cr_expect_eq(agnnodes(legend), 5);
    cr_expect_str_eq(attr(agnode(legend, "legend Context", 0), "shape"), "hexagon");

    /* cgraph's writer, which exports used before, gives the same bytes. */
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    cr_assert(f && agwrite(g, f) == 0 && fclose(f) == 0);
    arena_defer(a, free, buf);
    cr_expect(n == len && memcmp(buf, dot, n) == 0, "cgraph writes:\n%.*s", (int)n, buf);
}

Test(export, dot_quotes_what_dot_would_misread)
{
    /* Names and Types DOT could take for keywords, numbers, escapes, or
     * attribute syntax; one longer than a DOT output line. */
    static const char *const types[] = {
        "graph",
        "-1.5",
        "1.2.3",
        "a\"b",
        "x]; y [z=1",
        "Mod\xc3\xa8le",
        "-",
        "",
        "tab\there\nnewline",
        "a-long-type-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    enum { N = sizeof types / sizeof types[0] };
    struct graph_vertex vs[N];
    struct graph_edge es[N - 1];
    for (size_t i = 0; i < N; i++) {
        vs[i] =
            (struct graph_vertex){.id = (int64_t)i + 1,
                                  .arn = arena_printf(a, "arn:aws:sagemaker:r:1:action/%s-%zu", types[i], i),
                                  .name = i % 2 ? NULL : types[i],
                                  .type = types[i],
                                  .lineage_type = types[i],
                                  .depth = (int)i};
        if (i)
            es[i - 1] = (struct graph_edge){.type = types[i], .source = i - 1, .destination = i};
    }
    struct graph_walk w = {WALK_DESCENDANTS, vs, N, es, N - 1, NULL, 0};
    struct lineage_view view = {0};
    view_add_walk(a, &view, &w, 1);
    view_settle(a, &view);
    size_t len = 0;
    const char *dot = export_dot(a, &view, &len);
    cr_assert(dot);
    Agraph_t *g = parse_dot(dot);
    cr_expect_eq(agnnodes(g), N + 5);
    cr_expect_eq(agnedges(g), N - 1);
    for (size_t i = 0; i < N; i++) {
        Agnode_t *n = agnode(g, (char *)vs[i].arn, 0);
        cr_assert(n, "no node %s in\n%s", vs[i].arn, dot);
        /* Labels keep their text: only backslashes are doubled (none here). */
        const char *shown = vs[i].name ? vs[i].name : strchr(vs[i].arn, '/') + 1;
        cr_expect_str_eq(attr(n, "label"), arena_printf(a, "%s\\n%s", shown, types[i]));
        if (i)
            cr_expect_str_eq(attr(agedge(g, agnode(g, (char *)vs[i - 1].arn, 0), n, NULL, 0), "label"),
                             types[i]);
    }
}

Test(export, svg_holds_every_vertex_edge_and_stub)
{
    struct lineage_view view;
    build(&view);
    size_t len = 0;
    const char *svg = export_svg(a, &view, &len);
    cr_assert(svg && len > 0);
    cr_expect(strstr(svg, "<svg"));
    for (size_t i = 0; i < view.vertex_count; i++) {
        const char *title = arena_printf(a, "<title>%s</title>", view.vertices[i].v->arn);
        cr_expect(strstr(svg, title), "no %s", title);
    }
    for (size_t i = 0; i < view.edge_count; i++) {
        /* Graphviz writes "->" in titles as "&#45;&gt;". */
        const char *title =
            arena_printf(a, "<title>%s&#45;&gt;%s</title>", view.edges[i].source, view.edges[i].destination);
        cr_expect(strstr(svg, title), "no %s", title);
    }
    cr_expect(strstr(svg, ">3 more</text>"));
    cr_expect(strstr(svg, ">AssociatedWith</text>"), "edge labels are drawn");
    cr_expect(strstr(svg, ">Legend</text>"));
}

Test(export, an_empty_view_still_exports)
{
    struct lineage_view view = {0};
    size_t len = 0;
    cr_expect(export_dot(a, &view, &len) && len > 0);
    const char *json = export_json(a, &view, false, NULL, &len);
    cr_expect_str_eq(json, "{\"truncated\":[],\"vertices\":[],\"edges\":[]}");
}

Test(export, json_escapes_strings_as_cjson_does)
{
    static const char odd[] = "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f caf\xc3\xa9";
    struct graph_vertex v = {.id = 1, .arn = odd, .name = odd, .type = "T", .lineage_type = "Artifact"};
    struct view_vertex vv = {.v = &v};
    struct lineage_view view = {.vertices = &vv, .vertex_count = 1};
    cJSON *doc = cJSON_CreateObject(), *o = cJSON_CreateObject();
    cJSON_AddArrayToObject(doc, "truncated");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, "vertices"), o);
    cJSON_AddArrayToObject(doc, "edges");
    cJSON_AddStringToObject(o, "arn", odd);
    cJSON_AddStringToObject(o, "name", odd);
    cJSON_AddStringToObject(o, "type", "T");
    cJSON_AddStringToObject(o, "lineageType", "Artifact");
    cJSON_AddNumberToObject(o, "layer", 0);
    cJSON_AddRawToObject(o, "creationTime", "0.000");
    for (int formatted = 0; formatted < 2; formatted++) {
        char *expected = formatted ? cJSON_Print(doc) : cJSON_PrintUnformatted(doc);
        size_t len = 0;
        cr_expect_str_eq(export_json(a, &view, formatted, NULL, &len), expected);
        cJSON_free(expected);
    }
    cJSON_Delete(doc);
}
