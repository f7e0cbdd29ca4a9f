"""Database faults: PostgreSQL restarted under load. While it is down, requests fail fast
with ServiceUnavailable (503); once it is back the daemon serves again within a second,
by itself, with no more connections than it has workers. The cluster is the test's own
(LINEAGED_PGBIN), so the suite's shared one is never disturbed."""

import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from own_daemon import BIN, OwnDaemon, call

PGBIN = os.environ.get("LINEAGED_PGBIN")
WORKERS = 4
CLIENTS = 6


def as_pg(*cmd):
    """Runs a cluster command as the account the scripts use (postgres when root)."""
    if os.geteuid() == 0:
        cmd = ("runuser", "-u", "postgres", "--") + cmd
    subprocess.run(cmd, check=True, cwd="/", stdout=subprocess.DEVNULL,
                   stderr=subprocess.STDOUT)


@unittest.skipUnless(BIN and PGBIN, "LINEAGED_BIN and LINEAGED_PGBIN are not set: "
                                    "run through scripts/test")
class DatabaseRestartTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="lineaged-dbfault-", dir="/tmp")
        os.chmod(cls.home, 0o755)
        cls.data = os.path.join(cls.home, "pgdata")
        cls.sock = os.path.join(cls.home, "run")
        cls.pglog = os.path.join(cls.home, "postgres.log")
        if os.geteuid() == 0:
            shutil.chown(cls.home, "postgres", "postgres")
        as_pg("mkdir", "-p", cls.sock)
        as_pg(os.path.join(PGBIN, "initdb"), "-D", cls.data, "--auth=trust", "-U", "postgres",
              "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        cls.pg_start()
        subprocess.run([os.path.join(PGBIN, "createdb"), "-h", cls.sock, "-U", "postgres",
                        "lineaged"], check=True)
        cls.conninfo = "host=%s dbname=lineaged user=postgres" % cls.sock

    @classmethod
    def pg_start(cls):
        as_pg(os.path.join(PGBIN, "pg_ctl"), "-D", cls.data, "-l", cls.pglog, "-w", "-o",
              "-c listen_addresses='' -c unix_socket_directories=%s -c fsync=off" % cls.sock,
              "start")

    @classmethod
    def pg_stop(cls):
        as_pg(os.path.join(PGBIN, "pg_ctl"), "-D", cls.data, "-m", "fast", "-w", "stop")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.pg_stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(cls.home, ignore_errors=True)

    def backends(self):
        """Client connections to the lineaged database, this query's own excluded."""
        out = subprocess.run(
            [os.path.join(PGBIN, "psql"), "-X", "-h", self.sock, "-U", "postgres", "-d",
             "postgres", "-tAc", "select count(*) from pg_stat_activity where datname = "
             "'lineaged' and pid <> pg_backend_pid()"],
            check=True, capture_output=True, text=True)
        return int(out.stdout.strip())

    def test_restart_under_load(self):
        daemon = OwnDaemon("--workers", str(WORKERS), db=self.conninfo)
        daemon.start()
        log = []  # (start, end, status, error type)
        stop = threading.Event()

        def load(n):
            conn = daemon.connect(timeout=10)
            i = 0
            while not stop.is_set():
                i += 1
                op, body = (("CreateExperiment", {"ExperimentName": "e%d-%d-%d"
                                                  % (n, i, time.monotonic_ns())})
                            if i % 2 else ("ListExperiments", {"MaxResults": 5}))
                started = time.monotonic()
                try:
                    status, out = call(conn, op, body, "210987654321")
                except OSError:
                    status, out = 0, {}
                    conn.close()
                    conn = daemon.connect(timeout=10)
                log.append((started, time.monotonic(), status, out.get("__type")))
                time.sleep(0.01)
            conn.close()

        threads = [threading.Thread(target=load, args=(n,)) for n in range(CLIENTS)]
        try:
            for t in threads:
                t.start()
            time.sleep(1.0)
            down_at = time.monotonic()
            self.pg_stop()
            stopped_at = time.monotonic()
            time.sleep(2.0)
            restart_at = time.monotonic()
            self.pg_start()
            up_at = time.monotonic()
            time.sleep(2.0)
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        try:
            before = [e for e in log if e[1] < down_at]
            down = [e for e in log if e[0] > stopped_at and e[1] < restart_at]
            after = [e for e in log if e[0] > up_at + 1.0]
            self.assertTrue(before and all(e[2] == 200 for e in before), before[-5:])
            self.assertGreater(len(down), 20, "too few requests while the database was down")
            for e in down:
                self.assertEqual((e[2], e[3]), (503, "ServiceUnavailable"), e)
                self.assertLess(e[1] - e[0], 1.0, "a request waited on the missing database")
            self.assertTrue(after, "no requests after the restart")
            failed = [e for e in after if e[2] != 200]
            self.assertEqual(failed, [], "still failing a second after the database returned")
            first_ok = min(e[1] for e in log if e[0] > up_at and e[2] == 200)
            print("\nPostgreSQL down %.1f s: %d requests answered 503 in at most %.0f ms; "
                  "first 200 %.0f ms after it was back; %d requests after"
                  % (restart_at - stopped_at, len(down), 1000 * max(e[1] - e[0] for e in down),
                     1000 * (first_ok - up_at), len(after)))
            for _ in range(3 * WORKERS):  # new connections, spread over the workers
                self.assertEqual(daemon.health(), 200)
            self.assertLessEqual(self.backends(), WORKERS, "leaked database connections")
            text = daemon.log_text()
            # One line per worker when the outage starts and one when it ends, not one per
            # failed request.
            self.assertLessEqual(text.count("database connection failed"), WORKERS, text[-3000:])
            self.assertGreaterEqual(text.count("database connection restored"), 1, text[-3000:])
        finally:
            daemon.stop()


if __name__ == "__main__":
    unittest.main()
