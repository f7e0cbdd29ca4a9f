"""SageMaker Metrics through boto3's sagemaker-metrics client (REST-JSON): BatchPutMetrics
with its per-item errors, the summaries DescribeTrialComponent folds from every batch
(checked against the statistics module), and BatchGetMetrics bucketed by step and by
minute, five minutes and hour, with expected buckets computed here."""

import math
import statistics
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from lineaged_client import (
    ENDPOINT, LineagedTestCase, OTHER_REGION, REGION, SECRET, at, client, fresh_account,
    requires_endpoint, tc_arn, unique_name)

SUMMARY_KEYS = {"MetricName", "SourceArn", "TimeStamp", "Max", "Min", "Last", "Count", "Avg",
                "StdDev"}
PERIOD_MS = {"OneMinute": 60000, "FiveMinute": 300000, "OneHour": 3600000}


def metrics_client(account, region=REGION, validate=True):
    """A sagemaker-metrics client for the daemon (lineaged_client has only sagemaker)."""
    config = Config(parameter_validation=validate,
                    retries={"total_max_attempts": 1, "mode": "standard"},
                    connect_timeout=10, read_timeout=120)
    return boto3.session.Session().client(
        "sagemaker-metrics", endpoint_url=ENDPOINT, region_name=region,
        aws_access_key_id=account, aws_secret_access_key=SECRET, config=config)


def point(name, epoch, value, step=None):
    p = {"MetricName": name, "Timestamp": at(epoch), "Value": value}
    if step is not None:
        p["Step"] = step
    return p


def hour_aligned_base(days_ago=3):
    """An epoch second on an hour boundary, comfortably inside the two-week window."""
    return (int(time.time()) // 3600) * 3600 - days_ago * 86400


def reduce(stat, points):
    """One bucket's value. points are (epoch, step, value, arrival) tuples."""
    values = [p[2] for p in points]
    if stat == "Min":
        return min(values)
    if stat == "Max":
        return max(values)
    if stat == "Avg":
        return statistics.fmean(values)
    if stat == "Count":
        return float(len(values))
    if stat == "StdDev":
        return statistics.stdev(values) if len(values) > 1 else 0.0
    if stat == "Last":
        return max(points, key=lambda p: (p[0], -1 if p[1] is None else p[1], p[3]))[2]
    raise ValueError(stat)


def expected_series(points, stat, period, start=None, end=None):
    """(x values, metric values) as the service should bucket them: by step (a point
    without a step is step 0) or by floor(epoch_ms / period_ms) * period_ms."""
    buckets = {}
    for p in points:
        if period == "IterationNumber":
            x = p[1] if p[1] is not None else 0
        else:
            ms = int(round(p[0] * 1000))
            x = ms // PERIOD_MS[period] * PERIOD_MS[period]
        buckets.setdefault(x, []).append(p)
    xs = sorted(x for x in buckets if (start is None or x >= start) and (end is None or x <= end))
    return xs, [reduce(stat, buckets[x]) for x in xs]


class MetricsCase(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.metrics = metrics_client(cls.account)
        cls.loose = metrics_client(cls.account, validate=False)

    def component(self, name=None):
        name = name or unique_name("mtc").lower()
        self.sm.create_trial_component(TrialComponentName=name)
        return name

    def put(self, component, data):
        out = self.metrics.batch_put_metrics(TrialComponentName=component, MetricData=data)
        self.assertEqual(out["ResponseMetadata"]["HTTPStatusCode"], 200)
        return out

    def put_ok(self, component, data):
        out = self.put(component, data)
        self.assertNotIn("Errors", out, "every item was valid")
        return out

    def summaries(self, component):
        return self.sm.describe_trial_component(TrialComponentName=component)["Metrics"]

    def assertSummary(self, summary, name, component, points):
        """points: (epoch, step, value, arrival)."""
        self.assertEqual(set(summary), SUMMARY_KEYS)
        values = [p[2] for p in points]
        self.assertEqual(summary["MetricName"], name)
        self.assertEqual(summary["SourceArn"], tc_arn(component, self.account))
        self.assertEqual(summary["TimeStamp"], at(max(p[0] for p in points)))
        self.assertEqual(summary["Count"], len(values))
        self.assertEqual(summary["Min"], min(values))
        self.assertEqual(summary["Max"], max(values))
        self.assertAlmostEqual(summary["Avg"], statistics.fmean(values), places=9)
        expected_sd = statistics.stdev(values) if len(values) > 1 else 0.0
        self.assertAlmostEqual(summary["StdDev"], expected_sd, places=9)
        self.assertEqual(summary["Last"], reduce("Last", points))


@requires_endpoint
class BatchPutMetricsTest(MetricsCase):
    def test_valid_batch_is_200_without_errors(self):
        tc = self.component()
        now = int(time.time())
        out = self.put(tc, [point("loss", now - i, float(i), i) for i in range(10)])
        self.assertNotIn("Errors", out)
        self.assertEqual(self.summaries(tc)[0]["Count"], 10)

    def test_old_and_future_items_fail_alone(self):
        tc = self.component()
        now = int(time.time())
        data = [point("m", now - 60, 1.0),
                point("m", now - 15 * 86400, 2.0),       # older than two weeks
                point("m", now - 13 * 86400, 3.0),
                point("m", now + 3 * 3600, 4.0),         # more than two hours ahead
                point("m", now + 3600, 5.0)]
        out = self.put(tc, data)
        self.assertEqual(out["Errors"], [{"Code": "VALIDATION_ERROR", "MetricIndex": 1},
                                         {"Code": "VALIDATION_ERROR", "MetricIndex": 3}])
        [s] = self.summaries(tc)
        self.assertEqual(s["Count"], 3)
        self.assertEqual((s["Min"], s["Max"]), (1.0, 5.0))

    def test_non_finite_items_fail_alone(self):
        # botocore sends NaN and the infinities as the JSON strings "NaN", "Infinity", "-Infinity".
        tc = self.component()
        now = int(time.time())
        out = self.put(tc, [point("m", now, float("nan")), point("m", now, 2.0),
                            point("m", now, float("inf")), point("m", now, float("-inf"))])
        self.assertEqual(out["Errors"], [{"Code": "VALIDATION_ERROR", "MetricIndex": i}
                                         for i in (0, 2, 3)])
        [s] = self.summaries(tc)
        self.assertEqual((s["Count"], s["Min"], s["Max"]), (1, 2.0, 2.0))

    def test_batch_of_only_bad_items_stores_nothing(self):
        tc = self.component()
        now = int(time.time())
        out = self.put(tc, [point("m", now - 20 * 86400, 1.0), point("m", now + 86400, 2.0)])
        self.assertEqual(out["Errors"], [{"Code": "VALIDATION_ERROR", "MetricIndex": 0},
                                         {"Code": "VALIDATION_ERROR", "MetricIndex": 1}])
        self.assertEqual(self.summaries(tc), [])

    def test_unknown_component_fails_every_item(self):
        now = int(time.time())
        out = self.put(unique_name("ghost").lower(), [point("m", now, float(i)) for i in range(4)])
        self.assertEqual(out["Errors"], [{"Code": "VALIDATION_ERROR", "MetricIndex": i}
                                         for i in range(4)])

    def test_component_of_another_account_fails_every_item(self):
        tc = self.component()
        other = metrics_client(fresh_account())
        out = other.batch_put_metrics(TrialComponentName=tc,
                                      MetricData=[point("m", int(time.time()), 1.0)] * 2)
        self.assertEqual(out["Errors"], [{"Code": "VALIDATION_ERROR", "MetricIndex": i}
                                         for i in range(2)])
        self.assertEqual(self.summaries(tc), [])

    def test_component_in_another_region_fails_every_item(self):
        tc = self.component()
        other = metrics_client(self.account, region=OTHER_REGION)
        out = other.batch_put_metrics(TrialComponentName=tc,
                                      MetricData=[point("m", int(time.time()), 1.0)])
        self.assertEqual(out["Errors"], [{"Code": "VALIDATION_ERROR", "MetricIndex": 0}])

    def test_lower_cased_name_finds_a_mixed_case_component(self):
        name = unique_name("Mixed-Case-Tc")
        self.sm.create_trial_component(TrialComponentName=name)
        self.put_ok(name.lower(), [point("acc", int(time.time()), 0.5)])
        [s] = self.summaries(name)
        self.assertEqual(s["SourceArn"], tc_arn(name, self.account))

    def test_upper_case_name_is_a_validation_exception(self):
        with self.assertRaises(ClientError) as ctx:
            self.metrics.batch_put_metrics(TrialComponentName="Upper",
                                           MetricData=[point("m", int(time.time()), 1.0)])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_more_than_ten_items_is_a_validation_exception(self):
        tc = self.component()
        with self.assertRaises(ClientError) as ctx:
            self.metrics.batch_put_metrics(
                TrialComponentName=tc,
                MetricData=[point("m", int(time.time()), float(i)) for i in range(11)])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")
        self.assertEqual(self.summaries(tc), [])

    def test_no_items_is_a_validation_exception(self):
        with self.assertRaises(ClientError) as ctx:
            self.loose.batch_put_metrics(TrialComponentName=self.component(), MetricData=[])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")

    def test_negative_step_is_a_validation_exception(self):
        with self.assertRaises(ClientError) as ctx:
            self.loose.batch_put_metrics(TrialComponentName=self.component(),
                                         MetricData=[point("m", int(time.time()), 1.0, -1)])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")


@requires_endpoint
class SummaryTest(MetricsCase):
    def test_one_point_has_zero_std_dev(self):
        tc = self.component()
        t = int(time.time()) - 100
        self.put_ok(tc, [point("only", t, 4.25, 3)])
        [s] = self.summaries(tc)
        self.assertSummary(s, "only", tc, [(t, 3, 4.25, 0)])
        self.assertEqual(s["StdDev"], 0)

    def test_summaries_merge_batches_and_count_duplicates(self):
        tc = self.component()
        base = int(time.time()) - 3600
        batches = [
            [("loss", 0, 0, 2.5), ("loss", 10, 1, 1.75), ("acc", 0, 0, 0.1)],
            [("loss", 20, 2, 1.5), ("loss", 20, 2, 1.5), ("acc", 10, 1, 0.4),
             ("loss", 5, 0, 3.0)],
            [("acc", 20, 2, 0.35), ("loss", 30, 3, 0.9), ("loss", 15, 1, 1.25),
             ("b-metric", 7, None, -2.0), ("acc", 20, 2, 0.35)],
            [("loss", 25, 2, 1.1)] * 3 + [("b-metric", 3, None, 8.0)],
        ]
        seen = {}
        arrival = 0
        for batch in batches:
            self.put_ok(tc, [point(n, base + dt, v, step) for n, dt, step, v in batch])
            for n, dt, step, v in batch:
                seen.setdefault(n, []).append((base + dt, step, v, arrival))
                arrival += 1
        summaries = self.summaries(tc)
        self.assertEqual([s["MetricName"] for s in summaries], sorted(seen))
        for s in summaries:
            with self.subTest(s["MetricName"]):
                self.assertSummary(s, s["MetricName"], tc, seen[s["MetricName"]])

    def test_many_batches_of_random_looking_values(self):
        tc = self.component()
        base = int(time.time()) - 7200
        pts = []
        for b in range(12):
            batch = []
            for i in range(10):
                k = b * 10 + i
                v = math.sin(k * 1.7) * 100 + (k % 7) * 0.125
                batch.append((base + (k * 37) % 3600, k, v))
            self.put_ok(tc, [point("wave", t, v, step) for t, step, v in batch])
            pts.extend((t, step, v, len(pts) + j) for j, (t, step, v) in enumerate(batch))
        [s] = self.summaries(tc)
        self.assertSummary(s, "wave", tc, pts)

    def test_last_is_the_value_at_the_greatest_timestamp_not_the_latest_arrival(self):
        tc = self.component()
        base = int(time.time()) - 600
        self.put_ok(tc, [point("m", base + 50, 5.0, 1)])
        self.put_ok(tc, [point("m", base + 10, 1.0, 9), point("m", base + 20, 2.0, 8)])
        [s] = self.summaries(tc)
        self.assertEqual(s["Last"], 5.0)
        self.assertEqual(s["TimeStamp"], at(base + 50))

    def test_last_ties_on_timestamp_go_to_the_greatest_step(self):
        tc = self.component()
        t = int(time.time()) - 600
        self.put_ok(tc, [point("m", t, 1.0, 4), point("m", t, 2.0, 7)])
        self.put_ok(tc, [point("m", t, 3.0, 5)])
        [s] = self.summaries(tc)
        self.assertEqual(s["Last"], 2.0)

    def test_last_ties_on_timestamp_and_step_go_to_the_later_arrival(self):
        tc = self.component()
        t = int(time.time()) - 600
        self.put_ok(tc, [point("m", t, 1.0, 2)])
        self.put_ok(tc, [point("m", t, 2.0, 2)])
        self.assertEqual(self.summaries(tc)[0]["Last"], 2.0)
        self.put_ok(tc, [point("m", t, 3.0, 2)])
        self.assertEqual(self.summaries(tc)[0]["Last"], 3.0)
        self.put_ok(tc, [point("m", t - 1, 9.0, 2)])
        self.assertEqual(self.summaries(tc)[0]["Last"], 3.0)

    def test_rejected_items_do_not_enter_the_summary(self):
        tc = self.component()
        now = int(time.time())
        out = self.put(tc, [point("m", now - 30, 1.0), point("m", now - 30 * 86400, 1000.0),
                            point("m", now - 20, 3.0)])
        self.assertEqual(out["Errors"], [{"Code": "VALIDATION_ERROR", "MetricIndex": 1}])
        [s] = self.summaries(tc)
        self.assertSummary(s, "m", tc, [(now - 30, None, 1.0, 0), (now - 20, None, 3.0, 1)])

    def test_metrics_start_again_for_a_recreated_component(self):
        tc = self.component()
        self.put_ok(tc, [point("m", int(time.time()), 1.0)])
        self.sm.delete_trial_component(TrialComponentName=tc)
        self.component(tc)
        self.assertEqual(self.summaries(tc), [])


@requires_endpoint
class BatchGetMetricsTest(MetricsCase):
    """One component with two metrics at hour-aligned times three days ago."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tc = unique_name("gettc").lower()
        cls.sm.create_trial_component(TrialComponentName=cls.tc)
        cls.arn = tc_arn(cls.tc, cls.account)
        cls.base = hour_aligned_base()
        # (offset seconds, step, value) for "loss"; several share a minute, a step, or both
        loss = [(0, 0, 1.0), (10, 1, 3.0), (59, 2, 2.0),
                (60, 3, 5.0), (119, 4, 7.0), (120, 4, 9.0), (130, None, 10.0),
                (300, 5, 4.0), (301, 5, 4.5), (899, 6, -1.0),
                (3599, 7, 8.0), (3600, 8, 6.0), (3660, 8, 6.5), (7300, 9, 0.5)]
        cls.points = {"loss": [], "acc": []}
        arrival = 0
        batches = [loss[i:i + 4] for i in range(0, len(loss), 4)]
        for batch in batches:
            cls.metrics.batch_put_metrics(
                TrialComponentName=cls.tc,
                MetricData=[point("loss", cls.base + dt, v, step) for dt, step, v in batch])
            for dt, step, v in batch:
                cls.points["loss"].append((cls.base + dt, step, v, arrival))
                arrival += 1
        acc = [(30, 0, 0.5), (90, 1, 0.6)]
        cls.metrics.batch_put_metrics(
            TrialComponentName=cls.tc,
            MetricData=[point("acc", cls.base + dt, v, step) for dt, step, v in acc])
        cls.points["acc"] = [(cls.base + dt, step, v, i) for i, (dt, step, v) in enumerate(acc)]
        cls.base_ms = cls.base * 1000

    def query(self, stat, period, name="loss", arn=None, **extra):
        q = {"MetricName": name, "ResourceArn": arn or self.arn, "MetricStat": stat,
             "Period": period,
             "XAxisType": "IterationNumber" if period == "IterationNumber" else "Timestamp"}
        q.update(extra)
        return q

    def get(self, *queries):
        out = self.metrics.batch_get_metrics(MetricQueries=list(queries))
        self.assertEqual(len(out["MetricQueryResults"]), len(queries))
        return out["MetricQueryResults"]

    def assertSeries(self, result, xs, ys):
        self.assertEqual(result["Status"], "Complete", result)
        self.assertEqual(result["XAxisValues"], xs)
        self.assertEqual(len(result["MetricValues"]), len(ys))
        for got, want in zip(result["MetricValues"], ys):
            self.assertAlmostEqual(got, want, places=9)

    def test_one_minute_average_by_hand(self):
        [r] = self.get(self.query("Avg", "OneMinute", End=self.base_ms + 300000))
        b = self.base_ms
        self.assertSeries(r, [b, b + 60000, b + 120000, b + 300000],
                          [2.0, 6.0, 9.5, 4.25])

    def test_iteration_number_count_by_hand(self):
        [r] = self.get(self.query("Count", "IterationNumber"))
        # step 0 also holds the point sent without a step
        self.assertSeries(r, list(range(10)),
                          [2.0, 1.0, 1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 2.0, 1.0])

    def test_every_stat_and_period(self):
        for stat in ("Min", "Max", "Avg", "Count", "StdDev", "Last"):
            for period in ("IterationNumber", "OneMinute", "FiveMinute", "OneHour"):
                with self.subTest(stat=stat, period=period):
                    [r] = self.get(self.query(stat, period))
                    xs, ys = expected_series(self.points["loss"], stat, period)
                    self.assertSeries(r, xs, ys)

    def test_values_and_missing_steps_come_back_exactly(self):
        tc = unique_name("exacttc").lower()
        self.sm.create_trial_component(TrialComponentName=tc)
        values = [0.1, -2.5e300, 5e-324, 1.0 / 3.0, 7.0]
        self.metrics.batch_put_metrics(
            TrialComponentName=tc,
            MetricData=[point("v", self.base + i, v, i if i < 4 else None) for i, v in enumerate(values)])
        [r] = self.get(self.query("Last", "IterationNumber", name="v", arn=tc_arn(tc, self.account)))
        # the point without a step falls in step 0's bucket, and is the newer point there
        self.assertEqual(r["XAxisValues"], [0, 1, 2, 3])
        self.assertEqual(r["MetricValues"], [7.0, -2.5e300, 5e-324, 1.0 / 3.0])

    def test_x_values_are_epoch_milliseconds_on_bucket_starts(self):
        for period, ms in PERIOD_MS.items():
            with self.subTest(period):
                [r] = self.get(self.query("Count", period))
                for x in r["XAxisValues"]:
                    self.assertEqual(x % ms, 0, x)
                    self.assertLess(abs(x / 1000 - self.base), 3 * 3600, x)

    def test_start_and_end_bound_steps_inclusively(self):
        [r] = self.get(self.query("Max", "IterationNumber", Start=2, End=5))
        self.assertSeries(r, [2, 3, 4, 5], [2.0, 5.0, 9.0, 4.5])

    def test_start_and_end_bound_time_buckets_inclusively(self):
        start, end = self.base_ms + 60000, self.base_ms + 3600000
        [r] = self.get(self.query("Min", "OneMinute", Start=start, End=end))
        xs, ys = expected_series(self.points["loss"], "Min", "OneMinute", start, end)
        self.assertEqual(xs[0], start)
        self.assertEqual(xs[-1], end)
        self.assertSeries(r, xs, ys)

    def test_only_start_or_only_end(self):
        [r] = self.get(self.query("Last", "FiveMinute", Start=self.base_ms + 3600000))
        xs, ys = expected_series(self.points["loss"], "Last", "FiveMinute",
                                 start=self.base_ms + 3600000)
        self.assertSeries(r, xs, ys)
        [r] = self.get(self.query("Last", "OneHour", End=self.base_ms))
        self.assertSeries(r, [self.base_ms], [8.0])

    def test_bounds_that_hold_no_bucket_give_empty_lists(self):
        [r] = self.get(self.query("Avg", "IterationNumber", Start=100, End=200))
        self.assertEqual((r["Status"], r["XAxisValues"], r["MetricValues"]), ("Complete", [], []))

    def test_results_come_in_query_order(self):
        queries = [self.query("Max", "OneHour"), self.query("Min", "IterationNumber", "acc"),
                   self.query("Count", "FiveMinute"), self.query("Avg", "OneMinute", "acc")]
        results = self.get(*queries)
        for q, r in zip(queries, results):
            with self.subTest(q):
                xs, ys = expected_series(self.points[q["MetricName"]], q["MetricStat"],
                                         q["Period"])
                self.assertSeries(r, xs, ys)

    def test_unknown_resource_fails_only_its_query(self):
        ghost = tc_arn(unique_name("ghost"), self.account)
        results = self.get(self.query("Max", "OneHour"),
                           self.query("Max", "OneHour", arn=ghost),
                           self.query("Count", "IterationNumber"))
        bad = results[1]
        self.assertEqual(bad["Status"], "ValidationError")
        self.assertTrue(bad.get("Message"))
        self.assertEqual((bad["XAxisValues"], bad["MetricValues"]), ([], []))
        xs, ys = expected_series(self.points["loss"], "Max", "OneHour")
        self.assertSeries(results[0], xs, ys)
        xs, ys = expected_series(self.points["loss"], "Count", "IterationNumber")
        self.assertSeries(results[2], xs, ys)

    def test_component_arn_of_another_account_is_a_validation_error(self):
        other = metrics_client(fresh_account())
        [r] = other.batch_get_metrics(
            MetricQueries=[self.query("Max", "OneHour")])["MetricQueryResults"]
        self.assertEqual(r["Status"], "ValidationError")
        self.assertEqual((r["XAxisValues"], r["MetricValues"]), ([], []))

    def test_stat_outside_the_enum_is_a_validation_exception(self):
        with self.assertRaises(ClientError) as ctx:
            self.loose.batch_get_metrics(MetricQueries=[self.query("Sum", "OneHour")])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")

    def test_more_than_100_queries_is_a_validation_exception(self):
        with self.assertRaises(ClientError) as ctx:
            self.metrics.batch_get_metrics(MetricQueries=[self.query("Max", "OneHour")] * 101)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")

    def test_hundred_queries_are_answered(self):
        results = self.get(*([self.query("Count", "OneHour")] * 100))
        xs, ys = expected_series(self.points["loss"], "Count", "OneHour")
        for r in results:
            self.assertSeries(r, xs, ys)


if __name__ == "__main__":
    unittest.main()
