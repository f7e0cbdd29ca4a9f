"""Tenant isolation through every operation family: one account builds a small graph
(experiment, trial, component with parameters and metrics, artifact, action, context,
associations, tags); a second account names those resources by name and by ARN in every
family of operations and must find nothing, change nothing and list nothing of it."""

import time
import unittest

from lineaged_client import (
    LineagedTestCase, client, fresh_account, requires_endpoint, unique_name, unique_uri)


@requires_endpoint
class CrossTenantTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        owner, other = fresh_account(), fresh_account()
        cls.owner, cls.other = client(owner), client(other)
        cls.owner_metrics = client(owner, service="sagemaker-metrics")
        cls.other_metrics = client(other, service="sagemaker-metrics")
        o, n = cls.owner, unique_name("iso")
        cls.names = {"experiment": n, "trial": n + "-t", "component": n + "-c"}
        cls.exp = o.create_experiment(ExperimentName=n)["ExperimentArn"]
        cls.trial = o.create_trial(TrialName=n + "-t", ExperimentName=n)["TrialArn"]
        cls.tc = o.create_trial_component(
            TrialComponentName=n + "-c",
            Parameters={"lr": {"NumberValue": 0.5}})["TrialComponentArn"]
        o.associate_trial_component(TrialComponentName=n + "-c", TrialName=n + "-t")
        cls.owner_metrics.batch_put_metrics(TrialComponentName=n + "-c", MetricData=[
            {"MetricName": "loss", "Value": 1.0, "Timestamp": time.time(), "Step": 1}])
        cls.uri = unique_uri()
        cls.artifact = o.create_artifact(Source={"SourceUri": cls.uri},
                                         ArtifactType="DataSet")["ArtifactArn"]
        cls.action = o.create_action(ActionName=n + "-a", ActionType="Train",
                                     Source={"SourceUri": unique_uri()})["ActionArn"]
        cls.context = o.create_context(ContextName=n + "-x", ContextType="Endpoint",
                                       Source={"SourceUri": unique_uri()})["ContextArn"]
        o.add_association(SourceArn=cls.artifact, DestinationArn=cls.action)
        o.add_association(SourceArn=cls.action, DestinationArn=cls.context)
        for arn in (cls.exp, cls.artifact, cls.context):
            o.add_tags(ResourceArn=arn, Tags=[{"Key": "owner", "Value": "yes"}])

    def not_found(self, fn, code="ResourceNotFound", **kwargs):
        with self.subTest(op=fn.__name__, args=kwargs):
            self.assertClientError(code, fn, **kwargs)

    def test_describes_by_name_and_arn_are_not_found(self):
        o, n = self.other, self.names
        self.not_found(o.describe_experiment, ExperimentName=n["experiment"])
        self.not_found(o.describe_trial, TrialName=n["trial"])
        self.not_found(o.describe_trial_component, TrialComponentName=n["component"])
        self.not_found(o.describe_artifact, ArtifactArn=self.artifact)
        self.not_found(o.describe_action, ActionName=n["experiment"] + "-a")
        self.not_found(o.describe_context, ContextName=n["experiment"] + "-x")

    def test_writes_are_not_found_and_change_nothing(self):
        o, n = self.other, self.names
        self.not_found(o.update_experiment, ExperimentName=n["experiment"], DisplayName="x")
        self.not_found(o.update_trial, TrialName=n["trial"], DisplayName="x")
        self.not_found(o.update_trial_component, TrialComponentName=n["component"],
                       Parameters={"lr": {"NumberValue": 9}})
        self.not_found(o.update_artifact, ArtifactArn=self.artifact, ArtifactName="x")
        self.not_found(o.update_action, ActionName=n["experiment"] + "-a", Status="Failed")
        self.not_found(o.update_context, ContextName=n["experiment"] + "-x", Description="x")
        self.not_found(o.delete_artifact, ArtifactArn=self.artifact)
        self.not_found(o.delete_action, ActionName=n["experiment"] + "-a")
        self.not_found(o.delete_context, ContextName=n["experiment"] + "-x")
        self.not_found(o.delete_trial, TrialName=n["trial"])
        self.not_found(o.disassociate_trial_component, TrialComponentName=n["component"],
                       TrialName=n["trial"])
        self.not_found(o.delete_association, SourceArn=self.artifact, DestinationArn=self.action)
        self.not_found(o.add_association, SourceArn=self.action, DestinationArn=self.artifact)
        # The tag operations model no error shapes: a resource they cannot see is a
        # ValidationException.
        self.not_found(o.add_tags, "ValidationException", ResourceArn=self.context,
                       Tags=[{"Key": "k", "Value": "v"}])
        self.not_found(o.delete_tags, "ValidationException", ResourceArn=self.context,
                       TagKeys=["owner"])
        self.not_found(o.list_tags, "ValidationException", ResourceArn=self.artifact)
        with self.subTest(op="batch_put_metrics"):
            out = self.other_metrics.batch_put_metrics(TrialComponentName=self.names["component"], MetricData=[
                {"MetricName": "loss", "Value": 99.0, "Timestamp": time.time()}])
            self.assertTrue(out.get("Errors"), out)
        own = self.owner
        tc = own.describe_trial_component(TrialComponentName=n["component"])
        self.assertEqual(tc["Parameters"], {"lr": {"NumberValue": 0.5}})
        self.assertEqual([m["Count"] for m in tc["Metrics"]], [1])
        self.assertEqual(own.list_tags(ResourceArn=self.context)["Tags"],
                         [{"Key": "owner", "Value": "yes"}])
        self.assertEqual(len(own.list_associations(SourceArn=self.artifact)["AssociationSummaries"]), 1)
        self.assertEqual(len(own.list_trial_components(TrialName=n["trial"])["TrialComponentSummaries"]), 1)

    def test_lists_and_filters_show_nothing_of_the_owner(self):
        o, n = self.other, self.names
        self.assertEqual(o.list_experiments()["ExperimentSummaries"], [])
        self.assertEqual(o.list_trials()["TrialSummaries"], [])
        self.assertEqual(o.list_trial_components()["TrialComponentSummaries"], [])
        self.assertEqual(o.list_artifacts(SourceUri=self.uri)["ArtifactSummaries"], [])
        self.assertEqual(o.list_artifacts()["ArtifactSummaries"], [])
        self.assertEqual(o.list_actions()["ActionSummaries"], [])
        self.assertEqual(o.list_contexts()["ContextSummaries"], [])
        self.assertEqual(o.list_associations()["AssociationSummaries"], [])
        self.assertEqual(o.list_associations(SourceArn=self.artifact)["AssociationSummaries"], [])
        self.not_found(o.list_trials, ExperimentName=n["experiment"])
        self.not_found(o.list_trial_components, TrialName=n["trial"])

    def test_query_lineage_and_search_see_nothing_of_the_owner(self):
        o = self.other
        self.not_found(o.query_lineage, StartArns=[self.artifact], Direction="Both",
                       IncludeEdges=True)
        for resource in ("Experiment", "ExperimentTrial", "ExperimentTrialComponent"):
            with self.subTest(op="search", resource=resource):
                self.assertEqual(o.search(Resource=resource)["Results"], [])
        with self.subTest(op="search by parameter"):
            self.assertEqual(o.search(Resource="ExperimentTrialComponent", SearchExpression={
                "Filters": [{"Name": "Parameters.lr", "Operator": "Equals", "Value": "0.5"}]})
                ["Results"], [])
        with self.subTest(op="list_lineage_groups"):
            self.assertEqual(o.list_lineage_groups()["LineageGroupSummaries"], [])


if __name__ == "__main__":
    unittest.main()
