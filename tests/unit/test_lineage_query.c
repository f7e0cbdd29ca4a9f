/* QueryLineage's selection over a hand-made walk: filters choose without
 * pruning, IncludeEdges adds the start and every vertex on a shortest path,
 * results come in (depth, ARN) order and each edge with its later end. */
#include <criterion/criterion.h>
#include <string.h>

#include "lineaged/graph.h"

static struct arena *a;
static struct request r;

static void setup(void)
{
    a = arena_create();
    memset(&r, 0, sizeof r);
    r.arena = a;
}

static void teardown(void)
{
    arena_destroy(a);
}

TestSuite(lineage_query, .init = setup, .fini = teardown);

/* A walk from s (depth 0) over a diamond s -> a, s -> b, a -> t, b -> t, a
 * side branch s -> x, and an edge closing a cycle t -> s. */
static struct graph_vertex vs[] = {
    {.id = 1, .arn = "arn:s", .type = "Model", .lineage_type = "Artifact", .depth = 0},
    {.id = 2, .arn = "arn:b", .type = "TrainingJob", .lineage_type = "TrialComponent", .depth = 1},
    {.id = 3, .arn = "arn:a", .type = "TrainingJob", .lineage_type = "TrialComponent", .depth = 1},
    {.id = 4,
     .arn = "arn:x",
     .type = "Image",
     .lineage_type = "Artifact",
     .depth = 1,
     .properties = "{\"team\":\"red\"}"},
    {.id = 5, .arn = "arn:t", .type = "DataSet", .lineage_type = "Artifact", .depth = 2},
};
static struct graph_edge es[] = {
    {.source_id = 1, .destination_id = 3, .type = "Produced", .source = 0, .destination = 2},
    {.source_id = 1, .destination_id = 2, .type = "Produced", .source = 0, .destination = 1},
    {.source_id = 3, .destination_id = 5, .type = NULL, .source = 2, .destination = 4},
    {.source_id = 2, .destination_id = 5, .type = NULL, .source = 1, .destination = 4},
    {.source_id = 1, .destination_id = 4, .type = NULL, .source = 0, .destination = 3},
    {.source_id = 5, .destination_id = 1, .type = "SameAs", .source = 4, .destination = 0},
};
static const struct graph_walk walk = {
    .direction = WALK_DESCENDANTS, .vertices = vs, .vertex_count = 5, .edges = es, .edge_count = 6};

static const char *arn_at(const struct lineage_selection *s, size_t i)
{
    return vs[s->vertices[i]].arn;
}

Test(lineage_query, without_edges_returns_matches_in_depth_then_arn_order_never_the_start)
{
    struct lineage_filters f = {0};
    struct lineage_selection s;
    lineage_select(&r, &walk, &f, false, &s);
    cr_assert_eq(s.vertex_count, 4);
    const char *want[] = {"arn:a", "arn:b", "arn:x", "arn:t"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(arn_at(&s, i), want[i]);
    cr_assert_eq(s.edge_count, 0);
}

Test(lineage_query, filters_choose_and_lists_or)
{
    const char *types[] = {"DataSet", "Image"};
    const char *lineage[] = {"Artifact"};
    struct lineage_filters f = {
        .types = types, .type_count = 2, .lineage_types = lineage, .lineage_type_count = 1};
    struct lineage_selection s;
    lineage_select(&r, &walk, &f, false, &s);
    cr_assert_eq(s.vertex_count, 2);
    cr_assert_str_eq(arn_at(&s, 0), "arn:x");
    cr_assert_str_eq(arn_at(&s, 1), "arn:t");
    struct lineage_filters p = {.properties = "{\"team\":\"red\",\"tier\":\"gold\"}"};
    lineage_select(&r, &walk, &p, false, &s);
    cr_assert_eq(s.vertex_count, 1);
    cr_assert_str_eq(arn_at(&s, 0), "arn:x");
}

Test(lineage_query, only_time_and_property_filters_read_details)
{
    const char *types[] = {"DataSet"};
    struct lineage_filters none = {0}, by_type = {.types = types, .type_count = 1},
                           by_lineage_type = {.lineage_types = types, .lineage_type_count = 1},
                           empty_properties = {.properties = "{}"},
                           by_property = {.properties = "{\"team\":\"red\"}"},
                           by_time = {.has_modified_after = true, .modified_after = 1};
    cr_assert(lineage_filters_empty(&none) && !lineage_filters_read_details(&none));
    cr_assert(lineage_filters_empty(&empty_properties) && !lineage_filters_read_details(&empty_properties));
    cr_assert(!lineage_filters_empty(&by_type) && !lineage_filters_read_details(&by_type));
    cr_assert(!lineage_filters_empty(&by_lineage_type) && !lineage_filters_read_details(&by_lineage_type));
    cr_assert(!lineage_filters_empty(&by_property) && lineage_filters_read_details(&by_property));
    cr_assert(!lineage_filters_empty(&by_time) && lineage_filters_read_details(&by_time));
}

Test(lineage_query, with_edges_keeps_every_shortest_path_and_the_edges_between_kept_vertices)
{
    const char *types[] = {"DataSet"};
    struct lineage_filters f = {.types = types, .type_count = 1};
    struct lineage_selection s;
    lineage_select(&r, &walk, &f, true, &s);
    /* The start, both middles of the diamond, the target; not the side branch. */
    cr_assert_eq(s.vertex_count, 4);
    const char *want[] = {"arn:s", "arn:a", "arn:b", "arn:t"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(arn_at(&s, i), want[i]);
    /* Four diamond edges and the cycle's closing edge t -> s. */
    cr_assert_eq(s.edge_count, 5);
    for (size_t i = 0; i < s.edge_count; i++) {
        size_t ps = 0, pd = 0;
        for (size_t k = 0; k < s.vertex_count; k++) {
            if (s.vertices[k] == es[s.edges[i]].source)
                ps = k;
            if (s.vertices[k] == es[s.edges[i]].destination)
                pd = k;
        }
        cr_assert_eq(s.edge_page_position[i], ps > pd ? ps : pd, "an edge goes with its later end");
        if (i > 0)
            cr_assert_geq(s.edge_page_position[i], s.edge_page_position[i - 1]);
    }
}

Test(lineage_query, with_edges_and_no_match_returns_the_start_alone)
{
    const char *types[] = {"Endpoint"};
    struct lineage_filters f = {.types = types, .type_count = 1};
    struct lineage_selection s;
    lineage_select(&r, &walk, &f, true, &s);
    cr_assert_eq(s.vertex_count, 1);
    cr_assert_str_eq(arn_at(&s, 0), "arn:s");
    cr_assert_eq(s.edge_count, 0);
}

/* Regression: a vertex nearer the start that the walk only reaches against
 * the walk's direction from a match is on no shortest path to it. */
Test(lineage_query, paths_follow_the_walk_direction)
{
    struct graph_vertex v[] = {
        {.id = 1, .arn = "arn:raw", .type = "DataSet", .lineage_type = "Artifact", .depth = 0},
        {.id = 2, .arn = "arn:labels", .type = "DataSet", .lineage_type = "Artifact", .depth = 1},
        {.id = 3, .arn = "arn:clean", .type = "DataSet", .lineage_type = "Artifact", .depth = 1},
        {.id = 4, .arn = "arn:train", .type = "TrainingJob", .lineage_type = "TrialComponent", .depth = 2},
    };
    struct graph_edge e[] = {
        {.source_id = 1, .destination_id = 2, .type = NULL, .source = 0, .destination = 1},
        {.source_id = 1, .destination_id = 3, .type = NULL, .source = 0, .destination = 2},
        {.source_id = 3, .destination_id = 4, .type = NULL, .source = 2, .destination = 3},
        {.source_id = 4, .destination_id = 2, .type = NULL, .source = 3, .destination = 1}};
    struct graph_walk w = {
        .direction = WALK_DESCENDANTS, .vertices = v, .vertex_count = 4, .edges = e, .edge_count = 4};
    const char *lineage[] = {"TrialComponent"};
    struct lineage_filters f = {.lineage_types = lineage, .lineage_type_count = 1};
    struct lineage_selection s;
    lineage_select(&r, &w, &f, true, &s);
    cr_assert_eq(s.vertex_count, 3);
    cr_assert_str_eq(v[s.vertices[0]].arn, "arn:raw");
    cr_assert_str_eq(v[s.vertices[1]].arn, "arn:clean");
    cr_assert_str_eq(v[s.vertices[2]].arn, "arn:train");
    cr_assert_eq(s.edge_count, 2);
    w.direction = WALK_BOTH; /* walking both ways, labels -> train is a step too */
    lineage_select(&r, &w, &f, true, &s);
    cr_assert_eq(s.vertex_count, 4);
}

Test(lineage_query, every_shortest_path_in_arn_order_and_bounded)
{
    struct graph_paths p;
    graph_shortest_paths(&r, &walk, 4, 10, &p); /* to arn:t */
    cr_assert_eq(p.count, 2);
    cr_assert_eq(p.length, 3);
    cr_assert_not(p.more);
    const char *first[] = {"arn:s", "arn:a", "arn:t"}, *second[] = {"arn:s", "arn:b", "arn:t"};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_str_eq(vs[p.paths[0][i]].arn, first[i]);
        cr_assert_str_eq(vs[p.paths[1][i]].arn, second[i]);
    }
    graph_shortest_paths(&r, &walk, 4, 1, &p);
    cr_assert_eq(p.count, 1);
    cr_assert(p.more);
    graph_shortest_paths(&r, &walk, 0, 5, &p); /* the start itself */
    cr_assert_eq(p.count, 1);
    cr_assert_eq(p.length, 1);
}
