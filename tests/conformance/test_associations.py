"""Associations through boto3: AddAssociation between every kind of lineage end and its
refusals, DeleteAssociation, ListAssociations (summary fields, filters, time bounds),
the cascade when an end is deleted, and pagination over 270 associations for every sort
key and order with no repeats and no gaps."""

import datetime
import itertools
import time
import unittest
import uuid

from lineaged_client import (
    LineagedTestCase, OTHER_REGION, REGION, body_of, client, fresh_account, raw,
    requires_endpoint, unique_name, unique_uri, utcnow, walk)

ASSOCIATION_TYPES = ("ContributedTo", "AssociatedWith", "DerivedFrom", "Produced", "SameAs")
SORT_KEYS = ("SourceArn", "DestinationArn", "SourceType", "DestinationType", "CreationTime")
SUMMARY_KEYS = {"SourceArn", "DestinationArn", "SourceType", "DestinationType",
                "AssociationType", "SourceName", "DestinationName", "CreationTime", "CreatedBy"}


class Lineage:
    """Creates entities of every kind in one account; each method returns the ARN."""

    def __init__(self, sm):
        self.sm = sm

    def artifact(self, artifact_type="DataSet", name=None):
        kwargs = {"ArtifactName": name} if name else {}
        return self.sm.create_artifact(Source={"SourceUri": unique_uri()},
                                       ArtifactType=artifact_type, **kwargs)["ArtifactArn"]

    def action(self, action_type="Deploy", name=None):
        return self.sm.create_action(ActionName=name or unique_name("act"),
                                     Source={"SourceUri": unique_uri()},
                                     ActionType=action_type)["ActionArn"]

    def context(self, context_type="Endpoint", name=None):
        return self.sm.create_context(ContextName=name or unique_name("ctx"),
                                      Source={"SourceUri": unique_uri()},
                                      ContextType=context_type)["ContextArn"]

    def trial_component(self, name=None):
        return self.sm.create_trial_component(
            TrialComponentName=name or unique_name("tc"))["TrialComponentArn"]

    def experiment(self, name=None):
        return self.sm.create_experiment(
            ExperimentName=name or unique_name("exp"))["ExperimentArn"]

    def trial(self):
        exp = unique_name("exp")
        self.sm.create_experiment(ExperimentName=exp)
        return self.sm.create_trial(TrialName=unique_name("trial"),
                                    ExperimentName=exp)["TrialArn"]


def pairs_of(summaries):
    return [(s["SourceArn"], s["DestinationArn"]) for s in summaries]


@requires_endpoint
class AddAssociationTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)
        cls.make = Lineage(cls.sm)

    def listed(self, src, dst):
        return pairs_of(self.sm.list_associations(SourceArn=src, DestinationArn=dst)
                        ["AssociationSummaries"])

    def test_add_returns_the_pair(self):
        a, b = self.make.artifact(), self.make.action()
        out = self.sm.add_association(SourceArn=a, DestinationArn=b,
                                      AssociationType="ContributedTo")
        self.assertEqual(body_of(out), {"SourceArn": a, "DestinationArn": b})
        self.assertEqual(self.listed(a, b), [(a, b)])

    def test_ends_named_in_another_case_are_answered_as_stored(self):
        a, b = self.make.action(), self.make.context()
        upper = [arn.rsplit("/", 1)[0] + "/" + arn.rsplit("/", 1)[1].upper() for arn in (a, b)]
        out = self.sm.add_association(SourceArn=upper[0], DestinationArn=upper[1])
        self.assertEqual(body_of(out), {"SourceArn": a, "DestinationArn": b})
        out = self.sm.delete_association(SourceArn=upper[0], DestinationArn=upper[1])
        self.assertEqual(body_of(out), {"SourceArn": a, "DestinationArn": b})

    def test_every_kind_of_lineage_end_is_accepted(self):
        m = self.make
        ends = {"artifact": m.artifact, "action": m.action, "context": m.context,
                "trial component": m.trial_component, "experiment": m.experiment}
        experiment_entities = {"trial component", "experiment"}
        for src_kind, dst_kind in itertools.product(ends, ends):
            if src_kind in experiment_entities and dst_kind in experiment_entities:
                continue
            with self.subTest(source=src_kind, destination=dst_kind):
                src, dst = ends[src_kind](), ends[dst_kind]()
                out = self.sm.add_association(SourceArn=src, DestinationArn=dst)
                self.assertEqual(body_of(out), {"SourceArn": src, "DestinationArn": dst})
                self.assertEqual(self.listed(src, dst), [(src, dst)])

    def test_every_association_type_is_accepted_and_listed(self):
        for kind in ASSOCIATION_TYPES:
            src, dst = self.make.artifact(), self.make.artifact("Model")
            self.sm.add_association(SourceArn=src, DestinationArn=dst, AssociationType=kind)
            s = self.sm.list_associations(SourceArn=src)["AssociationSummaries"]
            self.assertEqual([x["AssociationType"] for x in s], [kind])

    def test_association_type_outside_the_enum_is_a_validation_exception(self):
        src, dst = self.make.artifact(), self.make.action()
        self.assertClientError("ValidationException", self.loose.add_association,
                               SourceArn=src, DestinationArn=dst, AssociationType="Uses")
        self.assertEqual(self.listed(src, dst), [])

    def test_missing_source_is_resource_not_found_naming_it(self):
        missing = "arn:aws:sagemaker:%s:%s:action/%s" % (REGION, self.account,
                                                          unique_name("gone"))
        err = self.assertClientError("ResourceNotFound", self.sm.add_association,
                                     SourceArn=missing, DestinationArn=self.make.artifact())
        self.assertIn(missing, err["Error"]["Message"])

    def test_missing_destination_is_resource_not_found_naming_it(self):
        missing = "arn:aws:sagemaker:%s:%s:artifact/%s" % (REGION, self.account,
                                                            uuid.uuid4().hex)
        err = self.assertClientError("ResourceNotFound", self.sm.add_association,
                                     SourceArn=self.make.context(), DestinationArn=missing)
        self.assertIn(missing, err["Error"]["Message"])

    def test_missing_ends_of_each_kind(self):
        base = "arn:aws:sagemaker:%s:%s:" % (REGION, self.account)
        present = self.make.artifact()
        for kind in ("context", "experiment-trial-component", "experiment", "action"):
            missing = base + kind + "/" + unique_name("missing")
            with self.subTest(kind):
                err = self.assertClientError("ResourceNotFound", self.sm.add_association,
                                             SourceArn=present, DestinationArn=missing)
                self.assertIn(missing, err["Error"]["Message"])

    def test_two_experiment_entities_are_a_validation_exception(self):
        m = self.make
        cases = {"experiment to component": (m.experiment(), m.trial_component()),
                 "component to experiment": (m.trial_component(), m.experiment()),
                 "component to component": (m.trial_component(), m.trial_component()),
                 "experiment to experiment": (m.experiment(), m.experiment())}
        for label, (src, dst) in cases.items():
            with self.subTest(label):
                self.assertClientError("ValidationException", self.sm.add_association,
                                       SourceArn=src, DestinationArn=dst)
                self.assertEqual(self.listed(src, dst), [])

    def test_a_trial_is_never_an_end(self):
        trial, artifact = self.make.trial(), self.make.artifact()
        self.assertClientError("ValidationException", self.sm.add_association,
                               SourceArn=trial, DestinationArn=artifact)
        self.assertClientError("ValidationException", self.sm.add_association,
                               SourceArn=artifact, DestinationArn=trial)

    def test_same_pair_again_is_a_validation_exception_saying_already_exists(self):
        src, dst = self.make.artifact(), self.make.action()
        self.sm.add_association(SourceArn=src, DestinationArn=dst, AssociationType="Produced")
        for kind in ("Produced", "SameAs"):
            err = self.assertClientError("ValidationException", self.sm.add_association,
                                         SourceArn=src, DestinationArn=dst,
                                         AssociationType=kind)
            self.assertIn("already exists", err["Error"]["Message"])
        s = self.sm.list_associations(SourceArn=src)["AssociationSummaries"]
        self.assertEqual([x["AssociationType"] for x in s], ["Produced"])

    def test_end_in_another_account_is_resource_not_found(self):
        foreign = Lineage(client(fresh_account())).artifact()
        mine = self.make.artifact()
        err = self.assertClientError("ResourceNotFound", self.sm.add_association,
                                     SourceArn=mine, DestinationArn=foreign)
        self.assertIn(foreign, err["Error"]["Message"])
        self.assertClientError("ResourceNotFound", self.sm.add_association,
                               SourceArn=foreign, DestinationArn=mine)

    def test_end_in_another_region_is_resource_not_found(self):
        foreign = Lineage(client(self.account, region=OTHER_REGION)).action()
        mine = self.make.artifact()
        self.assertClientError("ResourceNotFound", self.sm.add_association,
                               SourceArn=mine, DestinationArn=foreign)

    def test_arn_with_a_bad_pattern_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.sm.add_association,
                               SourceArn="not-an-arn", DestinationArn=self.make.artifact())


@requires_endpoint
class DeleteAssociationTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.make = Lineage(cls.sm)

    def test_delete_returns_the_pair_and_removes_only_it(self):
        a, b, c = self.make.artifact(), self.make.action(), self.make.context()
        self.sm.add_association(SourceArn=a, DestinationArn=b)
        self.sm.add_association(SourceArn=a, DestinationArn=c)
        out = self.sm.delete_association(SourceArn=a, DestinationArn=b)
        self.assertEqual(body_of(out), {"SourceArn": a, "DestinationArn": b})
        left = self.sm.list_associations(SourceArn=a)["AssociationSummaries"]
        self.assertEqual(pairs_of(left), [(a, c)])

    def test_absent_pair_is_resource_not_found(self):
        a, b = self.make.artifact(), self.make.action()
        self.assertClientError("ResourceNotFound", self.sm.delete_association,
                               SourceArn=a, DestinationArn=b)

    def test_reverse_of_a_pair_is_not_the_pair(self):
        a, b = self.make.artifact(), self.make.action()
        self.sm.add_association(SourceArn=a, DestinationArn=b)
        self.assertClientError("ResourceNotFound", self.sm.delete_association,
                               SourceArn=b, DestinationArn=a)
        self.assertEqual(len(self.sm.list_associations(SourceArn=a)["AssociationSummaries"]), 1)

    def test_delete_twice_is_resource_not_found_and_the_pair_can_be_added_again(self):
        a, b = self.make.artifact(), self.make.context()
        self.sm.add_association(SourceArn=a, DestinationArn=b, AssociationType="SameAs")
        self.sm.delete_association(SourceArn=a, DestinationArn=b)
        self.assertClientError("ResourceNotFound", self.sm.delete_association,
                               SourceArn=a, DestinationArn=b)
        self.sm.add_association(SourceArn=a, DestinationArn=b, AssociationType="DerivedFrom")
        s = self.sm.list_associations(SourceArn=a)["AssociationSummaries"]
        self.assertEqual([(x["DestinationArn"], x["AssociationType"]) for x in s],
                         [(b, "DerivedFrom")])

    def test_delete_from_another_account_is_resource_not_found(self):
        a, b = self.make.artifact(), self.make.action()
        self.sm.add_association(SourceArn=a, DestinationArn=b)
        self.assertClientError("ResourceNotFound", client(fresh_account()).delete_association,
                               SourceArn=a, DestinationArn=b)
        self.assertEqual(len(self.sm.list_associations(SourceArn=a)["AssociationSummaries"]), 1)


@requires_endpoint
class ListAssociationsTest(LineagedTestCase):
    """A small graph in a fresh account:
        data (named DataSet artifact) -> train (TrialComponent, manual) -> model (Model)
        model -> deploy (action ModelDeployment) -> endpoint (context Endpoint)
        raw (unnamed DataSet artifact) -> data
        exp (experiment) -> endpoint"""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        m = Lineage(cls.sm)
        cls.names = {"data": unique_name("Data"), "model": unique_name("Model"),
                     "train": unique_name("Train"), "deploy": unique_name("Deploy"),
                     "endpoint": unique_name("Endpoint_Ctx"), "exp": unique_name("Exp")}
        n = cls.names
        cls.arn = {
            "data": m.artifact("DataSet", n["data"]),
            "raw": m.artifact("DataSet"),
            "train": m.trial_component(n["train"]),
            "model": m.artifact("Model", n["model"]),
            "deploy": m.action("ModelDeployment", n["deploy"]),
            "endpoint": m.context("Endpoint", n["endpoint"]),
            "exp": m.experiment(n["exp"]),
        }
        cls.before = utcnow() - datetime.timedelta(minutes=2)
        cls.edges = [("raw", "data", "DerivedFrom"), ("data", "train", "ContributedTo"),
                     ("train", "model", "Produced"), ("model", "deploy", "ContributedTo"),
                     ("deploy", "endpoint", "AssociatedWith"),
                     ("exp", "endpoint", "AssociatedWith")]
        for src, dst, kind in cls.edges:
            cls.sm.add_association(SourceArn=cls.arn[src], DestinationArn=cls.arn[dst],
                                   AssociationType=kind)
            time.sleep(0.005)
        cls.after = utcnow() + datetime.timedelta(minutes=2)
        cls.all = cls.sm.list_associations(MaxResults=100)["AssociationSummaries"]

    def summary(self, src, dst):
        found = [s for s in self.all
                 if (s["SourceArn"], s["DestinationArn"]) == (self.arn[src], self.arn[dst])]
        self.assertEqual(len(found), 1, (src, dst))
        return found[0]

    def pairs(self, **kwargs):
        out = self.sm.list_associations(MaxResults=100, **kwargs)
        self.assertNotIn("NextToken", out)
        return set(pairs_of(out["AssociationSummaries"]))

    def expected(self, *labels):
        return {(self.arn[s], self.arn[d]) for s, d, _ in self.edges if (s, d) in labels}

    def test_lists_every_association_newest_first_by_default(self):
        self.assertEqual(pairs_of(self.all),
                         [(self.arn[s], self.arn[d]) for s, d, _ in reversed(self.edges)])

    def test_artifact_to_action_summary(self):
        s = self.summary("model", "deploy")
        self.assertEqual(set(s), SUMMARY_KEYS)
        self.assertEqual(s["SourceType"], "Model")
        self.assertEqual(s["DestinationType"], "ModelDeployment")
        self.assertEqual(s["SourceName"], self.names["model"])
        self.assertEqual(s["DestinationName"], self.names["deploy"])
        self.assertEqual(s["AssociationType"], "ContributedTo")
        self.assertEqual(s["CreatedBy"], {})
        self.assertTrue(self.before < s["CreationTime"] < self.after, s["CreationTime"])

    def test_action_to_context_summary(self):
        s = self.summary("deploy", "endpoint")
        self.assertEqual((s["SourceType"], s["DestinationType"]), ("ModelDeployment", "Endpoint"))
        self.assertEqual(s["DestinationName"], self.names["endpoint"])

    def test_unnamed_artifact_has_no_name_in_the_summary(self):
        s = self.summary("raw", "data")
        self.assertNotIn("SourceName", s)
        self.assertEqual(s["SourceType"], "DataSet")
        self.assertEqual(s["DestinationName"], self.names["data"])

    def test_manual_trial_component_end_has_a_name_and_no_type(self):
        into = self.summary("data", "train")
        self.assertNotIn("DestinationType", into)
        self.assertEqual(into["DestinationName"], self.names["train"])
        self.assertEqual(into["SourceType"], "DataSet")
        out = self.summary("train", "model")
        self.assertNotIn("SourceType", out)
        self.assertEqual(out["SourceName"], self.names["train"])
        self.assertEqual(out["DestinationType"], "Model")

    def test_experiment_end_has_type_experiment(self):
        s = self.summary("exp", "endpoint")
        self.assertEqual(s["SourceType"], "Experiment")
        self.assertEqual(s["SourceName"], self.names["exp"])

    def test_filter_by_source_arn(self):
        self.assertEqual(self.pairs(SourceArn=self.arn["model"]),
                         self.expected(("model", "deploy")))

    def test_filter_by_destination_arn(self):
        self.assertEqual(self.pairs(DestinationArn=self.arn["endpoint"]),
                         self.expected(("deploy", "endpoint"), ("exp", "endpoint")))

    def test_filter_by_source_type(self):
        self.assertEqual(self.pairs(SourceType="DataSet"),
                         self.expected(("raw", "data"), ("data", "train")))
        self.assertEqual(self.pairs(SourceType="Experiment"), self.expected(("exp", "endpoint")))

    def test_filter_by_destination_type(self):
        self.assertEqual(self.pairs(DestinationType="Model"), self.expected(("train", "model")))
        self.assertEqual(self.pairs(DestinationType="Endpoint"),
                         self.expected(("deploy", "endpoint"), ("exp", "endpoint")))

    def test_filter_by_association_type(self):
        self.assertEqual(self.pairs(AssociationType="ContributedTo"),
                         self.expected(("data", "train"), ("model", "deploy")))
        self.assertEqual(self.pairs(AssociationType="SameAs"), set())

    def test_filters_combine(self):
        self.assertEqual(self.pairs(DestinationArn=self.arn["endpoint"],
                                    SourceType="ModelDeployment"),
                         self.expected(("deploy", "endpoint")))
        self.assertEqual(self.pairs(SourceArn=self.arn["data"], AssociationType="Produced"),
                         set())

    def test_unknown_end_filter_lists_nothing(self):
        gone = "arn:aws:sagemaker:%s:%s:action/%s" % (REGION, self.account, unique_name("x"))
        self.assertEqual(self.pairs(SourceArn=gone), set())

    def test_time_bounds_are_strict(self):
        times = [self.summary(s, d)["CreationTime"].timestamp() for s, d, _ in self.edges]
        self.assertEqual(times, sorted(times))
        body = {"CreatedAfter": times[1], "CreatedBefore": times[4], "MaxResults": 100,
                "SortBy": "CreationTime", "SortOrder": "Ascending"}
        reply = raw("ListAssociations", body, access_key=self.account)
        self.assertEqual(reply.status, 200, reply)
        got = [(s["SourceArn"], s["DestinationArn"]) for s in reply.json()["AssociationSummaries"]]
        self.assertEqual(got, [(self.arn[s], self.arn[d]) for s, d, _ in self.edges[2:4]])

    def test_created_after_now_lists_nothing(self):
        self.assertEqual(self.pairs(CreatedAfter=self.after), set())
        self.assertEqual(len(self.pairs(CreatedAfter=self.before)), len(self.edges))

    def test_sort_by_outside_the_enum_is_a_validation_exception(self):
        self.assertClientError("ValidationException",
                               client(self.account, validate=False).list_associations,
                               SortBy="AssociationType")

    def test_another_account_lists_nothing(self):
        out = client(fresh_account()).list_associations(SourceArn=self.arn["model"])
        self.assertEqual(out["AssociationSummaries"], [])
        out = client(self.account, region=OTHER_REGION).list_associations()
        self.assertEqual(out["AssociationSummaries"], [])


@requires_endpoint
class CascadeTest(LineagedTestCase):
    """Deleting an end removes its associations, in both directions, and no others."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.make = Lineage(cls.sm)

    def around(self, middle):
        """up -> middle -> down, and up -> down; returns (up, down)."""
        up, down = self.make.artifact(), self.make.context()
        self.sm.add_association(SourceArn=up, DestinationArn=middle)
        self.sm.add_association(SourceArn=middle, DestinationArn=down)
        self.sm.add_association(SourceArn=up, DestinationArn=down)
        return up, down

    def assert_only_bypass_left(self, middle, up, down):
        self.assertEqual(self.sm.list_associations(SourceArn=middle)["AssociationSummaries"], [])
        self.assertEqual(self.sm.list_associations(DestinationArn=middle)
                         ["AssociationSummaries"], [])
        left = self.sm.list_associations(SourceArn=up)["AssociationSummaries"]
        self.assertEqual(pairs_of(left), [(up, down)])
        self.assertEqual(pairs_of(self.sm.list_associations(DestinationArn=down)
                                  ["AssociationSummaries"]), [(up, down)])

    def test_deleting_an_artifact_removes_its_associations(self):
        middle = self.make.artifact("Model")
        up, down = self.around(middle)
        self.sm.delete_artifact(ArtifactArn=middle)
        self.assert_only_bypass_left(middle, up, down)

    def test_deleting_an_action_removes_its_associations(self):
        name = unique_name("CascadeAct")
        middle = self.make.action(name=name)
        up, down = self.around(middle)
        self.sm.delete_action(ActionName=name)
        self.assert_only_bypass_left(middle, up, down)

    def test_deleting_a_context_removes_its_associations(self):
        name = unique_name("CascadeCtx")
        middle = self.make.context(name=name)
        up, down = self.around(middle)
        self.sm.delete_context(ContextName=name)
        self.assert_only_bypass_left(middle, up, down)

    def test_deleting_a_trial_component_removes_its_associations(self):
        name = unique_name("CascadeTc")
        middle = self.make.trial_component(name)
        up, down = self.around(middle)
        self.sm.delete_trial_component(TrialComponentName=name)
        self.assert_only_bypass_left(middle, up, down)

    def test_a_recreated_artifact_has_no_associations(self):
        uri = unique_uri()
        arn = self.sm.create_artifact(Source={"SourceUri": uri},
                                      ArtifactType="DataSet")["ArtifactArn"]
        self.sm.add_association(SourceArn=arn, DestinationArn=self.make.action())
        self.sm.delete_artifact(ArtifactArn=arn)
        again = self.sm.create_artifact(Source={"SourceUri": uri},
                                        ArtifactType="DataSet")["ArtifactArn"]
        self.assertEqual(again, arn)
        self.assertEqual(self.sm.list_associations(SourceArn=arn)["AssociationSummaries"], [])


@requires_endpoint
class PaginationTest(LineagedTestCase):
    """270 associations in a fresh account (18 sources x 15 destinations), walked with
    pages of 100 and of 37 for every sort key and order."""

    SOURCE_TYPES = ("DataSet", "Model", "Image", "alpha-type", "Zeta-Type")
    DEST_TYPES = ("Endpoint", "ModelGroup", "approval", "Approval")

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        m = Lineage(cls.sm)
        sources = []
        cls.source_type = {}
        for i in range(12):
            name = None if i % 4 == 3 else "src-art-%02d" % i
            kind = cls.SOURCE_TYPES[i % len(cls.SOURCE_TYPES)]
            sources.append(m.artifact(kind, name))
            cls.source_type[sources[-1]] = kind
        for i in range(6):
            kind = cls.SOURCE_TYPES[(i + 2) % len(cls.SOURCE_TYPES)]
            sources.append(m.action(kind, "src-act-%02d-%s" % (i, "ABCDEF"[i])))
            cls.source_type[sources[-1]] = kind
        dests = []
        for i in range(8):
            dests.append(m.context(cls.DEST_TYPES[i % len(cls.DEST_TYPES)],
                                   "dst_ctx_%02d" % i))
        for i in range(6):
            dests.append(m.artifact(cls.DEST_TYPES[(i + 1) % len(cls.DEST_TYPES)]))
        dests.append(m.experiment())
        cls.expected = set()
        for n, (src, dst) in enumerate(itertools.product(sources, dests)):
            cls.sm.add_association(SourceArn=src, DestinationArn=dst,
                                   AssociationType=ASSOCIATION_TYPES[n % 5])
            cls.expected.add((src, dst))
        assert len(cls.expected) == 270

    def key(self, sort_by, summary):
        return summary[sort_by]

    def check_walk(self, page_size, sort_by=None, order=None):
        kwargs = {}
        if sort_by:
            kwargs["SortBy"] = sort_by
        if order:
            kwargs["SortOrder"] = order
        items, pages = walk(self.sm.list_associations, page_size, **kwargs)
        got = pairs_of(items)
        self.assertEqual(len(got), len(set(got)), "a pair repeats across pages")
        self.assertEqual(set(got), self.expected, "pages leave a gap")
        self.assertEqual([len(p) for p in pages[:-1]], [page_size] * (len(pages) - 1))
        self.assertEqual(len(pages), -(-270 // page_size))
        keys = [self.key(sort_by or "CreationTime", s) for s in items]
        descending = (order or "Descending") == "Descending"
        self.assertEqual(keys, sorted(keys, reverse=descending),
                         "not ordered by %s %s" % (sort_by, order))
        return got

    def test_every_sort_key_and_order_walks_without_repeats_or_gaps(self):
        for sort_by, order in itertools.product(SORT_KEYS + (None,),
                                                ("Ascending", "Descending", None)):
            with self.subTest(sort_by=sort_by, order=order):
                by_100 = self.check_walk(100, sort_by, order)
                by_37 = self.check_walk(37, sort_by, order)
                self.assertEqual(by_100, by_37, "ties are not broken consistently")

    def test_default_page_is_ten(self):
        out = self.sm.list_associations()
        self.assertEqual(len(out["AssociationSummaries"]), 10)
        self.assertIn("NextToken", out)

    def test_page_size_may_change_along_the_walk(self):
        got, token, sizes = [], None, itertools.cycle([7, 100, 1, 37])
        while True:
            args = {"MaxResults": next(sizes), "SortBy": "DestinationArn"}
            if token:
                args["NextToken"] = token
            out = self.sm.list_associations(**args)
            got.extend(pairs_of(out["AssociationSummaries"]))
            token = out.get("NextToken")
            if not token:
                break
        self.assertEqual(len(got), 270)
        self.assertEqual(set(got), self.expected)

    def test_filtered_walk(self):
        items, _ = walk(self.sm.list_associations, 37, SourceType="Model", SortBy="DestinationType",
                        SortOrder="Ascending")
        expected = {(s, d) for s, d in self.expected if self.source_type[s] == "Model"}
        self.assertTrue(expected)
        self.assertEqual(set(pairs_of(items)), expected)
        self.assertEqual(len(items), len(expected))
        types = [s.get("DestinationType") for s in items]
        self.assertEqual(types, sorted(types))

    def test_max_results_above_100_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.sm.list_associations,
                               MaxResults=101)

    def test_token_with_another_sort_key_is_a_validation_exception(self):
        token = self.sm.list_associations(SortBy="SourceArn", MaxResults=5)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_associations,
                               NextToken=token, SortBy="DestinationArn")

    def test_token_with_another_order_is_a_validation_exception(self):
        token = self.sm.list_associations(SortBy="SourceArn", MaxResults=5)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_associations,
                               NextToken=token, SortBy="SourceArn", SortOrder="Ascending")

    def test_token_with_another_filter_is_a_validation_exception(self):
        token = self.sm.list_associations(MaxResults=5)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_associations,
                               NextToken=token, AssociationType="SameAs")
        self.assertClientError("ValidationException", self.sm.list_associations,
                               NextToken=token, SourceType="Model")

    def test_token_is_bound_to_each_filter_not_to_their_concatenation(self):
        # Filters may hold any character: a type that runs into the next one
        # ("a|b" then "c" against "a" then "b|c") is another query.
        sm = client(fresh_account())
        m = Lineage(sm)
        for _ in range(2):
            sm.add_association(SourceArn=m.action("Kind|Left"), DestinationArn=m.context("Right"))
        token = sm.list_associations(SourceType="Kind|Left", DestinationType="Right",
                                     MaxResults=1)["NextToken"]
        self.assertClientError("ValidationException", sm.list_associations, NextToken=token,
                               SourceType="Kind", DestinationType="Left|Right")

    def test_token_on_another_operation_is_a_validation_exception(self):
        token = self.sm.list_associations(MaxResults=5)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_artifacts, NextToken=token)
        self.assertClientError("ValidationException", self.sm.list_trial_components,
                               NextToken=token)

    def test_altered_token_is_a_validation_exception(self):
        token = self.sm.list_associations(MaxResults=5)["NextToken"]
        i = len(token) // 2
        bad = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        self.assertClientError("ValidationException", self.sm.list_associations, NextToken=bad)
        self.assertClientError("ValidationException", self.sm.list_associations,
                               NextToken=token[:-4])

    def test_token_from_another_account_reveals_nothing(self):
        token = self.sm.list_associations(MaxResults=5)["NextToken"]
        other = client(fresh_account())
        try:
            out = other.list_associations(NextToken=token)
        except other.exceptions.ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "ValidationException")
        else:
            self.assertEqual(out["AssociationSummaries"], [],
                             "another account's token must not show this account's data")


if __name__ == "__main__":
    unittest.main()
