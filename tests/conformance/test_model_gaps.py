"""Places where lineaged once differed from the API model or SEMANTICS.md, each checked
through boto3 as the acceptance suite would: an empty NextToken, self-associations, a
job's RunName in its run's Sources, tags on the lineage group, and the rest found by
auditing the List, Describe, Update and Delete operations."""

import unittest

from lineaged_client import (
    REGION, LineagedTestCase, body_of, client, fresh_account, group_arn, requires_endpoint, tags,
    unique_name, unique_uri)
from test_emulator_hook import deliver, job_arn, training_request


@requires_endpoint
class EmptyNextTokenTest(LineagedTestCase):
    """The model's NextToken has length 0 to 8192: "" is a valid value, and the only
    thing it can mean is no token, so it answers the first page."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.names = sorted(unique_name("tok") for _ in range(3))
        for name in cls.names:
            cls.sm.create_experiment(ExperimentName=name)
        cls.tc = unique_name("tok-tc")
        cls.sm.create_trial_component(TrialComponentName=cls.tc)
        cls.artifact = cls.sm.create_artifact(Source={"SourceUri": unique_uri()},
                                              ArtifactType="DataSet")["ArtifactArn"]
        cls.sm.add_association(SourceArn=cls.artifact,
                               DestinationArn=cls.sm.describe_trial_component(
                                   TrialComponentName=cls.tc)["TrialComponentArn"])

    def same_first_page(self, call, **kwargs):
        first = body_of(call(MaxResults=2, **kwargs))
        self.assertEqual(body_of(call(MaxResults=2, NextToken="", **kwargs)), first)
        return first

    def test_every_list_takes_an_empty_token_as_none(self):
        for call in (self.sm.list_experiments, self.sm.list_trials, self.sm.list_trial_components,
                     self.sm.list_artifacts, self.sm.list_actions, self.sm.list_contexts,
                     self.sm.list_associations, self.sm.list_lineage_groups):
            with self.subTest(call.__name__):
                self.same_first_page(call)

    def test_the_first_page_of_an_empty_token_pages_on(self):
        first = self.same_first_page(self.sm.list_experiments, SortBy="Name", SortOrder="Ascending")
        self.assertEqual([e["ExperimentName"] for e in first["ExperimentSummaries"]], self.names[:2])
        rest = self.sm.list_experiments(MaxResults=2, SortBy="Name", SortOrder="Ascending",
                                        NextToken=first["NextToken"])
        self.assertEqual([e["ExperimentName"] for e in rest["ExperimentSummaries"]], self.names[2:])
        self.assertNotIn("NextToken", rest)

    def test_list_tags_query_lineage_and_search_take_it_too(self):
        arn = self.sm.list_experiments(MaxResults=1)["ExperimentSummaries"][0]["ExperimentArn"]
        self.assertEqual(body_of(self.sm.list_tags(ResourceArn=arn, NextToken="")), {"Tags": []})
        out = self.sm.query_lineage(StartArns=[self.artifact], NextToken="")
        self.assertEqual(len(out["Vertices"]), 1)
        out = self.sm.search(Resource="Experiment", NextToken="")
        self.assertEqual(len(out["Results"]), 3)


@requires_endpoint
class SelfAssociationTest(LineagedTestCase):
    """An association joins two entities: one from an entity to itself is refused, as
    SEMANTICS refuses the other associations that carry no lineage."""

    @classmethod
    def setUpClass(cls):
        cls.sm = client(fresh_account())

    def test_artifact_to_itself_is_a_validation_exception_and_stores_nothing(self):
        arn = self.sm.create_artifact(Source={"SourceUri": unique_uri()},
                                      ArtifactType="DataSet")["ArtifactArn"]
        err = self.assertClientError("ValidationException", self.sm.add_association,
                                     SourceArn=arn, DestinationArn=arn)
        self.assertIn("itself", err["Error"]["Message"])
        self.assertIn(arn, err["Error"]["Message"])
        self.assertEqual(self.sm.list_associations(SourceArn=arn)["AssociationSummaries"], [])

    def test_ends_differing_only_in_case_are_the_same_entity(self):
        name = unique_name("Self")
        arn = self.sm.create_context(ContextName=name, ContextType="Endpoint",
                                     Source={"SourceUri": unique_uri()})["ContextArn"]
        upper = arn.replace(name.lower(), name)
        self.assertNotEqual(upper, arn)
        self.assertClientError("ValidationException", self.sm.add_association,
                               SourceArn=upper, DestinationArn=arn)
        self.assertEqual(self.sm.list_associations(DestinationArn=arn)["AssociationSummaries"], [])


@requires_endpoint
class RunSourcesTest(LineagedTestCase):
    """A job started with ExperimentConfig.RunName (the run's trial component name, as the
    SDK's Run.experiment_config gives it) appears in that run's Sources[]."""

    def setUp(self):
        self.account = fresh_account()
        self.sm = client(self.account)
        self.bucket = "s3://sagemaker-%s-%s" % (REGION, self.account)
        self.experiment, self.trial = unique_name("exp"), unique_name("group")
        self.run = "%s-%s" % (self.experiment, "run")
        self.sm.create_experiment(ExperimentName=self.experiment)
        self.sm.create_trial(TrialName=self.trial, ExperimentName=self.experiment)
        self.sm.create_trial_component(TrialComponentName=self.run)
        self.sm.associate_trial_component(TrialComponentName=self.run, TrialName=self.trial)

    def start(self, job, run):
        config = {"ExperimentName": self.experiment, "TrialName": self.trial, "RunName": run}
        return deliver(self.account, "CreateTrainingJob",
                       training_request(job, self.bucket, config),
                       {"TrainingJobArn": job_arn(self.account, "training-job", job)})

    def test_each_job_of_the_run_is_listed_once(self):
        self.assertNotIn("Sources", self.sm.describe_trial_component(TrialComponentName=self.run))
        first, second = unique_name("job"), unique_name("job")
        self.assertEqual(self.start(first, self.run).status, 200)
        before = self.sm.describe_trial_component(TrialComponentName=self.run)
        self.assertEqual(before["Sources"], [{
            "SourceArn": job_arn(self.account, "training-job", first),
            "SourceType": "SageMakerTrainingJob"}])
        # Delivered again: nothing changes, not even the modification time.
        self.assertEqual(self.start(first, self.run.upper()).status, 200)
        again = self.sm.describe_trial_component(TrialComponentName=self.run)
        self.assertEqual(again["Sources"], before["Sources"])
        self.assertEqual(again["LastModifiedTime"], before["LastModifiedTime"])
        self.assertEqual(self.start(second, self.run).status, 200)
        out = self.sm.describe_trial_component(TrialComponentName=self.run)
        self.assertEqual(sorted(s["SourceArn"] for s in out["Sources"]),
                         sorted(job_arn(self.account, "training-job", j) for j in (first, second)))
        # The job keeps its own component, in the run's trial.
        comps = self.sm.list_trial_components(TrialName=self.trial)["TrialComponentSummaries"]
        self.assertEqual(sorted(c["TrialComponentName"] for c in comps),
                         sorted([self.run, first + "-aws-training-job",
                                 second + "-aws-training-job"]))

    def test_a_processing_job_described_later_is_listed_with_its_own_type(self):
        job = unique_name("prep")
        done = {
            "ProcessingJobName": job, "ProcessingJobStatus": "Completed",
            "ProcessingJobArn": job_arn(self.account, "processing-job", job),
            "AppSpecification": {"ImageUri": "123.dkr.ecr.us-east-1.amazonaws.com/sklearn:1"},
            "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1,
                                                      "InstanceType": "ml.m5.large",
                                                      "VolumeSizeInGB": 20}},
            "RoleArn": "arn:aws:iam::123456789012:role/sm",
            "ExperimentConfig": {"ExperimentName": self.experiment, "TrialName": self.trial,
                                 "RunName": self.run},
        }
        self.assertEqual(deliver(self.account, "DescribeProcessingJob", response=done).status, 200)
        out = self.sm.describe_trial_component(TrialComponentName=self.run)
        self.assertEqual(out["Sources"], [{"SourceArn": done["ProcessingJobArn"],
                                           "SourceType": "SageMakerProcessingJob"}])

    def test_a_missing_run_stores_nothing(self):
        job = unique_name("job")
        reply = self.start(job, "no-such-run")
        self.assertErrorReply(reply, "ResourceNotFound")
        self.assertIn("no-such-run", reply.json()["message"])
        self.assertClientError("ResourceNotFound", self.sm.describe_trial_component,
                               TrialComponentName=job + "-aws-training-job")


@requires_endpoint
class LineageGroupTagsTest(LineagedTestCase):
    """AddTags, ListTags and DeleteTags take the lineage group's ARN (a taggable SageMaker
    resource) as they take an entity's; the group exists once the account has a lineage
    entity."""

    def setUp(self):
        self.account = fresh_account()
        self.sm = client(self.account)
        self.arn = group_arn(self.account)

    def test_before_the_first_lineage_entity_the_group_is_not_found(self):
        err = self.assertClientError("ValidationException", self.sm.list_tags, ResourceArn=self.arn)
        self.assertIn(self.arn, err["Error"]["Message"])
        self.assertClientError("ValidationException", self.sm.add_tags, ResourceArn=self.arn,
                               Tags=tags(("k", "v")))

    def test_add_list_and_delete(self):
        self.sm.create_artifact(Source={"SourceUri": unique_uri()}, ArtifactType="DataSet")
        self.assertEqual(body_of(self.sm.list_tags(ResourceArn=self.arn)), {"Tags": []})
        out = self.sm.add_tags(ResourceArn=self.arn, Tags=tags(("team", "ml"), ("env", "dev")))
        self.assertEqual(body_of(out), {"Tags": tags(("team", "ml"), ("env", "dev"))})
        self.sm.add_tags(ResourceArn=self.arn.upper().replace("ARN:AWS:SAGEMAKER:US-EAST-1",
                                                              "arn:aws:sagemaker:us-east-1"),
                         Tags=tags(("env", "prod")))
        page = self.sm.list_tags(ResourceArn=self.arn, MaxResults=50)
        self.assertEqual(body_of(page), {"Tags": tags(("team", "ml"), ("env", "prod"))})
        self.assertEqual(body_of(self.sm.delete_tags(ResourceArn=self.arn, TagKeys=["team"])), {})
        self.assertEqual(self.sm.list_tags(ResourceArn=self.arn)["Tags"], tags(("env", "prod")))

    def test_the_fifty_tag_limit_and_paging_hold(self):
        self.sm.create_context(ContextName=unique_name("ctx"), ContextType="Endpoint",
                               Source={"SourceUri": unique_uri()})
        self.sm.add_tags(ResourceArn=self.arn, Tags=tags(*[("k%02d" % i, "v") for i in range(50)]))
        self.assertClientError("ValidationException", self.sm.add_tags, ResourceArn=self.arn,
                               Tags=tags(("one-more", "v")))
        first = self.sm.list_tags(ResourceArn=self.arn, MaxResults=50)
        self.assertEqual(len(first["Tags"]), 50)
        self.assertNotIn("NextToken", first)

    def test_another_accounts_group_is_not_found(self):
        self.sm.create_artifact(Source={"SourceUri": unique_uri()}, ArtifactType="DataSet")
        self.sm.add_tags(ResourceArn=self.arn, Tags=tags(("k", "v")))
        other = client(fresh_account())
        other.create_artifact(Source={"SourceUri": unique_uri()}, ArtifactType="DataSet")
        self.assertClientError("ValidationException", other.list_tags, ResourceArn=self.arn)
        self.assertClientError("ValidationException", other.delete_tags, ResourceArn=self.arn,
                               TagKeys=["k"])
        self.assertEqual(self.sm.list_tags(ResourceArn=self.arn)["Tags"], tags(("k", "v")))


if __name__ == "__main__":
    unittest.main()
