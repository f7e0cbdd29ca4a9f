"""Observability: GET /metrics in the Prometheus text format (requests, errors and latency
by operation, each worker's database connection), and the key=value request log of
--log-requests, which always carries the request id."""

import os
import re
import subprocess
import sys
import unittest

from own_daemon import BIN, DB, SKIP_REASON, OwnDaemon

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
from lineaged_client import get, raw, requires_endpoint  # noqa: E402

PSQL = os.path.join(os.environ.get("LINEAGED_PGBIN", ""), "psql")
SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+|\+Inf)$')


def psql(sql):
    subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", DB, "-c", sql], check=True,
                   capture_output=True)


def scrape(text):
    """{(name, frozenset of label pairs): value} of an exposition text; fails on a line that
    is neither a comment nor a sample."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError("not a Prometheus sample: %r" % line)
        labels = frozenset(re.findall(r'([a-z_]+)="([^"]*)"', m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


@requires_endpoint
class MetricsEndpointTest(unittest.TestCase):
    def metrics(self):
        reply = get("/metrics")
        self.assertEqual(reply.status, 200, reply)
        self.assertTrue(reply.headers["content-type"].startswith("text/plain"), reply.headers)
        return scrape(reply.body.decode())

    def test_requests_errors_and_latency_by_operation(self):
        before = self.metrics()
        for _ in range(3):
            self.assertEqual(raw("ListExperiments", {}).status, 200)
        for _ in range(2):
            self.assertEqual(raw("CreateExperiment", {"ExperimentName": "no spaces"}).status, 400)
        after = self.metrics()

        def delta(name, **labels):
            return value(after, name, **labels) - value(before, name, **labels)

        self.assertEqual(delta("lineaged_requests_total", operation="ListExperiments"), 3)
        self.assertEqual(delta("lineaged_requests_total", operation="CreateExperiment"), 2)
        self.assertEqual(delta("lineaged_request_errors_total", operation="CreateExperiment",
                               type="ValidationException", status="400"), 2)
        self.assertEqual(delta("lineaged_request_errors_total", operation="ListExperiments",
                               type="ValidationException", status="400"), 0)
        self.assertEqual(delta("lineaged_request_duration_seconds_count",
                               operation="ListExperiments"), 3)
        buckets = sorted((float(dict(k[1])["le"]), v) for k, v in after.items()
                         if k[0] == "lineaged_request_duration_seconds_bucket"
                         and dict(k[1])["operation"] == "ListExperiments")
        self.assertEqual(buckets[-1][0], float("inf"))
        self.assertEqual([v for _, v in buckets], sorted(v for _, v in buckets), "not cumulative")
        self.assertEqual(buckets[-1][1], value(after, "lineaged_request_duration_seconds_count",
                                               operation="ListExperiments"))
        self.assertGreater(value(after, "lineaged_request_duration_seconds_sum",
                                 operation="ListExperiments"), 0)

    def test_unknown_operations_are_counted_together(self):
        before = self.metrics()
        raw("NoSuchOperation", {})
        raw("AlsoNoSuchOperation", {})
        after = self.metrics()
        self.assertEqual(value(after, "lineaged_requests_total", operation="Unknown")
                         - value(before, "lineaged_requests_total", operation="Unknown"), 2)
        self.assertFalse([k for k in after if ("operation", "NoSuchOperation") in k[1]])

    def test_database_state_per_worker(self):
        samples = self.metrics()
        up = {dict(k[1])["worker"]: v for k, v in samples.items()
              if k[0] == "lineaged_database_up"}
        self.assertTrue(up)
        self.assertEqual(set(up.values()), {1.0}, up)
        connects = [v for k, v in samples.items() if k[0] == "lineaged_database_connects_total"]
        self.assertEqual(len(connects), len(up))
        self.assertTrue(all(v >= 1 for v in connects), connects)


@unittest.skipUnless(BIN and DB, SKIP_REASON)
class RequestLogTest(unittest.TestCase):
    def request(self, daemon, op, body):
        conn = daemon.connect()
        try:
            conn.request("POST", "/", body=body, headers={
                "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "SageMaker." + op})
            resp = conn.getresponse()
            resp.read()
            return resp.status, resp.getheader("x-amzn-RequestId")
        finally:
            conn.close()

    def log_lines(self, daemon, request_id):
        return [line for line in daemon.log_text().splitlines()
                if "request_id=%s " % request_id in line]

    def test_log_requests_writes_one_line_per_request(self):
        daemon = OwnDaemon("--log-requests", "--workers", "2")
        daemon.start()
        try:
            status, rid = self.request(daemon, "ListExperiments", b"{}")
            self.assertEqual(status, 200)
            status, bad = self.request(daemon, "CreateExperiment", b'{"ExperimentName": "a b"}')
            self.assertEqual(status, 400)
            lines = self.log_lines(daemon, rid)
            self.assertEqual(len(lines), 1, daemon.log_text()[-2000:])
            fields = dict(kv.split("=", 1) for kv in lines[0].split())
            self.assertEqual((fields["level"], fields["operation"], fields["status"]),
                             ("info", "ListExperiments", "200"))
            self.assertGreaterEqual(float(fields["duration_ms"]), 0)
            fields = dict(kv.split("=", 1) for kv in self.log_lines(daemon, bad)[0].split())
            self.assertEqual((fields["status"], fields["error"]), ("400", "ValidationException"))
        finally:
            daemon.stop()

    @unittest.skipUnless(os.path.exists(PSQL), "LINEAGED_PGBIN is not set: run through scripts/test")
    def test_without_the_flag_only_server_errors_are_logged(self):
        # A database of the daemon's own, dropped under it: its next request is a 503.
        name = "observability_%d" % os.getpid()
        psql("create database %s" % name)
        daemon = OwnDaemon("--workers", "1", db="%s dbname=%s" % (DB, name))
        try:
            daemon.start()
            status, rid = self.request(daemon, "ListExperiments", b"{}")
            self.assertEqual(status, 200)
            psql("drop database %s with (force)" % name)
            status, failed = self.request(daemon, "ListExperiments", b"{}")
            self.assertGreaterEqual(status, 500)
            self.assertEqual(self.log_lines(daemon, rid), [])
            lines = self.log_lines(daemon, failed)
            self.assertEqual(len(lines), 1, daemon.log_text()[-2000:])
            self.assertIn("level=error", lines[0])
            self.assertIn("operation=ListExperiments", lines[0])
        finally:
            daemon.stop()
            psql("drop database if exists %s with (force)" % name)


if __name__ == "__main__":
    unittest.main()
