"""Trials through boto3: create (and its refusals), describe, update, the guarded deletes
of trials and experiments, ListTrials (filters, sorting, time bounds, pagination), tags,
and the account and region boundary."""

import datetime
import time
import unittest

from lineaged_client import (
    LineagedTestCase, OTHER_REGION, REGION, body_of, client, experiment_arn, fresh_account,
    raw, requires_endpoint, tags, trial_arn, unique_name, utcnow, walk)

SUMMARY_KEYS = {"TrialArn", "TrialName", "DisplayName", "CreationTime", "LastModifiedTime"}


class TrialCase(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)

    def experiment(self, name=None):
        name = name or unique_name("Exp")
        self.sm.create_experiment(ExperimentName=name)
        return name

    def trial(self, experiment=None, name=None, **kwargs):
        name = name or unique_name("Trial")
        self.sm.create_trial(TrialName=name, ExperimentName=experiment or self.experiment(),
                             **kwargs)
        return name

    def component(self, name=None):
        name = name or unique_name("tc")
        self.sm.create_trial_component(TrialComponentName=name)
        return name


@requires_endpoint
class CreateDescribeTest(TrialCase):
    def test_create_returns_the_arn_built_from_the_lower_cased_name(self):
        exp = self.experiment()
        name = unique_name("Trial-MixedCase")
        out = self.sm.create_trial(TrialName=name, ExperimentName=exp)
        self.assertEqual(body_of(out), {"TrialArn": trial_arn(name, self.account)})

    def test_describe_after_minimal_create(self):
        exp = self.experiment(unique_name("Parent-Exp"))
        before = utcnow() - datetime.timedelta(minutes=2)
        name = self.trial(exp)
        d = body_of(self.sm.describe_trial(TrialName=name))
        self.assertEqual(set(d), {"TrialName", "TrialArn", "DisplayName", "ExperimentName",
                                  "CreationTime", "CreatedBy", "LastModifiedTime",
                                  "LastModifiedBy"})
        self.assertEqual(d["TrialName"], name)
        self.assertEqual(d["TrialArn"], trial_arn(name, self.account))
        self.assertEqual(d["DisplayName"], name, "DisplayName defaults to the name")
        self.assertEqual(d["ExperimentName"], exp)
        self.assertEqual(d["CreatedBy"], {})
        self.assertEqual(d["LastModifiedBy"], {})
        self.assertEqual(d["CreationTime"], d["LastModifiedTime"])
        after = utcnow() + datetime.timedelta(minutes=2)
        self.assertTrue(before < d["CreationTime"] < after, d["CreationTime"])

    def test_describe_after_full_create(self):
        meta = {"CommitId": "abc", "Repository": "repo", "GeneratedBy": "me", "ProjectId": "p"}
        name = self.trial(DisplayName="Shown-Trial", MetadataProperties=meta)
        d = self.sm.describe_trial(TrialName=name)
        self.assertEqual(d["DisplayName"], "Shown-Trial")
        self.assertEqual(d["MetadataProperties"], meta)
        self.assertNotIn("Source", d)

    def test_empty_metadata_properties_are_omitted(self):
        name = self.trial(MetadataProperties={})
        self.assertNotIn("MetadataProperties", self.sm.describe_trial(TrialName=name))

    def test_describe_is_case_insensitive_and_returns_the_name_as_created(self):
        name = self.trial(name=unique_name("TrIaL"))
        for asked in (name.lower(), name.upper()):
            d = self.sm.describe_trial(TrialName=asked)
            self.assertEqual(d["TrialName"], name)
            self.assertEqual(d["TrialArn"], trial_arn(name, self.account))

    def test_missing_experiment_is_resource_not_found_naming_its_arn(self):
        exp = unique_name("No-Such-Exp")
        err = self.assertClientError("ResourceNotFound", self.sm.create_trial,
                                     TrialName=unique_name("orphan"), ExperimentName=exp)
        self.assertEqual(err["Error"]["Message"],
                         "Experiment '%s' does not exist." % experiment_arn(exp, self.account))

    def test_duplicate_name_is_a_validation_exception(self):
        name = self.trial()
        for sent in (name, name.upper()):
            err = self.assertClientError("ValidationException", self.sm.create_trial,
                                         TrialName=sent, ExperimentName=self.experiment())
            self.assertEqual(err["Error"]["Message"],
                             "Trial with name (%s) already exists." % sent)

    def test_a_trial_name_may_equal_its_experiments_name(self):
        exp = self.experiment()
        self.sm.create_trial(TrialName=exp, ExperimentName=exp)
        self.assertEqual(self.sm.describe_trial(TrialName=exp)["ExperimentName"], exp)

    def test_name_breaking_the_pattern_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.sm.create_trial,
                               TrialName="-bad-", ExperimentName=self.experiment())

    def test_describe_missing_is_resource_not_found(self):
        name = unique_name("Missing-Trial")
        err = self.assertClientError("ResourceNotFound", self.sm.describe_trial,
                                     TrialName=name)
        self.assertIn(trial_arn(name, self.account), err["Error"]["Message"])


@requires_endpoint
class UpdateDeleteTest(TrialCase):
    def test_update_display_name_returns_the_arn(self):
        name = self.trial(DisplayName="old")
        out = self.sm.update_trial(TrialName=name, DisplayName="new")
        self.assertEqual(body_of(out), {"TrialArn": trial_arn(name, self.account)})
        d = self.sm.describe_trial(TrialName=name)
        self.assertEqual(d["DisplayName"], "new")
        self.assertGreaterEqual(d["LastModifiedTime"], d["CreationTime"])

    def test_update_keeps_metadata_and_experiment(self):
        exp = self.experiment()
        meta = {"CommitId": "c1"}
        name = self.trial(exp, MetadataProperties=meta)
        self.sm.update_trial(TrialName=name, DisplayName="changed")
        d = self.sm.describe_trial(TrialName=name)
        self.assertEqual((d["MetadataProperties"], d["ExperimentName"]), (meta, exp))

    def test_update_missing_is_resource_not_found(self):
        self.assertClientError("ResourceNotFound", self.sm.update_trial,
                               TrialName=unique_name("nope"), DisplayName="x")

    def test_delete_returns_the_arn_and_frees_the_name(self):
        exp = self.experiment()
        name = self.trial(exp)
        out = self.sm.delete_trial(TrialName=name)
        self.assertEqual(body_of(out), {"TrialArn": trial_arn(name, self.account)})
        self.assertClientError("ResourceNotFound", self.sm.describe_trial, TrialName=name)
        self.assertClientError("ResourceNotFound", self.sm.delete_trial, TrialName=name)
        self.trial(exp, name)

    def test_delete_with_one_component_names_it_in_the_singular(self):
        name = self.trial()
        self.sm.associate_trial_component(TrialComponentName=self.component(), TrialName=name)
        err = self.assertClientError("ValidationException", self.sm.delete_trial,
                                     TrialName=name)
        self.assertEqual(err["Error"]["Message"],
                         "Trial '%s' has 1 trial component and cannot be deleted."
                         % trial_arn(name, self.account))
        self.sm.describe_trial(TrialName=name)

    def test_delete_with_components_counts_them(self):
        name = self.trial()
        for _ in range(3):
            self.sm.associate_trial_component(TrialComponentName=self.component(),
                                              TrialName=name)
        err = self.assertClientError("ValidationException", self.sm.delete_trial,
                                     TrialName=name)
        self.assertEqual(err["Error"]["Message"],
                         "Trial '%s' has 3 trial components and cannot be deleted."
                         % trial_arn(name, self.account))

    def test_delete_succeeds_right_after_the_last_disassociate(self):
        name, tc = self.trial(), self.component()
        self.sm.associate_trial_component(TrialComponentName=tc, TrialName=name)
        self.sm.disassociate_trial_component(TrialComponentName=tc, TrialName=name)
        self.sm.delete_trial(TrialName=name)
        self.sm.describe_trial_component(TrialComponentName=tc)

    def test_delete_experiment_with_one_trial_is_refused_in_the_singular(self):
        exp = self.experiment()
        self.trial(exp)
        err = self.assertClientError("ValidationException", self.sm.delete_experiment,
                                     ExperimentName=exp)
        self.assertEqual(err["Error"]["Message"],
                         "Experiment '%s' has 1 trial and cannot be deleted."
                         % experiment_arn(exp, self.account))

    def test_delete_experiment_with_trials_counts_them(self):
        exp = self.experiment()
        self.trial(exp)
        self.trial(exp)
        err = self.assertClientError("ValidationException", self.sm.delete_experiment,
                                     ExperimentName=exp)
        self.assertEqual(err["Error"]["Message"],
                         "Experiment '%s' has 2 trials and cannot be deleted."
                         % experiment_arn(exp, self.account))
        self.sm.describe_experiment(ExperimentName=exp)

    def test_delete_experiment_after_its_trials(self):
        exp = self.experiment()
        names = [self.trial(exp) for _ in range(2)]
        for n in names:
            self.sm.delete_trial(TrialName=n)
        self.sm.delete_experiment(ExperimentName=exp)
        self.assertClientError("ResourceNotFound", self.sm.describe_experiment,
                               ExperimentName=exp)


@requires_endpoint
class ListTrialsTest(TrialCase):
    """Experiment A holds 12 trials, B holds 3; a component is in two trials of A and one
    of B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.exp_a, cls.exp_b = unique_name("ExpA"), unique_name("ExpB")
        for e in (cls.exp_a, cls.exp_b):
            cls.sm.create_experiment(ExperimentName=e)
        cls.a_names = ["ta-%02d" % ((i * 5) % 12) for i in range(12)]  # not in name order
        cls.b_names = ["tb-%02d" % i for i in range(3)]
        for name in cls.a_names:
            cls.sm.create_trial(TrialName=name, ExperimentName=cls.exp_a,
                                DisplayName="shown-" + name)
            time.sleep(0.005)
        for name in cls.b_names:
            cls.sm.create_trial(TrialName=name, ExperimentName=cls.exp_b)
            time.sleep(0.005)
        cls.tc = unique_name("shared-tc")
        cls.sm.create_trial_component(TrialComponentName=cls.tc)
        cls.tc_trials = [cls.a_names[3], cls.a_names[7], cls.b_names[1]]
        for t in cls.tc_trials:
            cls.sm.associate_trial_component(TrialComponentName=cls.tc, TrialName=t)
        cls.times = {s["TrialName"]: s["CreationTime"]
                     for s in walk(cls.sm.list_trials, 100)[0]}

    def names(self, items):
        return [s["TrialName"] for s in items]

    def test_default_lists_all_newest_first_ten_per_page(self):
        first = self.sm.list_trials()
        self.assertEqual(len(first["TrialSummaries"]), 10)
        self.assertIn("NextToken", first)
        everything = list(reversed(self.a_names + self.b_names))
        self.assertEqual(self.names(first["TrialSummaries"]), everything[:10])
        rest = self.sm.list_trials(NextToken=first["NextToken"])
        self.assertEqual(self.names(rest["TrialSummaries"]), everything[10:])
        self.assertNotIn("NextToken", rest)

    def test_summary_fields(self):
        out = self.sm.list_trials(ExperimentName=self.exp_a, SortBy="Name",
                                  SortOrder="Ascending", MaxResults=1)
        s = out["TrialSummaries"][0]
        self.assertEqual(set(s), SUMMARY_KEYS)
        self.assertEqual(s["TrialName"], "ta-00")
        self.assertEqual(s["TrialArn"], trial_arn("ta-00", self.account))
        self.assertEqual(s["DisplayName"], "shown-ta-00")

    def test_filter_by_experiment(self):
        items, pages = walk(self.sm.list_trials, 5, ExperimentName=self.exp_a)
        self.assertEqual(self.names(items), list(reversed(self.a_names)))
        self.assertEqual([len(p) for p in pages], [5, 5, 2])
        items, _ = walk(self.sm.list_trials, 5, ExperimentName=self.exp_b.upper())
        self.assertEqual(self.names(items), list(reversed(self.b_names)))

    def test_filter_by_trial_component(self):
        items, _ = walk(self.sm.list_trials, 100, TrialComponentName=self.tc, SortBy="Name",
                        SortOrder="Ascending")
        self.assertEqual(self.names(items), sorted(self.tc_trials))

    def test_filters_by_experiment_and_component_together(self):
        both = dict(TrialComponentName=self.tc, SortBy="Name", SortOrder="Ascending")
        items, _ = walk(self.sm.list_trials, 1, ExperimentName=self.exp_a, **both)
        self.assertEqual(self.names(items), sorted(self.tc_trials[:2]))
        items, _ = walk(self.sm.list_trials, 1, ExperimentName=self.exp_b, **both)
        self.assertEqual(self.names(items), [self.b_names[1]])

    def test_sort_by_name(self):
        items, _ = walk(self.sm.list_trials, 4, ExperimentName=self.exp_a, SortBy="Name",
                        SortOrder="Ascending")
        self.assertEqual(self.names(items), sorted(self.a_names))
        items, _ = walk(self.sm.list_trials, 4, ExperimentName=self.exp_a, SortBy="Name",
                        SortOrder="Descending")
        self.assertEqual(self.names(items), sorted(self.a_names, reverse=True))

    def test_sort_by_creation_time_ascending(self):
        items, _ = walk(self.sm.list_trials, 7, SortBy="CreationTime", SortOrder="Ascending")
        self.assertEqual(self.names(items), self.a_names + self.b_names)

    def test_time_bounds_are_strict(self):
        lo, hi = self.times[self.a_names[2]], self.times[self.a_names[9]]
        reply = raw("ListTrials", {"CreatedAfter": lo.timestamp(), "CreatedBefore": hi.timestamp(),
                                   "SortBy": "CreationTime", "SortOrder": "Ascending",
                                   "MaxResults": 100}, access_key=self.account)
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual([s["TrialName"] for s in reply.json()["TrialSummaries"]],
                         self.a_names[3:9])

    def test_unknown_experiment_is_resource_not_found(self):
        self.assertClientError("ResourceNotFound", self.sm.list_trials,
                               ExperimentName=unique_name("nope"))

    def test_unknown_trial_component_is_resource_not_found(self):
        self.assertClientError("ResourceNotFound", self.sm.list_trials,
                               TrialComponentName=unique_name("nope"))

    def test_component_in_no_trial_lists_nothing(self):
        tc = self.component()
        out = self.sm.list_trials(TrialComponentName=tc)
        self.assertEqual(out["TrialSummaries"], [])
        self.assertNotIn("NextToken", out)

    def test_token_with_another_filter_is_a_validation_exception(self):
        token = self.sm.list_trials(MaxResults=2)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_trials, NextToken=token,
                               ExperimentName=self.exp_a)
        self.assertClientError("ValidationException", self.sm.list_trials, NextToken=token,
                               SortBy="Name")
        self.assertClientError("ValidationException", self.sm.list_experiments,
                               NextToken=token)

    def test_max_results_out_of_range_is_a_validation_exception(self):
        for n in (0, 101):
            self.assertClientError("ValidationException", self.loose.list_trials, MaxResults=n)


@requires_endpoint
class TrialTagsTest(TrialCase):
    def test_tags_given_at_create_and_added_later(self):
        name = self.trial(Tags=tags(("b", "2"), ("a", "1")))
        arn = trial_arn(name, self.account)
        self.assertEqual(self.sm.list_tags(ResourceArn=arn)["Tags"], tags(("b", "2"), ("a", "1")))
        out = self.sm.add_tags(ResourceArn=arn, Tags=tags(("c", "3"), ("a", "one")))
        self.assertEqual(out["Tags"], tags(("b", "2"), ("a", "one"), ("c", "3")))
        self.sm.delete_tags(ResourceArn=arn, TagKeys=["b"])
        self.assertEqual(self.sm.list_tags(ResourceArn=arn)["Tags"],
                         tags(("a", "one"), ("c", "3")))


@requires_endpoint
class CrossAccountTest(TrialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.exp = unique_name("XExp")
        cls.sm.create_experiment(ExperimentName=cls.exp)
        cls.name = unique_name("XTrial")
        cls.sm.create_trial(TrialName=cls.name, ExperimentName=cls.exp)

    def outsiders(self):
        return {"another account": client(fresh_account()),
                "another region": client(self.account, region=OTHER_REGION)}

    def test_describe_update_delete_from_outside_are_resource_not_found(self):
        for label, other in self.outsiders().items():
            with self.subTest(label):
                self.assertClientError("ResourceNotFound", other.describe_trial,
                                       TrialName=self.name)
                self.assertClientError("ResourceNotFound", other.update_trial,
                                       TrialName=self.name, DisplayName="x")
                self.assertClientError("ResourceNotFound", other.delete_trial,
                                       TrialName=self.name)
        self.sm.describe_trial(TrialName=self.name)

    def test_lists_from_outside_are_empty_or_not_found(self):
        for label, other in self.outsiders().items():
            with self.subTest(label):
                self.assertEqual(other.list_trials()["TrialSummaries"], [])
                self.assertClientError("ResourceNotFound", other.list_trials,
                                       ExperimentName=self.exp)

    def test_trial_in_a_foreign_experiment_is_resource_not_found(self):
        for label, other in self.outsiders().items():
            with self.subTest(label):
                self.assertClientError("ResourceNotFound", other.create_trial,
                                       TrialName=unique_name("t"), ExperimentName=self.exp)


if __name__ == "__main__":
    unittest.main()
