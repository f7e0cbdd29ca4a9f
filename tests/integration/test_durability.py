"""Durability: a 200 on a write means committed. A daemon of the test's own takes a
concurrent CreateArtifact + AddAssociation load and is killed with SIGKILL in the middle of
it; restarted, it must show every acknowledged artifact and association, and nothing
half-written: no association whose end is missing."""

import random
import threading
import time
import unittest
import uuid

from own_daemon import BIN, DB, SKIP_REASON, OwnDaemon, call, list_all

CLIENTS = 8
LOAD_SECONDS = 2.0


@unittest.skipUnless(BIN and DB, SKIP_REASON)
class SigkillDurabilityTest(unittest.TestCase):
    def setUp(self):
        self.daemon = OwnDaemon()
        self.daemon.start()
        self.account = str(random.SystemRandom().randrange(10**11, 10**12))
        self.lock = threading.Lock()
        self.acked_artifacts = set()
        self.acked_associations = set()
        self.errors = []

    def tearDown(self):
        self.daemon.stop()

    def client(self, n):
        """Writes a chain of artifacts, each associated to the one before, until the daemon
        dies under it."""
        conn = self.daemon.connect()
        previous = None
        try:
            while True:
                status, out = call(conn, "CreateArtifact", {
                    "ArtifactName": "a%d" % n,
                    "Source": {"SourceUri": "s3://durable/%s" % uuid.uuid4().hex},
                    "ArtifactType": "DataSet"}, self.account)
                if status != 200:
                    self.errors.append((status, out))
                    return
                arn = out["ArtifactArn"]
                with self.lock:
                    self.acked_artifacts.add(arn)
                if previous:
                    status, out = call(conn, "AddAssociation", {
                        "SourceArn": previous, "DestinationArn": arn,
                        "AssociationType": "ContributedTo"}, self.account)
                    if status != 200:
                        self.errors.append((status, out))
                        return
                    with self.lock:
                        self.acked_associations.add((previous, arn))
                previous = arn
        except (OSError, ValueError):
            return  # the daemon is gone: this request's outcome is unknown
        finally:
            conn.close()

    def test_acknowledged_writes_survive_sigkill(self):
        threads = [threading.Thread(target=self.client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(LOAD_SECONDS)
        with self.lock:
            before_kill = len(self.acked_artifacts), len(self.acked_associations)
        self.daemon.kill()
        for t in threads:
            t.join(30)
        self.assertEqual(self.errors, [], "writes failed before the kill")
        self.assertGreater(before_kill[1], 20, "too little load to mean anything")

        self.daemon.start()
        conn = self.daemon.connect(timeout=60)
        try:
            artifacts = {a["ArtifactArn"] for a in
                         list_all(conn, "ListArtifacts", {}, self.account, "ArtifactSummaries")}
            associations = {(a["SourceArn"], a["DestinationArn"]) for a in
                            list_all(conn, "ListAssociations", {}, self.account,
                                     "AssociationSummaries")}
        finally:
            conn.close()
        self.assertEqual(self.acked_artifacts - artifacts, set(), "acknowledged artifacts lost")
        self.assertEqual(self.acked_associations - associations, set(),
                         "acknowledged associations lost")
        dangling = {(s, d) for s, d in associations if s not in artifacts or d not in artifacts}
        self.assertEqual(dangling, set(), "associations with a missing end")
        print("\nSIGKILL after %.1f s of %d writers: %d artifacts and %d associations "
              "acknowledged, all there (%d and %d stored)"
              % (LOAD_SECONDS, CLIENTS, len(self.acked_artifacts), len(self.acked_associations),
                 len(artifacts), len(associations)))


if __name__ == "__main__":
    unittest.main()
