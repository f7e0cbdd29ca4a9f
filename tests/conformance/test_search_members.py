"""Search members and properties beyond the common ones: Source.SourceArn compared as an
ARN (ignoring case), SourceDetail and RunName (trial component records only, not
Describe), the model's MetadataProperties members named in any case, every member of a
metric summary in a nested filter, and a next page asked with the default sort spelled
out."""

import time
import unittest

from lineaged_client import LineagedTestCase, client, fresh_account, requires_endpoint, unique_name
from test_emulator_hook import deliver, job_arn, training_request
from test_metrics import metrics_client
from test_search import flt as F

TC = "ExperimentTrialComponent"


@requires_endpoint
class SearchMembersTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.job = unique_name("Job-Mixed")
        reply = deliver(cls.account, "CreateTrainingJob", training_request(cls.job, "s3://b-" + unique_name()),
                        {"TrainingJobArn": job_arn(cls.account, "training-job", cls.job)})
        assert reply.status == 200, reply
        cls.job_tc = cls.job + "-aws-training-job"
        cls.plain = unique_name("plain")
        cls.sm.create_trial_component(TrialComponentName=cls.plain,
                                      MetadataProperties={"CommitId": "c0ffee", "Repository": "repo"})

    def names(self, *filters, **kwargs):
        out = self.sm.search(Resource=TC, SearchExpression={"Filters": list(filters)}, **kwargs)
        return {r["TrialComponent"]["TrialComponentName"] for r in out["Results"]}

    def test_source_arn_compares_ignoring_case(self):
        arn = job_arn(self.account, "training-job", self.job)
        self.assertEqual(self.names(F("Source.SourceArn", "Equals", arn.upper())), {self.job_tc})
        self.assertEqual(self.names(F("SourceDetail.SourceArn", "Equals", arn)), {self.job_tc})

    def test_source_detail_is_in_the_record_not_in_describe(self):
        arn = job_arn(self.account, "training-job", self.job)
        out = self.sm.search(Resource=TC, SearchExpression={"Filters": [F("TrialComponentName", "Equals",
                                                                          self.job_tc)]})
        record = out["Results"][0]["TrialComponent"]
        self.assertEqual(record["SourceDetail"], {"SourceArn": arn})
        self.assertNotIn("SourceDetail", self.sm.describe_trial_component(TrialComponentName=self.job_tc))
        plain = self.sm.search(Resource=TC, SearchExpression={"Filters": [F("TrialComponentName", "Equals",
                                                                         self.plain)]})
        self.assertNotIn("SourceDetail", plain["Results"][0]["TrialComponent"])

    def test_run_name_is_a_property(self):
        # Components without a run have no RunName: NotExists matches them, Exists does not.
        self.assertIn(self.plain, self.names(F("RunName", "NotExists")))
        self.assertNotIn(self.plain, self.names(F("RunName", "Exists")))
        self.sm.search(Resource=TC, SortBy="RunName")

    def test_a_job_run_in_a_run_carries_its_run_name(self):
        experiment, run, job = unique_name("exp"), unique_name("run"), unique_name("job")
        self.sm.create_experiment(ExperimentName=experiment)
        self.sm.create_trial_component(TrialComponentName=run)
        config = {"ExperimentName": experiment, "RunName": run}
        reply = deliver(self.account, "CreateTrainingJob", training_request(job, "s3://b-" + unique_name(), config),
                        {"TrainingJobArn": job_arn(self.account, "training-job", job)})
        self.assertEqual(reply.status, 200, reply)
        out = self.sm.search(Resource=TC, SearchExpression={"Filters": [F("RunName", "Equals", run)]})
        records = [r["TrialComponent"] for r in out["Results"]]
        self.assertEqual([r["TrialComponentName"] for r in records], [job + "-aws-training-job"])
        self.assertEqual(records[0]["RunName"], run)
        self.assertNotIn("RunName", self.sm.describe_trial_component(TrialComponentName=job + "-aws-training-job"))

    def test_metadata_properties_members_ignore_case_and_unknown_ones_are_refused(self):
        self.assertEqual(self.names(F("MetadataProperties.commitid", "Equals", "c0ffee")), {self.plain})
        self.assertEqual(self.names(F("MetadataProperties.Repository", "Equals", "repo")), {self.plain})
        err = self.assertClientError("ValidationException", self.sm.search, Resource=TC,
                                     SearchExpression={"Filters": [F("MetadataProperties.Foo", "Exists")]})
        self.assertIn("MetadataProperties.Foo", err["Error"]["Message"])

    def test_nested_metric_filters_know_every_summary_member(self):
        name = unique_name("m")
        self.sm.create_trial_component(TrialComponentName=name)
        now = time.time()
        metrics_client(self.account).batch_put_metrics(
            TrialComponentName=name,
            MetricData=[{"MetricName": "acc", "Value": v, "Timestamp": now + i, "Step": i}
                        for i, v in enumerate([0.2, 0.9, 0.7])])

        def nested(*filters):
            out = self.sm.search(Resource=TC, SearchExpression={"NestedFilters": [
                {"NestedPropertyName": "Metrics",
                 "Filters": [F("Metrics.MetricName", "Equals", "acc")] + list(filters)}]})
            return {r["TrialComponent"]["TrialComponentName"] for r in out["Results"]}

        self.assertEqual(nested(F("Metrics.Last", "GreaterThan", "0.6")), {name})
        self.assertEqual(nested(F("Metrics.Last", "GreaterThan", "0.8")), set())
        self.assertEqual(nested(F("Metrics.StdDev", "GreaterThan", "0.35")), {name})  # sample: 0.3606
        self.assertEqual(nested(F("Metrics.StdDev", "GreaterThan", "0.37")), set())
        self.assertEqual(nested(F("Metrics.TimeStamp", "GreaterThanOrEqualTo", str(int(now)))), {name})
        self.assertEqual(nested(F("Metrics.SourceArn", "Exists")), {name})

    def test_user_context_and_metric_paths_resolve(self):
        # Paths into the record's members: absent ones match NotExists only.
        for path in ("CreatedBy.DomainId", "LastModifiedBy.IamIdentity.Arn", "CreatedBy.UserProfileArn"):
            self.assertIn(self.plain, self.names(F(path, "NotExists")), path)
            self.assertNotIn(self.plain, self.names(F(path, "Exists")), path)
        self.assertClientError("ValidationException", self.sm.search, Resource=TC,
                               SearchExpression={"Filters": [F("CreatedBy.Nickname", "Exists")]})
        name = unique_name("ts")
        self.sm.create_trial_component(TrialComponentName=name)
        now = time.time()
        metrics_client(self.account).batch_put_metrics(
            TrialComponentName=name, MetricData=[{"MetricName": "loss", "Value": 1.0, "Timestamp": now}])
        self.assertEqual(self.names(F("Metrics.loss.TimeStamp", "GreaterThanOrEqualTo", str(int(now)))), {name})
        self.assertEqual(self.names(F("Metrics.loss.TimeStamp", "GreaterThan", str(int(now) + 60))), set())

    def test_a_hexadecimal_value_is_not_a_number(self):
        self.assertClientError("ValidationException", self.sm.search, Resource=TC,
                               SearchExpression={"Filters": [F("Metrics.loss.Max", "GreaterThan", "0x1")]})

    def test_trial_summaries_know_their_source_type(self):
        experiment, trial = unique_name("exp"), unique_name("trial")
        self.sm.create_experiment(ExperimentName=experiment)
        self.sm.create_trial(TrialName=trial, ExperimentName=experiment)
        self.sm.associate_trial_component(TrialComponentName=self.job_tc, TrialName=trial)
        out = self.sm.search(Resource="ExperimentTrial", SearchExpression={"Filters": [
            F("TrialComponentSummaries.TrialComponentSource.SourceType", "Equals", "SageMakerTrainingJob"),
            F("ExperimentName", "Equals", experiment)]})
        self.assertEqual([r["Trial"]["TrialName"] for r in out["Results"]], [trial])

    def test_a_set_of_values_sorts_by_its_first_in_the_sort_direction(self):
        experiment = unique_name("exp")
        self.sm.create_experiment(ExperimentName=experiment)
        trials = ["%s-%s" % (experiment, x) for x in ("a", "b", "c")]
        for t in trials:
            self.sm.create_trial(TrialName=t, ExperimentName=experiment)
        both, middle = unique_name("both"), unique_name("mid")
        for name, parents in ((both, trials[0::2]), (middle, trials[1:2])):
            self.sm.create_trial_component(TrialComponentName=name)
            for t in parents:
                self.sm.associate_trial_component(TrialComponentName=name, TrialName=t)
        expr = {"Filters": [F("Parents.ExperimentName", "Equals", experiment)]}

        def order(direction):
            out = self.sm.search(Resource=TC, SearchExpression=expr, SortBy="Parents.TrialName",
                                 SortOrder=direction)
            return [r["TrialComponent"]["TrialComponentName"] for r in out["Results"]]

        # "both" has trials a and c: first ascending (a < b), first descending too (c > b).
        self.assertEqual(order("Ascending"), [both, middle])
        self.assertEqual(order("Descending"), [both, middle])

    def test_the_default_sort_spelled_out_continues_the_pages(self):
        first = self.sm.search(Resource=TC, MaxResults=1)
        second = self.sm.search(Resource=TC, MaxResults=1, NextToken=first["NextToken"],
                                SortBy="LastModifiedTime", SortOrder="Descending")
        self.assertNotEqual(first["Results"], second["Results"])


if __name__ == "__main__":
    unittest.main()
