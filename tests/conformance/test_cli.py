"""The AWS CLI against lineaged: create, list (with the CLI following NextToken), describe,
and a service error that must make the CLI exit non-zero."""

import json
import os
import shutil
import subprocess
import unittest

from lineaged_client import (
    ENDPOINT, REGION, LineagedTestCase, experiment_arn, fresh_account, requires_endpoint,
    unique_name)

AWS = shutil.which("aws")


@requires_endpoint
@unittest.skipUnless(AWS, "the AWS CLI (aws) is not on PATH")
class CliTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_") or k in ("AWS_CA_BUNDLE",)}
        env.update({
            "AWS_ACCESS_KEY_ID": cls.account,
            "AWS_SECRET_ACCESS_KEY": "conformance-secret",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_PAGER": "",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1",
        })
        cls.env = env

    def aws(self, *args):
        cmd = [AWS, "sagemaker", *args, "--endpoint-url", ENDPOINT, "--region", REGION,
               "--output", "json"]
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=120)

    def ok_json(self, *args):
        proc = self.aws(*args)
        self.assertEqual(proc.returncode, 0, "aws %s\nstdout: %s\nstderr: %s"
                         % (" ".join(args), proc.stdout, proc.stderr))
        return json.loads(proc.stdout) if proc.stdout.strip() else {}

    def test_create_list_describe(self):
        name = unique_name("Cli")
        out = self.ok_json("create-experiment", "--experiment-name", name,
                           "--display-name", "From-Cli", "--description", "made by the CLI",
                           "--tags", "Key=via,Value=cli")
        arn = experiment_arn(name, self.account, REGION)
        self.assertEqual(out, {"ExperimentArn": arn})

        listed = self.ok_json("list-experiments")
        mine = [s for s in listed["ExperimentSummaries"] if s["ExperimentName"] == name]
        self.assertEqual(len(mine), 1, listed)
        self.assertEqual(mine[0]["ExperimentArn"], arn)
        self.assertEqual(mine[0]["DisplayName"], "From-Cli")

        d = self.ok_json("describe-experiment", "--experiment-name", name.upper())
        self.assertEqual(d["ExperimentName"], name)
        self.assertEqual(d["ExperimentArn"], arn)
        self.assertEqual(d["Description"], "made by the CLI")
        self.assertEqual(d["CreatedBy"], {})
        self.assertIn("CreationTime", d)

        tags = self.ok_json("list-tags", "--resource-arn", arn)
        self.assertEqual(tags["Tags"], [{"Key": "via", "Value": "cli"}])

    def test_cli_follows_next_token(self):
        names = [unique_name("Page") for _ in range(5)]
        for name in names:
            self.ok_json("create-experiment", "--experiment-name", name)
        listed = self.ok_json("list-experiments", "--page-size", "2", "--sort-by", "Name",
                              "--sort-order", "Ascending")
        got = [s["ExperimentName"] for s in listed["ExperimentSummaries"]]
        for name in names:
            self.assertEqual(got.count(name), 1, got)
        self.assertEqual(got, sorted(got, key=str.lower))
        self.assertNotIn("NextToken", listed)

    def test_missing_experiment_exits_non_zero(self):
        proc = self.aws("describe-experiment", "--experiment-name", unique_name("Absent"))
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("ResourceNotFound", proc.stderr)
        self.assertIn("does not exist", proc.stderr)

    def test_validation_error_exits_non_zero(self):
        proc = self.aws("list-experiments", "--sort-order", "Sideways")
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("ValidationException", proc.stderr)
        self.assertIn("sortOrder", proc.stderr)

    def test_generated_skeleton_with_its_empty_next_token_is_accepted(self):
        """--generate-cli-skeleton writes "NextToken": "" (and MaxResults 0, which the
        caller must set); fed back with --cli-input-json, the empty token asks for the
        first page."""
        proc = self.aws("list-experiments", "--generate-cli-skeleton")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        skeleton = json.loads(proc.stdout)
        self.assertEqual(skeleton["NextToken"], "")
        name = unique_name("Skel")
        self.ok_json("create-experiment", "--experiment-name", name)
        skeleton.update({"MaxResults": 100, "CreatedAfter": "2000-01-01T00:00:00",
                         "CreatedBefore": "2100-01-01T00:00:00"})
        out = self.ok_json("list-experiments", "--cli-input-json", json.dumps(skeleton))
        self.assertIn(name, [s["ExperimentName"] for s in out["ExperimentSummaries"]])


if __name__ == "__main__":
    unittest.main()
