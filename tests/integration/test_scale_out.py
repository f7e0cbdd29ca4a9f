"""Scale past one machine: two lineaged instances against one database under a concurrent
write load each see every write; and `--db-read` against a real streaming replica (made
with pg_basebackup from the test cluster) serves reads from the replica, except those of a
caller whose last write the replica has not replayed yet, which the primary answers."""

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

from own_daemon import BIN, DB, SKIP_REASON, OwnDaemon, call, list_all

PGBIN = os.environ.get("LINEAGED_PGBIN")
PGHOST = os.environ.get("LINEAGED_PGHOST")
WRITERS = 8
WRITES_EACH = 20


def fresh_account():
    return "%012d" % (uuid.uuid4().int % 10**12)


def artifact(uri):
    return {"Source": {"SourceUri": uri}, "ArtifactType": "DataSet"}


@unittest.skipUnless(BIN and DB, SKIP_REASON)
class TwoInstancesTest(unittest.TestCase):
    def setUp(self):
        self.daemons = [OwnDaemon("--workers", "4"), OwnDaemon("--workers", "4")]
        for d in self.daemons:
            d.start()

    def tearDown(self):
        for d in self.daemons:
            self.assertIn(d.stop(), (0, None))

    def test_both_instances_see_every_write_of_a_concurrent_load(self):
        account = fresh_account()
        acked, failures, lock = {}, [], threading.Lock()

        def writer(i):
            conns = [d.connect() for d in self.daemons]
            try:
                for k in range(WRITES_EACH):
                    # Each writer alternates instances: consecutive writes of one client
                    # land on different machines.
                    conn = conns[(i + k) % 2]
                    status, out = call(conn, "CreateArtifact",
                                       artifact("s3://scale/%d/%d" % (i, k)), account)
                    with lock:
                        if status == 200:
                            acked[out["ArtifactArn"]] = "s3://scale/%d/%d" % (i, k)
                        else:
                            failures.append((status, out))
            finally:
                for c in conns:
                    c.close()

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        self.assertEqual(len(acked), WRITERS * WRITES_EACH)
        for d in self.daemons:
            with self.subTest(instance=d.endpoint):
                conn = d.connect()
                listed = list_all(conn, "ListArtifacts", {}, account, "ArtifactSummaries")
                self.assertEqual({a["ArtifactArn"]: a["Source"]["SourceUri"] for a in listed}, acked)
                for arn in list(acked)[:: WRITES_EACH // 2]:
                    status, out = call(conn, "DescribeArtifact", {"ArtifactArn": arn}, account)
                    self.assertEqual((status, out.get("Source", {}).get("SourceUri")), (200, acked[arn]))
                conn.close()


def as_pg(args, **kw):
    """Runs a PostgreSQL program as the cluster's owner (PostgreSQL refuses root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, cwd="/", capture_output=True, text=True, **kw)


@unittest.skipUnless(BIN and DB and PGBIN and PGHOST, SKIP_REASON)
class ReadReplicaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="lineaged-replica-", dir="/tmp")
        os.chmod(cls.home, 0o755)
        if os.geteuid() == 0:
            shutil.chown(cls.home, "postgres", "postgres")
        cls.data = os.path.join(cls.home, "data")
        cls.started = False
        out = as_pg([os.path.join(PGBIN, "pg_basebackup"), "-h", PGHOST, "-U", "postgres",
                     "-D", cls.data, "-R", "-X", "stream", "-c", "fast"], timeout=300)
        if out.returncode != 0:
            cls.tearDownClass()
            raise AssertionError("pg_basebackup: %s" % out.stderr)
        out = as_pg([os.path.join(PGBIN, "pg_ctl"), "-D", cls.data, "-l",
                     os.path.join(cls.home, "replica.log"), "-w", "-t", "60", "-o",
                     "-c listen_addresses='' -c unix_socket_directories=%s" % cls.home, "start"])
        if out.returncode != 0:
            cls.tearDownClass()
            raise AssertionError("replica start: %s %s" % (out.stdout, out.stderr))
        cls.started = True
        dbname = re.search(r"dbname=(\S+)", DB).group(1)
        cls.replica = "host=%s dbname=%s user=postgres" % (cls.home, dbname)
        cls.daemon = OwnDaemon("--workers", "2", "--db-read", cls.replica)
        cls.daemon.start()
        cls.conn = cls.daemon.connect()
        cls.primary_daemon = OwnDaemon("--workers", "2")
        cls.primary_daemon.start()
        cls.primary_conn = cls.primary_daemon.connect()

    @classmethod
    def tearDownClass(cls):
        for d in ("daemon", "primary_daemon"):
            if hasattr(cls, d):
                getattr(cls, d).stop()
        if cls.started:
            as_pg([os.path.join(PGBIN, "pg_ctl"), "-D", cls.data, "-m", "immediate", "-w", "stop"])
        shutil.rmtree(cls.home, ignore_errors=True)

    def sql(self, host, text):
        out = as_pg([os.path.join(PGBIN, "psql"), "-X", "-tA", "-h", host, "-U", "postgres",
                     "-d", "postgres", "-c", text])
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout.strip()

    def replica_sql(self, text):
        return self.sql(self.home, text)

    def wait_for_replay(self, limit=30):
        """Until the replica has replayed everything the primary has written so far."""
        lsn = self.sql(PGHOST, "select pg_current_wal_insert_lsn()")
        deadline = time.monotonic() + limit
        while self.replica_sql("select pg_last_wal_replay_lsn() >= '%s'" % lsn) != "t":
            self.assertLess(time.monotonic(), deadline, "the replica did not reach " + lsn)
            time.sleep(0.05)

    def describe(self, name, account):
        return call(self.conn, "DescribeExperiment", {"ExperimentName": name}, account)[0]

    def wait_until_seen(self, name, account, limit=30):
        deadline = time.monotonic() + limit
        while self.describe(name, account) != 200:
            self.assertLess(time.monotonic(), deadline, "the replica never showed " + name)
            time.sleep(0.05)

    def test_caller_reads_its_own_writes_at_once(self):
        account = fresh_account()
        for k in range(30):
            name = "ryw-%d" % k
            status, out = call(self.conn, "CreateExperiment", {"ExperimentName": name}, account)
            self.assertEqual(status, 200, out)
            self.assertEqual(self.describe(name, account), 200)
        names = {e["ExperimentName"] for e in list_all(
            self.conn, "ListExperiments", {}, account, "ExperimentSummaries")}
        self.assertEqual(names, {"ryw-%d" % k for k in range(30)})

    def test_reads_go_to_the_replica_unless_it_is_behind_the_callers_write(self):
        writer, other = fresh_account(), fresh_account()
        # Both tenants exist on the replica before replay stops.
        for account in (writer, other):
            call(self.conn, "CreateExperiment", {"ExperimentName": "seed"}, account)
        self.wait_for_replay()
        self.assertEqual(self.replica_sql("select pg_is_in_recovery()"), "t")
        self.replica_sql("select pg_wal_replay_pause()")
        try:
            # The writer's read follows its write to the primary: the replica is paused.
            self.assertEqual(call(self.conn, "CreateExperiment", {"ExperimentName": "mine"},
                                  writer)[0], 200)
            self.assertEqual(self.describe("mine", writer), 200)
            # A write this instance did not make is read from the paused replica: not there yet.
            self.assertEqual(call(self.primary_conn, "CreateExperiment",
                                  {"ExperimentName": "elsewhere"}, other)[0], 200)
            self.assertEqual(self.describe("elsewhere", other), 400)
            self.assertEqual(self.describe("seed", other), 200)
        finally:
            self.replica_sql("select pg_wal_replay_resume()")
        self.wait_until_seen("elsewhere", other)
        self.assertEqual(self.describe("mine", writer), 200)


if __name__ == "__main__":
    unittest.main()
