"""Hostile input against the live daemon (scripts/test's): malformed, huge, deep, slow and
half-open requests. Each must end in a 4xx or a closed connection, never a 5xx; the daemon's
memory stays bounded (its RSS, via LINEAGED_PID) and it still answers afterwards."""

import json
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
from lineaged_client import (MAX_BODY, LineagedTestCase, client, endpoint_parts, get,  # noqa: E402
                             raw, raw_streamed, requires_endpoint, unique_name)

PID = os.environ.get("LINEAGED_PID")


def rss_kib(pid):
    with open("/proc/%s/status" % pid, encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %s" % pid)


def under_asan(pid):
    with open("/proc/%s/maps" % pid, encoding="latin-1") as f:
        return "libasan" in f.read()


def exchange(data, timeout=10, shut=True):
    """Sends raw bytes on a fresh connection and reads until the server closes it or
    `timeout` passes; returns (status or None, reply bytes). A reset counts as a close."""
    host, port = endpoint_parts()
    out = b""
    with socket.create_connection((host, port), timeout=timeout) as s:
        try:
            s.sendall(data)
            if shut:
                s.shutdown(socket.SHUT_WR)
            while True:
                part = s.recv(65536)
                if not part:
                    break
                out += part
                if b"\r\n\r\n" in out and not shut:
                    break
        except (ConnectionResetError, BrokenPipeError, socket.timeout):
            pass
    status = None
    if out.startswith(b"HTTP/1.1 ") or out.startswith(b"HTTP/1.0 "):
        status = int(out[9:12])
    return status, out


def request_bytes(target, body, content_type="application/x-amz-json-1.1", extra=""):
    host, port = endpoint_parts()
    head = "POST / HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n" % (host, port)
    if target is not None:
        head += "X-Amz-Target: %s\r\n" % target
    if content_type is not None:
        head += "Content-Type: %s\r\n" % content_type
    head += extra
    head += "Content-Length: %d\r\n\r\n" % len(body)
    return head.encode("latin-1") + body


@requires_endpoint
class HostileInputTest(LineagedTestCase):
    def assert4xx(self, reply, label=""):
        self.assertGreaterEqual(reply.status, 400, (label, reply))
        self.assertLess(reply.status, 500, (label, reply))
        self.assertTrue(reply.headers.get("x-amzn-requestid"), (label, reply))

    def assert4xx_or_closed(self, status, out, label):
        if status is not None:
            self.assertTrue(400 <= status < 500, (label, out[:300]))

    def test_malformed_bodies_are_4xx(self):
        bodies = {
            "bad json": b'{"ExperimentName": "x",}',
            "trailing garbage": b'{"ExperimentName": "x"} {}',
            "array body": b"[]",
            "string body": b'"CreateExperiment"',
            "null body": b"null",
            "number body": b"1e999999",
            "deep arrays": b"[" * 100000,
            "deep balanced arrays": b"[" * 100000 + b"]" * 100000,
            "deep objects": b'{"a":' * 100000 + b"1" + b"}" * 100000,
            "deep in a member": b'{"ExperimentName":"x","Tags":' + b"[" * 50000 + b"]" * 50000
                                + b"}",
            "invalid utf-8": b'{"ExperimentName": "\xff\xfe"}',
            "overlong utf-8": b'{"ExperimentName": "\xc0\xaf"}',
            "utf-8 surrogate": b'{"ExperimentName": "\xed\xa0\x80"}',
            "lone surrogate escape": b'{"ExperimentName": "\\udc00"}',
            "raw NUL": b'{"ExperimentName": "a\x00b"}',
            "NUL before the body": b'\x00{"ExperimentName": "a"}',
            "escaped NUL in a name": b'{"ExperimentName": "a\\u0000b"}',
            "escaped NUL in a key": b'{"ExperimentName": "a", "Tags": [{"Key": "k\\u0000", '
                                    b'"Value": "v"}]}',
            "escaped NUL in free text": b'{"ExperimentName": "a", "Description": "x\\u0000y"}',
            "control characters": b'{"ExperimentName": "a\x01\x02"}',
            "duplicate members": b'{"ExperimentName": "a b", "ExperimentName": "c d"}',
            "huge number": b'{"ExperimentName": "n", "DisplayName": 1e400}',
        }
        for label, body in bodies.items():
            with self.subTest(label):
                self.assert4xx(raw("CreateExperiment", body), label)

    def test_escaped_nul_never_shortens_a_name(self):
        name = unique_name("nul")
        reply = raw("CreateExperiment", ('{"ExperimentName": "%s\\u0000tail"}' % name).encode())
        self.assert4xx(reply)
        self.assertEqual(raw("DescribeExperiment", {"ExperimentName": name}).error_type,
                         "ResourceNotFound")

    def test_oversized_fields_are_validation_errors(self):
        cases = {
            "long name": {"ExperimentName": "a" * 100000},
            "long description": {"ExperimentName": "a", "Description": "d" * (5 * 1024 * 1024)},
            "many tags": {"ExperimentName": "a",
                          "Tags": [{"Key": "k%d" % i, "Value": "v"} for i in range(100000)]},
            "long tag key": {"ExperimentName": "a", "Tags": [{"Key": "k" * 100000, "Value": ""}]},
        }
        for label, body in cases.items():
            with self.subTest(label):
                reply = raw("CreateExperiment", body)
                self.assert4xx(reply, label)
                self.assertEqual(reply.error_type, "ValidationException", reply)
        props = {"ArtifactName": "a", "Source": {"SourceUri": "u"}, "ArtifactType": "T",
                 "Properties": {"p%d" % i: "v" * 100 for i in range(50000)}}
        self.assert4xx(raw("CreateArtifact", props), "many properties")
        arns = ["arn:aws:sagemaker:us-east-1:123456789012:artifact/%032x" % i
                for i in range(10000)]
        self.assert4xx(raw("QueryLineage", {"StartArns": arns}), "many start arns")

    def test_huge_bodies_are_refused(self):
        self.assert4xx(raw_streamed("CreateExperiment", MAX_BODY + 1), "just past 6 MiB")
        status, out = exchange(request_bytes("SageMaker.CreateExperiment", b"")[:-4]
                               + b"Content-Length: %d\r\n\r\n" % (64 * 1024 * 1024), timeout=10)
        self.assert4xx_or_closed(status, out, "64 MiB announced")
        status, out = exchange(request_bytes("SageMaker.CreateExperiment", b"{}",
                                             extra="X-Big: %s\r\n" % ("h" * (1024 * 1024))))
        self.assert4xx_or_closed(status, out, "1 MiB header")
        status, out = exchange(request_bytes("SageMaker.CreateExperiment", b"{}",
                                             extra="".join("X-H%d: v\r\n" % i
                                                           for i in range(100000))))
        self.assert4xx_or_closed(status, out, "100000 headers")

    def test_wrong_content_types_are_4xx(self):
        for ctype in ("text/plain", "application/x-www-form-urlencoded",
                      "multipart/form-data; boundary=x", "application/xml", "\x01\x02"):
            with self.subTest(ctype):
                reply = raw("ListExperiments", "{}", content_type=ctype)
                self.assert4xx(reply, ctype)
                self.assertEqual(reply.error_type, "SerializationException", reply)
        for ctype in ("application/x-amz-json-1.1", "application/x-amz-json-1.0",
                      "application/json", "application/x-amz-json-1.1; charset=utf-8"):
            with self.subTest(ctype):
                self.assertEqual(raw("ListExperiments", "{}", content_type=ctype).status, 200)

    def test_unknown_targets_are_4xx(self):
        for target in ("SageMaker.", "SageMaker.NoSuchOp", "sagemaker.ListExperiments",
                       "SageMaker.ListExperiments.Extra", "SageMaker." + "A" * 100000,
                       "SageMaker.List\x7fExperiments", ""):
            with self.subTest(target[:40]):
                status, out = exchange(request_bytes(target, b"{}"))
                self.assert4xx_or_closed(status, out, target[:40])
                self.assertIsNotNone(status, out)

    def test_slow_clients_are_answered_and_block_nobody(self):
        """Clients that send a byte at a time, fewer than the workers' count twice over:
        each still gets its answer, and others are served meanwhile."""
        body = json.dumps({"MaxResults": 1}).encode()
        data = request_bytes("SageMaker.ListExperiments", body)
        results = []

        def trickle():
            host, port = endpoint_parts()
            with socket.create_connection((host, port), timeout=20) as s:
                for i in range(len(data)):
                    s.sendall(data[i:i + 1])
                    time.sleep(2.0 / len(data))
                out = b""
                while True:
                    part = s.recv(65536)
                    if not part:
                        break
                    out += part
                results.append(out)

        threads = [threading.Thread(target=trickle) for _ in range(24)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        started = time.monotonic()
        self.assertEqual(get("/health").status, 200)
        self.assertLess(time.monotonic() - started, 1.0, "health waited on slow clients")
        for t in threads:
            t.join(30)
        self.assertEqual(len(results), len(threads))
        for out in results:
            self.assertTrue(out.startswith(b"HTTP/1.1 200"), out[:200])

    def test_half_open_connections_do_not_stop_service(self):
        host, port = endpoint_parts()
        socks = []
        try:
            for i in range(300):
                s = socket.create_connection((host, port), timeout=10)
                socks.append(s)
                if i % 3 == 0:
                    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")  # headers never end
                elif i % 3 == 1:
                    s.sendall(request_bytes("SageMaker.ListExperiments", b"{}" * 100)[:-150])
            started = time.monotonic()
            sm = client()
            name = unique_name("halfopen")
            sm.create_experiment(ExperimentName=name)
            self.assertEqual(get("/health").status, 200)
            self.assertLess(time.monotonic() - started, 2.0)
        finally:
            for s in socks:
                s.close()
        self.assertEqual(sm.describe_experiment(ExperimentName=name)["ExperimentName"], name)

    @unittest.skipUnless(PID, "LINEAGED_PID is not set: run through scripts/test")
    def test_memory_stays_bounded(self):
        """The matrix's heavy part, round after round: once the allocator (and, under ASan,
        its quarantine) has warmed up over three rounds, three more must not add more than
        a fraction of what they sent (each round sends about 75 MiB)."""
        def round_():
            for _ in range(5):
                raw_streamed("CreateExperiment", MAX_BODY)
                raw_streamed("CreateExperiment", MAX_BODY + 1024)
            raw("CreateExperiment", b"[" * 100000)
            raw("CreateExperiment", {"ExperimentName": "a",
                                     "Tags": [{"Key": "k%d" % i, "Value": "v"}
                                              for i in range(20000)]})
        for _ in range(3):
            round_()
        first = rss_kib(PID)
        for _ in range(3):
            round_()
        last = rss_kib(PID)
        growth_mib = (last - first) / 1024
        print("daemon RSS %.0f MiB after three rounds, %.0f MiB after six (%+.0f MiB)"
              % (first / 1024, last / 1024, growth_mib), file=sys.stderr)
        # ASan holds freed memory in its quarantine (256 MiB by default) before reuse; its
        # leak check at the daemon's exit covers what this bound then cannot.
        limit = 100 + (256 if under_asan(PID) else 0)
        self.assertLess(growth_mib, limit, "RSS grew by %.0f MiB" % growth_mib)
        self.assertEqual(get("/health").status, 200)

    def test_zz_server_answers_afterwards(self):
        self.assertEqual(get("/health").status, 200)
        sm = client()
        name = unique_name("after")
        sm.create_experiment(ExperimentName=name)
        self.assertEqual(sm.describe_experiment(ExperimentName=name)["ExperimentName"], name)


if __name__ == "__main__":
    unittest.main()
