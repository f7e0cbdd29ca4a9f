"""A lineaged of the test's own (LINEAGED_BIN against LINEAGED_DB on a free port), for tests
that kill, restart or starve it, and a small JSON 1.1 caller for it."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

BIN = os.environ.get("LINEAGED_BIN")
DB = os.environ.get("LINEAGED_DB")
SKIP_REASON = "LINEAGED_BIN and LINEAGED_DB are not set: run through scripts/test"
SANITIZER = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnDaemon:
    """start() / kill() / stop() one daemon process at a time on a fixed port; the log of
    every process it ran is kept in one file, checked for sanitizer reports by stop()."""

    def __init__(self, *args, db=None):
        self.args = list(args)
        self.db = db or DB
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.log = tempfile.NamedTemporaryFile(prefix="lineaged-own-", suffix=".log", delete=False)
        self.proc = None

    def start(self, timeout=30):
        self.proc = subprocess.Popen(
            [BIN, "--listen", "127.0.0.1", "--port", str(self.port), "--db", self.db] + self.args,
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("lineaged exited at start: %s" % self.log_text()[-3000:])
            if self.health() == 200:
                return
            time.sleep(0.1)
        raise AssertionError("lineaged did not become healthy: %s" % self.log_text()[-3000:])

    def health(self):
        """The status of GET /health, 0 when nothing answers."""
        try:
            with urllib.request.urlopen(self.endpoint + "/health", timeout=2) as resp:
                return resp.status
        except urllib.error.HTTPError as e:
            return e.code
        except (urllib.error.URLError, OSError):
            return 0

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        """SIGTERM and wait; returns the exit status. Raises on a sanitizer report."""
        status = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                status = self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                status = self.proc.wait()
        self.log.close()
        text = self.log_text()
        os.unlink(self.log.name)
        if SANITIZER.search(text):
            raise AssertionError("lineaged reported: %s" % text[-4000:])
        return status

    def log_text(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def connect(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)


def call(conn, op, body, account):
    """One SageMaker.<op> request on `conn` (kept alive) as `account`; returns (status,
    decoded body). Connection errors propagate."""
    data = json.dumps(body).encode()
    conn.request("POST", "/", body=data, headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "SageMaker." + op,
        "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20240101/us-east-1/sagemaker/"
                         "aws4_request, SignedHeaders=host, Signature=0" % account,
    })
    resp = conn.getresponse()
    text = resp.read()
    return resp.status, json.loads(text) if text else {}


def list_all(conn, op, body, account, key):
    """Every item of a List operation, through its pages."""
    items, token = [], None
    while True:
        page = dict(body, MaxResults=100)
        if token:
            page["NextToken"] = token
        status, out = call(conn, op, page, account)
        if status != 200:
            raise AssertionError("%s: %d %r" % (op, status, out))
        items.extend(out[key])
        token = out.get("NextToken")
        if not token:
            return items
