"""The native read API for the explorer and exports: GET /api/v1/lineage, the graph around
start vertices walked upstream and downstream to separate depths within a budget, with
markers where the walk stopped with neighbours left."""

import json
import unittest
import urllib.error
import urllib.parse
import urllib.request

from lineaged_client import (
    ENDPOINT, REGION, LineagedTestCase, client, fresh_account, requires_endpoint, unique_uri)


def get(account, path="/api/v1/lineage", **params):
    """(status, JSON body) of GET `path` with `params` (lists repeat a key)."""
    query = urllib.parse.urlencode(dict(params, account=account, region=REGION), doseq=True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open("%s%s?%s" % (ENDPOINT, path, query), timeout=30) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


@requires_endpoint
class NativeLineageTest(LineagedTestCase):
    """A chain a0 -> a1 -> a2 -> a3 -> a4 with a branch a2 -> a5 and a side input
    x -> a1, all artifacts of one fresh account."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.arns = {}
        for name in ("a0", "a1", "a2", "a3", "a4", "a5", "x"):
            cls.arns[name] = cls.sm.create_artifact(
                ArtifactName=name, Source={"SourceUri": unique_uri()},
                ArtifactType="DataSet")["ArtifactArn"]
        cls.edges = [("a0", "a1"), ("a1", "a2"), ("a2", "a3"), ("a3", "a4"), ("a2", "a5"),
                     ("x", "a1")]
        for s, d in cls.edges:
            cls.sm.add_association(SourceArn=cls.arns[s], DestinationArn=cls.arns[d],
                                   AssociationType="ContributedTo")
        cls.names = {arn: name for name, arn in cls.arns.items()}

    def layers(self, body):
        return [(self.names[v["arn"]], v["layer"]) for v in body["vertices"]]

    def edge_names(self, body):
        return sorted((self.names[e["sourceArn"]], self.names[e["destinationArn"]])
                      for e in body["edges"])

    def markers(self, body):
        return sorted((self.names[t["arn"]], t["direction"], t["unexplored"])
                      for t in body["truncated"])

    def test_up_and_down_have_their_own_depths(self):
        status, body = get(self.account, start=self.arns["a2"], up=1, down=2)
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(self.layers(body)),
                         sorted([("a1", -1), ("a2", 0), ("a3", 1), ("a5", 1), ("a4", 2)]))
        self.assertEqual(self.edge_names(body), [("a1", "a2"), ("a2", "a3"), ("a2", "a5"),
                                                 ("a3", "a4")])
        # a1 has two parents (a0 and x) the walk did not reach.
        self.assertEqual(self.markers(body), [("a1", "up", 2)])

    def test_vertices_come_in_layer_then_arn_order_with_names_and_types(self):
        _, body = get(self.account, start=self.arns["a2"])
        keys = [(v["layer"], v["arn"]) for v in body["vertices"]]
        self.assertEqual(keys, sorted(keys))
        a2 = [v for v in body["vertices"] if v["layer"] == 0][0]
        self.assertEqual((a2["name"], a2["type"], a2["lineageType"]),
                         ("a2", "DataSet", "Artifact"))

    def test_depths_beyond_ten_are_served(self):
        _, body = get(self.account, start=self.arns["a0"], down=50, up=0)
        self.assertEqual([n for n, _ in self.layers(body)][:2], ["a0", "a1"])
        self.assertIn(("a4", 4), self.layers(body))
        self.assertEqual(self.markers(body), [])

    def test_budget_stops_before_the_level_that_would_pass_it(self):
        _, body = get(self.account, start=self.arns["a0"], up=0, down=10, budget=3)
        self.assertEqual(self.layers(body), [("a0", 0), ("a1", 1), ("a2", 2)])
        self.assertEqual(self.markers(body), [("a2", "down", 2)])

    def test_a_level_with_more_ends_than_room_still_takes_the_new_ones_that_fit(self):
        # p -> q, p -> r, q -> r, q -> s with budget 4: the second level meets r again
        # and s, two ends for the one place left; s alone is new and fits.
        arns = {name: self.sm.create_artifact(Source={"SourceUri": unique_uri()},
                                              ArtifactType="DataSet")["ArtifactArn"]
                for name in "pqrs"}
        for s, d in ("pq", "pr", "qr", "qs"):
            self.sm.add_association(SourceArn=arns[s], DestinationArn=arns[d])
        names = {arn: name for name, arn in arns.items()}
        status, body = get(self.account, start=arns["p"], up=0, down=10, budget=4)
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted((names[v["arn"]], v["layer"]) for v in body["vertices"]),
                         [("p", 0), ("q", 1), ("r", 1), ("s", 2)])
        self.assertEqual(body["truncated"], [])

    def test_depth_limit_marks_the_frontier(self):
        _, body = get(self.account, start=self.arns["a0"], up=0, down=1)
        self.assertEqual(self.markers(body), [("a1", "down", 1)])

    def test_several_starts_merge_into_one_view(self):
        _, body = get(self.account, start=[self.arns["a0"], self.arns["a4"]], up=1, down=1)
        names = [n for n, _ in self.layers(body)]
        self.assertEqual(len(names), len(set(names)))
        self.assertEqual(set(names), {"a0", "a1", "a3", "a4"})

    def test_bad_parameters_are_validation_errors(self):
        for params in ({}, {"start": self.arns["a0"], "up": "x"},
                       {"start": self.arns["a0"], "budget": "0"},
                       {"start": self.arns["a0"], "down": "101"}):
            status, body = get(self.account, **params)
            self.assertEqual((status, body.get("__type")), (400, "ValidationException"), params)

    def test_another_account_cannot_see_the_graph(self):
        status, body = get(fresh_account(), start=self.arns["a0"])
        self.assertEqual((status, body.get("__type")), (400, "ResourceNotFound"))


@requires_endpoint
class NativePathsTest(LineagedTestCase):
    """A diamond s -> l -> t, s -> r -> t, a longer way s -> a -> b -> t, and u -> s."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.arns = {}
        for name in ("s", "l", "r", "t", "a", "b", "u"):
            cls.arns[name] = cls.sm.create_artifact(
                ArtifactName=name, Source={"SourceUri": unique_uri()},
                ArtifactType="DataSet")["ArtifactArn"]
        for src, dst in (("s", "l"), ("l", "t"), ("s", "r"), ("r", "t"), ("s", "a"), ("a", "b"),
                         ("b", "t"), ("u", "s")):
            cls.sm.add_association(SourceArn=cls.arns[src], DestinationArn=cls.arns[dst])
        cls.names = {arn: name for name, arn in cls.arns.items()}

    def paths(self, **params):
        status, body = get(self.account, path="/api/v1/lineage/paths", **params)
        self.assertEqual(status, 200, body)
        return body

    def test_every_shortest_path_and_only_those(self):
        body = self.paths(**{"from": self.arns["s"], "to": self.arns["t"]})
        got = [[self.names[a] for a in p] for p in body["paths"]]
        want = sorted([["s", "l", "t"], ["s", "r", "t"]],
                      key=lambda p: [self.arns[n] for n in p])
        self.assertEqual(got, want)
        self.assertEqual(body["length"], 2)
        self.assertFalse(body["more"])
        self.assertEqual(set(self.names[a] for a in body["vertices"]), {"s", "l", "r", "t"})
        self.assertEqual(sorted((self.names[e["sourceArn"]], self.names[e["destinationArn"]])
                                for e in body["edges"]),
                         [("l", "t"), ("r", "t"), ("s", "l"), ("s", "r")])

    def test_paths_are_bounded(self):
        body = self.paths(**{"from": self.arns["s"], "to": self.arns["t"], "max": 1})
        self.assertEqual(len(body["paths"]), 1)
        self.assertTrue(body["more"])

    def test_paths_follow_association_direction(self):
        body = self.paths(**{"from": self.arns["t"], "to": self.arns["s"]})
        self.assertEqual(body["paths"], [])
        body = self.paths(**{"from": self.arns["u"], "to": self.arns["t"]})
        self.assertEqual(body["length"], 3)

    def test_depth_bounds_the_search(self):
        body = self.paths(**{"from": self.arns["u"], "to": self.arns["t"], "depth": 2})
        self.assertEqual(body["paths"], [])

    def test_missing_ends_are_errors(self):
        status, body = get(self.account, path="/api/v1/lineage/paths", **{"from": self.arns["s"]})
        self.assertEqual((status, body.get("__type")), (400, "ValidationException"))
        status, body = get(fresh_account(), path="/api/v1/lineage/paths",
                           **{"from": self.arns["s"], "to": self.arns["t"]})
        self.assertEqual((status, body.get("__type")), (400, "ResourceNotFound"))


if __name__ == "__main__":
    unittest.main()
