"""QueryLineage through boto3. Every answer is checked against a small reference
implementation in this file (a breadth-first walk over the graph the test built, the
filters, the shortest-path closure for IncludeEdges, the (depth, ARN) order and the
page an edge belongs to), plus hand-checked spot assertions: the SDK's visualize graph,
the multi-hop notebook's endpoint -> datasets query, a diamond + cycle + branches graph
for every direction, depth, IncludeEdges and a set of filters, the depth limit, paging
over a fan-out of 120 artifacts, tokens, refusals, and account isolation."""

import datetime
import itertools
import os
import subprocess
import time
import unittest

from lineaged_client import (
    LineagedTestCase, OTHER_REGION, REGION, arn_of, at, body_of, client, fresh_account, raw,
    requires_endpoint, unique_name, unique_uri)

DIRECTIONS = ("Descendants", "Ascendants", "Both")
DEPTHS = (0, 1, 2, 3, 10)


# ------------------------------------------------------------- the graph a test builds

class Graph:
    """Lineage entities and associations created in one account, remembered by label
    with what QueryLineage should say about each: its Vertex and, once load() has run,
    its Properties and its creation and modification times in epoch milliseconds."""

    def __init__(self, sm):
        self.sm = sm
        self.arn = {}        # label -> ARN
        self.vertex = {}     # ARN -> {"Arn", "Type", "LineageType"}
        self.describe = {}   # ARN -> a call returning its Describe output
        self.props = {}      # ARN -> Properties (after load)
        self.created = {}    # ARN -> epoch ms (after load)
        self.modified = {}   # ARN -> epoch ms (after load)
        self.edges = []      # (source ARN, destination ARN, AssociationType or None)

    def _add(self, label, arn, vertex_type, lineage_type, describe):
        self.arn[label] = arn
        self.vertex[arn] = {"Arn": arn, "Type": vertex_type, "LineageType": lineage_type}
        self.describe[arn] = describe
        return arn

    def artifact(self, label, artifact_type, properties=None):
        kwargs = {"Properties": properties} if properties else {}
        arn = self.sm.create_artifact(Source={"SourceUri": unique_uri()},
                                      ArtifactType=artifact_type, **kwargs)["ArtifactArn"]
        return self._add(label, arn, artifact_type, "Artifact",
                         lambda: self.sm.describe_artifact(ArtifactArn=arn))

    def action(self, label, action_type, properties=None):
        name = unique_name("act")
        kwargs = {"Properties": properties} if properties else {}
        arn = self.sm.create_action(ActionName=name, Source={"SourceUri": unique_uri()},
                                    ActionType=action_type, **kwargs)["ActionArn"]
        return self._add(label, arn, action_type, "Action",
                         lambda: self.sm.describe_action(ActionName=name))

    def context(self, label, context_type, properties=None):
        name = unique_name("ctx")
        kwargs = {"Properties": properties} if properties else {}
        arn = self.sm.create_context(ContextName=name, Source={"SourceUri": unique_uri()},
                                     ContextType=context_type, **kwargs)["ContextArn"]
        return self._add(label, arn, context_type, "Context",
                         lambda: self.sm.describe_context(ContextName=name))

    def trial_component(self, label):
        name = unique_name("tc")
        arn = self.sm.create_trial_component(TrialComponentName=name)["TrialComponentArn"]
        return self._add(label, arn, "TrialComponent", "TrialComponent",
                         lambda: self.sm.describe_trial_component(TrialComponentName=name))

    def experiment(self, label):
        name = unique_name("exp")
        arn = self.sm.create_experiment(ExperimentName=name)["ExperimentArn"]
        return self._add(label, arn, "Experiment", "Context",
                         lambda: self.sm.describe_experiment(ExperimentName=name))

    def link(self, src, dst, association_type=None):
        s, d = self.arn[src], self.arn[dst]
        kwargs = {"AssociationType": association_type} if association_type else {}
        self.sm.add_association(SourceArn=s, DestinationArn=d, **kwargs)
        self.edges.append((s, d, association_type))

    def load(self):
        """Reads back every entity's Properties and times, which the filters compare."""
        for arn, describe in self.describe.items():
            out = describe()
            self.props[arn] = out.get("Properties", {})
            self.created[arn] = ms(out["CreationTime"])
            self.modified[arn] = ms(out.get("LastModifiedTime", out["CreationTime"]))


def ms(value):
    """Epoch milliseconds of a datetime or of epoch seconds."""
    if isinstance(value, datetime.datetime):
        return round(value.timestamp() * 1000)
    return round(value * 1000)


def next_second():
    """Sleeps past the next whole second and returns it (epoch seconds): everything
    created before the call is older than it, everything after is newer."""
    now = time.time()
    boundary = int(now) + 1
    time.sleep(boundary - now + 0.05)
    return boundary


# ------------------------------------------------------------- the reference

def edge_dict(edge):
    src, dst, kind = edge
    out = {"SourceArn": src, "DestinationArn": dst}
    if kind:
        out["AssociationType"] = kind
    return out


def steps_from(graph, arn, direction):
    """The associations the walk follows out of `arn`, each with the vertex it leads to."""
    for edge in graph.edges:
        src, dst, _ = edge
        if direction in ("Descendants", "Both") and src == arn:
            yield edge, dst
        if direction in ("Ascendants", "Both") and dst == arn:
            yield edge, src


def matches(graph, arn, filters):
    v = graph.vertex[arn]
    f = filters or {}
    if f.get("Types") and v["Type"] not in f["Types"]:
        return False
    if f.get("LineageTypes") and v["LineageType"] not in f["LineageTypes"]:
        return False
    if "CreatedBefore" in f and not graph.created[arn] < ms(f["CreatedBefore"]):
        return False
    if "CreatedAfter" in f and not graph.created[arn] > ms(f["CreatedAfter"]):
        return False
    if "ModifiedBefore" in f and not graph.modified[arn] < ms(f["ModifiedBefore"]):
        return False
    if "ModifiedAfter" in f and not graph.modified[arn] > ms(f["ModifiedAfter"]):
        return False
    if f.get("Properties"):
        have = graph.props[arn]
        if not any(have.get(k) == val for k, val in f["Properties"].items()):
            return False
    return True


def expected(graph, start, direction="Both", max_depth=10, include_edges=False, filters=None):
    """What QueryLineage must return, before paging: the vertices in result order and,
    for each edge, (edge dict, result position of its later end)."""
    depth = {start: 0}
    frontier, traversed, steps = [start], set(), []   # steps: (from, to) one level apart
    for d in range(max_depth):
        following = []
        for arn in frontier:
            for edge, other in steps_from(graph, arn, direction):
                traversed.add(edge)
                if other not in depth:
                    depth[other] = d + 1
                    following.append(other)
                if depth[other] == d + 1:
                    steps.append((arn, other))
        frontier = following
    matched = {a for a in depth if a != start and matches(graph, a, filters)}
    if not include_edges:
        order = sorted(matched, key=lambda a: (depth[a], a))
        return [graph.vertex[a] for a in order], []
    keep = matched | {start}
    for d in range(max(depth.values()), 0, -1):       # back along shortest paths
        for frm, to in steps:
            if depth[to] == d and to in keep:
                keep.add(frm)
    order = sorted(keep, key=lambda a: (depth[a], a))
    position = {a: i for i, a in enumerate(order)}
    edges = [(edge_dict(e), max(position[e[0]], position[e[1]]))
             for e in traversed if e[0] in keep and e[1] in keep]
    return [graph.vertex[a] for a in order], edges


def edge_key(e):
    return (e["SourceArn"], e["DestinationArn"], e.get("AssociationType", ""))


class QueryLineageTestCase(LineagedTestCase):
    """Runs a query to its last page and compares every page with the reference."""

    def request(self, start, direction=None, max_depth=None, include_edges=None, filters=None):
        kwargs = {"StartArns": [start]}
        if direction is not None:
            kwargs["Direction"] = direction
        if max_depth is not None:
            kwargs["MaxDepth"] = max_depth
        if include_edges is not None:
            kwargs["IncludeEdges"] = include_edges
        if filters is not None:
            kwargs["Filters"] = filters
        return kwargs

    def pages(self, sm, page_size=None, **kwargs):
        """Every page of one query: a list of (Vertices, Edges). The last page has no
        NextToken; every other page has a non-empty one and exactly page_size vertices."""
        out, token = [], None
        while True:
            args = dict(kwargs)
            if page_size is not None:
                args["MaxResults"] = page_size
            if token is not None:
                args["NextToken"] = token
            reply = body_of(sm.query_lineage(**args))
            self.assertIn("Vertices", reply)
            self.assertIn("Edges", reply)
            out.append((reply["Vertices"], reply["Edges"]))
            token = reply.get("NextToken")
            if token is None:
                return out
            self.assertTrue(token)
            if page_size is not None:
                self.assertEqual(len(reply["Vertices"]), page_size, "a short page before the end")
            self.assertLess(len(out), 500, "pagination does not end")

    def assertQuery(self, graph, page_size=None, start=None, direction=None, max_depth=None,
                    include_edges=None, filters=None):
        """The query, paged by page_size (or in one response), must equal the reference:
        the vertices in order with none repeated or missed, and each page's edges exactly
        those whose later end is on that page. Returns the pages."""
        kwargs = self.request(start, direction, max_depth, include_edges, filters)
        want_vertices, want_edges = expected(
            graph, start, direction or "Both", 10 if max_depth is None else max_depth,
            bool(include_edges), filters)
        pages = self.pages(graph.sm, page_size, **kwargs)
        got_vertices = [v for vs, _ in pages for v in vs]
        self.assertEqual(got_vertices, want_vertices)
        if page_size is None:
            self.assertEqual(len(pages), 1)
        size = page_size or len(want_vertices) or 1
        for n, (vertices, edges) in enumerate(pages):
            first = n * size
            want = sorted((e for e, pos in want_edges if first <= pos < first + len(vertices)),
                          key=edge_key)
            self.assertEqual(sorted(edges, key=edge_key), want, "edges of page %d" % n)
        return pages


# ------------------------------------------------------------- (1) the SDK's visualize graph

@requires_endpoint
class VisualizeGraphTest(QueryLineageTestCase):
    """image -> model, dataset -> model, model -> deploy action -> endpoint context, as
    in the SDK integration test test_graph_visualize; one more association has no type."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        g = cls.g = Graph(cls.sm)
        g.artifact("image", "Image")
        g.artifact("dataset", "DataSet")
        g.artifact("model", "Model")
        g.action("deploy", "ModelDeployment")
        g.context("endpoint", "Endpoint")
        g.link("image", "model", "ContributedTo")
        g.link("dataset", "model", "ContributedTo")
        g.link("model", "deploy", "ContributedTo")
        g.link("deploy", "endpoint")
        g.load()

    def test_both_with_edges_from_the_model_gives_five_vertices_and_four_edges(self):
        a = self.g.arn
        out = self.sm.query_lineage(StartArns=[a["model"]], Direction="Both", IncludeEdges=True)
        self.assertNotIn("NextToken", out)
        self.assertEqual(len(out["Vertices"]), 5)
        self.assertEqual(len(out["Edges"]), 4)
        self.assertEqual(out["Vertices"][0], {"Arn": a["model"], "Type": "Model",
                                              "LineageType": "Artifact"})
        self.assertEqual({v["Arn"] for v in out["Vertices"]}, set(a.values()))
        # stored direction whatever the walk's, AssociationType only when one was given
        self.assertCountEqual(out["Edges"], [
            {"SourceArn": a["image"], "DestinationArn": a["model"],
             "AssociationType": "ContributedTo"},
            {"SourceArn": a["dataset"], "DestinationArn": a["model"],
             "AssociationType": "ContributedTo"},
            {"SourceArn": a["model"], "DestinationArn": a["deploy"],
             "AssociationType": "ContributedTo"},
            {"SourceArn": a["deploy"], "DestinationArn": a["endpoint"]},
        ])
        self.assertQuery(self.g, start=a["model"], direction="Both", include_edges=True)

    def test_what_the_sdk_sends_gives_the_same_answer(self):
        a = self.g.arn
        sdk = self.sm.query_lineage(StartArns=[a["model"]], Direction="Both", IncludeEdges=True,
                                    Filters={}, MaxDepth=10)
        plain = self.sm.query_lineage(StartArns=[a["model"]], IncludeEdges=True)
        self.assertEqual(body_of(sdk), body_of(plain))

    def test_vertices_come_by_depth_then_arn_with_the_start_first(self):
        a = self.g.arn
        out = self.sm.query_lineage(StartArns=[a["model"]], IncludeEdges=True)
        arns = [v["Arn"] for v in out["Vertices"]]
        self.assertEqual(arns, [a["model"]] + sorted([a["image"], a["dataset"], a["deploy"]])
                         + [a["endpoint"]])

    def test_without_edges_the_start_is_absent_and_edges_is_an_empty_list(self):
        a = self.g.arn
        out = self.sm.query_lineage(StartArns=[a["model"]])
        self.assertEqual(out["Edges"], [])
        self.assertEqual({v["Arn"] for v in out["Vertices"]},
                         {a["image"], a["dataset"], a["deploy"], a["endpoint"]})
        self.assertQuery(self.g, start=a["model"])

    def test_direction_defaults_to_both(self):
        a = self.g.arn
        for include_edges in (False, True):
            self.assertEqual(
                body_of(self.sm.query_lineage(StartArns=[a["image"]], IncludeEdges=include_edges)),
                body_of(self.sm.query_lineage(StartArns=[a["image"]], Direction="Both",
                                              IncludeEdges=include_edges)))

    def test_both_walks_from_every_visited_vertex(self):
        # dataset is neither an ascendant nor a descendant of image, but Both reaches it
        a = self.g.arn
        out = self.sm.query_lineage(StartArns=[a["image"]])
        self.assertIn(a["dataset"], [v["Arn"] for v in out["Vertices"]])
        for d in ("Ascendants", "Descendants"):
            out = self.sm.query_lineage(StartArns=[a["image"]], Direction=d)
            self.assertNotIn(a["dataset"], [v["Arn"] for v in out["Vertices"]])

    def test_every_start_direction_and_edges_setting_matches_the_reference(self):
        for label, direction, include_edges in itertools.product(
                self.g.arn, DIRECTIONS, (False, True)):
            with self.subTest(start=label, direction=direction, include_edges=include_edges):
                self.assertQuery(self.g, start=self.g.arn[label], direction=direction,
                                 include_edges=include_edges)


# ------------------------------------------------------------- (2) the multi-hop notebook

@requires_endpoint
class MultiHopTest(QueryLineageTestCase):
    """dataset1, dataset2, image -> training component -> model -> deploy action ->
    endpoint context, as in the lineage multi-hop notebook (the component here is manual,
    so its Type is TrialComponent)."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        g = cls.g = Graph(cls.sm)
        g.artifact("train.csv", "DataSet")
        g.artifact("validation.csv", "DataSet")
        g.artifact("image", "Image")
        g.trial_component("training")
        g.artifact("model", "Model")
        g.action("deploy", "ModelDeployment")
        g.context("endpoint", "Endpoint")
        for src in ("train.csv", "validation.csv", "image"):
            g.link(src, "training", "ContributedTo")
        g.link("training", "model", "Produced")
        g.link("model", "deploy", "ContributedTo")
        g.link("deploy", "endpoint", "AssociatedWith")
        g.load()

    def arns(self, *labels):
        return sorted(self.g.arn[x] for x in labels)

    def query(self, start, direction, **filters):
        out = self.sm.query_lineage(StartArns=[self.g.arn[start]], Direction=direction,
                                    IncludeEdges=False, Filters=filters, MaxDepth=10)
        self.assertEqual(out["Edges"], [])
        self.assertQuery(self.g, start=self.g.arn[start], direction=direction,
                         include_edges=False, max_depth=10, filters=filters)
        return [v["Arn"] for v in out["Vertices"]]

    def test_datasets_of_the_endpoint_through_vertices_the_filter_rejects(self):
        got = self.query("endpoint", "Ascendants", LineageTypes=["Artifact"], Types=["DataSet"])
        self.assertEqual(got, self.arns("train.csv", "validation.csv"))

    def test_models_of_the_endpoint(self):
        got = self.query("endpoint", "Ascendants", LineageTypes=["Artifact"], Types=["Model"])
        self.assertEqual(got, self.arns("model"))

    def test_trial_components_of_the_endpoint(self):
        got = self.query("endpoint", "Ascendants", LineageTypes=["TrialComponent"])
        self.assertEqual(got, self.arns("training"))
        got = self.query("endpoint", "Ascendants", LineageTypes=["TrialComponent"],
                         Types=["TrialComponent"])
        self.assertEqual(got, self.arns("training"))
        self.assertEqual(self.query("endpoint", "Ascendants", LineageTypes=["TrialComponent"],
                                    Types=["TrainingJob"]), [])

    def test_fields_and_list_entries_or_and_the_start_is_never_returned(self):
        got = self.query("model", "Ascendants", LineageTypes=["Artifact"],
                         Types=["Endpoint", "Model", "DataSet", "TrainingJob"])
        self.assertEqual(got, self.arns("train.csv", "validation.csv"))
        self.assertEqual(self.query("model", "Descendants", LineageTypes=["Artifact"]), [])

    def test_both_from_the_endpoint_finds_the_datasets(self):
        got = self.query("endpoint", "Both", LineageTypes=["Artifact"],
                         Types=["Endpoint", "DataSet"])
        self.assertEqual(got, self.arns("train.csv", "validation.csv"))

    def test_endpoint_of_a_dataset(self):
        got = self.query("train.csv", "Descendants", LineageTypes=["Context"], Types=["Endpoint"])
        self.assertEqual(got, self.arns("endpoint"))

    def test_with_edges_the_paths_to_the_datasets_come_too(self):
        a = self.g.arn
        out = self.sm.query_lineage(StartArns=[a["endpoint"]], Direction="Ascendants",
                                    IncludeEdges=True,
                                    Filters={"LineageTypes": ["Artifact"], "Types": ["DataSet"]})
        self.assertEqual([v["Arn"] for v in out["Vertices"]],
                         [a["endpoint"], a["deploy"], a["model"], a["training"]]
                         + self.arns("train.csv", "validation.csv"))
        self.assertCountEqual([(e["SourceArn"], e["DestinationArn"]) for e in out["Edges"]], [
            (a["deploy"], a["endpoint"]), (a["model"], a["deploy"]),
            (a["training"], a["model"]), (a["train.csv"], a["training"]),
            (a["validation.csv"], a["training"])])


# ------------------------------------------------------------- (3) diamond, cycle, branches

@requires_endpoint
class DiamondCycleGraphTest(QueryLineageTestCase):
    """Sixteen vertices of every kind in a fresh account:

        raw -> clean -> train            (a diamond: raw -> prep -> train as well)
        raw -> labels <- train           (train is two hops from raw, labels one)
        code -> prep, image -> train, image -> deploy
        train -> model -> deploy -> endpoint -> monitor -> report -> deploy   (a cycle)
        model -> group <- approval, model -> exp (an experiment)
        island (no associations)

    The first eight are created before `t_created`; model and the rest after it. clean,
    deploy and endpoint are updated after `t_modified`."""

    EDGES = [
        ("raw", "clean", "ContributedTo"), ("raw", "prep", "ContributedTo"),
        ("clean", "train", "ContributedTo"), ("prep", "train", None),
        ("raw", "labels", "AssociatedWith"), ("train", "labels", "Produced"),
        ("code", "prep", "ContributedTo"), ("image", "train", "ContributedTo"),
        ("image", "deploy", "ContributedTo"), ("train", "model", "Produced"),
        ("model", "deploy", "ContributedTo"), ("deploy", "endpoint", "Produced"),
        ("endpoint", "monitor", "AssociatedWith"), ("monitor", "report", "Produced"),
        ("report", "deploy", "DerivedFrom"), ("model", "group", "AssociatedWith"),
        ("approval", "group", "SameAs"), ("model", "exp", "AssociatedWith"),
    ]

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        g = cls.g = Graph(cls.sm)
        g.artifact("raw", "DataSet", {"stage": "raw", "team": "a"})
        g.artifact("clean", "DataSet", {"stage": "clean"})
        g.artifact("labels", "Labels", {"team": "b"})
        g.artifact("code", "Code")
        g.artifact("image", "Image")
        g.action("prep", "Processing", {"team": "a"})
        g.trial_component("train")
        g.experiment("exp")
        cls.t_created = next_second()
        g.artifact("model", "Model", {"stage": "trained"})
        g.action("deploy", "ModelDeployment")
        g.context("endpoint", "Endpoint", {"env": "prod"})
        g.action("monitor", "Monitoring")
        g.artifact("report", "Report", {"team": "b", "stage": "final"})
        g.context("group", "ModelGroup")
        g.action("approval", "Approval", {"team": "a"})
        g.artifact("island", "DataSet", {"team": "a"})
        for src, dst, kind in cls.EDGES:
            g.link(src, dst, kind)
        cls.t_modified = next_second()
        cls.sm.update_artifact(ArtifactArn=g.arn["clean"], Properties={"team": "b"})
        cls.sm.update_action(ActionName=cls.describe_name(g.arn["deploy"]), Description="v2")
        cls.sm.update_context(ContextName=cls.describe_name(g.arn["endpoint"]),
                              Properties={"env": "staging"})
        g.load()
        cls.starts = ("raw", "train", "model", "endpoint", "exp", "labels", "island")
        cls.filters = [
            None,
            {},
            {"LineageTypes": ["Artifact"]},
            {"LineageTypes": ["TrialComponent"]},
            {"LineageTypes": ["Context"]},
            {"Types": ["Experiment"]},
            {"Types": ["DataSet", "Model"], "LineageTypes": ["Artifact", "Action"]},
            {"Types": ["Model", "ModelDeployment"]},
            {"Types": ["NoSuchType"]},
            {"Properties": {"team": "a", "stage": "trained"}},
            {"Properties": {"team": "b"}, "LineageTypes": ["Artifact"]},
            {"CreatedAfter": at(cls.t_created)},
            {"CreatedBefore": at(cls.t_created), "LineageTypes": ["Artifact", "TrialComponent"]},
            {"ModifiedAfter": at(cls.t_modified)},
            {"ModifiedBefore": at(cls.t_modified), "CreatedAfter": at(cls.t_created)},
        ]

    @staticmethod
    def describe_name(arn):
        return arn.rsplit("/", 1)[1]

    def arns(self, *labels):
        return [self.g.arn[x] for x in labels]

    def returned(self, start, **kwargs):
        out = self.sm.query_lineage(StartArns=[self.g.arn[start]], **kwargs)
        return [v["Arn"] for v in out["Vertices"]], out["Edges"]

    def pairs(self, edges):
        return {(e["SourceArn"], e["DestinationArn"]) for e in edges}

    def edges_of(self, *pairs):
        return {(self.g.arn[s], self.g.arn[d]) for s, d in pairs}

    def check_direction(self, direction):
        for start, depth, include_edges, n in itertools.product(
                self.starts, DEPTHS, (False, True), range(len(self.filters))):
            filters = self.filters[n]
            with self.subTest(start=start, depth=depth, include_edges=include_edges,
                              filters=filters):
                self.assertQuery(self.g, start=self.g.arn[start], direction=direction,
                                 max_depth=depth, include_edges=include_edges, filters=filters)

    def test_descendants_match_the_reference(self):
        self.check_direction("Descendants")

    def test_ascendants_match_the_reference(self):
        self.check_direction("Ascendants")

    def test_both_match_the_reference(self):
        self.check_direction("Both")

    def test_defaults_match_the_reference(self):
        for start in self.starts:
            with self.subTest(start=start):
                self.assertQuery(self.g, start=self.g.arn[start])

    def test_paged_by_three_matches_the_reference(self):
        for start, direction, include_edges in itertools.product(
                ("raw", "model", "endpoint"), DIRECTIONS, (False, True)):
            with self.subTest(start=start, direction=direction, include_edges=include_edges):
                self.assertQuery(self.g, page_size=3, start=self.g.arn[start],
                                 direction=direction, include_edges=include_edges)

    # hand-checked answers

    def test_descendants_of_raw_by_depth(self):
        a = self.g.arn
        got, _ = self.returned("raw", Direction="Descendants", MaxDepth=1)
        self.assertEqual(got, sorted(self.arns("clean", "labels", "prep")))
        got, _ = self.returned("raw", Direction="Descendants", MaxDepth=2)
        self.assertEqual(got, sorted(self.arns("clean", "labels", "prep")) + [a["train"]])
        got, _ = self.returned("raw", Direction="Descendants")
        self.assertEqual(set(got), set(self.arns(
            "clean", "labels", "prep", "train", "model", "deploy", "group", "exp", "endpoint",
            "monitor", "report")))

    def test_ascendants_of_model(self):
        got, _ = self.returned("model", Direction="Ascendants")
        self.assertEqual(got[:1], self.arns("train"))
        self.assertEqual(got[1:4], sorted(self.arns("clean", "prep", "image")))
        self.assertEqual(got[4:], sorted(self.arns("raw", "code")))

    def test_max_depth_zero_reaches_nothing_beyond_the_start(self):
        a = self.g.arn
        for direction in DIRECTIONS:
            with self.subTest(direction):
                self.assertEqual(self.returned("model", Direction=direction, MaxDepth=0),
                                 ([], []))
                self.assertEqual(self.returned("model", Direction=direction, MaxDepth=0,
                                               IncludeEdges=True), ([a["model"]], []))

    def test_unconnected_start(self):
        a = self.g.arn
        self.assertEqual(self.returned("island"), ([], []))
        self.assertEqual(self.returned("island", IncludeEdges=True), ([a["island"]], []))

    def test_both_sides_of_the_diamond_are_on_shortest_paths(self):
        a = self.g.arn
        got, edges = self.returned("raw", Direction="Descendants", IncludeEdges=True,
                                   Filters={"Types": ["Model"]})
        self.assertEqual(got, [a["raw"]] + sorted(self.arns("clean", "prep")) + [a["train"],
                                                                                   a["model"]])
        self.assertEqual(self.pairs(edges), self.edges_of(
            ("raw", "clean"), ("raw", "prep"), ("clean", "train"), ("prep", "train"),
            ("train", "model")))

    def test_a_vertex_nearer_the_start_that_leads_nowhere_is_not_on_a_path(self):
        # train -> labels: labels is one hop from raw and train two, but no descendant
        # path to train passes labels
        a = self.g.arn
        got, edges = self.returned("raw", Direction="Descendants", IncludeEdges=True,
                                   Filters={"LineageTypes": ["TrialComponent"]})
        self.assertEqual(got, [a["raw"]] + sorted(self.arns("clean", "prep")) + [a["train"]])
        self.assertEqual(self.pairs(edges), self.edges_of(
            ("raw", "clean"), ("raw", "prep"), ("clean", "train"), ("prep", "train")))

    def test_the_edge_closing_a_cycle_is_returned(self):
        a = self.g.arn
        got, edges = self.returned("endpoint", Direction="Descendants", IncludeEdges=True)
        self.assertEqual(got, self.arns("endpoint", "monitor", "report", "deploy"))
        self.assertEqual(self.pairs(edges), self.edges_of(
            ("endpoint", "monitor"), ("monitor", "report"), ("report", "deploy"),
            ("deploy", "endpoint")))
        # at depth 2 the walk never leaves report, so report -> deploy is not traversed
        got, edges = self.returned("endpoint", Direction="Descendants", IncludeEdges=True,
                                   MaxDepth=2)
        self.assertEqual(got, self.arns("endpoint", "monitor", "report"))
        self.assertEqual(self.pairs(edges), self.edges_of(("endpoint", "monitor"),
                                                          ("monitor", "report")))
        got, _ = self.returned("endpoint", Direction="Descendants")
        self.assertNotIn(a["endpoint"], got)

    def test_both_returns_an_edge_between_two_vertices_at_the_same_depth(self):
        # from model (Both, depth 1): train and deploy; image is at depth 2 from both sides
        got, edges = self.returned("model", IncludeEdges=True, MaxDepth=2,
                                   Filters={"Types": ["Image"]})
        self.assertEqual(got, [self.g.arn["model"]] + sorted(self.arns("deploy", "train"))
                         + self.arns("image"))
        self.assertEqual(self.pairs(edges), self.edges_of(
            ("train", "model"), ("model", "deploy"), ("image", "train"), ("image", "deploy")))

    def test_experiment_vertex_and_start(self):
        a = self.g.arn
        got, _ = self.returned("model", MaxDepth=1, Filters={"LineageTypes": ["Context"]})
        self.assertEqual(set(got), {a["exp"], a["group"]})
        out = self.sm.query_lineage(StartArns=[a["model"]], Filters={"Types": ["Experiment"]})
        self.assertEqual(out["Vertices"], [{"Arn": a["exp"], "Type": "Experiment",
                                            "LineageType": "Context"}])
        got, edges = self.returned("exp", Direction="Ascendants", MaxDepth=1, IncludeEdges=True)
        self.assertEqual(got, self.arns("exp", "model"))
        self.assertEqual(edges, [{"SourceArn": a["model"], "DestinationArn": a["exp"],
                                  "AssociationType": "AssociatedWith"}])

    def test_properties_match_any_pair(self):
        got, _ = self.returned("raw", Filters={"Properties": {"team": "a", "stage": "trained"}})
        self.assertEqual(set(got), set(self.arns("prep", "approval", "model")))
        got, _ = self.returned("model", Filters={"Properties": {"env": "prod"}})
        self.assertEqual(got, [])  # endpoint's env is now staging
        got, _ = self.returned("model", Filters={"Properties": {"env": "staging"}})
        self.assertEqual(got, self.arns("endpoint"))

    def test_time_bounds(self):
        before, after = at(self.t_created), at(self.t_modified)
        got, _ = self.returned("model", Filters={"CreatedBefore": before})
        self.assertEqual(set(got), set(self.arns("raw", "clean", "labels", "code", "image",
                                                  "prep", "train", "exp")))
        got, _ = self.returned("model", Filters={"ModifiedAfter": after})
        self.assertEqual(set(got), set(self.arns("clean", "deploy", "endpoint")))

    def strict(self, start, bound, seconds):
        reply = raw("QueryLineage", {"StartArns": [self.g.arn[start]],
                                     "Filters": {bound: seconds}}, access_key=self.account)
        self.assertEqual(reply.status, 200, reply)
        return [v["Arn"] for v in reply.json()["Vertices"]]

    def test_time_bounds_are_strict_to_the_millisecond(self):
        a = self.g.arn
        for label, (bound, table, step) in itertools.product(
                ("deploy", "clean"), [("CreatedAfter", self.g.created, -1),
                                      ("CreatedBefore", self.g.created, 1),
                                      ("ModifiedAfter", self.g.modified, -1),
                                      ("ModifiedBefore", self.g.modified, 1)]):
            with self.subTest(vertex=label, bound=bound):
                t = table[a[label]]
                self.assertNotIn(a[label], self.strict("model", bound, t / 1000))
                self.assertIn(a[label], self.strict("model", bound, (t + step) / 1000))


# ------------------------------------------------------------- the depth limit

@requires_endpoint
class DepthLimitTest(QueryLineageTestCase):
    """A chain of thirteen artifacts c0 -> c1 -> ... -> c12."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)
        g = cls.g = Graph(cls.sm)
        for i in range(13):
            g.artifact("c%d" % i, "DataSet" if i % 2 else "Model")
        for i in range(12):
            g.link("c%d" % i, "c%d" % (i + 1), "DerivedFrom")
        g.load()

    def test_default_depth_is_ten(self):
        a = self.g.arn
        out = self.sm.query_lineage(StartArns=[a["c0"]])
        self.assertEqual([v["Arn"] for v in out["Vertices"]], [a["c%d" % i] for i in range(1, 11)])
        self.assertEqual(body_of(out), body_of(self.sm.query_lineage(StartArns=[a["c0"]],
                                                                     MaxDepth=10)))

    def test_each_depth_reaches_that_many_hops(self):
        a = self.g.arn
        for depth in range(11):
            with self.subTest(depth=depth):
                out = self.sm.query_lineage(StartArns=[a["c0"]], Direction="Descendants",
                                            MaxDepth=depth)
                self.assertEqual([v["Arn"] for v in out["Vertices"]],
                                 [a["c%d" % i] for i in range(1, depth + 1)])
                self.assertQuery(self.g, start=a["c6"], max_depth=depth, include_edges=True)

    def test_depth_over_ten_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.loose.query_lineage,
                               StartArns=[self.g.arn["c0"]], MaxDepth=11)

    def test_negative_depth_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.loose.query_lineage,
                               StartArns=[self.g.arn["c0"]], MaxDepth=-1)


# ------------------------------------------------------------- (4) paging

@requires_endpoint
class PagingTest(QueryLineageTestCase):
    """hub (context) -> a000 ... a119 (Model and DataSet in turn, a parity property),
    a000 -> a001 -> ... -> a010 (edges between vertices of one depth), and a few deeper
    vertices under a005, a060 and a119."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)
        g = cls.g = Graph(cls.sm)
        g.context("hub", "Hub")
        cls.fan = ["a%03d" % i for i in range(120)]
        for i, label in enumerate(cls.fan):
            g.artifact(label, "Model" if i % 2 else "DataSet",
                       {"parity": "odd" if i % 2 else "even"})
        for label in ("deep1", "deep2", "deep3"):
            g.action(label, "Evaluation")
        g.artifact("deepest", "Report")
        for label in cls.fan:
            g.link("hub", label, "ContributedTo")
        for i in range(10):
            g.link(cls.fan[i], cls.fan[i + 1], "SameAs")
        g.link("a005", "deep1")
        g.link("a060", "deep2", "Produced")
        g.link("deep3", "a119", "DerivedFrom")
        g.link("deep2", "deepest", "Produced")
        g.load()
        cls.hub = g.arn["hub"]

    def test_without_max_results_one_response_holds_every_vertex(self):
        for include_edges in (False, True):
            with self.subTest(include_edges=include_edges):
                out = self.sm.query_lineage(StartArns=[self.hub], IncludeEdges=include_edges)
                self.assertNotIn("NextToken", out)
                self.assertEqual(len(out["Vertices"]), 124 + include_edges)
                self.assertQuery(self.g, start=self.hub, include_edges=include_edges)

    def test_pages_of_fifty_and_of_seven(self):
        for size, direction, include_edges in itertools.product(
                (50, 7), ("Descendants", "Both"), (False, True)):
            with self.subTest(size=size, direction=direction, include_edges=include_edges):
                pages = self.assertQuery(self.g, page_size=size, start=self.hub,
                                         direction=direction, include_edges=include_edges)
                total = 123 + include_edges if direction == "Descendants" else 124 + include_edges
                self.assertEqual(len(pages), -(-total // size))
                arns = [v["Arn"] for vs, _ in pages for v in vs]
                self.assertEqual(len(arns), len(set(arns)))
                edges = [edge_key(e) for _, es in pages for e in es]
                self.assertEqual(len(edges), len(set(edges)))
                self.assertEqual(len(edges), (133 if direction == "Descendants" else 134)
                                 if include_edges else 0)

    def test_pages_with_filters(self):
        cases = [{"Types": ["Model"]}, {"Properties": {"parity": "even"}},
                 {"LineageTypes": ["Action"]}, {"Types": ["Report"], "LineageTypes": ["Artifact"]}]
        for filters, size, include_edges in itertools.product(cases, (50, 7), (False, True)):
            with self.subTest(filters=filters, size=size, include_edges=include_edges):
                self.assertQuery(self.g, page_size=size, start=self.hub, filters=filters,
                                 include_edges=include_edges)
        for size in (1, 2, 5):
            with self.subTest(start="a005", size=size):
                self.assertQuery(self.g, page_size=size, start=self.g.arn["a005"],
                                 include_edges=True, max_depth=3)

    def test_each_edge_comes_with_the_later_of_its_ends(self):
        a = self.g.arn
        pages = self.pages(self.sm, 7, StartArns=[self.hub], Direction="Descendants",
                           IncludeEdges=True)
        page_of = {v["Arn"]: n for n, (vs, _) in enumerate(pages) for v in vs}
        self.assertEqual(page_of[self.hub], 0)
        self.assertEqual(pages[0][0][0]["Arn"], self.hub)
        for n, (_, edges) in enumerate(pages):
            for e in edges:
                self.assertEqual(n, max(page_of[e["SourceArn"]], page_of[e["DestinationArn"]]), e)
        # hub -> a000 on the page of a000; a009 -> a010 on the page of the later of the two
        self.assertIn({"SourceArn": self.hub, "DestinationArn": a["a000"],
                       "AssociationType": "ContributedTo"}, pages[page_of[a["a000"]]][1])
        self.assertIn({"SourceArn": a["a009"], "DestinationArn": a["a010"],
                       "AssociationType": "SameAs"},
                      pages[max(page_of[a["a009"]], page_of[a["a010"]])][1])

    def test_max_results_may_change_from_page_to_page(self):
        want, _ = expected(self.g, self.hub, "Both", 10, False, None)
        got, token, sizes = [], None, itertools.cycle((50, 7, 13))
        while True:
            args = {"StartArns": [self.hub], "MaxResults": next(sizes)}
            if token:
                args["NextToken"] = token
            out = self.sm.query_lineage(**args)
            got.extend(out["Vertices"])
            token = out.get("NextToken")
            if not token:
                break
        self.assertEqual(got, want)

    def test_page_size_below_one_or_over_fifty_is_a_validation_exception(self):
        for size in (0, -3, 51):
            with self.subTest(size=size):
                self.assertClientError("ValidationException", self.loose.query_lineage,
                                       StartArns=[self.hub], MaxResults=size)

    def first_token(self, **kwargs):
        out = self.sm.query_lineage(StartArns=[self.hub], MaxResults=7, **kwargs)
        self.assertIn("NextToken", out)
        return out["NextToken"]

    def test_token_replayed_with_another_query_is_a_validation_exception(self):
        base = {"Direction": "Descendants", "MaxDepth": 5, "IncludeEdges": True,
                "Filters": {"Types": ["Model", "DataSet"]}}
        token = self.first_token(**base)
        changes = {"Direction": {"Direction": "Both"}, "MaxDepth": {"MaxDepth": 4},
                   "IncludeEdges": {"IncludeEdges": False},
                   "Filters": {"Filters": {"Types": ["Model"]}},
                   "no Filters": {"Filters": {}},
                   "StartArns": {"StartArns": [self.g.arn["a000"]]}}
        for label, change in changes.items():
            with self.subTest(label):
                args = dict({"StartArns": [self.hub]}, **base)
                args.update(change)
                self.assertClientError("ValidationException", self.sm.query_lineage,
                                       MaxResults=7, NextToken=token, **args)
        # the same query goes on
        out = self.sm.query_lineage(StartArns=[self.hub], MaxResults=7, NextToken=token, **base)
        self.assertEqual(len(out["Vertices"]), 7)

    def test_altered_or_made_up_token_is_a_validation_exception(self):
        token = self.first_token()
        i = len(token) // 2
        altered = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        for bad in (altered, token[:-1], "not-a-token", token + "x"):
            with self.subTest(token=bad):
                self.assertClientError("ValidationException", self.sm.query_lineage,
                                       StartArns=[self.hub], MaxResults=7, NextToken=bad)

    def test_a_token_from_another_operation_is_a_validation_exception(self):
        out = self.sm.list_artifacts(MaxResults=1)
        self.assertIn("NextToken", out)
        self.assertClientError("ValidationException", self.sm.query_lineage,
                               StartArns=[self.hub], MaxResults=7, NextToken=out["NextToken"])


# ------------------------------------------------------------- vertices, refusals, accounts

@requires_endpoint
class VertexAndScopeTest(QueryLineageTestCase):
    """A hub artifact with one neighbour of each kind, and the same artifact identity,
    hub and association in a second account."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)
        g = cls.g = Graph(cls.sm)
        g.context("hub", "Pipeline")
        g.artifact("artifact", "ModelData")
        g.action("action", "Approval")
        g.context("context", "Endpoint")
        g.trial_component("component")
        g.experiment("experiment")
        for label in ("artifact", "action", "context", "experiment"):
            g.link("hub", label)
        g.link("component", "hub", "Produced")
        g.load()
        # another account: the same artifact identity (the same ARN id), linked the same way
        cls.other_account = fresh_account()
        cls.other = client(cls.other_account)
        uri = cls.sm.describe_artifact(ArtifactArn=g.arn["artifact"])["Source"]["SourceUri"]
        twin = cls.other.create_artifact(Source={"SourceUri": uri},
                                         ArtifactType="ModelData")["ArtifactArn"]
        cls.twin = twin
        other_hub = cls.other.create_context(ContextName=unique_name("ctx"), ContextType="Pipeline",
                                             Source={"SourceUri": unique_uri()})["ContextArn"]
        cls.other.add_association(SourceArn=other_hub, DestinationArn=twin)
        cls.other_hub = other_hub

    def test_vertex_of_each_kind(self):
        a = self.g.arn
        out = self.sm.query_lineage(StartArns=[a["hub"]], Direction="Both")
        self.assertCountEqual(out["Vertices"], [
            {"Arn": a["artifact"], "Type": "ModelData", "LineageType": "Artifact"},
            {"Arn": a["action"], "Type": "Approval", "LineageType": "Action"},
            {"Arn": a["context"], "Type": "Endpoint", "LineageType": "Context"},
            {"Arn": a["component"], "Type": "TrialComponent", "LineageType": "TrialComponent"},
            {"Arn": a["experiment"], "Type": "Experiment", "LineageType": "Context"},
        ])
        self.assertEqual(out["Edges"], [])

    def test_each_kind_as_the_start(self):
        for label in self.g.arn:
            for direction, include_edges in itertools.product(DIRECTIONS, (False, True)):
                with self.subTest(start=label, direction=direction, include_edges=include_edges):
                    pages = self.assertQuery(self.g, start=self.g.arn[label], direction=direction,
                                             include_edges=include_edges)
                    if include_edges:
                        self.assertEqual(pages[0][0][0], self.g.vertex[self.g.arn[label]])

    @unittest.skipUnless(os.environ.get("LINEAGED_DB"), "needs LINEAGED_DB")
    def test_a_trial_beside_an_artifact_is_never_walked(self):
        # The API never names a trial in an association, but the store allows one beside
        # an artifact (a restore, older data): written straight into the database, neither
        # the trial nor what lies only beyond it is reached, by any way of walking.
        experiment = unique_name("exp")
        self.sm.create_experiment(ExperimentName=experiment)
        trial = self.sm.create_trial(TrialName=unique_name("trial"),
                                     ExperimentName=experiment)["TrialArn"]
        near, far = (self.sm.create_artifact(Source={"SourceUri": unique_uri()},
                                             ArtifactType="DataSet")["ArtifactArn"] for _ in "ab")
        psql = os.path.join(os.environ.get("LINEAGED_PGBIN", ""), "psql")
        if not os.access(psql, os.X_OK):
            psql = "psql"
        sql = """insert into association (tenant_id, source_id, destination_id, created_at)
            select s.tenant_id, s.id, d.id, now() from (values (:'trial', :'near'), (:'far', :'trial')) p (s, d)
            join entity s on s.arn = lower(p.s) join entity d on d.arn = lower(p.d);"""
        run = subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "trial=" + trial,
                              "-v", "near=" + near, "-v", "far=" + far, os.environ["LINEAGED_DB"]],
                             input=sql, capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        for direction, include_edges in itertools.product(DIRECTIONS, (False, True)):
            with self.subTest(direction=direction, include_edges=include_edges):
                out = self.sm.query_lineage(StartArns=[near], Direction=direction,
                                            IncludeEdges=include_edges)
                self.assertEqual([v["Arn"] for v in out["Vertices"]],
                                 [near] if include_edges else [])
                self.assertEqual(out["Edges"], [])

    def test_a_vertex_deleted_after_a_walk_met_it_is_never_returned(self):
        # The daemon keeps the ARNs and Types of the vertices it has walked; whether a
        # vertex and an association are still there comes from the database on every walk.
        a, b, c = (self.sm.create_artifact(Source={"SourceUri": unique_uri()},
                                           ArtifactType="DataSet")["ArtifactArn"] for _ in "abc")
        self.sm.add_association(SourceArn=a, DestinationArn=b)
        self.sm.add_association(SourceArn=b, DestinationArn=c)
        for include_edges in (False, True):
            out = self.sm.query_lineage(StartArns=[a], Direction="Descendants", IncludeEdges=include_edges)
            self.assertEqual([v["Arn"] for v in out["Vertices"]], ([a] if include_edges else []) + [b, c])
        self.sm.delete_artifact(ArtifactArn=c)
        self.sm.delete_association(SourceArn=a, DestinationArn=b)
        for start, include_edges in itertools.product((a, b), (False, True)):
            with self.subTest(start=start, include_edges=include_edges):
                out = self.sm.query_lineage(StartArns=[start], IncludeEdges=include_edges)
                self.assertEqual(out["Vertices"], [{"Arn": start, "Type": "DataSet", "LineageType": "Artifact"}]
                                 if include_edges else [])
                self.assertEqual(out["Edges"], [])

    def test_lineage_type_filter_on_trial_components(self):
        out = self.sm.query_lineage(StartArns=[self.g.arn["hub"]],
                                    Filters={"LineageTypes": ["TrialComponent"]})
        self.assertEqual([v["Arn"] for v in out["Vertices"]], [self.g.arn["component"]])

    def test_other_accounts_vertices_never_appear(self):
        for start, direction, include_edges in itertools.product(
                self.g.arn.values(), DIRECTIONS, (False, True)):
            out = self.sm.query_lineage(StartArns=[start], Direction=direction,
                                        IncludeEdges=include_edges)
            ends = [v["Arn"] for v in out["Vertices"]]
            ends += [e[k] for e in out["Edges"] for k in ("SourceArn", "DestinationArn")]
            self.assertTrue(all(":%s:" % self.account in x for x in ends), out)
        out = self.other.query_lineage(StartArns=[self.twin], IncludeEdges=True)
        self.assertEqual([v["Arn"] for v in out["Vertices"]], [self.twin, self.other_hub])

    def test_missing_start_is_resource_not_found(self):
        base = "arn:aws:sagemaker:%s:%s:" % (REGION, self.account)
        for kind in ("artifact/" + "0" * 32, "action/" + unique_name("gone"),
                     "context/" + unique_name("gone"),
                     "experiment-trial-component/" + unique_name("gone"),
                     "experiment/" + unique_name("gone")):
            with self.subTest(kind):
                self.assertClientError("ResourceNotFound", self.sm.query_lineage,
                                       StartArns=[base + kind])

    def test_another_accounts_start_is_resource_not_found(self):
        self.assertClientError("ResourceNotFound", self.sm.query_lineage,
                               StartArns=[self.other_hub])
        self.assertClientError("ResourceNotFound", self.sm.query_lineage,
                               StartArns=[self.twin], IncludeEdges=True)
        self.assertClientError("ResourceNotFound", self.other.query_lineage,
                               StartArns=[self.g.arn["hub"]])

    def test_another_regions_start_is_resource_not_found(self):
        self.assertClientError("ResourceNotFound", client(self.account, OTHER_REGION).query_lineage,
                               StartArns=[self.g.arn["hub"]])
        elsewhere = client(self.account, OTHER_REGION).create_action(
            ActionName=unique_name("act"), ActionType="Deploy",
            Source={"SourceUri": unique_uri()})["ActionArn"]
        self.assertClientError("ResourceNotFound", self.sm.query_lineage, StartArns=[elsewhere])

    def test_no_start_gives_empty_lists(self):
        for include_edges in (False, True):
            out = self.sm.query_lineage(StartArns=[], IncludeEdges=include_edges)
            self.assertEqual(body_of(out), {"Vertices": [], "Edges": []})

    def test_refused_requests(self):
        hub = self.g.arn["hub"]
        trial = arn_of("experiment-trial", unique_name("trial"), self.account)
        cases = {
            "two starts": {"StartArns": [hub, self.g.arn["artifact"]]},
            "a trial as the start": {"StartArns": [trial]},
            "not an ARN": {"StartArns": ["not-an-arn"]},
            "unknown direction": {"StartArns": [hub], "Direction": "Sideways"},
            "unknown lineage type": {"StartArns": [hub], "Filters": {"LineageTypes": ["Trial"]}},
            "six types": {"StartArns": [hub], "Filters": {"Types": ["T%d" % i for i in range(6)]}},
        }
        for label, kwargs in cases.items():
            with self.subTest(label):
                self.assertClientError("ValidationException", self.loose.query_lineage, **kwargs)
