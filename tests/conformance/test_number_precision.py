"""Numbers come back as the very doubles the client sent or the service computed:
parameters' NumberValues and metric statistics, read through DescribeTrialComponent and
Search, compared with == in Python (whose floats are the IEEE doubles botocore parses
the reply into). 15 significant digits are not enough for these."""

import math
import statistics
import time
import unittest

from lineaged_client import LineagedTestCase, client, fresh_account, requires_endpoint, unique_name
from test_metrics import metrics_client

# Each needs 16 or 17 significant digits: 15 would read back as a neighbouring double.
AWKWARD = [0.1 + 0.2, 0.15000000000000002, 1 / 3, 2 / 3, math.pi, 1.7976931348623157e308, 5e-324 * 3]


@requires_endpoint
class NumberPrecisionTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.metrics = metrics_client(cls.account)

    def test_parameters_come_back_to_the_last_bit(self):
        name = unique_name("prec")
        params = {"p%d" % i: {"NumberValue": v} for i, v in enumerate(AWKWARD)}
        self.sm.create_trial_component(TrialComponentName=name, Parameters=params)
        described = self.sm.describe_trial_component(TrialComponentName=name)["Parameters"]
        for key, value in params.items():
            self.assertEqual(described[key]["NumberValue"], value["NumberValue"], key)
        found = self.sm.search(
            Resource="ExperimentTrialComponent",
            SearchExpression={"Filters": [{"Name": "TrialComponentName", "Operator": "Equals", "Value": name}]},
        )["Results"][0]["TrialComponent"]["Parameters"]
        for key, value in params.items():
            self.assertEqual(found[key]["NumberValue"], value["NumberValue"], key)

    def test_updated_parameters_come_back_to_the_last_bit(self):
        name = unique_name("prec")
        self.sm.create_trial_component(TrialComponentName=name)
        self.sm.update_trial_component(TrialComponentName=name, Parameters={"lr": {"NumberValue": 0.1 + 0.2}})
        described = self.sm.describe_trial_component(TrialComponentName=name)["Parameters"]
        self.assertEqual(described["lr"]["NumberValue"], 0.1 + 0.2)

    def test_metric_statistics_are_the_exact_doubles(self):
        name = unique_name("prec")
        self.sm.create_trial_component(TrialComponentName=name)
        # Min, Max and Last are doubles 15 digits would blur into 0.15 and 0.3.
        values = [0.1 + 0.2, 0.2, 0.15000000000000002, 0.25, 0.30000000000000004]
        now = time.time()
        reply = self.metrics.batch_put_metrics(
            TrialComponentName=name,
            MetricData=[
                {"MetricName": "loss", "Value": v, "Timestamp": now + i, "Step": i} for i, v in enumerate(values)
            ],
        )
        self.assertEqual(reply.get("Errors", []), [])
        summary = self.sm.describe_trial_component(TrialComponentName=name)["Metrics"][0]
        self.assertEqual(summary["Count"], len(values))
        # The mean and the sample deviation come from running sums in floating
        # point, so they are compared closely; the extremes and the last exactly.
        self.assertEqual(summary["Min"], min(values))
        self.assertEqual(summary["Max"], max(values))
        self.assertEqual(summary["Last"], values[-1])
        self.assertAlmostEqual(summary["Avg"], statistics.fmean(values), places=15)
        self.assertAlmostEqual(summary["StdDev"], statistics.stdev(values), places=15)


if __name__ == "__main__":
    unittest.main()
