"""Artifacts, actions and contexts through boto3: create, describe, merged updates,
delete, list (filters, time bounds, sorting, pagination and its tokens), tags, the
account and region boundary, and the configurable caps on manually created entities."""

import datetime
import os
import re
import sys
import time
import unittest
import uuid

from lineaged_client import (
    LineagedTestCase, OTHER_REGION, REGION, arn_of, body_of, client, fresh_account,
    group_arn, raw, requires_endpoint, tags, unique_name, unique_uri, utcnow, walk)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from own_daemon import BIN, DB, SKIP_REASON, OwnDaemon  # noqa: E402

requires_binary = unittest.skipUnless(BIN and DB, SKIP_REASON)

ARTIFACT_ARN = re.compile(r"^arn:aws:sagemaker:([a-z0-9-]+):([0-9]{12}):artifact/([0-9a-f]{32})$")


def source_types(*pairs):
    return [{"SourceIdType": t, "Value": v} for t, v in pairs]


def sorted_source_types(types):
    return sorted(types, key=lambda t: (t["SourceIdType"], t["Value"]))


def altered(token):
    """The token with one character in the middle changed."""
    i = len(token) // 2
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]


# --------------------------------------------------------------------------- artifacts

@requires_endpoint
class ArtifactCreateDescribeTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)

    def create(self, uri=None, artifact_type="DataSet", types=None, **kwargs):
        src = {"SourceUri": uri or unique_uri()}
        if types is not None:
            src["SourceTypes"] = types
        return self.sm.create_artifact(Source=src, ArtifactType=artifact_type,
                                       **kwargs)["ArtifactArn"]

    def test_create_returns_only_an_arn_with_a_32_hex_id_in_the_callers_account(self):
        out = self.sm.create_artifact(Source={"SourceUri": unique_uri()}, ArtifactType="DataSet")
        self.assertEqual(set(body_of(out)), {"ArtifactArn"})
        m = ARTIFACT_ARN.match(out["ArtifactArn"])
        self.assertIsNotNone(m, out["ArtifactArn"])
        self.assertEqual(m.group(1), REGION)
        self.assertEqual(m.group(2), self.account)

    def test_same_identity_in_another_account_has_the_same_id(self):
        uri = unique_uri()
        types = source_types(("MD5Hash", "abc"), ("S3ETag", "etag-1"))
        here = self.create(uri, "Model", types)
        other_account = fresh_account()
        there = client(other_account).create_artifact(
            Source={"SourceUri": uri, "SourceTypes": types}, ArtifactType="Model")["ArtifactArn"]
        self.assertNotEqual(here, there)
        self.assertEqual(ARTIFACT_ARN.match(here).group(3), ARTIFACT_ARN.match(there).group(3))
        self.assertEqual(ARTIFACT_ARN.match(there).group(2), other_account)

    def test_source_types_order_does_not_change_the_id(self):
        uri = unique_uri()
        a = self.create(uri, "DataSet", source_types(("MD5Hash", "m"), ("Custom", "c")))
        b = client(fresh_account()).create_artifact(
            Source={"SourceUri": uri,
                    "SourceTypes": source_types(("Custom", "c"), ("MD5Hash", "m"))},
            ArtifactType="DataSet")["ArtifactArn"]
        self.assertEqual(ARTIFACT_ARN.match(a).group(3), ARTIFACT_ARN.match(b).group(3))

    def test_same_identity_again_is_a_validation_exception_saying_already_exists(self):
        uri = unique_uri()
        self.create(uri, "DataSet")
        err = self.assertClientError("ValidationException", self.create, uri, "DataSet")
        self.assertIn("already exists", err["Error"]["Message"])

    def test_same_identity_with_source_types_reordered_already_exists(self):
        uri = unique_uri()
        self.create(uri, "DataSet", source_types(("MD5Hash", "m"), ("S3Version", "v1")))
        err = self.assertClientError("ValidationException", self.create, uri, "DataSet",
                                     source_types(("S3Version", "v1"), ("MD5Hash", "m")))
        self.assertIn("already exists", err["Error"]["Message"])

    def test_same_uri_with_another_type_is_another_artifact(self):
        uri = unique_uri()
        a = self.create(uri, "DataSet")
        b = self.create(uri, "Model")
        self.assertNotEqual(a, b)
        self.assertEqual(self.sm.describe_artifact(ArtifactArn=a)["ArtifactType"], "DataSet")
        self.assertEqual(self.sm.describe_artifact(ArtifactArn=b)["ArtifactType"], "Model")

    def test_same_uri_with_other_source_types_is_another_artifact(self):
        uri = unique_uri()
        plain = self.create(uri, "DataSet")
        one = self.create(uri, "DataSet", source_types(("MD5Hash", "1")))
        two = self.create(uri, "DataSet", source_types(("MD5Hash", "2")))
        both = self.create(uri, "DataSet", source_types(("MD5Hash", "1"), ("Custom", "x")))
        self.assertEqual(len({plain, one, two, both}), 4)

    def test_artifact_name_is_not_unique(self):
        a = self.create(ArtifactName="shared-name")
        b = self.create(ArtifactName="shared-name")
        self.assertNotEqual(a, b)
        for arn in (a, b):
            self.assertEqual(self.sm.describe_artifact(ArtifactArn=arn)["ArtifactName"],
                             "shared-name")

    def test_describe_after_full_create_returns_every_field(self):
        uri = unique_uri()
        types = source_types(("S3ETag", "e1"), ("MD5Hash", "h1"))
        meta = {"CommitId": "abc123", "Repository": "https://example.com/repo.git",
                "GeneratedBy": "tests", "ProjectId": "p-1"}
        before = utcnow() - datetime.timedelta(minutes=2)
        arn = self.create(uri, "DataSet", types, ArtifactName="Full-Artifact",
                          Properties={"k1": "v1", "k2": "v2"}, MetadataProperties=meta)
        d = body_of(self.sm.describe_artifact(ArtifactArn=arn))
        self.assertEqual(
            set(d),
            {"ArtifactName", "ArtifactArn", "Source", "ArtifactType", "Properties",
             "CreationTime", "CreatedBy", "LastModifiedTime", "LastModifiedBy",
             "MetadataProperties", "LineageGroupArn"})
        self.assertEqual(d["ArtifactName"], "Full-Artifact")
        self.assertEqual(d["ArtifactArn"], arn)
        self.assertEqual(set(d["Source"]), {"SourceUri", "SourceTypes"})
        self.assertEqual(d["Source"]["SourceUri"], uri)
        self.assertEqual(sorted_source_types(d["Source"]["SourceTypes"]),
                         sorted_source_types(types))
        self.assertEqual(d["ArtifactType"], "DataSet")
        self.assertEqual(d["Properties"], {"k1": "v1", "k2": "v2"})
        self.assertEqual(d["MetadataProperties"], meta)
        self.assertEqual(d["CreatedBy"], {})
        self.assertEqual(d["LastModifiedBy"], {})
        self.assertEqual(d["LineageGroupArn"], group_arn(self.account))
        after = utcnow() + datetime.timedelta(minutes=2)
        self.assertTrue(before < d["CreationTime"] < after, d["CreationTime"])
        self.assertEqual(d["CreationTime"], d["LastModifiedTime"])

    def test_describe_after_minimal_create_omits_what_was_not_given(self):
        uri = unique_uri()
        arn = self.create(uri, "Image")
        d = body_of(self.sm.describe_artifact(ArtifactArn=arn))
        self.assertEqual(
            set(d),
            {"ArtifactArn", "Source", "ArtifactType", "CreationTime", "CreatedBy",
             "LastModifiedTime", "LastModifiedBy", "LineageGroupArn"},
            "no ArtifactName, Properties or MetadataProperties when none were given")
        self.assertEqual(d["Source"], {"SourceUri": uri}, "no SourceTypes when none were given")

    def test_empty_properties_are_omitted_from_describe(self):
        arn = self.create(Properties={})
        self.assertNotIn("Properties", self.sm.describe_artifact(ArtifactArn=arn))

    def test_describe_missing_is_resource_not_found(self):
        arn = "arn:aws:sagemaker:%s:%s:artifact/%s" % (REGION, self.account, uuid.uuid4().hex)
        err = self.assertClientError("ResourceNotFound", self.sm.describe_artifact,
                                     ArtifactArn=arn)
        self.assertIn(arn, err["Error"]["Message"])

    def test_source_id_type_outside_the_enum_is_a_validation_exception(self):
        self.assertClientError(
            "ValidationException", self.loose.create_artifact,
            Source={"SourceUri": unique_uri(),
                    "SourceTypes": [{"SourceIdType": "NotAType", "Value": "x"}]},
            ArtifactType="DataSet")

    def test_artifact_name_breaking_the_pattern_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.sm.create_artifact,
                               ArtifactName="bad name", Source={"SourceUri": unique_uri()},
                               ArtifactType="DataSet")


@requires_endpoint
class ArtifactUpdateDeleteTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)

    def create(self, uri=None, types=None, **kwargs):
        src = {"SourceUri": uri or unique_uri()}
        if types is not None:
            src["SourceTypes"] = types
        return self.sm.create_artifact(Source=src, ArtifactType="DataSet",
                                       **kwargs)["ArtifactArn"]

    def test_update_returns_the_arn(self):
        arn = self.create()
        out = self.sm.update_artifact(ArtifactArn=arn, ArtifactName="renamed")
        self.assertEqual(body_of(out), {"ArtifactArn": arn})

    def test_update_name_keeps_properties(self):
        arn = self.create(ArtifactName="old", Properties={"a": "1"})
        self.sm.update_artifact(ArtifactArn=arn, ArtifactName="new")
        d = self.sm.describe_artifact(ArtifactArn=arn)
        self.assertEqual(d["ArtifactName"], "new")
        self.assertEqual(d["Properties"], {"a": "1"})

    def test_update_properties_merge_key_by_key(self):
        arn = self.create(ArtifactName="keep", Properties={"a": "1", "b": "2", "c": "3"})
        self.sm.update_artifact(ArtifactArn=arn, Properties={"b": "two", "d": "4"})
        d = self.sm.describe_artifact(ArtifactArn=arn)
        self.assertEqual(d["Properties"], {"a": "1", "b": "two", "c": "3", "d": "4"})
        self.assertEqual(d["ArtifactName"], "keep")

    def test_update_past_thirty_properties_is_a_validation_exception_and_changes_nothing(self):
        first = {"k%d" % i: "v" for i in range(20)}
        arn = self.create(Properties=first)
        err = self.assertClientError("ValidationException", self.sm.update_artifact, ArtifactArn=arn,
                                     Properties={"n%d" % i: "v" for i in range(11)})
        self.assertIn("Properties with 31 entries; at most 30", err["Error"]["Message"])
        self.assertEqual(self.sm.describe_artifact(ArtifactArn=arn)["Properties"], first)
        # Removals come first: replacing ten keys by ten others stays within the bound.
        self.sm.update_artifact(ArtifactArn=arn, PropertiesToRemove=["k%d" % i for i in range(10)],
                                Properties={"n%d" % i: "v" for i in range(20)})
        self.assertEqual(len(self.sm.describe_artifact(ArtifactArn=arn)["Properties"]), 30)


        arn = self.create(Properties={"a": "1", "b": "2", "c": "3"})
        self.sm.update_artifact(ArtifactArn=arn, PropertiesToRemove=["a", "c", "absent"])
        self.assertEqual(self.sm.describe_artifact(ArtifactArn=arn)["Properties"], {"b": "2"})

    def test_removal_happens_before_the_new_values_are_set(self):
        arn = self.create(Properties={"a": "1", "b": "2"})
        self.sm.update_artifact(ArtifactArn=arn, Properties={"a": "new"},
                                PropertiesToRemove=["a", "b"])
        self.assertEqual(self.sm.describe_artifact(ArtifactArn=arn)["Properties"], {"a": "new"})

    def test_removing_every_property_omits_properties(self):
        arn = self.create(Properties={"a": "1"})
        self.sm.update_artifact(ArtifactArn=arn, PropertiesToRemove=["a"])
        self.assertNotIn("Properties", self.sm.describe_artifact(ArtifactArn=arn))

    def test_update_moves_last_modified_time_and_keeps_creation_time(self):
        arn = self.create()
        before = self.sm.describe_artifact(ArtifactArn=arn)
        time.sleep(0.05)
        self.sm.update_artifact(ArtifactArn=arn, Properties={"x": "y"})
        after = self.sm.describe_artifact(ArtifactArn=arn)
        self.assertEqual(after["CreationTime"], before["CreationTime"])
        self.assertGreater(after["LastModifiedTime"], before["LastModifiedTime"])

    def test_update_missing_is_resource_not_found(self):
        arn = "arn:aws:sagemaker:%s:%s:artifact/%s" % (REGION, self.account, uuid.uuid4().hex)
        self.assertClientError("ResourceNotFound", self.sm.update_artifact, ArtifactArn=arn,
                               ArtifactName="x")

    def test_delete_by_arn_returns_the_arn_and_removes_it(self):
        arn = self.create()
        out = self.sm.delete_artifact(ArtifactArn=arn)
        self.assertEqual(body_of(out), {"ArtifactArn": arn})
        self.assertClientError("ResourceNotFound", self.sm.describe_artifact, ArtifactArn=arn)

    def test_delete_by_source_uri_returns_the_arn(self):
        uri = unique_uri()
        arn = self.create(uri)
        out = self.sm.delete_artifact(Source={"SourceUri": uri})
        self.assertEqual(body_of(out), {"ArtifactArn": arn})
        self.assertClientError("ResourceNotFound", self.sm.describe_artifact, ArtifactArn=arn)

    def test_source_types_are_answered_in_the_order_given(self):
        # The identity is the set of source types, but Describe and the list
        # summary answer the list the caller gave, in its order.
        uri = unique_uri()
        types = source_types(("S3Version", "v9"), ("Custom", "c"), ("MD5Hash", "m"))
        arn = self.create(uri, types=types)
        self.assertEqual(self.sm.describe_artifact(ArtifactArn=arn)["Source"],
                         {"SourceUri": uri, "SourceTypes": types})
        summaries = self.sm.list_artifacts(SourceUri=uri)["ArtifactSummaries"]
        self.assertEqual([s["Source"] for s in summaries], [{"SourceUri": uri, "SourceTypes": types}])
        err = self.assertClientError("ValidationException", self.create, uri,
                                     types=list(reversed(types)))
        self.assertIn("already exists", err["Error"]["Message"])
        out = self.sm.delete_artifact(Source={"SourceUri": uri, "SourceTypes": types[1:] + types[:1]})
        self.assertEqual(out["ArtifactArn"], arn)

    def test_list_token_is_bound_to_each_filter_not_to_their_concatenation(self):
        # A URI that runs into the type ("u|DataSet" then "Model" against "u"
        # then "DataSet|Model") is another query, and its token is refused.
        uri = unique_uri()
        for value in ("1", "2"):
            self.sm.create_artifact(
                Source={"SourceUri": uri + "|DataSet",
                        "SourceTypes": source_types(("Custom", value))},
                ArtifactType="Model")
        token = self.sm.list_artifacts(SourceUri=uri + "|DataSet", ArtifactType="Model",
                                       MaxResults=1)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_artifacts, NextToken=token,
                               SourceUri=uri, ArtifactType="DataSet|Model")

    def test_delete_by_source_uri_and_types_picks_that_artifact(self):
        uri = unique_uri()
        a = self.create(uri, source_types(("MD5Hash", "1")))
        b = self.create(uri, source_types(("MD5Hash", "2"), ("Custom", "c")))
        out = self.sm.delete_artifact(
            Source={"SourceUri": uri, "SourceTypes": source_types(("Custom", "c"),
                                                                  ("MD5Hash", "2"))})
        self.assertEqual(out["ArtifactArn"], b)
        self.assertClientError("ResourceNotFound", self.sm.describe_artifact, ArtifactArn=b)
        self.assertEqual(self.sm.describe_artifact(ArtifactArn=a)["ArtifactArn"], a)

    def test_delete_missing_by_arn_is_resource_not_found(self):
        arn = "arn:aws:sagemaker:%s:%s:artifact/%s" % (REGION, self.account, uuid.uuid4().hex)
        self.assertClientError("ResourceNotFound", self.sm.delete_artifact, ArtifactArn=arn)

    def test_delete_missing_by_source_is_resource_not_found(self):
        self.assertClientError("ResourceNotFound", self.sm.delete_artifact,
                               Source={"SourceUri": unique_uri()})

    def test_delete_twice_is_resource_not_found(self):
        arn = self.create()
        self.sm.delete_artifact(ArtifactArn=arn)
        self.assertClientError("ResourceNotFound", self.sm.delete_artifact, ArtifactArn=arn)

    def test_identity_can_be_created_again_after_delete_with_the_same_arn(self):
        uri = unique_uri()
        arn = self.create(uri)
        self.sm.delete_artifact(ArtifactArn=arn)
        self.assertEqual(self.create(uri), arn)


@requires_endpoint
class ListArtifactsTest(LineagedTestCase):
    """Twelve artifacts in a fresh account: 7 DataSet under one URI prefix, 5 Model."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)
        cls.shared_uri = unique_uri()
        cls.arns = []  # in creation order
        for i in range(12):
            kind = "DataSet" if i < 7 else "Model"
            uri = cls.shared_uri if i in (0, 8) else unique_uri()
            cls.arns.append(cls.sm.create_artifact(
                Source={"SourceUri": uri}, ArtifactType=kind,
                ArtifactName="art-%02d" % i)["ArtifactArn"])
            time.sleep(0.005)  # distinct creation times
        cls.times = [cls.sm.describe_artifact(ArtifactArn=a)["CreationTime"] for a in cls.arns]

    def test_default_page_is_ten_newest_first(self):
        out = self.sm.list_artifacts()
        self.assertEqual([s["ArtifactArn"] for s in out["ArtifactSummaries"]],
                         list(reversed(self.arns))[:10])
        self.assertIn("NextToken", out)
        rest = self.sm.list_artifacts(NextToken=out["NextToken"])
        self.assertEqual([s["ArtifactArn"] for s in rest["ArtifactSummaries"]],
                         list(reversed(self.arns))[10:])
        self.assertNotIn("NextToken", rest)

    def test_ascending_is_creation_order(self):
        items, _ = walk(self.sm.list_artifacts, 5, SortBy="CreationTime", SortOrder="Ascending")
        self.assertEqual([s["ArtifactArn"] for s in items], self.arns)

    def test_pages_of_five_cover_everything_once(self):
        items, pages = walk(self.sm.list_artifacts, 5)
        self.assertEqual([len(p) for p in pages], [5, 5, 2])
        self.assertEqual([s["ArtifactArn"] for s in items], list(reversed(self.arns)))

    def test_max_results_may_change_between_pages(self):
        first = self.sm.list_artifacts(MaxResults=3)
        second = self.sm.list_artifacts(MaxResults=100, NextToken=first["NextToken"])
        self.assertNotIn("NextToken", second)
        got = [s["ArtifactArn"] for s in first["ArtifactSummaries"] + second["ArtifactSummaries"]]
        self.assertEqual(got, list(reversed(self.arns)))

    def test_summary_fields(self):
        out = self.sm.list_artifacts(MaxResults=100)
        by_arn = {s["ArtifactArn"]: s for s in out["ArtifactSummaries"]}
        s = by_arn[self.arns[3]]
        self.assertEqual(set(s), {"ArtifactArn", "ArtifactName", "Source", "ArtifactType",
                                  "CreationTime", "LastModifiedTime"})
        self.assertEqual(s["ArtifactName"], "art-03")
        self.assertEqual(s["ArtifactType"], "DataSet")
        self.assertEqual(s["CreationTime"], self.times[3])

    def test_filter_by_artifact_type(self):
        items, _ = walk(self.sm.list_artifacts, 100, ArtifactType="Model")
        self.assertEqual([s["ArtifactArn"] for s in items], list(reversed(self.arns[7:])))
        self.assertTrue(all(s["ArtifactType"] == "Model" for s in items))

    def test_filter_by_source_uri(self):
        items, _ = walk(self.sm.list_artifacts, 100, SourceUri=self.shared_uri)
        self.assertEqual([s["ArtifactArn"] for s in items], [self.arns[8], self.arns[0]])

    def test_filter_by_source_uri_and_type(self):
        items, _ = walk(self.sm.list_artifacts, 100, SourceUri=self.shared_uri,
                        ArtifactType="DataSet")
        self.assertEqual([s["ArtifactArn"] for s in items], [self.arns[0]])

    def test_unknown_source_uri_lists_nothing(self):
        out = self.sm.list_artifacts(SourceUri=unique_uri())
        self.assertEqual(out["ArtifactSummaries"], [])
        self.assertNotIn("NextToken", out)

    def test_time_bounds_are_strict(self):
        # Sent raw, as epoch seconds with the milliseconds the service returned.
        t3 = self.times[3].timestamp()
        t8 = self.times[8].timestamp()
        body = {"CreatedAfter": t3, "CreatedBefore": t8, "SortOrder": "Ascending",
                "MaxResults": 100}
        reply = raw("ListArtifacts", body, access_key=self.account)
        self.assertEqual(reply.status, 200, reply)
        got = [s["ArtifactArn"] for s in reply.json()["ArtifactSummaries"]]
        self.assertEqual(got, self.arns[4:8])

    def test_time_bounds_just_outside_include_the_ends(self):
        body = {"CreatedAfter": self.times[3].timestamp() - 0.001,
                "CreatedBefore": self.times[8].timestamp() + 0.001,
                "SortOrder": "Ascending", "MaxResults": 100}
        reply = raw("ListArtifacts", body, access_key=self.account)
        self.assertEqual(reply.status, 200, reply)
        got = [s["ArtifactArn"] for s in reply.json()["ArtifactSummaries"]]
        self.assertEqual(got, self.arns[3:9])

    def test_created_after_the_newest_lists_nothing(self):
        out = self.sm.list_artifacts(CreatedAfter=utcnow() + datetime.timedelta(hours=1))
        self.assertEqual(out["ArtifactSummaries"], [])

    def test_max_results_out_of_range_is_a_validation_exception(self):
        for n in (0, 101):
            self.assertClientError("ValidationException", self.loose.list_artifacts,
                                   MaxResults=n)

    def test_sort_by_name_is_not_offered_for_artifacts(self):
        self.assertClientError("ValidationException", self.loose.list_artifacts, SortBy="Name")

    def test_token_with_another_filter_is_a_validation_exception(self):
        token = self.sm.list_artifacts(MaxResults=2)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_artifacts,
                               NextToken=token, ArtifactType="Model")

    def test_token_with_another_sort_order_is_a_validation_exception(self):
        token = self.sm.list_artifacts(MaxResults=2)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_artifacts,
                               NextToken=token, SortOrder="Ascending")

    def test_token_on_another_operation_is_a_validation_exception(self):
        token = self.sm.list_artifacts(MaxResults=2)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_actions, NextToken=token)

    def test_altered_token_is_a_validation_exception(self):
        token = self.sm.list_artifacts(MaxResults=2)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_artifacts,
                               NextToken=altered(token))
        self.assertClientError("ValidationException", self.sm.list_artifacts,
                               NextToken="not-a-token")


# --------------------------------------------------------------------------- actions

@requires_endpoint
class ActionTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)

    def create(self, name=None, **kwargs):
        name = name or unique_name("Act")
        kwargs.setdefault("Source", {"SourceUri": unique_uri()})
        kwargs.setdefault("ActionType", "ModelDeployment")
        out = self.sm.create_action(ActionName=name, **kwargs)
        return name, out["ActionArn"]

    def test_create_returns_the_arn_built_from_the_lower_cased_name(self):
        name = unique_name("Action-MixedCase")
        out = self.sm.create_action(ActionName=name, Source={"SourceUri": "u"}, ActionType="T")
        self.assertEqual(body_of(out), {"ActionArn": arn_of("action", name, self.account)})

    def test_describe_after_full_create_returns_every_field(self):
        meta = {"CommitId": "c", "Repository": "r", "GeneratedBy": "g", "ProjectId": "p"}
        src = {"SourceUri": unique_uri(), "SourceType": "Endpoint", "SourceId": "id-1"}
        name, arn = self.create(Source=src, ActionType="Approval", Description="what it did",
                                Status="InProgress", Properties={"p": "1"},
                                MetadataProperties=meta)
        d = body_of(self.sm.describe_action(ActionName=name))
        self.assertEqual(
            set(d),
            {"ActionName", "ActionArn", "Source", "ActionType", "Description", "Status",
             "Properties", "CreationTime", "CreatedBy", "LastModifiedTime", "LastModifiedBy",
             "MetadataProperties", "LineageGroupArn"})
        self.assertEqual(d["ActionName"], name)
        self.assertEqual(d["ActionArn"], arn)
        self.assertEqual(d["Source"], src)
        self.assertEqual(d["ActionType"], "Approval")
        self.assertEqual(d["Description"], "what it did")
        self.assertEqual(d["Status"], "InProgress")
        self.assertEqual(d["Properties"], {"p": "1"})
        self.assertEqual(d["MetadataProperties"], meta)
        self.assertEqual(d["CreatedBy"], {})
        self.assertEqual(d["LastModifiedBy"], {})
        self.assertEqual(d["LineageGroupArn"], group_arn(self.account))
        self.assertEqual(d["CreationTime"], d["LastModifiedTime"])

    def test_describe_after_minimal_create_omits_what_was_not_given(self):
        uri = unique_uri()
        name, _ = self.create(Source={"SourceUri": uri})
        d = self.sm.describe_action(ActionName=name)
        self.assertEqual(d["Source"], {"SourceUri": uri})
        for absent in ("Description", "Properties", "MetadataProperties"):
            self.assertNotIn(absent, d)

    def test_describe_by_arn_and_by_name_in_any_case(self):
        name, arn = self.create(unique_name("Act-CaSe"))
        for asked in (arn, name.lower(), name.upper()):
            d = self.sm.describe_action(ActionName=asked)
            self.assertEqual(d["ActionName"], name, asked)
            self.assertEqual(d["ActionArn"], arn, asked)

    def test_every_status_is_accepted(self):
        for status in ("Unknown", "InProgress", "Completed", "Failed", "Stopping", "Stopped"):
            name, _ = self.create(Status=status)
            self.assertEqual(self.sm.describe_action(ActionName=name)["Status"], status)

    def test_status_outside_the_enum_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.loose.create_action,
                               ActionName=unique_name("BadStatus"), Source={"SourceUri": "u"},
                               ActionType="T", Status="Running")

    def test_name_with_underscore_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.sm.create_action,
                               ActionName="has_underscore", Source={"SourceUri": "u"},
                               ActionType="T")

    def test_duplicate_name_in_another_case_is_rejected_with_the_sent_name(self):
        name, _ = self.create(unique_name("dup"))
        for sent in (name, name.upper()):
            err = self.assertClientError("ValidationException", self.create, sent)
            self.assertEqual(err["Error"]["Message"],
                             "Action with name (%s) already exists." % sent)

    def test_describe_missing_is_resource_not_found_with_the_arn(self):
        name = unique_name("Missing-Act")
        err = self.assertClientError("ResourceNotFound", self.sm.describe_action,
                                     ActionName=name)
        self.assertEqual(err["Error"]["Message"],
                         "Action '%s' does not exist." % arn_of("action", name, self.account))

    def test_update_returns_the_arn_and_merges(self):
        name, arn = self.create(Description="old", Status="InProgress",
                                Properties={"a": "1", "b": "2", "c": "3"})
        out = self.sm.update_action(ActionName=name, Status="Completed",
                                    Properties={"b": "two", "d": "4"},
                                    PropertiesToRemove=["c"])
        self.assertEqual(body_of(out), {"ActionArn": arn})
        d = self.sm.describe_action(ActionName=name)
        self.assertEqual(d["Status"], "Completed")
        self.assertEqual(d["Description"], "old", "a field not named is kept")
        self.assertEqual(d["Properties"], {"a": "1", "b": "two", "d": "4"})

    def test_update_description_keeps_status_and_properties(self):
        name, _ = self.create(Status="Failed", Properties={"a": "1"})
        self.sm.update_action(ActionName=name, Description="new")
        d = self.sm.describe_action(ActionName=name)
        self.assertEqual((d["Description"], d["Status"], d["Properties"]),
                         ("new", "Failed", {"a": "1"}))

    def test_update_removal_before_set(self):
        name, _ = self.create(Properties={"a": "1", "b": "2"})
        self.sm.update_action(ActionName=name, Properties={"b": "new"},
                              PropertiesToRemove=["a", "b"])
        self.assertEqual(self.sm.describe_action(ActionName=name)["Properties"], {"b": "new"})

    def test_update_missing_is_resource_not_found(self):
        self.assertClientError("ResourceNotFound", self.sm.update_action,
                               ActionName=unique_name("nope"), Description="x")

    def test_delete_returns_the_arn_and_frees_the_name(self):
        name, arn = self.create()
        out = self.sm.delete_action(ActionName=name)
        self.assertEqual(body_of(out), {"ActionArn": arn})
        self.assertClientError("ResourceNotFound", self.sm.describe_action, ActionName=name)
        self.assertClientError("ResourceNotFound", self.sm.delete_action, ActionName=name)
        self.assertEqual(self.create(name)[1], arn, "the name can be used again")


@requires_endpoint
class ListActionsTest(LineagedTestCase):
    """Nine actions in a fresh account, names chosen so that name order differs from
    creation order."""

    NAMES = ["act-e", "act-a", "act-h", "act-c", "act-i", "act-b", "act-g", "act-d", "act-f"]

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)
        cls.uri = unique_uri()
        cls.arns = []
        for i, name in enumerate(cls.NAMES):
            cls.arns.append(cls.sm.create_action(
                ActionName=name, Source={"SourceUri": cls.uri if i % 3 == 0 else unique_uri()},
                ActionType="Deploy" if i % 2 == 0 else "Approval",
                Status="Completed")["ActionArn"])
            time.sleep(0.005)

    def names(self, items):
        return [s["ActionName"] for s in items]

    def test_default_is_creation_time_descending(self):
        items, _ = walk(self.sm.list_actions, 4)
        self.assertEqual(self.names(items), list(reversed(self.NAMES)))

    def test_sort_by_name_both_orders(self):
        items, pages = walk(self.sm.list_actions, 4, SortBy="Name", SortOrder="Ascending")
        self.assertEqual(self.names(items), sorted(self.NAMES))
        self.assertEqual([len(p) for p in pages], [4, 4, 1])
        items, _ = walk(self.sm.list_actions, 4, SortBy="Name", SortOrder="Descending")
        self.assertEqual(self.names(items), sorted(self.NAMES, reverse=True))

    def test_sort_by_creation_time_ascending(self):
        items, _ = walk(self.sm.list_actions, 2, SortBy="CreationTime", SortOrder="Ascending")
        self.assertEqual(self.names(items), self.NAMES)

    def test_default_max_results_is_ten(self):
        out = self.sm.list_actions()
        self.assertEqual(len(out["ActionSummaries"]), 9)
        self.assertNotIn("NextToken", out)

    def test_summary_fields(self):
        out = self.sm.list_actions(SortBy="Name", SortOrder="Ascending", MaxResults=1)
        s = out["ActionSummaries"][0]
        self.assertEqual(set(s), {"ActionArn", "ActionName", "Source", "ActionType", "Status",
                                  "CreationTime", "LastModifiedTime"})
        self.assertEqual(s["ActionName"], "act-a")
        self.assertEqual(s["ActionArn"], arn_of("action", "act-a", self.account))
        self.assertEqual(s["ActionType"], "Approval")
        self.assertEqual(s["Status"], "Completed")

    def test_filter_by_source_uri(self):
        items, _ = walk(self.sm.list_actions, 100, SourceUri=self.uri, SortBy="Name",
                        SortOrder="Ascending")
        self.assertEqual(self.names(items), sorted(self.NAMES[0::3]))

    def test_filter_by_action_type(self):
        items, _ = walk(self.sm.list_actions, 100, ActionType="Approval", SortBy="Name",
                        SortOrder="Ascending")
        self.assertEqual(self.names(items), sorted(self.NAMES[1::2]))

    def test_filter_by_source_uri_and_type(self):
        items, _ = walk(self.sm.list_actions, 100, SourceUri=self.uri, ActionType="Deploy",
                        SortBy="Name", SortOrder="Ascending")
        self.assertEqual(self.names(items), sorted(self.NAMES[0::6]))

    def test_created_before_now_lists_all_and_after_now_nothing(self):
        later = utcnow() + datetime.timedelta(hours=1)
        self.assertEqual(len(self.sm.list_actions(CreatedBefore=later,
                                                  MaxResults=100)["ActionSummaries"]), 9)
        self.assertEqual(self.sm.list_actions(CreatedAfter=later)["ActionSummaries"], [])

    def test_sort_by_outside_the_enum_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.loose.list_actions,
                               SortBy="SourceUri")

    def test_token_with_another_sort_is_a_validation_exception(self):
        token = self.sm.list_actions(MaxResults=2, SortBy="Name")["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_actions,
                               NextToken=token, SortBy="CreationTime")
        self.assertClientError("ValidationException", self.sm.list_actions,
                               NextToken=token, SortBy="Name", ActionType="Deploy")
        self.assertClientError("ValidationException", self.sm.list_contexts, NextToken=token,
                               SortBy="Name")


# --------------------------------------------------------------------------- contexts

@requires_endpoint
class ContextTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)

    def create(self, name=None, **kwargs):
        name = name or unique_name("Ctx")
        kwargs.setdefault("Source", {"SourceUri": unique_uri()})
        kwargs.setdefault("ContextType", "Endpoint")
        out = self.sm.create_context(ContextName=name, **kwargs)
        return name, out["ContextArn"]

    def test_create_returns_the_arn_built_from_the_lower_cased_name(self):
        name = unique_name("Ctx_Mixed_Case")
        out = self.sm.create_context(ContextName=name, Source={"SourceUri": "u"},
                                     ContextType="T")
        self.assertEqual(body_of(out), {"ContextArn": arn_of("context", name, self.account)})

    def test_name_may_contain_underscores(self):
        name, arn = self.create("ctx_with__underscores-%s" % uuid.uuid4().hex[:8])
        self.assertEqual(self.sm.describe_context(ContextName=name)["ContextName"], name)

    def test_name_starting_with_underscore_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.sm.create_context,
                               ContextName="_leading", Source={"SourceUri": "u"},
                               ContextType="T")

    def test_describe_after_full_create_returns_every_field(self):
        src = {"SourceUri": unique_uri(), "SourceType": "ModelPackageGroup", "SourceId": "g-1"}
        name, arn = self.create(Source=src, ContextType="ModelGroup", Description="group",
                                Properties={"k": "v"})
        d = body_of(self.sm.describe_context(ContextName=name))
        self.assertEqual(
            set(d),
            {"ContextName", "ContextArn", "Source", "ContextType", "Description", "Properties",
             "CreationTime", "CreatedBy", "LastModifiedTime", "LastModifiedBy",
             "LineageGroupArn"})
        self.assertEqual(d["ContextName"], name)
        self.assertEqual(d["ContextArn"], arn)
        self.assertEqual(d["Source"], src)
        self.assertEqual(d["ContextType"], "ModelGroup")
        self.assertEqual(d["Description"], "group")
        self.assertEqual(d["Properties"], {"k": "v"})
        self.assertEqual(d["CreatedBy"], {})
        self.assertEqual(d["LastModifiedBy"], {})
        self.assertEqual(d["LineageGroupArn"], group_arn(self.account))

    def test_describe_after_minimal_create_omits_what_was_not_given(self):
        name, _ = self.create()
        d = self.sm.describe_context(ContextName=name)
        for absent in ("Description", "Properties"):
            self.assertNotIn(absent, d)

    def test_describe_by_arn_and_by_name_in_any_case(self):
        name, arn = self.create(unique_name("Ctx-CaSe"))
        for asked in (arn, name.lower(), name.upper()):
            self.assertEqual(self.sm.describe_context(ContextName=asked)["ContextName"], name)

    def test_duplicate_name_is_rejected(self):
        name, _ = self.create()
        err = self.assertClientError("ValidationException", self.create, name.upper())
        self.assertEqual(err["Error"]["Message"],
                         "Context with name (%s) already exists." % name.upper())

    def test_describe_missing_is_resource_not_found_with_the_arn(self):
        name = unique_name("Missing-Ctx")
        err = self.assertClientError("ResourceNotFound", self.sm.describe_context,
                                     ContextName=name)
        self.assertEqual(err["Error"]["Message"],
                         "Context '%s' does not exist." % arn_of("context", name, self.account))

    def test_update_merges_and_returns_the_arn(self):
        name, arn = self.create(Description="d", Properties={"a": "1", "b": "2"})
        out = self.sm.update_context(ContextName=name, Properties={"c": "3", "a": "one"},
                                     PropertiesToRemove=["b"])
        self.assertEqual(body_of(out), {"ContextArn": arn})
        d = self.sm.describe_context(ContextName=name)
        self.assertEqual(d["Properties"], {"a": "one", "c": "3"})
        self.assertEqual(d["Description"], "d")

    def test_update_description_keeps_properties(self):
        name, _ = self.create(Properties={"a": "1"})
        self.sm.update_context(ContextName=name, Description="new")
        d = self.sm.describe_context(ContextName=name)
        self.assertEqual((d["Description"], d["Properties"]), ("new", {"a": "1"}))

    def test_delete_returns_the_arn(self):
        name, arn = self.create()
        self.assertEqual(body_of(self.sm.delete_context(ContextName=name)), {"ContextArn": arn})
        self.assertClientError("ResourceNotFound", self.sm.describe_context, ContextName=name)
        self.assertClientError("ResourceNotFound", self.sm.delete_context, ContextName=name)


@requires_endpoint
class ListContextsTest(LineagedTestCase):
    NAMES = ["ctx_c", "ctx_a", "ctx_e", "ctx_b", "ctx_d"]

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.uri = unique_uri()
        for i, name in enumerate(cls.NAMES):
            cls.sm.create_context(ContextName=name,
                                  Source={"SourceUri": cls.uri if i < 2 else unique_uri()},
                                  ContextType="Endpoint" if i % 2 else "ModelGroup")
            time.sleep(0.005)

    def names(self, items):
        return [s["ContextName"] for s in items]

    def test_default_order_and_summary_fields(self):
        out = self.sm.list_contexts()
        self.assertEqual(self.names(out["ContextSummaries"]), list(reversed(self.NAMES)))
        self.assertNotIn("NextToken", out)
        s = out["ContextSummaries"][0]
        self.assertEqual(set(s), {"ContextArn", "ContextName", "Source", "ContextType",
                                  "CreationTime", "LastModifiedTime"})
        self.assertEqual(s["ContextArn"], arn_of("context", "ctx_d", self.account))

    def test_sort_by_name(self):
        items, _ = walk(self.sm.list_contexts, 2, SortBy="Name", SortOrder="Ascending")
        self.assertEqual(self.names(items), sorted(self.NAMES))
        items, _ = walk(self.sm.list_contexts, 2, SortBy="Name", SortOrder="Descending")
        self.assertEqual(self.names(items), sorted(self.NAMES, reverse=True))

    def test_filters(self):
        items, _ = walk(self.sm.list_contexts, 100, SourceUri=self.uri, SortBy="Name",
                        SortOrder="Ascending")
        self.assertEqual(self.names(items), ["ctx_a", "ctx_c"])
        items, _ = walk(self.sm.list_contexts, 100, ContextType="Endpoint", SortBy="Name",
                        SortOrder="Ascending")
        self.assertEqual(self.names(items), ["ctx_a", "ctx_b"])


# --------------------------------------------------------------------------- tags

@requires_endpoint
class LineageEntityTagsTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)

    def entities(self, given_tags=None):
        extra = {"Tags": given_tags} if given_tags else {}
        return [
            self.sm.create_artifact(Source={"SourceUri": unique_uri()}, ArtifactType="DataSet",
                                    **extra)["ArtifactArn"],
            self.sm.create_action(ActionName=unique_name("TagAct"), Source={"SourceUri": "u"},
                                  ActionType="T", **extra)["ActionArn"],
            self.sm.create_context(ContextName=unique_name("TagCtx"), Source={"SourceUri": "u"},
                                   ContextType="T", **extra)["ContextArn"],
        ]

    def test_tags_given_at_create_are_listed(self):
        given = tags(("zeta", "1"), ("alpha", "2"))
        for arn in self.entities(given):
            self.assertEqual(body_of(self.sm.list_tags(ResourceArn=arn)), {"Tags": given}, arn)

    def test_add_list_delete(self):
        for arn in self.entities():
            self.assertEqual(self.sm.list_tags(ResourceArn=arn)["Tags"], [], arn)
            out = self.sm.add_tags(ResourceArn=arn, Tags=tags(("a", "1"), ("b", "2")))
            self.assertEqual(out["Tags"], tags(("a", "1"), ("b", "2")), arn)
            self.sm.add_tags(ResourceArn=arn, Tags=tags(("a", "one")))
            self.assertEqual(self.sm.list_tags(ResourceArn=arn)["Tags"],
                             tags(("a", "one"), ("b", "2")), arn)
            self.sm.delete_tags(ResourceArn=arn, TagKeys=["a"])
            self.assertEqual(self.sm.list_tags(ResourceArn=arn)["Tags"], tags(("b", "2")), arn)

    def test_tags_of_a_deleted_entity_are_not_found(self):
        arn = self.sm.create_action(ActionName=unique_name("TagGone"), Source={"SourceUri": "u"},
                                    ActionType="T", Tags=tags(("k", "v")))["ActionArn"]
        self.sm.delete_action(ActionName=arn.rsplit("/", 1)[1])
        self.assertClientError("ValidationException", self.sm.list_tags, ResourceArn=arn)


# --------------------------------------------------------------------------- boundaries

@requires_endpoint
class CrossAccountTest(LineagedTestCase):
    """An artifact, an action and a context in one account; nothing of them is visible
    from another account, nor from the same account in another region."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.uri = unique_uri()
        cls.artifact = cls.sm.create_artifact(Source={"SourceUri": cls.uri},
                                              ArtifactType="DataSet")["ArtifactArn"]
        cls.action_name = unique_name("XAct")
        cls.action = cls.sm.create_action(ActionName=cls.action_name,
                                          Source={"SourceUri": cls.uri},
                                          ActionType="T")["ActionArn"]
        cls.context_name = unique_name("XCtx")
        cls.context = cls.sm.create_context(ContextName=cls.context_name,
                                            Source={"SourceUri": cls.uri},
                                            ContextType="T")["ContextArn"]
        cls.outsiders = {"another account": client(fresh_account()),
                         "another region": client(cls.account, region=OTHER_REGION)}

    def test_describe_from_outside_is_resource_not_found(self):
        for label, other in self.outsiders.items():
            with self.subTest(label):
                self.assertClientError("ResourceNotFound", other.describe_artifact,
                                       ArtifactArn=self.artifact)
                for asked in (self.action, self.action_name):
                    self.assertClientError("ResourceNotFound", other.describe_action,
                                           ActionName=asked)
                for asked in (self.context, self.context_name):
                    self.assertClientError("ResourceNotFound", other.describe_context,
                                           ContextName=asked)

    def test_lists_from_outside_are_empty(self):
        for label, other in self.outsiders.items():
            with self.subTest(label):
                self.assertEqual(other.list_artifacts()["ArtifactSummaries"], [])
                self.assertEqual(other.list_artifacts(SourceUri=self.uri)["ArtifactSummaries"],
                                 [])
                self.assertEqual(other.list_actions()["ActionSummaries"], [])
                self.assertEqual(other.list_contexts()["ContextSummaries"], [])

    def test_update_and_delete_from_outside_are_resource_not_found(self):
        for label, other in self.outsiders.items():
            with self.subTest(label):
                self.assertClientError("ResourceNotFound", other.update_artifact,
                                       ArtifactArn=self.artifact, ArtifactName="x")
                self.assertClientError("ResourceNotFound", other.delete_artifact,
                                       ArtifactArn=self.artifact)
                self.assertClientError("ResourceNotFound", other.delete_artifact,
                                       Source={"SourceUri": self.uri})
                self.assertClientError("ResourceNotFound", other.update_action,
                                       ActionName=self.action_name, Description="x")
                self.assertClientError("ResourceNotFound", other.delete_action,
                                       ActionName=self.action_name)
                self.assertClientError("ResourceNotFound", other.delete_context,
                                       ContextName=self.context_name)
        # and all three are still there for their owner
        self.sm.describe_artifact(ArtifactArn=self.artifact)
        self.sm.describe_action(ActionName=self.action_name)
        self.sm.describe_context(ContextName=self.context_name)

    def test_same_names_are_free_in_another_account_and_region(self):
        name = unique_name("XShared")
        mine = self.sm.create_action(ActionName=name, Source={"SourceUri": "u"},
                                     ActionType="T")["ActionArn"]
        for label, other in self.outsiders.items():
            with self.subTest(label):
                arn = other.create_action(ActionName=name, Source={"SourceUri": "u"},
                                          ActionType="T")["ActionArn"]
                self.assertNotEqual(arn, mine)
                self.assertTrue(arn.endswith(":action/" + name.lower()), arn)


# --------------------------------------------------------------------------- limits

@requires_binary
class ResourceLimitTest(LineagedTestCase):
    """A daemon of its own, started with --max-actions 2 --max-associations 1."""

    @classmethod
    def setUpClass(cls):
        cls.daemon = OwnDaemon("--max-actions", "2", "--max-associations", "1")
        cls.daemon.start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()

    def limited_client(self, account):
        return client(account, endpoint=self.daemon.endpoint)

    def action(self, sm, name):
        return sm.create_action(ActionName=name, Source={"SourceUri": "u"}, ActionType="T")

    def test_third_action_is_resource_limit_exceeded(self):
        sm = self.limited_client(fresh_account())
        self.action(sm, "first")
        self.action(sm, "second")
        err = self.assertClientError("ResourceLimitExceeded", self.action, sm, "third")
        self.assertTrue(err["Error"]["Message"])
        self.assertClientError("ResourceNotFound", sm.describe_action, ActionName="third")
        with self.assertRaises(sm.exceptions.ResourceLimitExceeded):
            self.action(sm, "fourth")

    def test_the_cap_is_per_account(self):
        for _ in range(2):
            sm = self.limited_client(fresh_account())
            self.action(sm, "one")
            self.action(sm, "two")

    def test_deleting_makes_room_again(self):
        sm = self.limited_client(fresh_account())
        self.action(sm, "one")
        self.action(sm, "two")
        self.assertClientError("ResourceLimitExceeded", self.action, sm, "three")
        sm.delete_action(ActionName="one")
        self.action(sm, "three")

    def test_second_association_is_resource_limit_exceeded(self):
        sm = self.limited_client(fresh_account())
        a = sm.create_artifact(Source={"SourceUri": unique_uri()},
                               ArtifactType="DataSet")["ArtifactArn"]
        b = sm.create_artifact(Source={"SourceUri": unique_uri()},
                               ArtifactType="DataSet")["ArtifactArn"]
        c = sm.create_artifact(Source={"SourceUri": unique_uri()},
                               ArtifactType="DataSet")["ArtifactArn"]
        sm.add_association(SourceArn=a, DestinationArn=b)
        self.assertClientError("ResourceLimitExceeded", sm.add_association, SourceArn=a,
                               DestinationArn=c)
        self.assertEqual(len(sm.list_associations()["AssociationSummaries"]), 1)


if __name__ == "__main__":
    unittest.main()
