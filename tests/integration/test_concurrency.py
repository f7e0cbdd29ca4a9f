"""Concurrency against the live daemon: many clients racing on the same names, the same
associations and deletes. Exactly one create wins, no duplicate or dangling association
is left, and no client ever sees a 5xx (deadlocks and serialisation failures are retried
inside the service)."""

import http.client
import os
import random
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse
import uuid

from own_daemon import call, list_all

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
from lineaged_client import requires_endpoint  # noqa: E402

ENDPOINT = os.environ.get("LINEAGED_ENDPOINT", "")
PSQL = os.path.join(os.environ.get("LINEAGED_PGBIN", ""), "psql")
DB = os.environ.get("LINEAGED_DB")
RACERS = 16
ROUNDS = 3


def connect():
    url = urllib.parse.urlsplit(ENDPOINT)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=60)


def fresh_account():
    return str(random.SystemRandom().randrange(10**11, 10**12))


def race(jobs):
    """Runs each job (a function of a connection returning (status, body)) in its own
    thread, released together; returns their results in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i):
        conn = connect()
        try:
            barrier.wait()
            results[i] = jobs[i](conn)
        finally:
            conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


@requires_endpoint
class RaceTest(unittest.TestCase):
    def assertNo5xx(self, results):
        for status, body in results:
            self.assertLess(status, 500, body)

    def create_artifact(self, account, conn=None):
        own = conn is None
        conn = conn or connect()
        status, out = call(conn, "CreateArtifact", {
            "Source": {"SourceUri": "s3://race/%s" % uuid.uuid4().hex},
            "ArtifactType": "DataSet"}, account)
        if own:
            conn.close()
        self.assertEqual(status, 200, out)
        return out["ArtifactArn"]

    def test_exactly_one_create_wins(self):
        account = fresh_account()
        creates = {
            "CreateExperiment": lambda n: {"ExperimentName": n},
            "CreateTrialComponent": lambda n: {"TrialComponentName": n},
            "CreateAction": lambda n: {"ActionName": n, "Source": {"SourceUri": "u"},
                                       "ActionType": "T"},
            "CreateContext": lambda n: {"ContextName": n, "Source": {"SourceUri": "u"},
                                        "ContextType": "T"},
            "CreateArtifact": lambda n: {"ArtifactName": "a", "ArtifactType": "T",
                                         "Source": {"SourceUri": "s3://race/" + n}},
        }
        for op, body in creates.items():
            for round_ in range(3):
                with self.subTest(op=op, round=round_):
                    name = "race-%s" % uuid.uuid4().hex[:12]
                    # Half the racers also tag, which takes the transactional path.
                    jobs = [lambda c, i=i: call(c, op, dict(
                        body(name), **({"Tags": [{"Key": "k", "Value": str(i)}]} if i % 2
                                       else {})), account) for i in range(RACERS)]
                    results = race(jobs)
                    self.assertNo5xx(results)
                    wins = [r for r in results if r[0] == 200]
                    self.assertEqual(len(wins), 1, results)
                    for status, out in results:
                        if status != 200:
                            self.assertEqual(out.get("__type"), "ValidationException", out)
                            self.assertIn("already exists", out.get("message", ""))

    def test_racing_adds_of_one_association(self):
        account = fresh_account()
        for _ in range(3):
            src, dst = self.create_artifact(account), self.create_artifact(account)
            results = race([lambda c: call(c, "AddAssociation", {
                "SourceArn": src, "DestinationArn": dst}, account)] * RACERS)
            self.assertNo5xx(results)
            self.assertEqual(sum(1 for r in results if r[0] == 200), 1, results)
            conn = connect()
            found = list_all(conn, "ListAssociations", {"SourceArn": src}, account,
                             "AssociationSummaries")
            conn.close()
            self.assertEqual([a["DestinationArn"] for a in found], [dst])

    def test_deletes_racing_associations_leave_nothing_dangling(self):
        """Each round: six artifacts joined both ways, then all deleted (each twice) while
        associations among them are added and deleted."""
        account = fresh_account()
        rng = random.Random(9)
        conn = connect()
        for _ in range(ROUNDS):
            arns = [self.create_artifact(account, conn) for _ in range(6)]
            for a in arns:
                for b in arns:
                    if a != b:
                        self.assertEqual(call(conn, "AddAssociation", {
                            "SourceArn": a, "DestinationArn": b}, account)[0], 200)
            jobs = [lambda c, a=a: call(c, "DeleteArtifact", {"ArtifactArn": a}, account)
                    for a in arns * 2]
            for i in range(RACERS):
                a, b = rng.sample(arns, 2)
                op = "DeleteAssociation" if i % 2 else "AddAssociation"
                jobs.append(lambda c, a=a, b=b, op=op: call(c, op, {
                    "SourceArn": a, "DestinationArn": b}, account))
            results = race(jobs)
            self.assertNo5xx(results)
            for status, out in results:
                if status != 200:
                    self.assertIn(out.get("__type"), ("ResourceNotFound", "ValidationException"),
                                  out)
        artifacts = {a["ArtifactArn"] for a in list_all(conn, "ListArtifacts", {}, account,
                                                        "ArtifactSummaries")}
        pairs = [(a["SourceArn"], a["DestinationArn"]) for a in
                 list_all(conn, "ListAssociations", {}, account, "AssociationSummaries")]
        conn.close()
        self.assertEqual(artifacts, set(), "every artifact was deleted")
        self.assertEqual(pairs, [], "associations outlived their ends")

    def test_create_and_delete_of_one_name(self):
        account = fresh_account()
        name = "flip-%s" % uuid.uuid4().hex[:12]
        jobs = [(lambda c: call(c, "CreateExperiment", {"ExperimentName": name}, account)),
                (lambda c: call(c, "DeleteExperiment", {"ExperimentName": name}, account))]
        for _ in range(4):
            results = race(jobs * (RACERS // 2))
            self.assertNo5xx(results)
        conn = connect()
        status, out = call(conn, "DescribeExperiment", {"ExperimentName": name}, account)
        listed = list_all(conn, "ListExperiments", {}, account, "ExperimentSummaries")
        conn.close()
        self.assertEqual(len(listed), 1 if status == 200 else 0, (status, listed))

    def psql(self, sql):
        out = subprocess.run([PSQL, "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", DB, "-c", sql],
                             check=True, capture_output=True, text=True, timeout=60)
        return out.stdout.strip()

    def deadlocks(self):
        return int(self.psql("select deadlocks from pg_stat_database "
                             "where datname = current_database()"))

    @unittest.skipUnless(DB and os.path.exists(PSQL), "LINEAGED_DB and LINEAGED_PGBIN are not "
                                                      "set: run through scripts/test")
    def test_a_deadlock_is_retried_inside_the_service(self):
        """A session of the test's own holds the association y->x and then asks for
        artifact y, which DeleteArtifact(y) holds while it waits for that association:
        PostgreSQL breaks the deadlock by aborting the daemon's transaction (the session's
        own deadlock_timeout is long), and the daemon must run the delete again, not
        answer 500."""
        account = fresh_account()
        x, y = self.create_artifact(account), self.create_artifact(account)
        conn = connect()
        self.assertEqual(call(conn, "AddAssociation", {"SourceArn": y, "DestinationArn": x},
                              account)[0], 200)
        ids = dict(line.split("|") for line in self.psql(
            "select arn, id from entity where arn in (lower('%s'), lower('%s'))"
            % (x, y)).splitlines())
        xid, yid = int(ids[x.lower()]), int(ids[y.lower()])
        before = self.deadlocks()
        holder = subprocess.Popen(
            [PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", DB, "-c",
             "set deadlock_timeout = '20s'; begin; select 1 from association where source_id = %d "
             "and destination_id = %d for update; select pg_sleep(1.0); select 1 from entity "
             "where id = %d for update; commit;" % (yid, xid, yid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # The delete must wait before the session asks for y (1 s in), and the session must
        # ask before the daemon's backend checks for a deadlock (1 s after it began to wait).
        time.sleep(0.3)
        status, out = call(conn, "DeleteArtifact", {"ArtifactArn": y}, account)
        _, err = holder.communicate(timeout=60)
        self.assertEqual(holder.returncode, 0, err)
        self.assertEqual(status, 200, out)
        self.assertEqual(call(conn, "DescribeArtifact", {"ArtifactArn": y}, account)[1]
                         .get("__type"), "ResourceNotFound")
        conn.close()
        deadline = time.monotonic() + 5
        while self.deadlocks() == before and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertGreater(self.deadlocks(), before, "no deadlock happened: the test proves "
                                                     "nothing")


@requires_endpoint
@unittest.skipUnless(DB and os.path.exists(PSQL), "LINEAGED_DB and LINEAGED_PGBIN are not set: "
                                                  "run through scripts/test")
class RolledBackTenantTest(unittest.TestCase):
    """A fresh account's first write fails inside its transaction, after the account's
    tenant row was inserted: the rollback removes the row, so no worker may keep its id."""

    def test_a_rolled_back_tenant_is_not_reused(self):
        account = fresh_account()
        conn = connect()  # kept alive: the same worker serves both creates
        # 2048 random CJK characters: allowed by the model, but too large to index (54000).
        uri = "".join(chr(random.randrange(0x4e00, 0x9fff)) for _ in range(2048))
        status, out = call(conn, "CreateArtifact", {
            "Source": {"SourceUri": uri}, "ArtifactType": "T",
            "Tags": [{"Key": "k", "Value": "v"}]}, account)
        self.assertEqual((status, out.get("__type")), (400, "ValidationException"), out)
        status, out = call(conn, "CreateArtifact", {
            "Source": {"SourceUri": "s3://after/rollback"}, "ArtifactType": "T"}, account)
        self.assertEqual(status, 200, out)
        conn.close()
        for _ in range(8):  # new connections, spread over the workers
            c = connect()
            status, found = call(c, "DescribeArtifact", {"ArtifactArn": out["ArtifactArn"]},
                                 account)
            c.close()
            self.assertEqual(status, 200, found)
        orphans = subprocess.run(
            [PSQL, "-X", "-q", "-tA", "-d", DB, "-c", "select count(*) from entity e where not "
             "exists (select 1 from tenant t where t.id = e.tenant_id)"],
            check=True, capture_output=True, text=True).stdout.strip()
        self.assertEqual(orphans, "0", "entities of a tenant that does not exist")


if __name__ == "__main__":
    unittest.main()
