"""Shared helpers for the conformance tests: boto3 clients pointed at the running lineaged,
fresh accounts and unique names (the tests share one database and run in any order), and a
raw HTTP helper for requests that no SDK would send."""

import datetime
import decimal
import http.client
import json
import os
import random
import re
import socket
import threading
import unittest
import urllib.parse
import uuid

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("LINEAGED_ENDPOINT", "").rstrip("/")
SKIP_REASON = (
    "LINEAGED_ENDPOINT is not set: run these tests through scripts/test, or export "
    "LINEAGED_ENDPOINT=http://127.0.0.1:PORT to point them at a running lineaged"
)

DEFAULT_ACCOUNT = "123456789012"  # any access key id that is not 12 digits
REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
SECRET = "conformance-secret"  # lineaged reads the credential scope, never the signature
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"

NAME_PATTERN = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}"
MAX_BODY = 6 * 1024 * 1024

requires_endpoint = unittest.skipUnless(ENDPOINT, SKIP_REASON)

_rng = random.SystemRandom()


def fresh_account():
    """A random 12-digit access key id, which lineaged takes as the account id: a new,
    empty account for the caller alone."""
    while True:
        account = str(_rng.randrange(10**11, 10**12))
        if account not in (DEFAULT_ACCOUNT, "111111111111"):
            return account


def unique_name(prefix="t"):
    """An experiment name no other test (or earlier run on the same database) uses."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:16])


def experiment_arn(name, account=DEFAULT_ACCOUNT, region=REGION):
    return "arn:aws:sagemaker:%s:%s:experiment/%s" % (region, account, name.lower())

def arn_of(kind, name, account=DEFAULT_ACCOUNT, region=REGION):
    """The ARN lineaged gives a named entity of ARN resource type `kind`."""
    return "arn:aws:sagemaker:%s:%s:%s/%s" % (region, account, kind, name.lower())


def trial_arn(name, account=DEFAULT_ACCOUNT, region=REGION):
    return arn_of("experiment-trial", name, account, region)


def tc_arn(name, account=DEFAULT_ACCOUNT, region=REGION):
    return arn_of("experiment-trial-component", name, account, region)


def group_arn(account=DEFAULT_ACCOUNT, region=REGION):
    return arn_of("lineage-group", "sagemaker-default-lineage-group", account, region)


def unique_uri(prefix="s3://bucket"):
    return "%s/%s/data.csv" % (prefix, uuid.uuid4().hex)


def tags(*pairs):
    return [{"Key": k, "Value": v} for k, v in pairs]


def at(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)


def walk(call, page_size=None, **kwargs):
    """Pages through a List call to the end: (all items, the list of pages). Fails if
    the tokens never end."""
    items, pages, token = [], [], None
    while True:
        args = dict(kwargs)
        if page_size:
            args["MaxResults"] = page_size
        if token:
            args["NextToken"] = token
        out = call(**args)
        key = [k for k in out if k.endswith("Summaries")][0]
        pages.append(out[key])
        items.extend(out[key])
        token = out.get("NextToken")
        if token is None:
            return items, pages
        if len(pages) > 100:
            raise AssertionError("pagination does not end")



def client(access_key="testing", region=REGION, validate=True, endpoint=None, secret=SECRET,
           service="sagemaker"):
    """A sagemaker (or sagemaker-metrics) client for the daemon, or for another lineaged
    at `endpoint`. validate=False turns off botocore's client-side parameter checks, to
    send values it would refuse (MaxResults=0 and the like). Never retries, so a failure
    shows as it happened."""
    config = Config(
        parameter_validation=validate,
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=10,
        read_timeout=120,
    )
    return boto3.session.Session().client(
        service,
        endpoint_url=endpoint or ENDPOINT,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        config=config,
    )


def body_of(response):
    """A boto3 response without its ResponseMetadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


class Reply:
    """One raw HTTP response: status, headers (names lower-cased), body bytes."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def json_literals(self):
        """The body with every number as a Decimal, which keeps the digits as sent."""
        return json.loads(
            self.body.decode("utf-8"), parse_float=decimal.Decimal, parse_int=decimal.Decimal
        )

    @property
    def error_type(self):
        try:
            return self.json().get("__type")
        except ValueError:
            return None

    def __repr__(self):
        return "Reply(%d, %r)" % (self.status, self.body[:500])


def endpoint_parts(endpoint=None):
    url = urllib.parse.urlsplit(endpoint or ENDPOINT)
    return url.hostname, url.port or 80


def raw_headers(target=None, body=b"", method="POST", path="/", headers=None,
                access_key=None, region=REGION, content_type=JSON_CONTENT_TYPE):
    """Headers for a hand-made request; signed with SigV4 when access_key is given."""
    hdrs = {}
    if content_type is not None:
        hdrs["Content-Type"] = content_type
    if target is not None:
        hdrs["X-Amz-Target"] = target if "." in target else "SageMaker." + target
    if headers:
        hdrs.update(headers)
    if access_key is not None:
        request = AWSRequest(method=method, url=ENDPOINT + path, data=body, headers=hdrs)
        SigV4Auth(Credentials(access_key, SECRET), "sagemaker", region).add_auth(request)
        hdrs = dict(request.headers.items())
    return hdrs


def raw(target=None, body=b"{}", method="POST", path="/", headers=None, access_key=None,
        region=REGION, content_type=JSON_CONTENT_TYPE, endpoint=None):
    """Sends one request with http.client and returns a Reply. target is the operation
    ("CreateExperiment" or a full "SageMaker.X"); body is bytes, str, or an object sent
    as JSON. Unsigned unless access_key is given (then the default account applies).
    endpoint: another lineaged than the suite's."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode("utf-8")
    elif isinstance(body, str):
        body = body.encode("utf-8")
    hdrs = raw_headers(target, body, method, path, headers, access_key, region, content_type)
    host, port = endpoint_parts(endpoint)
    conn = http.client.HTTPConnection(host, port, timeout=120)
    try:
        conn.request(method, path, body=body if (body or method == "POST") else None,
                     headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        conn.close()


def raw_streamed(target, size, timeout=120):
    """POSTs a syntactically valid JSON body of `size` bytes. The body is sent from a
    second thread while this one reads, so a server that answers before reading it all
    (as it should for an oversize body) is heard even if it then stops reading."""
    head_json = b'{"ExperimentName":"oversize","Description":"'
    tail_json = b'"}'
    filler = size - len(head_json) - len(tail_json)
    host, port = endpoint_parts()
    head = (
        "POST / HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: %s\r\nX-Amz-Target: SageMaker.%s\r\n"
        "Content-Length: %d\r\nConnection: close\r\n\r\n" % (host, port, JSON_CONTENT_TYPE,
                                                             target, size)
    ).encode("ascii")
    sock = socket.create_connection((host, port), timeout=timeout)

    def send():
        try:
            sock.sendall(head + head_json)
            chunk = b"a" * 65536
            left = filler
            while left > 0:
                n = min(left, len(chunk))
                sock.sendall(chunk[:n])
                left -= n
            sock.sendall(tail_json)
        except OSError:
            pass  # the server may stop reading once it has answered

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    data = b""
    try:
        while True:
            try:
                part = sock.recv(65536)
            except ConnectionResetError:
                break
            if not part:
                break
            data += part
            reply = _parse_http(data, complete=False)
            if reply is not None:
                return reply
    finally:
        sock.close()
        sender.join(timeout=10)
    reply = _parse_http(data, complete=True)
    if reply is None:
        raise AssertionError("no HTTP response to a %d-byte body (got %r)" % (size, data[:200]))
    return reply


def _parse_http(data, complete):
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = data[:end].decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = data[end + 4:]
    if "content-length" in headers:
        length = int(headers["content-length"])
        if len(body) < length:
            return Reply(status, headers, body) if complete else None
        return Reply(status, headers, body[:length])
    return Reply(status, headers, body) if complete else None


def get(path):
    return raw(method="GET", path=path, body=b"", content_type=None)


EPOCH_MS = re.compile(r"[0-9]+(\.[0-9]{1,3})?")


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class LineagedTestCase(unittest.TestCase):
    """Assertions shared by every conformance test."""

    maxDiff = None

    def assertClientError(self, code, fn, *args, **kwargs):
        """fn(*args, **kwargs) must raise a ClientError with this code and HTTP 400;
        returns the error response for further checks."""
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        response = ctx.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400, response)
        return response

    def assertErrorReply(self, reply, error_type, status=400):
        """A raw reply must be an AWS JSON error of this type and status, with the type
        repeated in x-amzn-ErrorType and a request id."""
        self.assertEqual(reply.status, status, reply)
        self.assertEqual(reply.error_type, error_type, reply)
        self.assertEqual(reply.headers.get("x-amzn-errortype"), error_type, reply.headers)
        self.assertIsInstance(reply.json().get("message"), str, reply)
        self.assertTrue(reply.headers.get("x-amzn-requestid"), reply.headers)
        return reply.json()

    def assertValidationMessage(self, message, *violations):
        """The Coral form: '<n> validation error(s) detected: ' and each violation in it."""
        n = len(violations)
        prefix = "%d validation error%s detected: " % (n, "" if n == 1 else "s")
        self.assertTrue(message.startswith(prefix), "%r does not start with %r" % (message, prefix))
        for v in violations:
            self.assertIn(v, message)

