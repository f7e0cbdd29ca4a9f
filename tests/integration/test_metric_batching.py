"""BatchPutMetrics calls racing on one tenant are written together (service/store_metrics.c):
each call still gets its own answer, the summaries Describe shows stay exact, an instance
keeps one summary row per series, tenants stay apart, and a 200 means committed (a daemon
killed under the load keeps every acknowledged point, each counted in its summary)."""

import http.client
import json
import os
import random
import statistics
import subprocess
import threading
import time
import unittest
import urllib.parse
import urllib.request

from own_daemon import BIN, DB, SKIP_REASON, OwnDaemon, call

ENDPOINT = os.environ.get("LINEAGED_ENDPOINT", "")
PSQL = os.path.join(os.environ.get("LINEAGED_PGBIN", ""), "psql")
RACERS = 16
ROUNDS = 5
NAMES = 4


def fresh_account():
    return str(random.SystemRandom().randrange(10**11, 10**12))


def metrics_call(conn, method, path, body, account):
    """One sagemaker-metrics REST call on `conn`; returns (status, decoded body)."""
    conn.request(method, path, body=json.dumps(body).encode(), headers={
        "Content-Type": "application/json",
        "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20240101/us-east-1/sagemaker/"
                         "aws4_request, SignedHeaders=host, Signature=0" % account})
    resp = conn.getresponse()
    text = resp.read()
    return resp.status, json.loads(text) if text else {}


def put(conn, account, component, points):
    """points: (name, epoch seconds, step, value)."""
    return metrics_call(conn, "PUT", "/BatchPutMetrics", {
        "TrialComponentName": component,
        "MetricData": [{"MetricName": n, "Timestamp": t, "Step": s, "Value": v}
                       for n, t, s, v in points]}, account)


def connect(endpoint):
    url = urllib.parse.urlsplit(endpoint)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=60)


def call_once(endpoint, account, op, body):
    """One call on a connection of its own; the reply body, which must be a 200."""
    conn = connect(endpoint)
    try:
        status, out = call(conn, op, body, account)
    finally:
        conn.close()
    assert status == 200, out
    return out


def create_component(endpoint, account, name):
    return call_once(endpoint, account, "CreateTrialComponent",
                     {"TrialComponentName": name})["TrialComponentArn"]


def summaries(endpoint, account, name):
    out = call_once(endpoint, account, "DescribeTrialComponent", {"TrialComponentName": name})
    return {m["MetricName"]: m for m in out.get("Metrics", [])}


@unittest.skipUnless(ENDPOINT and DB, "run through scripts/test")
class RacingPutsTest(unittest.TestCase):
    def test_racing_calls_fold_into_exact_summaries_one_row_per_series(self):
        mine, theirs = fresh_account(), fresh_account()
        base = int(time.time()) - 3600
        # Racer i writes to one of three components (two of one tenant, one of another
        # with the same name as the first); the last racer names no component.
        targets = [(mine, "race-a"), (mine, "race-b"), (theirs, "race-a")]
        for account, name in targets:
            create_component(ENDPOINT, account, name)
        sent = {t: {} for t in targets}
        calls = []
        for i in range(RACERS):
            account, name = targets[i % 3] if i < RACERS - 1 else (mine, "race-missing")
            for r in range(ROUNDS):
                points = [("m%d" % ((i + j) % NAMES), base + i * 100 + r * 10 + j, r * 10 + j,
                           ((i * 31 + r * 7 + j * 13) % 97) * 0.25 - 3) for j in range(10)]
                calls.append((i, account, name, points))
                if (account, name) in sent:
                    for n, t, s, v in points:
                        sent[(account, name)].setdefault(n, []).append((t, s, v))
        barrier = threading.Barrier(RACERS)
        results = []
        lock = threading.Lock()

        def racer(i):
            conn = connect(ENDPOINT)
            try:
                barrier.wait()
                for _, account, name, points in (c for c in calls if c[0] == i):
                    out = put(conn, account, name, points)
                    with lock:
                        results.append((name, out))
            finally:
                conn.close()

        threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(len(results), RACERS * ROUNDS)
        every_item = [{"Code": "VALIDATION_ERROR", "MetricIndex": k} for k in range(10)]
        for name, (status, out) in results:
            self.assertEqual(status, 200, out)
            if name == "race-missing":
                self.assertEqual(out.get("Errors"), every_item)
            else:
                self.assertNotIn("Errors", out)

        for (account, name), series in sent.items():
            got = summaries(ENDPOINT, account, name)
            self.assertEqual(set(got), set(series), (account, name))
            for n, pts in series.items():
                with self.subTest(account=account, component=name, metric=n):
                    values = [v for _, _, v in pts]
                    s = got[n]
                    self.assertEqual(s["Count"], len(values))
                    self.assertEqual(s["Min"], min(values))
                    self.assertEqual(s["Max"], max(values))
                    self.assertAlmostEqual(s["Avg"], statistics.fmean(values), places=9)
                    self.assertAlmostEqual(s["StdDev"], statistics.stdev(values), places=9)
                    self.assertEqual(s["Last"], max(pts)[2])

        # One daemon wrote every call: one summary row per series, whatever the races.
        proc = subprocess.run(
            [PSQL if os.access(PSQL, os.X_OK) else "psql", "-X", "-tA", "-v", "ON_ERROR_STOP=1",
             DB, "-c", "select count(*), count(distinct (s.component_id, s.metric_name)) "
                       "from metric_summary s join entity e on e.id = s.component_id "
                       "join tenant t on t.id = e.tenant_id where t.account in ('%s', '%s')"
                       % (mine, theirs)], capture_output=True, text=True, check=True)
        rows, series_count = proc.stdout.split("|")
        self.assertEqual(int(rows), int(series_count))
        self.assertEqual(int(series_count), 3 * NAMES)


@unittest.skipUnless(BIN and DB, SKIP_REASON)
class SigkillMetricsTest(unittest.TestCase):
    CLIENTS = 8
    LOAD_SECONDS = 2.0

    def test_acknowledged_points_survive_sigkill_with_their_summaries(self):
        daemon = OwnDaemon()
        daemon.start()
        try:
            account = fresh_account()
            arn = create_component(daemon.endpoint, account, "durable-metrics")
            acked, errors, lock = set(), [], threading.Lock()
            now = int(time.time()) - 60

            def client(n):
                conn = daemon.connect()
                try:
                    for k in range(10**6):
                        steps = [n * 10**6 + k * 10 + j for j in range(10)]
                        status, out = put(conn, account, "durable-metrics",
                                          [("m%d" % (s % 3), now, s, float(s)) for s in steps])
                        if status != 200 or "Errors" in out:
                            errors.append((status, out))
                            return
                        with lock:
                            acked.update(steps)
                except (OSError, ValueError):
                    return  # the daemon is gone: this call's outcome is unknown
                finally:
                    conn.close()

            threads = [threading.Thread(target=client, args=(n,)) for n in range(self.CLIENTS)]
            for t in threads:
                t.start()
            time.sleep(self.LOAD_SECONDS)
            daemon.kill()
            for t in threads:
                t.join(30)
            self.assertEqual(errors, [], "writes failed before the kill")
            self.assertGreater(len(acked), 200, "too little load to mean anything")

            daemon.start()
            conn = daemon.connect(timeout=60)
            try:
                status, out = metrics_call(conn, "POST", "/BatchGetMetrics", {"MetricQueries": [
                    {"MetricName": "m%d" % m, "ResourceArn": arn, "MetricStat": "Count",
                     "Period": "IterationNumber", "XAxisType": "IterationNumber"}
                    for m in range(3)]}, account)
            finally:
                conn.close()
            self.assertEqual(status, 200, out)
            stored = {int(x) for q in out["MetricQueryResults"] for x in q["XAxisValues"]}
            self.assertEqual(acked - stored, set(), "acknowledged points lost")
            got = summaries(daemon.endpoint, account, "durable-metrics")
            for m, q in enumerate(out["MetricQueryResults"]):
                with self.subTest(metric=m):
                    self.assertEqual(got["m%d" % m]["Count"], sum(q["MetricValues"]),
                                     "the summary counts exactly the stored points")
        finally:
            daemon.stop()


@unittest.skipUnless(BIN and DB, SKIP_REASON)
class QueuedCallsFreeTheirWorkerTest(unittest.TestCase):
    """With two workers and one write held inside PostgreSQL on a summary row lock, the calls
    that queue behind it leave their worker free to serve other requests, and are written
    together once the lock goes (a worker waiting for each of its calls in turn would write
    them one or two a commit)."""
    QUEUED = 12
    PROBES = 12

    def test_queued_calls_free_their_worker_and_share_commits(self):
        daemon = OwnDaemon("--workers", "2")
        daemon.start()
        psql = None
        try:
            account = fresh_account()
            create_component(daemon.endpoint, account, "held")
            now = int(time.time()) - 60

            def points(k):
                return [("m0", now, k * 10 + j, float(j)) for j in range(10)]

            conn = daemon.connect()
            try:
                self.assertEqual(put(conn, account, "held", points(0)), (200, {}))
            finally:
                conn.close()
            psql = subprocess.Popen(
                [PSQL if os.access(PSQL, os.X_OK) else "psql", "-X", "-qtA", "-v", "ON_ERROR_STOP=1",
                 DB], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            psql.stdin.write("begin;\nselect 'held' from metric_summary s join entity e on "
                             "e.id = s.component_id join tenant t on t.id = e.tenant_id "
                             "where t.account = '%s' for update of s;\n" % account)
            psql.stdin.flush()
            self.assertEqual(psql.stdout.readline().strip(), "held")

            results, lock = [], threading.Lock()

            def putter(k):
                c = daemon.connect(timeout=60)
                try:
                    out = put(c, account, "held", points(k))
                finally:
                    c.close()
                with lock:
                    results.append(out)

            threads = [threading.Thread(target=putter, args=(k,)) for k in range(1, self.QUEUED + 2)]
            threads[0].start()
            time.sleep(0.3)  # its worker writes it and waits on the lock
            for t in threads[1:]:
                t.start()
            time.sleep(0.5)  # the rest are read and queue behind it

            def health_now():
                try:
                    with urllib.request.urlopen(daemon.endpoint + "/health", timeout=1) as resp:
                        return resp.status == 200
                except OSError:
                    return False

            # The kernel spreads new connections over both workers' sockets.
            answered = sum(health_now() for _ in range(self.PROBES))
            psql.stdin.write("rollback;\n")
            psql.stdin.close()
            psql.wait(30)
            for t in threads:
                t.join(60)
            self.assertGreater(answered, 0, "no worker was free while the calls waited")
            self.assertEqual(results, [(200, {})] * (self.QUEUED + 1))
            got = summaries(daemon.endpoint, account, "held")
            self.assertEqual(got["m0"]["Count"], 10 * (self.QUEUED + 2))
            proc = subprocess.run(
                [PSQL if os.access(PSQL, os.X_OK) else "psql", "-X", "-tA", "-v", "ON_ERROR_STOP=1",
                 DB, "-c", "select count(distinct p.xmin::text) from metric_chunk p join entity e "
                           "on e.id = p.component_id join tenant t on t.id = e.tenant_id "
                           "where t.account = '%s'" % account],
                capture_output=True, text=True, check=True)
            # The first call, the held one, then the queued calls in a few batches; workers that
            # each held one call would have needed at least 12 / 2 more commits.
            self.assertLessEqual(int(proc.stdout), 5)
        finally:
            if psql:
                if psql.poll() is None:
                    psql.kill()
                    psql.wait()
                psql.stdout.close()
            daemon.stop()


if __name__ == "__main__":
    unittest.main()
