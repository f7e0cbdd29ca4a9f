"""Search and GetSearchSuggestions through boto3: every operator on text, number, time and
parameter properties, And/Or, nested filters and subexpressions, sorting with missing
values last, pages to the end with TotalHits, the errors for unknown properties, wrong
types and the Contains limit, the SageMaker SDK's own queries, and tenant isolation.
Each class works in its own fresh account."""

import datetime
import os
import subprocess
import time
import unittest

import boto3
from botocore.config import Config

from lineaged_client import (
    ENDPOINT, LineagedTestCase, REGION, SECRET, at, body_of, client, fresh_account,
    requires_endpoint, tags, tc_arn)

TC = "ExperimentTrialComponent"
NOW = int(time.time())
DAY = 86400
RUN_TAG = {"Key": "sagemaker:trial-component-source", "Value": "run"}


def metrics_client(account):
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    return boto3.session.Session().client(
        "sagemaker-metrics", endpoint_url=ENDPOINT, region_name=REGION,
        aws_access_key_id=account, aws_secret_access_key=SECRET, config=config)


def flt(name, op=None, value=None):
    f = {"Name": name}
    if op:
        f["Operator"] = op
    if value is not None:
        f["Value"] = value
    return f


# The components of the fixture: name -> (lr, opt, team tag, acc metric values,
# start time in days before now, primary status). None means absent.
COMPONENTS = {
    "c0": (0.0, "sgd", "red", [0.5, 0.6], 6, "Completed"),
    "c1": (0.1, "adam", "blue", [0.7, 0.9], 5, "Completed"),
    "c2": (0.2, "sgd", "red", None, 4, "InProgress"),
    "c3": (0.3, "adam", None, [0.2], 3, "Failed"),
    "c4": (None, "sgd", "blue", [0.95, 0.1, 0.3], 2, "Completed"),
    "c5": (10.0, None, "red", [0.4], 1, None),
}


class SearchCase(LineagedTestCase):
    """A fresh account holding exp-a/trial-a with c0, c1, c2; exp-b/trial-b with c1,
    c3, c4; and c5 in no trial."""

    @classmethod
    def setUpClass(cls):
        if not ENDPOINT:
            raise unittest.SkipTest("LINEAGED_ENDPOINT is not set")
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        sm = cls.sm
        sm.create_experiment(ExperimentName="exp-a", DisplayName="Alpha-study",
                             Tags=tags(("team", "red")))
        sm.create_experiment(ExperimentName="exp-b", Description="second")
        sm.create_trial(TrialName="trial-a", ExperimentName="exp-a", Tags=tags(("stage", "dev")))
        sm.create_trial(TrialName="trial-b", ExperimentName="exp-b")
        points = []
        for name, (lr, opt, team, acc, start, status) in COMPONENTS.items():
            params = {}
            if lr is not None:
                params["lr"] = {"NumberValue": lr}
            if opt is not None:
                params["opt"] = {"StringValue": opt}
            kwargs = dict(TrialComponentName=name, DisplayName="Run-%s-display" % name,
                          Parameters=params, StartTime=at(NOW - start * DAY),
                          InputArtifacts={"data": {"Value": "s3://bucket/%s.csv" % name,
                                                   "MediaType": "text/csv"}})
            if team:
                kwargs["Tags"] = tags(("team", team))
            if status:
                kwargs["Status"] = {"PrimaryStatus": status}
            sm.create_trial_component(**kwargs)
            if acc:
                points.append((name, acc))
        for tc, trial in [("c0", "trial-a"), ("c1", "trial-a"), ("c2", "trial-a"),
                          ("c1", "trial-b"), ("c3", "trial-b"), ("c4", "trial-b")]:
            sm.associate_trial_component(TrialComponentName=tc, TrialName=trial)
        metrics = metrics_client(cls.account)
        for name, acc in points:
            data = [{"MetricName": "acc", "Timestamp": at(NOW - 3600 + i), "Value": v, "Step": i}
                    for i, v in enumerate(acc)]
            out = metrics.batch_put_metrics(TrialComponentName=name, MetricData=data)
            assert not out.get("Errors"), out

    def search(self, resource=TC, **kwargs):
        return self.sm.search(Resource=resource, **kwargs)

    def names(self, *filters, operator=None, page=100, resource=TC, **kwargs):
        """The record names of every page of a search, in order."""
        if filters:
            kwargs["SearchExpression"] = {"Filters": list(filters)}
            if operator:
                kwargs["SearchExpression"]["Operator"] = operator
        member = {TC: ("TrialComponent", "TrialComponentName"),
                  "ExperimentTrial": ("Trial", "TrialName"),
                  "Experiment": ("Experiment", "ExperimentName")}[resource]
        out, token = [], None
        for _ in range(50):
            args = dict(kwargs, MaxResults=page)
            if token:
                args["NextToken"] = token
            reply = self.search(resource, **args)
            out += [r[member[0]][member[1]] for r in reply["Results"]]
            token = reply.get("NextToken")
            if not token:
                return out
        self.fail("pagination does not end")

    def assertMatches(self, expected, *filters, **kwargs):
        self.assertEqual(sorted(self.names(*filters, **kwargs)), sorted(expected), filters)

    def assertInvalid(self, fragment, **kwargs):
        response = self.assertClientError("ValidationException", self.search, **kwargs)
        self.assertIn(fragment, response["Error"]["Message"])
        return response


@requires_endpoint
class OperatorTest(SearchCase):
    def test_text_equals_and_not_equals(self):
        self.assertMatches(["c2"], flt("DisplayName", "Equals", "Run-c2-display"))
        self.assertMatches(["c2"], flt("DisplayName", value="Run-c2-display"))  # no Operator: Equals
        others = ["c0", "c1", "c3", "c4", "c5"]
        self.assertMatches(others, flt("DisplayName", "NotEquals", "Run-c2-display"))

    def test_missing_property_matches_only_not_equals_and_not_exists(self):
        # c3 has no team tag, c5 no status.
        self.assertMatches(["c1", "c3", "c4"], flt("Tags.team", "NotEquals", "red"))
        self.assertMatches(["c3"], flt("Tags.team", "NotExists"))
        self.assertMatches(["c0", "c1", "c2", "c4", "c5"], flt("Tags.team", "Exists"))
        self.assertMatches(["c5"], flt("Status.PrimaryStatus", "NotExists"))
        self.assertMatches(["c2", "c3", "c5"], flt("Status.PrimaryStatus", "NotEquals", "Completed"))
        self.assertMatches([], flt("Tags.team", "Contains", "e"), flt("Tags.team", "NotExists"))

    def test_contains_and_in_on_text(self):
        self.assertMatches(["c0", "c2", "c5"], flt("Tags.team", "Contains", "re"))
        self.assertMatches(["c3"], flt("TrialComponentName", "Contains", "3"))
        self.assertMatches(["c0", "c1", "c2", "c3", "c4"], flt("Status.PrimaryStatus", "In", "Completed,InProgress,Failed"))
        self.assertMatches(["c2", "c3"], flt("Status.PrimaryStatus", "In", "InProgress,Failed"))

    def test_number_parameters_compare_as_numbers(self):
        # As text "10.0" < "2"; as numbers 10 > 0.2.
        self.assertMatches(["c3", "c5"], flt("Parameters.lr", "GreaterThan", "0.2"))
        self.assertMatches(["c2", "c3", "c5"], flt("Parameters.lr", "GreaterThanOrEqualTo", "0.2"))
        self.assertMatches(["c0", "c1"], flt("Parameters.lr", "LessThan", "0.2"))
        self.assertMatches(["c0", "c1", "c2"], flt("Parameters.lr", "LessThanOrEqualTo", "0.20"))
        self.assertMatches(["c5"], flt("Parameters.lr", "Equals", "1e1"))
        self.assertMatches(["c0", "c1", "c2", "c3", "c4"], flt("Parameters.lr", "NotEquals", "10"))
        self.assertMatches(["c0", "c3"], flt("Parameters.lr", "In", "0,0.3,x"))

    def test_string_parameters_compare_as_text(self):
        self.assertMatches(["c1", "c3"], flt("Parameters.opt", "Equals", "adam"))
        self.assertMatches(["c0", "c2", "c4"], flt("Parameters.opt", "Contains", "gd"))
        self.assertMatches(["c0", "c1", "c2", "c3", "c4"], flt("Parameters.opt", "In", "adam,sgd"))
        self.assertMatches(["c5"], flt("Parameters.opt", "NotExists"))
        self.assertMatches(["c4"], flt("Parameters.lr", "NotExists"))

    def test_metric_statistics_compare_as_numbers(self):
        self.assertMatches(["c1", "c4"], flt("Metrics.acc.Max", "GreaterThan", "0.8"))
        self.assertMatches(["c3", "c4"], flt("Metrics.acc.Min", "LessThanOrEqualTo", "0.2"))
        self.assertMatches(["c4"], flt("Metrics.acc.Count", "Equals", "3"))
        self.assertMatches(["c4"], flt("Metrics.acc.Last", "Equals", "0.3"))
        self.assertMatches(["c1"], flt("Metrics.acc.Avg", "GreaterThanOrEqualTo", "0.75"))
        self.assertMatches(["c3", "c5"], flt("Metrics.acc.StdDev", "Equals", "0"))
        self.assertMatches(["c2"], flt("Metrics.acc.Max", "NotExists"))
        # The family and the statistic ignore case; the metric name does not.
        self.assertMatches(["c1", "c4"], flt("metrics.acc.max", "GreaterThan", "0.8"))
        self.assertMatches([], flt("Metrics.ACC.Max", "Exists"))

    def test_times_compare_as_times(self):
        cut = datetime.datetime.fromtimestamp(NOW - int(3.5 * DAY), datetime.timezone.utc)
        iso = cut.strftime("%Y-%m-%dT%H:%M:%S")
        self.assertMatches(["c3", "c4", "c5"], flt("StartTime", "GreaterThan", iso))
        self.assertMatches(["c0", "c1", "c2"], flt("StartTime", "LessThanOrEqualTo", iso))
        self.assertMatches(["c0", "c1", "c2", "c3", "c4", "c5"],
                           flt("CreationTime", "GreaterThan", "2020-01-01T00:00:00"))
        self.assertMatches([], flt("CreationTime", "LessThan", "2020-01-01T00:00:00Z"))

    def test_artifacts_record_prefix_and_source(self):
        self.assertMatches(["c2"], flt("InputArtifacts.data.Value", "Equals", "s3://bucket/c2.csv"))
        self.assertMatches(["c0", "c1", "c2", "c3", "c4", "c5"],
                           flt("TrialComponent.InputArtifacts.data.MediaType", "Equals", "text/csv"))
        self.assertMatches([], flt("OutputArtifacts.data.Value", "Exists"))
        self.assertMatches(["c0", "c1", "c2", "c3", "c4", "c5"], flt("Source.SourceArn", "NotExists"))


@requires_endpoint
class ExpressionTest(SearchCase):
    def test_and_is_the_default_and_or_takes_any(self):
        red, adam = flt("Tags.team", "Equals", "red"), flt("Parameters.opt", "Equals", "adam")
        self.assertMatches([], red, adam)
        self.assertMatches([], red, adam, operator="And")
        self.assertMatches(["c0", "c1", "c2", "c3", "c5"], red, adam, operator="Or")

    def test_sub_expressions_nest(self):
        expr = {"Operator": "Or", "SubExpressions": [
            {"Filters": [flt("Tags.team", "Equals", "blue"), flt("Parameters.opt", "Equals", "sgd")]},
            {"Filters": [flt("Parameters.lr", "GreaterThan", "5")]},
            {"SubExpressions": [{"Filters": [flt("TrialComponentName", "Equals", "c3")]}]},
        ]}
        self.assertEqual(sorted(self.names(SearchExpression=expr)), ["c3", "c4", "c5"])
        single = {"SubExpressions": [{"Filters": [flt("TrialComponentName", "Equals", "c1")]}]}
        self.assertEqual(self.names(SearchExpression=single), ["c1"])

    def test_parents_and_nested_filters_match_one_element(self):
        self.assertMatches(["c0", "c1", "c2"], flt("Parents.TrialName", "Equals", "trial-a"))
        self.assertMatches(["c1", "c3", "c4"], flt("Parents.ExperimentName", "Equals", "exp-b"))
        self.assertMatches(["c5"], flt("Parents.TrialName", "NotExists"))
        # c1 is in trial-a (exp-a) and trial-b (exp-b): plain filters match it, a
        # nested filter needs one parent with both.
        self.assertMatches(["c1"], flt("Parents.TrialName", "Equals", "trial-a"),
                           flt("Parents.ExperimentName", "Equals", "exp-b"))
        nested = {"NestedFilters": [{"NestedPropertyName": "Parents", "Filters": [
            flt("Parents.TrialName", "Equals", "trial-a"),
            flt("Parents.ExperimentName", "Equals", "exp-b")]}]}
        self.assertEqual(self.names(SearchExpression=nested), [])
        nested["NestedFilters"][0]["Filters"][1]["Value"] = "exp-a"
        self.assertEqual(sorted(self.names(SearchExpression=nested)), ["c0", "c1", "c2"])

    def test_nested_filters_on_tags_and_metrics(self):
        tag = {"NestedFilters": [{"NestedPropertyName": "Tags", "Filters": [
            flt("Tags.Key", "Equals", "team"), flt("Tags.Value", "Equals", "blue")]}]}
        self.assertEqual(sorted(self.names(SearchExpression=tag)), ["c1", "c4"])
        metric = {"NestedFilters": [{"NestedPropertyName": "Metrics", "Filters": [
            flt("Metrics.MetricName", "Equals", "acc"), flt("Metrics.Max", "GreaterThan", "0.9")]}]}
        self.assertEqual(self.names(SearchExpression=metric), ["c4"])

    def test_nested_filter_on_a_non_list_property_fails(self):
        expr = {"NestedFilters": [{"NestedPropertyName": "TrialComponentName",
                                   "Filters": [flt("TrialComponentName", "Equals", "c1")]}]}
        self.assertInvalid("TrialComponentName", SearchExpression=expr)

    def test_visibility_conditions_keep_records_without_the_key(self):
        out = self.names(VisibilityConditions=[{"Key": "Tags.team", "Value": "red"}])
        self.assertEqual(sorted(out), ["c0", "c2", "c3", "c5"])


@requires_endpoint
class SortAndPageTest(SearchCase):
    def test_default_is_last_modified_descending(self):
        self.sm.update_trial_component(TrialComponentName="c2", DisplayName="Run-c2-display")
        out = self.search()
        self.assertEqual(out["Results"][0]["TrialComponent"]["TrialComponentName"], "c2")
        times = [r["TrialComponent"]["LastModifiedTime"] for r in out["Results"]]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_sort_by_parameter_both_ways_with_missing_last(self):
        self.assertEqual(self.names(SortBy="Parameters.lr", SortOrder="Ascending"),
                         ["c0", "c1", "c2", "c3", "c5", "c4"])
        self.assertEqual(self.names(SortBy="Parameters.lr", SortOrder="Descending"),
                         ["c5", "c3", "c2", "c1", "c0", "c4"])
        # Pages of one cut the same order.
        self.assertEqual(self.names(SortBy="Parameters.lr", SortOrder="Ascending", page=1),
                         ["c0", "c1", "c2", "c3", "c5", "c4"])

    def test_sort_by_metric_both_ways_with_missing_last(self):
        asc = self.names(SortBy="Metrics.acc.Max", SortOrder="Ascending", page=2)
        maxes = {"c0": 0.6, "c1": 0.9, "c3": 0.2, "c4": 0.95, "c5": 0.4}
        self.assertEqual(asc, sorted(maxes, key=maxes.get) + ["c2"])
        desc = self.names(SortBy="metrics.acc.max", page=2)
        self.assertEqual(desc, sorted(maxes, key=maxes.get, reverse=True) + ["c2"])

    def test_matches_read_from_parameters_sort_by_metric_and_parameter(self):
        # Parameter filters with a sort that needs no record column: the
        # matches come from the parameter index, the metric filter shares the
        # sort value; pages of one, both ways, missing values last.
        sgd = flt("Parameters.opt", "Equals", "sgd")
        cases = [
            ((sgd,), "Metrics.acc.Max", ["c0", "c4", "c2"], ["c4", "c0", "c2"]),
            ((sgd, flt("Metrics.acc.Max", "GreaterThan", "0.3")), "Metrics.acc.Max", ["c0", "c4"], ["c4", "c0"]),
            ((sgd, flt("Metrics.acc.Max", "GreaterThan", "0.3"), flt("Tags.team", "Equals", "blue")),
             "Metrics.acc.Max", ["c4"], ["c4"]),
            ((sgd,), "Parameters.lr", ["c0", "c2", "c4"], ["c2", "c0", "c4"]),
        ]
        for filters, sort, ascending, descending in cases:
            for order, expected in (("Ascending", ascending), ("Descending", descending)):
                self.assertEqual(self.names(*filters, SortBy=sort, SortOrder=order, page=1), expected,
                                 (filters, sort, order))
                out = self.search(SearchExpression={"Filters": list(filters)}, SortBy=sort, SortOrder=order)
                self.assertEqual(out["TotalHits"], {"Value": len(expected), "Relation": "EqualTo"})
        either = [flt("Parameters.opt", "Equals", "adam"), flt("Parameters.lr", "GreaterThan", "5")]
        self.assertEqual(self.names(*either, operator="Or", SortBy="Metrics.acc.Max", SortOrder="Ascending",
                                    page=2), ["c3", "c5", "c1"])

    def test_sort_by_text_field_and_tag(self):
        self.assertEqual(self.names(SortBy="TrialComponentName", SortOrder="Ascending", page=4),
                         ["c0", "c1", "c2", "c3", "c4", "c5"])
        out = self.names(SortBy="Tags.team", SortOrder="Ascending", page=1)
        self.assertEqual(out[-1], "c3")
        self.assertEqual(sorted(out[:2]), ["c1", "c4"])

    def test_pages_to_the_end_with_total_hits(self):
        seen, token, pages = [], None, 0
        while True:
            args = {"MaxResults": 4, "SortBy": "CreationTime"}
            if token:
                args["NextToken"] = token
            out = self.search(**args)
            self.assertEqual(out["TotalHits"], {"Value": 6, "Relation": "EqualTo"})
            seen += [r["TrialComponent"]["TrialComponentName"] for r in out["Results"]]
            pages += 1
            token = out.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, 2)
        self.assertEqual(sorted(seen), sorted(COMPONENTS))
        self.assertEqual(len(seen), len(set(seen)))

    def test_total_hits_counts_matches_not_the_page(self):
        out = self.search(SearchExpression={"Filters": [flt("Tags.team", "Equals", "red")]}, MaxResults=1)
        self.assertEqual(out["TotalHits"], {"Value": 3, "Relation": "EqualTo"})
        self.assertEqual(len(out["Results"]), 1)
        self.assertIn("NextToken", out)

    def test_token_of_another_query_is_rejected(self):
        token = self.search(MaxResults=1)["NextToken"]
        self.assertInvalid("NextToken", MaxResults=1, NextToken=token, SortBy="CreationTime")
        self.assertInvalid("NextToken", MaxResults=1, NextToken=token + "x")
        # MaxResults may change from page to page.
        self.assertEqual(len(self.search(MaxResults=3, NextToken=token)["Results"]), 3)


@requires_endpoint
class ErrorTest(SearchCase):
    def test_unknown_properties_are_named(self):
        for name in ["Nope", "Parameters", "Metrics.acc", "Metrics.acc.Median",
                     "InputArtifacts.data.Size", "Experiment.TrialComponentName"]:
            with self.subTest(name=name):
                self.assertInvalid(name, SearchExpression={"Filters": [flt(name, "Exists")]})
        self.assertInvalid("Bogus", SortBy="Bogus")

    def test_range_on_text_is_rejected(self):
        response = self.assertInvalid("GreaterThan", SearchExpression={
            "Filters": [flt("DisplayName", "GreaterThan", "a")]})
        self.assertIn("DisplayName", response["Error"]["Message"])

    def test_value_that_does_not_parse_as_the_type_is_rejected(self):
        self.assertInvalid("'abc'", SearchExpression={"Filters": [flt("Metrics.acc.Max", "Equals", "abc")]})
        self.assertInvalid("'yesterday'", SearchExpression={"Filters": [flt("CreationTime", "LessThan", "yesterday")]})
        self.assertInvalid("'x'", SearchExpression={"Filters": [flt("Parameters.lr", "LessThan", "x")]})
        self.assertInvalid("Contains", SearchExpression={"Filters": [flt("Metrics.acc.Max", "Contains", "1")]})

    def test_filter_without_value_is_rejected(self):
        self.assertInvalid("needs a Value", SearchExpression={"Filters": [flt("DisplayName", "Equals")]})

    def test_one_contains_outside_the_exempt_fields(self):
        two = [flt("Status.PrimaryStatus", "Contains", "Comp"), flt("Parameters.opt", "Contains", "a")]
        self.assertInvalid("'CONTAINS' operator usage limit of 1 exceeded.",
                           SearchExpression={"Filters": two})
        # Names, display names, tags and artifacts are exempt.
        exempt = [flt("DisplayName", "Contains", "Run"), flt("TrialComponentName", "Contains", "c"),
                  flt("Tags.team", "Contains", "r"), flt("InputArtifacts.data.Value", "Contains", "s3"),
                  flt("Parameters.opt", "Contains", "g")]
        self.assertEqual(sorted(self.names(*exempt)), ["c0", "c2"])

    def test_expression_limits(self):
        self.assertInvalid("SearchExpression", SearchExpression={})
        subs = [{"Filters": [flt("Tags.k%d" % i, "NotExists") for i in range(17)]} for _ in range(3)]
        self.assertInvalid("at most 50", SearchExpression={"SubExpressions": subs})
        twenty_one = [flt("Tags.k%d" % i, "NotExists") for i in range(21)]
        validating_off = client(self.account, validate=False)
        response = self.assertClientError("ValidationException", validating_off.search, Resource=TC,
                                          SearchExpression={"Filters": twenty_one})
        self.assertIn("20", response["Error"]["Message"])

    def test_unserved_resource_is_rejected(self):
        self.assertInvalid("TrainingJob", resource="TrainingJob")

    def test_injection_text_is_only_data(self):
        hostile = "x'); drop table entity; --"
        self.assertMatches([], flt("Tags.%s" % hostile, "Equals", hostile))
        self.assertMatches([], flt("Parameters.%s" % hostile, "Contains", hostile))
        self.assertMatches([], flt("Metrics.%s.Max" % hostile, "Exists"))
        self.assertEqual(len(self.names()), 6)


@requires_endpoint
class RecordShapeTest(SearchCase):
    def test_component_record_has_parents_tags_metrics_and_parameters(self):
        out = self.search(SearchExpression={"Filters": [flt("TrialComponentName", "Equals", "c1")]})
        tc = out["Results"][0]["TrialComponent"]
        self.assertEqual(sorted(tc["Parents"], key=lambda p: p["TrialName"]),
                         [{"TrialName": "trial-a", "ExperimentName": "exp-a"},
                          {"TrialName": "trial-b", "ExperimentName": "exp-b"}])
        self.assertEqual(tc["Tags"], tags(("team", "blue")))
        self.assertEqual(tc["Parameters"], {"lr": {"NumberValue": 0.1}, "opt": {"StringValue": "adam"}})
        self.assertEqual(tc["InputArtifacts"]["data"]["Value"], "s3://bucket/c1.csv")
        self.assertEqual(tc["Status"], {"PrimaryStatus": "Completed"})
        (acc,) = tc["Metrics"]
        self.assertEqual((acc["MetricName"], acc["Max"], acc["Min"], acc["Count"]), ("acc", 0.9, 0.7, 2))
        self.assertEqual(tc["TrialComponentArn"], tc_arn("c1", self.account))
        described = body_of(self.sm.describe_trial_component(TrialComponentName="c1"))
        for key in ["TrialComponentName", "DisplayName", "CreationTime", "LastModifiedTime", "StartTime",
                    "Parameters", "InputArtifacts", "Metrics", "LineageGroupArn"]:
            self.assertEqual(tc[key], described[key], key)
        self.assertNotIn("Source", tc)

    def test_component_records_are_found_by_their_lineage_group(self):
        group = self.sm.describe_trial_component(TrialComponentName="c1")["LineageGroupArn"]
        self.assertEqual(sorted(self.names(flt("LineageGroupArn", "Equals", group))),
                         sorted(COMPONENTS))
        self.assertEqual(self.names(flt("LineageGroupArn", "Equals", group + "-other")), [])

    def test_trial_record_has_component_summaries(self):
        out = self.search("ExperimentTrial", SearchExpression={
            "Filters": [flt("ExperimentName", "Equals", "exp-a")]})
        (rec,) = out["Results"]
        trial = rec["Trial"]
        self.assertEqual((trial["TrialName"], trial["ExperimentName"]), ("trial-a", "exp-a"))
        self.assertEqual(trial["Tags"], tags(("stage", "dev")))
        self.assertEqual([s["TrialComponentName"] for s in trial["TrialComponentSummaries"]],
                         ["c0", "c1", "c2"])
        self.assertIn("CreationTime", trial["TrialComponentSummaries"][0])
        self.assertEqual(self.names(flt("TrialComponentSummaries.TrialComponentName", "Equals", "c3"),
                                    resource="ExperimentTrial"), ["trial-b"])

    def test_experiment_record(self):
        out = self.search("Experiment", SearchExpression={
            "Filters": [flt("ExperimentName", "Contains", "exp"), flt("Tags.team", "Equals", "red")]})
        (rec,) = out["Results"]
        self.assertEqual(rec["Experiment"]["DisplayName"], "Alpha-study")
        self.assertEqual(rec["Experiment"]["Tags"], tags(("team", "red")))
        self.assertEqual(self.names(flt("Description", "Equals", "second"), resource="Experiment"), ["exp-b"])


@requires_endpoint
class SdkPatternTest(SearchCase):
    def test_experiment_analytics_query(self):
        # sagemaker.analytics.ExperimentAnalytics: components of an experiment, sorted.
        out = self.names(flt("Parents.ExperimentName", "Equals", "exp-a"), SortBy="Parameters.lr",
                         SortOrder="Ascending")
        self.assertEqual(out, ["c0", "c1", "c2"])

    def test_is_run_trial_component(self):
        # sagemaker.experiments._utils.is_run_trial_component
        name = "run-component"
        self.sm.create_trial_component(TrialComponentName=name, Tags=[RUN_TAG])
        out = self.search(SearchExpression={"Filters": [
            {"Name": "TrialComponentName", "Operator": "Equals", "Value": name}]}, MaxResults=1)
        self.assertEqual(len(out["Results"]), 1)
        self.assertIn(RUN_TAG, out["Results"][0]["TrialComponent"]["Tags"])
        self.assertEqual(self.names(flt("TrialComponentName", "Equals", "RUN-COMPONENT")), [])

    def test_comma_joined_arns_under_equals(self):
        # sagemaker.lineage.artifact batches ARNs joined by commas under Equals.
        arns = ",".join(tc_arn(n, self.account) for n in ["c0", "c3", "missing"])
        self.assertMatches(["c0", "c3"], flt("TrialComponentArn", "Equals", arns))


@requires_endpoint
class TenantTest(SearchCase):
    def test_other_account_sees_nothing_of_this_one(self):
        other = client(fresh_account())
        out = other.search(Resource=TC)
        self.assertEqual(out["Results"], [])
        self.assertEqual(out["TotalHits"], {"Value": 0, "Relation": "EqualTo"})
        other.create_trial_component(TrialComponentName="c0", Parameters={"lr": {"NumberValue": 99}})
        self.assertEqual([r["TrialComponent"]["Parameters"]["lr"]["NumberValue"]
                          for r in other.search(Resource=TC)["Results"]], [99])
        self.assertMatches([], flt("Parameters.lr", "Equals", "99"))
        hint = {"PropertyNameQuery": {"PropertyNameHint": "Parameters."}}
        names = [s["PropertyName"] for s in
                 other.get_search_suggestions(Resource=TC, SuggestionQuery=hint)["PropertyNameSuggestions"]]
        self.assertEqual(names, ["Parameters.lr"])


@requires_endpoint
class SuggestionTest(SearchCase):
    def suggest(self, hint, resource=TC):
        out = self.sm.get_search_suggestions(
            Resource=resource, SuggestionQuery={"PropertyNameQuery": {"PropertyNameHint": hint}})
        return [s["PropertyName"] for s in out["PropertyNameSuggestions"]]

    def test_keys_that_exist_by_prefix(self):
        self.assertEqual(sorted(self.suggest("parameters.")), ["Parameters.lr", "Parameters.opt"])
        self.assertEqual(self.suggest("Tags.t"), ["Tags.team"])
        self.assertIn("Metrics.acc.Max", self.suggest("metrics.acc"))
        self.assertIn("Parameters.opt", self.suggest("op"))  # the key alone matches too
        self.assertIn("TrialComponentName", self.suggest("TrialC"))
        self.assertEqual(self.suggest("Tags.", resource="ExperimentTrial"), ["Tags.stage"])
        self.assertEqual(self.suggest("zzz"), [])

    def test_every_suggestion_is_searchable(self):
        for name in self.suggest(""):
            with self.subTest(name=name):
                self.search(SearchExpression={"Filters": [flt(name, "Exists")]}, SortBy=name, MaxResults=1)


@requires_endpoint
class DefaultPageTest(LineagedTestCase):
    def test_ten_results_by_default_newest_first(self):
        sm = client(fresh_account())
        for i in range(12):
            sm.create_experiment(ExperimentName="e%02d" % i)
        out = sm.search(Resource="Experiment")
        self.assertEqual(len(out["Results"]), 10)
        self.assertEqual(out["TotalHits"], {"Value": 12, "Relation": "EqualTo"})
        self.assertEqual(out["Results"][0]["Experiment"]["ExperimentName"], "e11")
        rest = sm.search(Resource="Experiment", NextToken=out["NextToken"])
        self.assertEqual([r["Experiment"]["ExperimentName"] for r in rest["Results"]], ["e01", "e00"])
        self.assertNotIn("NextToken", rest)

    def test_numbers_sort_as_numbers_on_every_page(self):
        sm = client(fresh_account())
        for name, lr in [("n100", 100), ("n9", 9), ("n10", 10), ("nx", None)]:
            sm.create_trial_component(TrialComponentName=name,
                                      Parameters={"lr": {"NumberValue": lr}} if lr else {})
        for page in (1, 10):
            out, token = [], None
            while True:
                args = {"Resource": TC, "SortBy": "Parameters.lr", "SortOrder": "Ascending", "MaxResults": page}
                if token:
                    args["NextToken"] = token
                reply = sm.search(**args)
                out += [r["TrialComponent"]["TrialComponentName"] for r in reply["Results"]]
                token = reply.get("NextToken")
                if not token:
                    break
            self.assertEqual(out, ["n9", "n10", "n100", "nx"], page)

    def test_cross_account_filter_finds_nothing(self):
        sm = client(fresh_account())
        sm.create_experiment(ExperimentName="shared")
        out = sm.search(Resource="Experiment", CrossAccountFilterOption="CrossAccount")
        self.assertEqual(out["Results"], [])
        self.assertEqual(len(sm.search(Resource="Experiment", CrossAccountFilterOption="SameAccount")["Results"]), 1)


@requires_endpoint
@unittest.skipUnless(os.environ.get("LINEAGED_DB"), "needs LINEAGED_DB")
class BeyondTheCapTest(LineagedTestCase):
    """More matches than TotalHits counts exactly: components cap-1 .. cap-10060, the newest
    first, with Parameters.n = i from cap-11 on and a metric acc of i / 1000 on the even ones,
    loaded straight into the database (the service's trigger indexes their parameters)."""

    COUNT = 10060

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.sm.create_experiment(ExperimentName="cap")  # the account's tenant row
        psql = os.path.join(os.environ.get("LINEAGED_PGBIN", ""), "psql")
        sql = """
            insert into entity (tenant_id, kind, name, name_key, arn, vertex_type, display_name,
                                details, created_at, modified_at)
            select t.id, 3, 'cap-' || i, 'cap-' || i, :'arn' || i, 'TrialComponent', 'cap-' || i,
                   case when i > 10 then jsonb_build_object('Parameters', jsonb_build_object(
                       'n', jsonb_build_object('NumberValue', i))) else '{}' end,
                   now() - i * interval '1 second', now() - i * interval '1 second'
            from tenant t, generate_series(1, :count) i where t.account = :'account';
            insert into metric_summary (tenant_id, component_id, metric_name, shard, count, min, max,
                                        mean, m2, last_value, last_ts, last_seq, max_ts)
            select e.tenant_id, e.id, 'acc', 0, 1, v, v, v, 0, v, now(), 1, now()
            from entity e join tenant t on t.id = e.tenant_id,
                 lateral (select substr(e.name, 5)::int / 1000.0::float8 as v) x
            where t.account = :'account' and e.kind = 3 and substr(e.name, 5)::int % 2 = 0;
            -- As autovacuum would after such a load: plans rest on statistics, and none
            -- copes with tables the planner believes hold a few rows when they hold 10,000.
            analyze entity, search_param, metric_summary;
        """
        subprocess.run([psql if os.access(psql, os.X_OK) else "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                        "-v", "account=" + cls.account, "-v", "count=%d" % cls.COUNT,
                        "-v", "arn=" + tc_arn("cap-", cls.account), os.environ["LINEAGED_DB"]],
                       input=sql, text=True, check=True, timeout=300)

    def page(self, **kwargs):
        reply = self.sm.search(Resource=TC, MaxResults=100, **kwargs)
        return [r["TrialComponent"]["TrialComponentName"] for r in reply["Results"]], reply

    def test_total_is_a_lower_bound_and_pages_follow_the_sort(self):
        args = {"SearchExpression": {"Filters": [flt("Parameters.n", "GreaterThan", "0")]},
                "SortBy": "Parameters.n", "SortOrder": "Ascending"}
        first, reply = self.page(**args)
        self.assertEqual(reply["TotalHits"], {"Value": 10000, "Relation": "GreaterThanOrEqualTo"})
        self.assertEqual(first, ["cap-%d" % i for i in range(11, 111)])
        second, reply = self.page(NextToken=reply["NextToken"], **args)
        self.assertEqual(second, ["cap-%d" % i for i in range(111, 211)])
        self.assertEqual(reply["TotalHits"]["Relation"], "GreaterThanOrEqualTo")

    def test_metric_sort_past_the_cap(self):
        first, reply = self.page(SortBy="Metrics.acc.Max")
        self.assertEqual(first, ["cap-%d" % i for i in range(self.COUNT, self.COUNT - 200, -2)])
        second, _ = self.page(SortBy="Metrics.acc.Max", NextToken=reply["NextToken"])
        self.assertEqual(second, ["cap-%d" % i for i in range(self.COUNT - 200, self.COUNT - 400, -2)])

    def test_default_order_pages_past_the_cap(self):
        first, reply = self.page()
        self.assertEqual(first, ["cap-%d" % i for i in range(1, 101)])
        second, _ = self.page(NextToken=reply["NextToken"])
        self.assertEqual(second, ["cap-%d" % i for i in range(101, 201)])

    def test_within_the_cap_the_total_is_exact_and_missing_values_come_last(self):
        out, token = [], None
        while True:
            args = {"SearchExpression": {"Filters": [flt("Parameters.n", "LessThanOrEqualTo", "60")]},
                    "SortBy": "Metrics.acc.Max", "SortOrder": "Ascending", "MaxResults": 20}
            if token:
                args["NextToken"] = token
            reply = self.sm.search(Resource=TC, **args)
            self.assertEqual(reply["TotalHits"], {"Value": 50, "Relation": "EqualTo"})
            out += [r["TrialComponent"]["TrialComponentName"] for r in reply["Results"]]
            token = reply.get("NextToken")
            if not token:
                break
        self.assertEqual(out, ["cap-%d" % i for i in range(12, 61, 2)] + ["cap-%d" % i for i in range(11, 60, 2)])


if __name__ == "__main__":
    unittest.main()
