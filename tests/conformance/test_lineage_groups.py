"""Lineage groups through boto3: the one default group per account and region, created
with the first lineage entity (artifact, action, context or trial component);
DescribeLineageGroup, ListLineageGroups, GetLineageGroupPolicy, and the LineageGroupArn
every lineage entity reports."""

import datetime
import unittest

from lineaged_client import (
    LineagedTestCase, OTHER_REGION, REGION, body_of, client, fresh_account, group_arn,
    requires_endpoint, unique_name, unique_uri, utcnow)

GROUP = "sagemaker-default-lineage-group"
SUMMARY_KEYS = {"LineageGroupArn", "LineageGroupName", "DisplayName", "CreationTime",
                "LastModifiedTime"}
DESCRIBE_KEYS = {"LineageGroupName", "LineageGroupArn", "DisplayName", "CreationTime",
                 "CreatedBy", "LastModifiedTime", "LastModifiedBy"}


def make_artifact(sm):
    return sm.create_artifact(Source={"SourceUri": unique_uri()}, ArtifactType="DataSet")


def make_action(sm):
    return sm.create_action(ActionName=unique_name("act"), Source={"SourceUri": "u"},
                            ActionType="T")


def make_context(sm):
    return sm.create_context(ContextName=unique_name("ctx"), Source={"SourceUri": "u"},
                             ContextType="T")


def make_trial_component(sm):
    return sm.create_trial_component(TrialComponentName=unique_name("tc"))


LINEAGE_ENTITIES = {"artifact": make_artifact, "action": make_action,
                    "context": make_context, "trial component": make_trial_component}


@requires_endpoint
class FreshAccountTest(LineagedTestCase):
    """An account that has never created a lineage entity has no group."""

    def test_describe_in_a_fresh_account_is_resource_not_found(self):
        sm = client(fresh_account())
        self.assertClientError("ResourceNotFound", sm.describe_lineage_group,
                               LineageGroupName=GROUP)

    def test_list_in_a_fresh_account_is_empty(self):
        out = client(fresh_account()).list_lineage_groups()
        self.assertEqual(body_of(out), {"LineageGroupSummaries": []})

    def test_experiments_and_trials_do_not_create_the_group(self):
        sm = client(fresh_account())
        exp = unique_name("exp")
        sm.create_experiment(ExperimentName=exp)
        sm.create_trial(TrialName=unique_name("trial"), ExperimentName=exp)
        self.assertEqual(sm.list_lineage_groups()["LineageGroupSummaries"], [])
        self.assertClientError("ResourceNotFound", sm.describe_lineage_group,
                               LineageGroupName=GROUP)


@requires_endpoint
class CreatedWithFirstEntityTest(LineagedTestCase):
    """Each kind of lineage entity, first in its own fresh account, brings the group."""

    def test_each_lineage_entity_kind_creates_the_group(self):
        for kind, make in LINEAGE_ENTITIES.items():
            with self.subTest(kind):
                account = fresh_account()
                sm = client(account)
                before = utcnow() - datetime.timedelta(minutes=2)
                make(sm)
                d = body_of(sm.describe_lineage_group(LineageGroupName=GROUP))
                self.assertEqual(set(d), DESCRIBE_KEYS)
                self.assertEqual(d["LineageGroupName"], GROUP)
                self.assertEqual(d["LineageGroupArn"], group_arn(account))
                self.assertEqual(d["DisplayName"], GROUP)
                self.assertEqual(d["CreatedBy"], {})
                self.assertEqual(d["LastModifiedBy"], {})
                after = utcnow() + datetime.timedelta(minutes=2)
                self.assertTrue(before < d["CreationTime"] < after, d["CreationTime"])
                self.assertTrue(before < d["LastModifiedTime"] < after)


@requires_endpoint
class DefaultGroupTest(LineagedTestCase):
    """One account with one of each lineage entity."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.artifact = make_artifact(cls.sm)["ArtifactArn"]
        cls.action = make_action(cls.sm)["ActionArn"]
        cls.context = make_context(cls.sm)["ContextArn"]
        cls.component = make_trial_component(cls.sm)["TrialComponentArn"]

    def test_list_has_one_summary(self):
        out = body_of(self.sm.list_lineage_groups())
        self.assertEqual(set(out), {"LineageGroupSummaries"})
        [s] = out["LineageGroupSummaries"]
        self.assertEqual(set(s), SUMMARY_KEYS)
        self.assertEqual(s["LineageGroupArn"], group_arn(self.account))
        self.assertEqual(s["LineageGroupName"], GROUP)
        self.assertEqual(s["DisplayName"], GROUP)

    def test_list_summary_agrees_with_describe(self):
        [s] = self.sm.list_lineage_groups()["LineageGroupSummaries"]
        d = self.sm.describe_lineage_group(LineageGroupName=GROUP)
        for key in SUMMARY_KEYS:
            self.assertEqual(s[key], d[key], key)

    def test_more_entities_do_not_add_groups_or_change_the_creation_time(self):
        first = self.sm.describe_lineage_group(LineageGroupName=GROUP)["CreationTime"]
        for make in LINEAGE_ENTITIES.values():
            make(self.sm)
        out = self.sm.list_lineage_groups(MaxResults=100)
        self.assertEqual(len(out["LineageGroupSummaries"]), 1)
        self.assertEqual(self.sm.describe_lineage_group(LineageGroupName=GROUP)["CreationTime"],
                         first)

    def test_list_with_time_bounds(self):
        created = self.sm.describe_lineage_group(LineageGroupName=GROUP)["CreationTime"]
        hour = datetime.timedelta(hours=1)
        self.assertEqual(len(self.sm.list_lineage_groups(
            CreatedAfter=created - hour, CreatedBefore=created + hour)["LineageGroupSummaries"]), 1)
        self.assertEqual(self.sm.list_lineage_groups(
            CreatedAfter=created + hour)["LineageGroupSummaries"], [])
        self.assertEqual(self.sm.list_lineage_groups(
            CreatedBefore=created - hour)["LineageGroupSummaries"], [])

    def test_list_sorted_and_paged(self):
        for sort_by in ("Name", "CreationTime"):
            for order in ("Ascending", "Descending"):
                out = self.sm.list_lineage_groups(SortBy=sort_by, SortOrder=order, MaxResults=1)
                self.assertEqual(len(out["LineageGroupSummaries"]), 1)
                self.assertNotIn("NextToken", out)

    def test_every_lineage_entity_reports_the_group_arn(self):
        expected = group_arn(self.account)
        self.assertEqual(self.sm.describe_artifact(ArtifactArn=self.artifact)["LineageGroupArn"],
                         expected)
        self.assertEqual(self.sm.describe_action(ActionName=self.action)["LineageGroupArn"],
                         expected)
        self.assertEqual(self.sm.describe_context(ContextName=self.context)["LineageGroupArn"],
                         expected)
        self.assertEqual(self.sm.describe_trial_component(
            TrialComponentName=self.component)["LineageGroupArn"], expected)

    def test_describe_an_unknown_group_is_resource_not_found(self):
        self.assertClientError("ResourceNotFound", self.sm.describe_lineage_group,
                               LineageGroupName=unique_name("other-group"))

    def test_the_name_and_arn_are_found_in_any_case(self):
        d = self.sm.describe_lineage_group(LineageGroupName=GROUP.upper())
        self.assertEqual(d["LineageGroupName"], GROUP)
        self.assertEqual(d["LineageGroupArn"], group_arn(self.account))
        for asked in (GROUP.upper(), group_arn(self.account).replace(GROUP, GROUP.title())):
            with self.subTest(asked):
                err = self.assertClientError("ResourceNotFound", self.sm.get_lineage_group_policy,
                                             LineageGroupName=asked)
                self.assertIn("has no resource policy", err["Error"]["Message"])

    def test_policy_is_resource_not_found_by_name_and_by_arn(self):
        for asked in (GROUP, group_arn(self.account)):
            with self.subTest(asked):
                self.assertClientError("ResourceNotFound", self.sm.get_lineage_group_policy,
                                       LineageGroupName=asked)

    def test_the_group_is_not_visible_from_another_account(self):
        other = client(fresh_account())
        self.assertClientError("ResourceNotFound", other.describe_lineage_group,
                               LineageGroupName=GROUP)
        self.assertEqual(other.list_lineage_groups()["LineageGroupSummaries"], [])

    def test_another_region_of_the_same_account_has_its_own_group(self):
        there = client(self.account, region=OTHER_REGION)
        self.assertEqual(there.list_lineage_groups()["LineageGroupSummaries"], [])
        self.assertClientError("ResourceNotFound", there.describe_lineage_group,
                               LineageGroupName=GROUP)
        arn = make_artifact(there)["ArtifactArn"]
        d = there.describe_lineage_group(LineageGroupName=GROUP)
        self.assertEqual(d["LineageGroupArn"], group_arn(self.account, OTHER_REGION))
        self.assertEqual(there.describe_artifact(ArtifactArn=arn)["LineageGroupArn"],
                         group_arn(self.account, OTHER_REGION))
        [here] = self.sm.list_lineage_groups()["LineageGroupSummaries"]
        self.assertEqual(here["LineageGroupArn"], group_arn(self.account))

    def test_the_group_stays_when_its_entities_are_deleted(self):
        account = fresh_account()
        sm = client(account)
        arn = make_artifact(sm)["ArtifactArn"]
        sm.delete_artifact(ArtifactArn=arn)
        self.assertEqual(sm.describe_lineage_group(LineageGroupName=GROUP)["LineageGroupArn"],
                         group_arn(account))


if __name__ == "__main__":
    unittest.main()
