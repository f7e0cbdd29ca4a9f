"""lineage-export against the test cluster: the same graph as GET /api/v1/lineage in each
format, the manifest beside the output (query, counts, SHA-256), --history, --as-of, and
the errors and exit codes scripts rely on."""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
from lineaged_client import ENDPOINT, REGION, client, fresh_account  # noqa: E402

BIN = os.environ.get("LINEAGED_BIN", "")
EXPORT = os.path.join(os.path.dirname(BIN), "lineage-export") if BIN else ""
DB = os.environ.get("LINEAGED_DB")


def http_json(account, **params):
    query = urllib.parse.urlencode(dict(params, account=account, region=REGION), doseq=True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open("%s/api/v1/lineage?%s" % (ENDPOINT, query), timeout=60) as reply:
        return json.load(reply)


@unittest.skipUnless(ENDPOINT and DB and EXPORT and os.access(EXPORT, os.X_OK),
                     "needs the test daemon, LINEAGED_DB and the built lineage-export")
class LineageExportTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        sm = client(cls.account)
        cls.arns = {}
        for name in ("raw", "clean", "model"):
            cls.arns[name] = sm.create_context(ContextName=name, ContextType="DataSet",
                                               Source={"SourceUri": "s3://b/" + name})["ContextArn"]
        sm.add_association(SourceArn=cls.arns["raw"], DestinationArn=cls.arns["clean"],
                           AssociationType="ContributedTo")
        sm.add_association(SourceArn=cls.arns["clean"], DestinationArn=cls.arns["model"],
                           AssociationType="Produced")
        time.sleep(0.05)
        cls.before_delete = "%.3f" % time.time()
        time.sleep(0.05)
        sm.delete_association(SourceArn=cls.arns["clean"], DestinationArn=cls.arns["model"])
        cls.dir = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def run_export(self, *args, db=True):
        argv = [EXPORT] + (["--db", DB, "--account", self.account, "--region", REGION] if db else []) \
            + list(args)
        return subprocess.run(argv, capture_output=True, text=True, timeout=120)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def test_json_is_the_native_api_answer_with_a_manifest(self):
        out = self.path("g.json")
        run = self.run_export("--start", self.arns["raw"], "--down", "5", "-o", out)
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(out, "rb") as f:
            data = f.read()
        self.assertEqual(json.loads(data), http_json(self.account, start=self.arns["raw"], down=5))
        with open(out + ".manifest.json") as f:
            manifest = json.load(f)
        self.assertEqual(manifest["output"]["sha256"], hashlib.sha256(data).hexdigest())
        self.assertEqual(manifest["output"]["bytes"], len(data))
        self.assertEqual(manifest["counts"], {"vertices": 2, "edges": 1, "truncated": 0})
        self.assertEqual(manifest["query"]["starts"], [self.arns["raw"]])
        self.assertEqual((manifest["query"]["down"], manifest["query"]["format"]), (5, "json"))
        self.assertIsNone(manifest["query"]["asOf"])
        self.assertRegex(manifest["ranAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

    def test_as_of_and_history(self):
        out = self.path("past.json")
        run = self.run_export("--start", self.arns["raw"], "--down", "5", "--as-of", self.before_delete,
                              "--history", "-o", out)
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(out) as f:
            doc = json.load(f)
        self.assertEqual(sorted(v["arn"] for v in doc["vertices"]), sorted(self.arns.values()))
        ops = [h["operation"] for h in doc["history"][self.arns["model"]]]
        self.assertEqual(ops, ["CreateContext", "AddAssociation", "DeleteAssociation"])
        with open(out + ".manifest.json") as f:
            manifest = json.load(f)
        self.assertEqual(manifest["counts"]["vertices"], 3)
        self.assertTrue(manifest["query"]["asOf"].endswith("Z"))
        self.assertGreaterEqual(manifest["counts"]["historyRows"], 7)

    def test_dot_and_svg_files_with_history_beside_them(self):
        for fmt in ("dot", "svg"):
            with self.subTest(fmt=fmt):
                out = self.path("g." + fmt)
                run = self.run_export("--start", self.arns["clean"], "--history", "-o", out)
                self.assertEqual(run.returncode, 0, run.stderr)
                with open(out, "rb") as f:
                    data = f.read()
                # SVG writes '-' in titles as &#45;.
                self.assertIn(self.arns["raw"].replace("-", "&#45;" if fmt == "svg" else "-").encode(), data)
                with open(out + ".manifest.json") as f:
                    manifest = json.load(f)
                self.assertEqual(manifest["query"]["format"], fmt)
                self.assertEqual(manifest["output"]["sha256"], hashlib.sha256(data).hexdigest())
                with open(out + ".history.json", "rb") as f:
                    history = f.read()
                self.assertEqual(manifest["historyFile"]["sha256"], hashlib.sha256(history).hexdigest())
                self.assertIn(self.arns["clean"], json.loads(history))

    def test_dot_to_standard_output_is_deterministic(self):
        runs = [self.run_export("--start", self.arns["raw"], "--format", "dot") for _ in range(2)]
        self.assertEqual([r.returncode for r in runs], [0, 0], runs[0].stderr)
        self.assertEqual(runs[0].stdout, runs[1].stdout)
        self.assertTrue(runs[0].stdout.startswith("digraph lineage {"))

    def test_unknown_arn_exits_4(self):
        arn = "arn:aws:sagemaker:%s:%s:context/none" % (REGION, self.account)
        run = self.run_export("--start", arn)
        self.assertEqual(run.returncode, 4, run.stderr)
        self.assertIn(arn, run.stderr)
        # Before it existed, a start is unknown too.
        run = self.run_export("--start", self.arns["raw"], "--as-of", "2001-01-01T00:00:00Z")
        self.assertEqual(run.returncode, 4, run.stderr)

    def test_bad_arguments_exit_2(self):
        for args in (["--start", self.arns["raw"], "--as-of", "last tuesday"],
                     ["--start", self.arns["raw"], "--format", "png"],
                     ["--start", self.arns["raw"], "--up", "-1"],
                     ["--down", "1"]):
            with self.subTest(args=args):
                run = self.run_export(*args)
                self.assertEqual(run.returncode, 2, run.stderr)
                self.assertTrue(run.stderr.startswith("lineage-export: "), run.stderr)

    def test_unreachable_database_exits_3(self):
        with tempfile.TemporaryDirectory() as empty:
            run = self.run_export("--start", self.arns["raw"], "--db",
                                  "host=%s dbname=lineaged connect_timeout=2" % empty, db=False)
            self.assertEqual(run.returncode, 3, run.stderr)
            self.assertIn("cannot reach the database", run.stderr)
            run = self.run_export("--start", self.arns["raw"], "--home", os.path.join(empty, "none"),
                                  db=False)
            self.assertEqual(run.returncode, 3, run.stderr)

    def test_unwritable_output_exits_5(self):
        run = self.run_export("--start", self.arns["raw"], "-o", self.path("no/such/dir/g.json"))
        self.assertEqual(run.returncode, 5, run.stderr)

    def test_help(self):
        run = self.run_export("--help", db=False)
        self.assertEqual(run.returncode, 0)
        for word in ("--start", "--as-of", "--history", "Exit codes"):
            self.assertIn(word, run.stdout)


if __name__ == "__main__":
    unittest.main()
