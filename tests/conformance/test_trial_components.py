"""Trial components through boto3: create, describe, merged updates, guarded delete,
membership in trials (associate, disassociate, immediate consistency), ListTrialComponents
(its one-of filters, sorting, time bounds, pagination), tags, the account and region
boundary, and the SageMaker Python SDK's delete-everything walk."""

import datetime
import itertools
import time
import unittest

from botocore.exceptions import ClientError

from lineaged_client import (
    LineagedTestCase, OTHER_REGION, REGION, at, body_of, client, experiment_arn, fresh_account,
    group_arn, raw, requires_endpoint, tags, tc_arn, trial_arn, unique_name, utcnow, walk)

SUMMARY_KEYS = {"TrialComponentName", "TrialComponentArn", "DisplayName", "Status", "StartTime",
                "EndTime", "CreationTime", "CreatedBy", "LastModifiedTime", "LastModifiedBy"}


class ComponentCase(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)

    def component(self, name=None, **kwargs):
        name = name or unique_name("Tc")
        self.sm.create_trial_component(TrialComponentName=name, **kwargs)
        return name

    def describe(self, name):
        return body_of(self.sm.describe_trial_component(TrialComponentName=name))

    def experiment(self):
        name = unique_name("Exp")
        self.sm.create_experiment(ExperimentName=name)
        return name

    def trial(self, experiment=None, name=None):
        name = name or unique_name("Trial")
        self.sm.create_trial(TrialName=name, ExperimentName=experiment or self.experiment())
        return name

    def associate(self, tc, trial):
        return self.sm.associate_trial_component(TrialComponentName=tc, TrialName=trial)


FULL = dict(
    DisplayName="Full-Component",
    Status={"PrimaryStatus": "Completed", "Message": "done, with a message"},
    StartTime=at(1700000000),
    EndTime=at(1700003600),
    Parameters={"learning_rate": {"NumberValue": 0.01}, "epochs": {"NumberValue": 10},
                "optimizer": {"StringValue": "adam"}},
    InputArtifacts={"train": {"MediaType": "text/csv", "Value": "s3://b/train.csv"},
                    "image": {"Value": "123.dkr.ecr/image:latest"}},
    OutputArtifacts={"model": {"MediaType": "application/x-tar", "Value": "s3://b/model.tar.gz"}},
    MetadataProperties={"CommitId": "abc", "Repository": "repo", "GeneratedBy": "test",
                        "ProjectId": "p"},
)


@requires_endpoint
class CreateDescribeTest(ComponentCase):
    def test_create_returns_the_arn_built_from_the_lower_cased_name(self):
        name = unique_name("Tc-MixedCase")
        out = self.sm.create_trial_component(TrialComponentName=name)
        self.assertEqual(body_of(out), {"TrialComponentArn": tc_arn(name, self.account)})

    def test_describe_after_minimal_create(self):
        before = utcnow() - datetime.timedelta(minutes=2)
        name = self.component()
        d = self.describe(name)
        self.assertEqual(set(d), {"TrialComponentName", "TrialComponentArn", "DisplayName",
                                  "CreationTime", "CreatedBy", "LastModifiedTime",
                                  "LastModifiedBy", "Metrics", "LineageGroupArn"},
                         "no Source, Status, times, parameters or artifacts when none given")
        self.assertEqual(d["TrialComponentName"], name)
        self.assertEqual(d["TrialComponentArn"], tc_arn(name, self.account))
        self.assertEqual(d["DisplayName"], name, "DisplayName defaults to the name")
        self.assertEqual(d["Metrics"], [])
        self.assertEqual(d["CreatedBy"], {})
        self.assertEqual(d["LastModifiedBy"], {})
        self.assertEqual(d["LineageGroupArn"], group_arn(self.account))
        self.assertEqual(d["CreationTime"], d["LastModifiedTime"])
        after = utcnow() + datetime.timedelta(minutes=2)
        self.assertTrue(before < d["CreationTime"] < after, d["CreationTime"])

    def test_describe_after_full_create_returns_what_was_given(self):
        name = self.component(**FULL)
        d = self.describe(name)
        self.assertNotIn("Source", d)
        self.assertEqual(d["DisplayName"], FULL["DisplayName"])
        self.assertEqual(d["Status"], FULL["Status"])
        self.assertEqual(d["StartTime"], FULL["StartTime"])
        self.assertEqual(d["EndTime"], FULL["EndTime"])
        self.assertEqual(d["Parameters"], FULL["Parameters"])
        self.assertIsInstance(d["Parameters"]["learning_rate"]["NumberValue"], float)
        self.assertEqual(d["InputArtifacts"], FULL["InputArtifacts"])
        self.assertEqual(d["OutputArtifacts"], FULL["OutputArtifacts"])
        self.assertEqual(d["MetadataProperties"], FULL["MetadataProperties"])
        self.assertEqual(d["Metrics"], [])

    def test_every_primary_status_is_accepted(self):
        for status in ("InProgress", "Completed", "Failed", "Stopping", "Stopped"):
            name = self.component(Status={"PrimaryStatus": status})
            self.assertEqual(self.describe(name)["Status"], {"PrimaryStatus": status})

    def test_primary_status_outside_the_enum_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.loose.create_trial_component,
                               TrialComponentName=unique_name("bad"),
                               Status={"PrimaryStatus": "Unknown"})

    def test_parameter_with_both_values_is_a_validation_exception(self):
        name = unique_name("both")
        self.assertClientError("ValidationException", self.loose.create_trial_component,
                               TrialComponentName=name,
                               Parameters={"p": {"StringValue": "a", "NumberValue": 1}})
        self.assertClientError("ResourceNotFound", self.sm.describe_trial_component,
                               TrialComponentName=name)

    def test_non_finite_number_parameter_is_a_validation_exception(self):
        for value in (float("nan"), float("inf"), float("-inf")):
            with self.subTest(value=value):
                name = unique_name("nonfinite")
                err = self.assertClientError("ValidationException", self.sm.create_trial_component,
                                             TrialComponentName=name,
                                             Parameters={"lr": {"NumberValue": value}})
                self.assertIn("Parameter 'lr' must have a finite NumberValue", err["Error"]["Message"])
                self.assertClientError("ResourceNotFound", self.sm.describe_trial_component,
                                       TrialComponentName=name)

    def test_parameter_with_neither_value_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.loose.create_trial_component,
                               TrialComponentName=unique_name("neither"),
                               Parameters={"p": {}})

    def test_media_type_breaking_its_pattern_is_a_validation_exception(self):
        self.assertClientError("ValidationException", self.sm.create_trial_component,
                               TrialComponentName=unique_name("media"),
                               InputArtifacts={"x": {"MediaType": "no slash", "Value": "v"}})

    def test_describe_by_arn_and_by_name_in_any_case(self):
        name = self.component(unique_name("TcCaSe"))
        for asked in (tc_arn(name, self.account), name.lower(), name.upper()):
            d = self.describe(asked)
            self.assertEqual(d["TrialComponentName"], name, asked)

    def test_duplicate_name_is_a_validation_exception_saying_already_exists(self):
        name = self.component()
        for sent in (name, name.upper()):
            err = self.assertClientError("ValidationException",
                                         self.sm.create_trial_component,
                                         TrialComponentName=sent)
            self.assertIn("already exists", err["Error"]["Message"])
            self.assertIn(sent, err["Error"]["Message"])

    def test_describe_missing_is_resource_not_found_with_the_arn(self):
        name = unique_name("Missing-Tc")
        err = self.assertClientError("ResourceNotFound", self.sm.describe_trial_component,
                                     TrialComponentName=name)
        self.assertIn(tc_arn(name, self.account), err["Error"]["Message"])


@requires_endpoint
class UpdateTest(ComponentCase):
    def test_update_returns_the_arn(self):
        name = self.component()
        out = self.sm.update_trial_component(TrialComponentName=name, DisplayName="new")
        self.assertEqual(body_of(out), {"TrialComponentArn": tc_arn(name, self.account)})

    def test_scalar_fields_are_replaced(self):
        name = self.component(**FULL)
        self.sm.update_trial_component(
            TrialComponentName=name, DisplayName="Renamed",
            Status={"PrimaryStatus": "Failed", "Message": "oops"},
            StartTime=at(1700000100), EndTime=at(1700000200))
        d = self.describe(name)
        self.assertEqual(d["DisplayName"], "Renamed")
        self.assertEqual(d["Status"], {"PrimaryStatus": "Failed", "Message": "oops"})
        self.assertEqual((d["StartTime"], d["EndTime"]), (at(1700000100), at(1700000200)))

    def test_updating_one_field_drops_nothing_else(self):
        name = self.component(**FULL)
        before = self.describe(name)
        time.sleep(0.05)
        self.sm.update_trial_component(TrialComponentName=name, DisplayName="Only-This")
        after = self.describe(name)
        self.assertEqual(after["DisplayName"], "Only-This")
        for key in ("Status", "StartTime", "EndTime", "Parameters", "InputArtifacts",
                    "OutputArtifacts", "MetadataProperties", "CreationTime"):
            self.assertEqual(after[key], before[key], key)
        self.assertGreater(after["LastModifiedTime"], before["LastModifiedTime"])

    def test_parameters_merge_key_by_key(self):
        name = self.component(**FULL)
        self.sm.update_trial_component(
            TrialComponentName=name,
            Parameters={"epochs": {"NumberValue": 20}, "batch": {"StringValue": "64"},
                        "optimizer": {"NumberValue": 1}})
        self.assertEqual(self.describe(name)["Parameters"],
                         {"learning_rate": {"NumberValue": 0.01}, "epochs": {"NumberValue": 20},
                          "batch": {"StringValue": "64"}, "optimizer": {"NumberValue": 1}})

    def test_update_past_the_bounds_of_a_map_is_a_validation_exception_and_changes_nothing(self):
        arts = {"a%d" % i: {"Value": "s3://x/%d" % i} for i in range(40)}
        name = self.component(InputArtifacts=arts)
        err = self.assertClientError(
            "ValidationException", self.sm.update_trial_component, TrialComponentName=name,
            DisplayName="changed", InputArtifacts={"b%d" % i: {"Value": "v"} for i in range(21)})
        self.assertIn("InputArtifacts with 61 entries; at most 60", err["Error"]["Message"])
        d = self.describe(name)
        self.assertEqual(len(d["InputArtifacts"]), 40)
        self.assertNotEqual(d.get("DisplayName"), "changed")


        name = self.component(**FULL)
        self.sm.update_trial_component(TrialComponentName=name,
                                       ParametersToRemove=["epochs", "absent"])
        self.assertEqual(self.describe(name)["Parameters"],
                         {"learning_rate": {"NumberValue": 0.01},
                          "optimizer": {"StringValue": "adam"}})

    def test_artifacts_merge_and_remove(self):
        name = self.component(**FULL)
        self.sm.update_trial_component(
            TrialComponentName=name,
            InputArtifacts={"train": {"Value": "s3://b/train-v2.csv"},
                            "test": {"MediaType": "text/csv", "Value": "s3://b/test.csv"}},
            InputArtifactsToRemove=["image"],
            OutputArtifacts={"metrics": {"Value": "s3://b/metrics.json"}})
        d = self.describe(name)
        self.assertEqual(d["InputArtifacts"],
                         {"train": {"Value": "s3://b/train-v2.csv"},
                          "test": {"MediaType": "text/csv", "Value": "s3://b/test.csv"}})
        self.assertEqual(d["OutputArtifacts"],
                         {"model": FULL["OutputArtifacts"]["model"],
                          "metrics": {"Value": "s3://b/metrics.json"}})
        self.sm.update_trial_component(TrialComponentName=name,
                                       OutputArtifactsToRemove=["model"])
        self.assertEqual(self.describe(name)["OutputArtifacts"],
                         {"metrics": {"Value": "s3://b/metrics.json"}})

    def test_removing_every_key_of_a_map_omits_the_map(self):
        # The rule of Describe everywhere (as for an artifact's Properties): a map
        # that holds nothing is not sent, whether it was given empty or emptied.
        name = self.component(Parameters={"a": {"NumberValue": 1}},
                              InputArtifacts={"i": {"Value": "s3://b/i"}},
                              OutputArtifacts={"o": {"Value": "s3://b/o"}})
        self.sm.update_trial_component(TrialComponentName=name, ParametersToRemove=["a"],
                                       InputArtifactsToRemove=["i"], OutputArtifactsToRemove=["o"])
        d = self.describe(name)
        for member in ("Parameters", "InputArtifacts", "OutputArtifacts"):
            self.assertNotIn(member, d)

    def test_empty_maps_given_at_create_are_omitted(self):
        name = self.component(Parameters={}, InputArtifacts={}, OutputArtifacts={},
                              MetadataProperties={}, Status={})
        d = self.describe(name)
        for member in ("Parameters", "InputArtifacts", "OutputArtifacts", "MetadataProperties",
                       "Status"):
            self.assertNotIn(member, d)
        summary = [s for s in self.sm.list_trial_components(SortBy="CreationTime", MaxResults=100)
                   ["TrialComponentSummaries"] if s["TrialComponentName"] == name]
        self.assertEqual(len(summary), 1)
        self.assertNotIn("Status", summary[0])

    def test_update_with_a_bad_parameter_changes_nothing(self):
        name = self.component(**FULL)
        self.assertClientError("ValidationException", self.loose.update_trial_component,
                               TrialComponentName=name, DisplayName="Not-Applied",
                               Parameters={"p": {"StringValue": "a", "NumberValue": 2}})
        self.assertEqual(self.describe(name)["DisplayName"], FULL["DisplayName"])

    def test_update_missing_is_resource_not_found(self):
        self.assertClientError("ResourceNotFound", self.sm.update_trial_component,
                               TrialComponentName=unique_name("nope"), DisplayName="x")


@requires_endpoint
class MembershipTest(ComponentCase):
    def members(self, trial):
        return {s["TrialComponentName"]
                for s in walk(self.sm.list_trial_components, 100, TrialName=trial)[0]}

    def trials_of(self, tc):
        return {s["TrialName"] for s in walk(self.sm.list_trials, 100, TrialComponentName=tc)[0]}

    def test_associate_returns_both_arns(self):
        tc, trial = self.component(), self.trial()
        out = self.associate(tc, trial)
        self.assertEqual(body_of(out), {"TrialComponentArn": tc_arn(tc, self.account),
                                        "TrialArn": trial_arn(trial, self.account)})

    def test_one_component_in_many_trials(self):
        tc = self.component()
        trials = [self.trial() for _ in range(3)]
        for t in trials:
            self.associate(tc, t)
        self.assertEqual(self.trials_of(tc), set(trials))
        for t in trials:
            self.assertEqual(self.members(t), {tc})

    def test_associating_twice_is_a_no_op(self):
        tc, trial = self.component(), self.trial()
        self.associate(tc, trial)
        out = self.associate(tc.upper(), trial.lower())
        self.assertEqual(body_of(out), {"TrialComponentArn": tc_arn(tc, self.account),
                                        "TrialArn": trial_arn(trial, self.account)})
        items, _ = walk(self.sm.list_trial_components, 100, TrialName=trial)
        self.assertEqual([s["TrialComponentName"] for s in items], [tc])
        self.sm.disassociate_trial_component(TrialComponentName=tc, TrialName=trial)
        self.assertEqual(self.members(trial), set(), "one disassociate undoes it")

    def test_disassociate_returns_both_arns(self):
        tc, trial = self.component(), self.trial()
        self.associate(tc, trial)
        out = self.sm.disassociate_trial_component(TrialComponentName=tc, TrialName=trial)
        self.assertEqual(body_of(out), {"TrialComponentArn": tc_arn(tc, self.account),
                                        "TrialArn": trial_arn(trial, self.account)})
        self.assertEqual(self.members(trial), set())

    def test_disassociate_without_membership_succeeds(self):
        tc, trial = self.component(), self.trial()
        out = self.sm.disassociate_trial_component(TrialComponentName=tc, TrialName=trial)
        self.assertEqual(body_of(out), {"TrialComponentArn": tc_arn(tc, self.account),
                                        "TrialArn": trial_arn(trial, self.account)})

    def test_missing_component_or_trial_is_resource_not_found(self):
        tc, trial = self.component(), self.trial()
        for op in (self.sm.associate_trial_component, self.sm.disassociate_trial_component):
            with self.subTest(op.__name__):
                self.assertClientError("ResourceNotFound", op,
                                       TrialComponentName=unique_name("nope"), TrialName=trial)
                self.assertClientError("ResourceNotFound", op, TrialComponentName=tc,
                                       TrialName=unique_name("nope"))

    def test_delete_while_in_one_trial_is_refused_in_the_singular(self):
        tc = self.component()
        self.associate(tc, self.trial())
        err = self.assertClientError("ValidationException", self.sm.delete_trial_component,
                                     TrialComponentName=tc)
        self.assertEqual(err["Error"]["Message"],
                         "TrialComponent '%s' is linked to 1 trial and cannot be deleted."
                         % tc_arn(tc, self.account))
        self.describe(tc)

    def test_delete_while_in_two_trials_counts_them(self):
        tc = self.component()
        self.associate(tc, self.trial())
        self.associate(tc, self.trial())
        err = self.assertClientError("ValidationException", self.sm.delete_trial_component,
                                     TrialComponentName=tc)
        self.assertEqual(err["Error"]["Message"],
                         "TrialComponent '%s' is linked to 2 trials and cannot be deleted."
                         % tc_arn(tc, self.account))

    def test_disassociate_then_delete_at_once(self):
        for _ in range(5):
            tc, trial = self.component(), self.trial()
            self.associate(tc, trial)
            self.sm.disassociate_trial_component(TrialComponentName=tc, TrialName=trial)
            out = self.sm.delete_trial_component(TrialComponentName=tc)
            self.assertEqual(body_of(out), {"TrialComponentArn": tc_arn(tc, self.account)})
            self.sm.delete_trial(TrialName=trial)

    def test_delete_returns_the_arn_and_frees_the_name(self):
        tc = self.component()
        out = self.sm.delete_trial_component(TrialComponentName=tc)
        self.assertEqual(body_of(out), {"TrialComponentArn": tc_arn(tc, self.account)})
        self.assertClientError("ResourceNotFound", self.sm.describe_trial_component,
                               TrialComponentName=tc)
        self.assertClientError("ResourceNotFound", self.sm.delete_trial_component,
                               TrialComponentName=tc)
        self.component(tc)
        self.assertEqual(self.describe(tc)["Metrics"], [])


@requires_endpoint
class ListTrialComponentsTest(ComponentCase):
    """Experiment E with trials T1 (c0..c5) and T2 (c4..c8); c9..c11 in no trial."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.exp = unique_name("ListExp")
        cls.sm.create_experiment(ExperimentName=cls.exp)
        cls.t1, cls.t2 = unique_name("T1"), unique_name("T2")
        for t in (cls.t1, cls.t2):
            cls.sm.create_trial(TrialName=t, ExperimentName=cls.exp)
        order = [7, 2, 10, 0, 5, 11, 3, 8, 1, 6, 9, 4]  # creation order differs from name order
        cls.created = ["lc-%02d" % i for i in order]
        for name in cls.created:
            cls.sm.create_trial_component(
                TrialComponentName=name, DisplayName="D-" + name,
                Status={"PrimaryStatus": "Completed"}, StartTime=at(1700000000),
                EndTime=at(1700000060))
            time.sleep(0.005)
        for i in range(0, 6):
            cls.sm.associate_trial_component(TrialComponentName="lc-%02d" % i, TrialName=cls.t1)
        for i in range(4, 9):
            cls.sm.associate_trial_component(TrialComponentName="lc-%02d" % i, TrialName=cls.t2)
        cls.times = {s["TrialComponentName"]: s["CreationTime"]
                     for s in walk(cls.sm.list_trial_components, 100)[0]}

    def names(self, items):
        return [s["TrialComponentName"] for s in items]

    def test_default_lists_all_newest_first_ten_per_page(self):
        first = self.sm.list_trial_components()
        self.assertEqual(self.names(first["TrialComponentSummaries"]),
                         list(reversed(self.created))[:10])
        rest = self.sm.list_trial_components(NextToken=first["NextToken"])
        self.assertEqual(self.names(rest["TrialComponentSummaries"]),
                         list(reversed(self.created))[10:])
        self.assertNotIn("NextToken", rest)

    def test_summary_fields(self):
        out = self.sm.list_trial_components(MaxResults=1, SortBy="Name", SortOrder="Ascending")
        s = out["TrialComponentSummaries"][0]
        self.assertEqual(set(s), SUMMARY_KEYS)
        self.assertEqual(s["TrialComponentName"], "lc-00")
        self.assertEqual(s["TrialComponentArn"], tc_arn("lc-00", self.account))
        self.assertEqual(s["DisplayName"], "D-lc-00")
        self.assertEqual(s["Status"], {"PrimaryStatus": "Completed"})
        self.assertEqual((s["StartTime"], s["EndTime"]), (at(1700000000), at(1700000060)))
        self.assertEqual((s["CreatedBy"], s["LastModifiedBy"]), ({}, {}))

    def test_filter_by_trial(self):
        items, _ = walk(self.sm.list_trial_components, 4, TrialName=self.t1, SortBy="Name",
                        SortOrder="Ascending")
        self.assertEqual(self.names(items), ["lc-%02d" % i for i in range(0, 6)])

    def test_filter_by_experiment_lists_each_component_once(self):
        items, _ = walk(self.sm.list_trial_components, 3, ExperimentName=self.exp,
                        SortBy="Name", SortOrder="Descending")
        self.assertEqual(self.names(items), ["lc-%02d" % i for i in range(8, -1, -1)])

    def test_filter_by_unknown_source_arn_lists_nothing(self):
        out = self.sm.list_trial_components(
            SourceArn="arn:aws:sagemaker:%s:%s:training-job/%s" % (REGION, self.account,
                                                                   unique_name("job")))
        self.assertEqual(out["TrialComponentSummaries"], [])

    def test_more_than_one_filter_is_a_validation_exception(self):
        source = "arn:aws:sagemaker:%s:%s:training-job/job" % (REGION, self.account)
        given = {"ExperimentName": self.exp, "TrialName": self.t1, "SourceArn": source}
        for n in (2, 3):
            for keys in itertools.combinations(given, n):
                with self.subTest(keys):
                    self.assertClientError("ValidationException",
                                           self.sm.list_trial_components,
                                           **{k: given[k] for k in keys})

    def test_unknown_experiment_or_trial_is_resource_not_found(self):
        err = self.assertClientError("ResourceNotFound", self.sm.list_trial_components,
                                     ExperimentName="no-such-exp")
        self.assertIn(experiment_arn("no-such-exp", self.account), err["Error"]["Message"])
        self.assertClientError("ResourceNotFound", self.sm.list_trial_components,
                               TrialName="no-such-trial")

    def test_sort_by_name_both_orders(self):
        items, _ = walk(self.sm.list_trial_components, 5, SortBy="Name", SortOrder="Ascending")
        self.assertEqual(self.names(items), sorted(self.created))
        items, _ = walk(self.sm.list_trial_components, 5, SortBy="Name", SortOrder="Descending")
        self.assertEqual(self.names(items), sorted(self.created, reverse=True))

    def test_sort_by_creation_time_ascending(self):
        items, pages = walk(self.sm.list_trial_components, 5, SortBy="CreationTime",
                            SortOrder="Ascending")
        self.assertEqual(self.names(items), self.created)
        self.assertEqual([len(p) for p in pages], [5, 5, 2])

    def test_time_bounds_are_strict(self):
        lo, hi = self.times[self.created[1]], self.times[self.created[6]]
        reply = raw("ListTrialComponents",
                    {"CreatedAfter": lo.timestamp(), "CreatedBefore": hi.timestamp(),
                     "SortBy": "CreationTime", "SortOrder": "Ascending"},
                    access_key=self.account)
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual([s["TrialComponentName"]
                          for s in reply.json()["TrialComponentSummaries"]], self.created[2:6])

    def test_token_with_another_filter_is_a_validation_exception(self):
        token = self.sm.list_trial_components(MaxResults=2, TrialName=self.t1)["NextToken"]
        self.assertClientError("ValidationException", self.sm.list_trial_components,
                               NextToken=token, TrialName=self.t2)
        self.assertClientError("ValidationException", self.sm.list_trial_components,
                               NextToken=token)
        self.assertClientError("ValidationException", self.sm.list_trials, NextToken=token,
                               TrialComponentName="lc-00")


@requires_endpoint
class ComponentTagsTest(ComponentCase):
    def test_tags_given_at_create_and_added_later(self):
        name = self.component(Tags=tags(("b", "2"), ("a", "1")))
        arn = tc_arn(name, self.account)
        self.assertEqual(self.sm.list_tags(ResourceArn=arn)["Tags"], tags(("b", "2"), ("a", "1")))
        out = self.sm.add_tags(ResourceArn=arn, Tags=tags(("a", "one"), ("c", "3")))
        self.assertEqual(out["Tags"], tags(("b", "2"), ("a", "one"), ("c", "3")))
        self.sm.delete_tags(ResourceArn=arn, TagKeys=["a", "c"])
        self.assertEqual(self.sm.list_tags(ResourceArn=arn)["Tags"], tags(("b", "2")))


@requires_endpoint
class CrossAccountTest(ComponentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tc = unique_name("XTc")
        cls.sm.create_trial_component(TrialComponentName=cls.tc)
        cls.exp = unique_name("XExp")
        cls.sm.create_experiment(ExperimentName=cls.exp)
        cls.trial_name = unique_name("XTrial")
        cls.sm.create_trial(TrialName=cls.trial_name, ExperimentName=cls.exp)
        cls.sm.associate_trial_component(TrialComponentName=cls.tc, TrialName=cls.trial_name)

    def outsiders(self):
        return {"another account": client(fresh_account()),
                "another region": client(self.account, region=OTHER_REGION)}

    def test_describe_update_delete_from_outside_are_resource_not_found(self):
        for label, other in self.outsiders().items():
            with self.subTest(label):
                for asked in (self.tc, tc_arn(self.tc, self.account)):
                    self.assertClientError("ResourceNotFound", other.describe_trial_component,
                                           TrialComponentName=asked)
                self.assertClientError("ResourceNotFound", other.update_trial_component,
                                       TrialComponentName=self.tc, DisplayName="x")
                self.assertClientError("ResourceNotFound", other.delete_trial_component,
                                       TrialComponentName=self.tc)
        self.describe(self.tc)

    def test_lists_from_outside_are_empty_or_not_found(self):
        for label, other in self.outsiders().items():
            with self.subTest(label):
                self.assertEqual(other.list_trial_components()["TrialComponentSummaries"], [])
                self.assertClientError("ResourceNotFound", other.list_trial_components,
                                       TrialName=self.trial_name)
                self.assertClientError("ResourceNotFound", other.list_trial_components,
                                       ExperimentName=self.exp)

    def test_membership_across_the_boundary_is_resource_not_found(self):
        for label, other in self.outsiders().items():
            with self.subTest(label):
                own_tc = unique_name("own")
                other.create_trial_component(TrialComponentName=own_tc)
                self.assertClientError("ResourceNotFound", other.associate_trial_component,
                                       TrialComponentName=own_tc, TrialName=self.trial_name)
                self.assertClientError("ResourceNotFound", other.disassociate_trial_component,
                                       TrialComponentName=self.tc, TrialName=self.trial_name)
        self.assertEqual([s["TrialComponentName"] for s in self.sm.list_trial_components(
            TrialName=self.trial_name)["TrialComponentSummaries"]], [self.tc])


@requires_endpoint
class SdkDeleteAllWalkTest(ComponentCase):
    """The SageMaker Python SDK's Experiment._delete_all, with no sleeps: an experiment with
    3 trials and 5 components, some of them in two or three trials."""

    MEMBERSHIP = {"t-a": ["c-1", "c-2", "c-3"], "t-b": ["c-2", "c-4"], "t-c": ["c-2", "c-3", "c-5"]}

    def list_all(self, call, key, **kwargs):
        """A lazy walk like the SDK's generators: next page fetched only when needed."""
        token = None
        while True:
            args = dict(kwargs)
            if token:
                args["NextToken"] = token
            out = call(**args)
            for item in out[key]:
                yield item
            token = out.get("NextToken")
            if not token:
                return

    def test_delete_all_walk(self):
        suffix = unique_name("w")
        exp = "exp-" + suffix
        self.sm.create_experiment(ExperimentName=exp)
        trial = {t: "%s-%s" % (t, suffix) for t in self.MEMBERSHIP}
        comp = {c: "%s-%s" % (c, suffix) for c in sorted({c for cs in self.MEMBERSHIP.values()
                                                          for c in cs})}
        for t in self.MEMBERSHIP:
            self.sm.create_trial(TrialName=trial[t], ExperimentName=exp)
        for c in comp.values():
            self.sm.create_trial_component(TrialComponentName=c)
        remaining = {}  # component name -> trial names it is still in
        for t, cs in self.MEMBERSHIP.items():
            for c in cs:
                self.associate(comp[c], trial[t])
                remaining.setdefault(comp[c], set()).add(trial[t])

        deleted, refused = set(), 0
        for ts in self.list_all(self.sm.list_trials, "TrialSummaries", ExperimentName=exp):
            tname = ts["TrialName"]
            for cs in self.list_all(self.sm.list_trial_components, "TrialComponentSummaries",
                                    TrialName=tname):
                cname = cs["TrialComponentName"]
                self.sm.disassociate_trial_component(TrialComponentName=cname, TrialName=tname)
                remaining[cname].discard(tname)
                try:
                    self.sm.delete_trial_component(TrialComponentName=cname)
                except ClientError as e:
                    n = len(remaining[cname])
                    self.assertGreater(n, 0, "refused although in no other trial: %s" % e)
                    self.assertEqual(e.response["Error"]["Code"], "ValidationException")
                    self.assertEqual(
                        e.response["Error"]["Message"],
                        "TrialComponent '%s' is linked to %d trial%s and cannot be deleted."
                        % (tc_arn(cname, self.account), n, "" if n == 1 else "s"))
                    refused += 1
                else:
                    self.assertEqual(remaining[cname], set(),
                                     "%s deleted while still in %s" % (cname, remaining[cname]))
                    deleted.add(cname)
            self.sm.delete_trial(TrialName=tname)
        self.sm.delete_experiment(ExperimentName=exp)

        self.assertEqual(deleted, set(comp.values()))
        self.assertEqual(refused, 3, "c-2 refused twice and c-3 once")
        self.assertClientError("ResourceNotFound", self.sm.describe_experiment,
                               ExperimentName=exp)
        for t in trial.values():
            self.assertClientError("ResourceNotFound", self.sm.describe_trial, TrialName=t)
        for c in comp.values():
            self.assertClientError("ResourceNotFound", self.sm.describe_trial_component,
                                   TrialComponentName=c)


if __name__ == "__main__":
    unittest.main()
