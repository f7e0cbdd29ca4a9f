"""The optional SigV4 mode (--auth sigv4 --credentials FILE): boto3 with a key of the
credentials file and its secret is served (over the JSON protocol and the metrics
routes); a wrong secret, an unknown key, a missing or incomplete Authorization header,
a stale X-Amz-Date and a tampered body are refused with the errors AWS uses."""

import datetime
import hashlib
import hmac
import json
import os
import sys
import tempfile
import unittest

from botocore.exceptions import ClientError

from lineaged_client import JSON_CONTENT_TYPE, LineagedTestCase, REGION, client, raw, unique_name

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from own_daemon import BIN, DB, SKIP_REASON, OwnDaemon  # noqa: E402

requires_binary = unittest.skipUnless(BIN and DB, SKIP_REASON)

KEY_ID, SECRET_KEY = "AKIDSIGV4TEST", "sigv4-test-secret"
ACCOUNT_KEY, ACCOUNT_SECRET = "210987654321", "account-secret"


def sign(key_id, secret, body, target, port, when=None, region=REGION, drop=None):
    """Headers of a SigV4-signed JSON 1.1 request, computed here as the SDKs do."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    headers = {"content-type": JSON_CONTENT_TYPE, "host": "127.0.0.1:%d" % port,
               "x-amz-date": amz_date, "x-amz-target": target}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["POST", "/", ""] + ["%s:%s" % (k, headers[k]) for k in sorted(headers)]
                          + ["", signed, hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/sagemaker/aws4_request" % (day, region)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (day, region, "sagemaker", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    auth = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        key_id, scope, signed, signature)
    if drop:
        auth = ", ".join(p for p in auth.split(", ") if not p.startswith(drop))
    return {"Content-Type": JSON_CONTENT_TYPE, "X-Amz-Date": amz_date, "X-Amz-Target": target,
            "Authorization": auth}


@requires_binary
class SigV4Test(LineagedTestCase):

    @classmethod
    def setUpClass(cls):
        cls.credentials = tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False)
        cls.credentials.write("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n"
                              "[account]\naws_secret_access_key=%s\naws_access_key_id=%s\n"
                              % (KEY_ID, SECRET_KEY, ACCOUNT_SECRET, ACCOUNT_KEY))
        cls.credentials.close()
        cls.daemon = OwnDaemon("--auth", "sigv4", "--credentials", cls.credentials.name)
        cls.daemon.start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        os.unlink(cls.credentials.name)

    def assertAuthError(self, code, status, fn, *args, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        response = ctx.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status, response)
        return response["Error"]["Message"]

    def test_right_key_is_served(self):
        sm = client(KEY_ID, secret=SECRET_KEY, endpoint=self.daemon.endpoint)
        name = unique_name("sig")
        sm.create_experiment(ExperimentName=name)
        self.assertEqual(sm.describe_experiment(ExperimentName=name)["ExperimentName"], name)

    def test_twelve_digit_key_still_names_the_account(self):
        sm = client(ACCOUNT_KEY, secret=ACCOUNT_SECRET, endpoint=self.daemon.endpoint)
        arn = sm.create_experiment(ExperimentName=unique_name("acct"))["ExperimentArn"]
        self.assertIn(":%s:" % ACCOUNT_KEY, arn)

    def test_metrics_routes_are_signed_too(self):
        sm = client(KEY_ID, secret=SECRET_KEY, endpoint=self.daemon.endpoint)
        name = unique_name("tc")
        sm.create_trial_component(TrialComponentName=name)
        metrics = client(KEY_ID, secret=SECRET_KEY, endpoint=self.daemon.endpoint,
                         service="sagemaker-metrics")
        out = metrics.batch_put_metrics(TrialComponentName=name, MetricData=[
            {"MetricName": "loss", "Timestamp": datetime.datetime.now(), "Value": 1.0}])
        self.assertEqual(out.get("Errors", []), [])
        bad = client(KEY_ID, secret="wrong", endpoint=self.daemon.endpoint,
                     service="sagemaker-metrics")
        self.assertAuthError("InvalidSignatureException", 403, bad.batch_put_metrics,
                             TrialComponentName=name, MetricData=[
                                 {"MetricName": "loss", "Timestamp": datetime.datetime.now(),
                                  "Value": 2.0}])

    def test_wrong_secret_is_invalid_signature(self):
        sm = client(KEY_ID, secret="not-the-secret", endpoint=self.daemon.endpoint)
        message = self.assertAuthError("InvalidSignatureException", 403, sm.list_experiments)
        self.assertIn("does not match the signature you provided", message)

    def test_unknown_key_is_unrecognized_client(self):
        sm = client("AKIDNOBODY", secret=SECRET_KEY, endpoint=self.daemon.endpoint)
        message = self.assertAuthError("UnrecognizedClientException", 403, sm.list_experiments)
        self.assertEqual(message, "The security token included in the request is invalid.")

    def test_refused_writes_store_nothing(self):
        name = unique_name("refused")
        bad = client(KEY_ID, secret="not-the-secret", endpoint=self.daemon.endpoint)
        self.assertAuthError("InvalidSignatureException", 403, bad.create_experiment,
                             ExperimentName=name)
        good = client(KEY_ID, secret=SECRET_KEY, endpoint=self.daemon.endpoint)
        with self.assertRaises(ClientError) as ctx:
            good.describe_experiment(ExperimentName=name)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ResourceNotFound")

    def raw(self, headers, body):
        return raw(body=body, headers=headers, endpoint=self.daemon.endpoint)

    def test_unsigned_request_is_missing_token(self):
        reply = self.raw({"X-Amz-Target": "SageMaker.ListExperiments",
                          "Content-Type": JSON_CONTENT_TYPE}, b"{}")
        self.assertErrorReply(reply, "MissingAuthenticationTokenException", 403)
        self.assertEqual(reply.json()["message"], "Missing Authentication Token")

    def test_signature_computed_here_is_accepted(self):
        body = b"{}"
        reply = self.raw(sign(KEY_ID, SECRET_KEY, body, "SageMaker.ListExperiments",
                              self.daemon.port), body)
        self.assertEqual(reply.status, 200, reply)

    def test_tampered_body_is_invalid_signature(self):
        signed = json.dumps({"ExperimentName": "a"}).encode()
        headers = sign(KEY_ID, SECRET_KEY, signed, "SageMaker.DescribeExperiment", self.daemon.port)
        reply = self.raw(headers, json.dumps({"ExperimentName": "b"}).encode())
        self.assertErrorReply(reply, "InvalidSignatureException", 403)

    def test_stale_date_is_expired(self):
        body = b"{}"
        then = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
        reply = self.raw(sign(KEY_ID, SECRET_KEY, body, "SageMaker.ListExperiments",
                              self.daemon.port, when=then), body)
        message = self.assertErrorReply(reply, "InvalidSignatureException", 403)["message"]
        self.assertTrue(message.startswith("Signature expired: "), message)

    def test_header_without_signature_is_incomplete(self):
        body = b"{}"
        reply = self.raw(sign(KEY_ID, SECRET_KEY, body, "SageMaker.ListExperiments",
                              self.daemon.port, drop="Signature="), body)
        message = self.assertErrorReply(reply, "IncompleteSignatureException", 400)["message"]
        self.assertIn("'Signature'", message)

    def test_health_needs_no_signature(self):
        reply = raw(method="GET", path="/health", body=b"", endpoint=self.daemon.endpoint)
        self.assertEqual(reply.status, 200, reply)


if __name__ == "__main__":
    unittest.main()
