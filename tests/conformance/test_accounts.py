"""Accounts and regions: the SigV4 credential scope picks the (account, region), ARNs carry
it, and nothing is visible from another account or another region of the same account."""

import unittest

from lineaged_client import (
    DEFAULT_ACCOUNT, OTHER_REGION, REGION, LineagedTestCase, client, experiment_arn,
    fresh_account, raw, requires_endpoint, unique_name)


def listed_names(sm):
    pages = sm.get_paginator("list_experiments").paginate(PaginationConfig={"PageSize": 100})
    return [s["ExperimentName"] for page in pages for s in page["ExperimentSummaries"]]


@requires_endpoint
class AccountFromAccessKeyTest(LineagedTestCase):
    def test_twelve_digit_key_is_the_account(self):
        sm = client("111111111111")
        name = unique_name("Acct")
        arn = sm.create_experiment(ExperimentName=name)["ExperimentArn"]
        self.assertEqual(arn, "arn:aws:sagemaker:%s:111111111111:experiment/%s"
                         % (REGION, name.lower()))

    def test_region_is_the_clients_region(self):
        account = fresh_account()
        name = unique_name("Reg")
        arn = client(account, region=OTHER_REGION).create_experiment(
            ExperimentName=name)["ExperimentArn"]
        self.assertEqual(arn, experiment_arn(name, account, OTHER_REGION))

    def test_other_keys_map_to_the_default_account(self):
        for key in ("AKIAIOSFODNN7EXAMPLE", "testing", "1234567890123", "12345678901",
                    "12345678901a"):
            with self.subTest(key=key):
                name = unique_name("Default")
                arn = client(key).create_experiment(ExperimentName=name)["ExperimentArn"]
                self.assertEqual(arn, experiment_arn(name, DEFAULT_ACCOUNT, REGION))

    def test_non_numeric_keys_share_the_default_account(self):
        name = unique_name("Shared")
        client("AKIAEXAMPLEONE").create_experiment(ExperimentName=name, DisplayName="one")
        d = client("AKIAEXAMPLETWO").describe_experiment(ExperimentName=name)
        self.assertEqual(d["DisplayName"], "one")
        self.assertEqual(d["ExperimentArn"], experiment_arn(name, DEFAULT_ACCOUNT, REGION))

    def test_unsigned_request_uses_the_default_account(self):
        name = unique_name("Unsigned")
        reply = raw("CreateExperiment", {"ExperimentName": name})
        self.assertEqual(reply.status, 200, reply)
        arn = reply.json()["ExperimentArn"]
        region = arn.split(":")[3]
        self.assertEqual(arn, experiment_arn(name, DEFAULT_ACCOUNT, region))
        d = client("AKIAEXAMPLE", region=region).describe_experiment(ExperimentName=name)
        self.assertEqual(d["ExperimentArn"], arn)

    def test_not_found_message_uses_the_callers_account_and_region(self):
        account = fresh_account()
        name = unique_name("Nowhere")
        err = self.assertClientError("ResourceNotFound",
                                     client(account, region=OTHER_REGION).describe_experiment,
                                     ExperimentName=name)
        self.assertEqual(err["Error"]["Message"], "Experiment '%s' does not exist."
                         % experiment_arn(name, account, OTHER_REGION))


class _IsolationMixin:
    """An experiment with tags owned by `owner`; `other` is a different scope."""

    owner = other = None
    owner_account = owner_region = other_account = other_region = None

    def setUp(self):
        self.name = unique_name("Iso")
        self.arn = self.owner.create_experiment(
            ExperimentName=self.name, DisplayName="owners",
            Tags=[{"Key": "owner", "Value": "yes"}])["ExperimentArn"]

    def owner_view(self):
        return self.owner.describe_experiment(ExperimentName=self.name)

    def test_arn_belongs_to_the_owner(self):
        self.assertEqual(self.arn, experiment_arn(self.name, self.owner_account,
                                                  self.owner_region))

    def test_describe_by_name_is_not_found(self):
        err = self.assertClientError("ResourceNotFound", self.other.describe_experiment,
                                     ExperimentName=self.name)
        self.assertEqual(err["Error"]["Message"], "Experiment '%s' does not exist."
                         % experiment_arn(self.name, self.other_account, self.other_region))

    def test_update_by_name_is_not_found_and_changes_nothing(self):
        self.assertClientError("ResourceNotFound", self.other.update_experiment,
                               ExperimentName=self.name, DisplayName="intruder")
        self.assertEqual(self.owner_view()["DisplayName"], "owners")

    def test_delete_by_name_is_not_found_and_deletes_nothing(self):
        self.assertClientError("ResourceNotFound", self.other.delete_experiment,
                               ExperimentName=self.name)
        self.assertEqual(self.owner_view()["ExperimentArn"], self.arn)

    def test_list_tags_by_arn_is_not_found(self):
        self.assertClientError("ValidationException", self.other.list_tags, ResourceArn=self.arn)

    def test_add_tags_by_arn_is_not_found_and_adds_nothing(self):
        self.assertClientError("ValidationException", self.other.add_tags, ResourceArn=self.arn,
                               Tags=[{"Key": "intruder", "Value": "yes"}])
        self.assertEqual(self.owner.list_tags(ResourceArn=self.arn)["Tags"],
                         [{"Key": "owner", "Value": "yes"}])

    def test_delete_tags_by_arn_is_not_found_and_deletes_nothing(self):
        self.assertClientError("ValidationException", self.other.delete_tags, ResourceArn=self.arn,
                               TagKeys=["owner"])
        self.assertEqual(self.owner.list_tags(ResourceArn=self.arn)["Tags"],
                         [{"Key": "owner", "Value": "yes"}])

    def test_list_shows_only_own(self):
        self.assertIn(self.name, listed_names(self.owner))
        self.assertNotIn(self.name, listed_names(self.other))

    def test_same_name_can_be_created_on_the_other_side(self):
        arn = self.other.create_experiment(ExperimentName=self.name,
                                           DisplayName="others")["ExperimentArn"]
        self.assertEqual(arn, experiment_arn(self.name, self.other_account, self.other_region))
        self.assertNotEqual(arn, self.arn)
        self.assertEqual(self.owner_view()["DisplayName"], "owners")
        self.assertEqual(self.other.describe_experiment(ExperimentName=self.name)["DisplayName"],
                         "others")
        self.assertEqual(self.other.list_tags(ResourceArn=arn)["Tags"], [])
        self.other.delete_experiment(ExperimentName=self.name)
        self.assertEqual(self.owner_view()["ExperimentArn"], self.arn)


@requires_endpoint
class TwoAccountsTest(_IsolationMixin, LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.owner_account, cls.other_account = fresh_account(), fresh_account()
        cls.owner_region = cls.other_region = REGION
        cls.owner = client(cls.owner_account)
        cls.other = client(cls.other_account)


@requires_endpoint
class TwoRegionsTest(_IsolationMixin, LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.owner_account = cls.other_account = fresh_account()
        cls.owner_region, cls.other_region = REGION, OTHER_REGION
        cls.owner = client(cls.owner_account, region=REGION)
        cls.other = client(cls.other_account, region=OTHER_REGION)


@requires_endpoint
class DefaultAccountTest(_IsolationMixin, LineagedTestCase):
    """The default account is a scope like any other."""

    @classmethod
    def setUpClass(cls):
        cls.owner_account, cls.other_account = DEFAULT_ACCOUNT, fresh_account()
        cls.owner_region = cls.other_region = REGION
        cls.owner = client("AKIAEXAMPLE")
        cls.other = client(cls.other_account)


@requires_endpoint
class ForgedArnTest(LineagedTestCase):
    def test_own_name_under_a_foreign_account_arn_is_not_found(self):
        """An ARN naming another account is not resolved to the caller's experiment of
        the same name."""
        account = fresh_account()
        sm = client(account)
        name = unique_name("Mine")
        sm.create_experiment(ExperimentName=name)
        for arn in (experiment_arn(name, fresh_account(), REGION),
                    experiment_arn(name, account, OTHER_REGION)):
            with self.subTest(arn=arn):
                self.assertClientError("ValidationException", sm.list_tags, ResourceArn=arn)
                self.assertClientError("ValidationException", sm.add_tags, ResourceArn=arn,
                                       Tags=[{"Key": "k", "Value": "v"}])
        self.assertEqual(sm.list_tags(ResourceArn=experiment_arn(name, account))["Tags"], [])


if __name__ == "__main__":
    unittest.main()
