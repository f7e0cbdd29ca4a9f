"""The AWS JSON 1.1 protocol as lineaged speaks it: error bodies and headers, request ids,
model validation messages, malformed and oversize requests, unknown and unimplemented
operations, the health route, and that bad input never takes the server down."""

import socket
import unittest

from lineaged_client import (
    DEFAULT_ACCOUNT, MAX_BODY, NAME_PATTERN, LineagedTestCase, endpoint_parts,
    body_of, client, experiment_arn, get, raw, raw_streamed, requires_endpoint, unique_name)


def violation(value, path, constraint):
    return "Value %s at '%s' failed to satisfy constraint: Member must %s" % (
        "null" if value is None else "'%s'" % value, path, constraint)


@requires_endpoint
class WireErrorTest(LineagedTestCase):
    def test_resource_not_found_body_and_headers(self):
        name = unique_name("Wire")
        reply = raw("DescribeExperiment", {"ExperimentName": name})
        body = self.assertErrorReply(reply, "ResourceNotFound")
        expected = "Experiment '%s' does not exist." % experiment_arn(name, DEFAULT_ACCOUNT,
                                                                       _server_region())
        self.assertEqual(body["message"], expected)
        self.assertEqual(body["Message"], expected, "the modeled member is sent too")
        self.assertTrue(reply.headers.get("x-amzn-requestid"))

    def test_validation_exception_body_and_headers(self):
        reply = raw("CreateExperiment", {"ExperimentName": "a b"})
        body = self.assertErrorReply(reply, "ValidationException")
        self.assertTrue(body["message"].startswith("1 validation error detected: "), body)
        self.assertTrue(reply.headers.get("x-amzn-requestid"))

    def test_success_has_request_id_and_ids_differ(self):
        first = raw("ListExperiments", {"MaxResults": 1})
        second = raw("ListExperiments", {"MaxResults": 1})
        self.assertEqual(first.status, 200, first)
        self.assertEqual(second.status, 200, second)
        self.assertTrue(first.headers.get("x-amzn-requestid"))
        self.assertTrue(second.headers.get("x-amzn-requestid"))
        self.assertNotEqual(first.headers["x-amzn-requestid"], second.headers["x-amzn-requestid"])

    def test_boto3_sees_code_message_status_and_request_id(self):
        sm = client()
        name = unique_name("B3")
        err = self.assertClientError("ResourceNotFound", sm.describe_experiment,
                                     ExperimentName=name)
        self.assertIn(name.lower(), err["Error"]["Message"])
        self.assertTrue(err["ResponseMetadata"]["RequestId"])

    def test_empty_output_delete_tags_is_an_empty_object(self):
        sm = client()
        arn = sm.create_experiment(ExperimentName=unique_name("Empty"))["ExperimentArn"]
        reply = raw("DeleteTags", {"ResourceArn": arn, "TagKeys": ["x"]})
        self.assertEqual(reply.status, 200, reply)
        self.assertTrue(reply.headers.get("x-amzn-requestid"))
        self.assertIn(reply.body.strip(), (b"", b"{}"))


def _server_region():
    """The region of unsigned requests, read from an ARN the server builds."""
    arn = raw("CreateExperiment", {"ExperimentName": unique_name("region")}).json()["ExperimentArn"]
    return arn.split(":")[3]


@requires_endpoint
class ValidationTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.sm = client()
        cls.loose = client(validate=False)

    def error(self, code, fn, **kwargs):
        return self.assertClientError(code, fn, **kwargs)["Error"]["Message"]

    def test_name_with_space_exact_message(self):
        msg = self.error("ValidationException", self.sm.create_experiment, ExperimentName="a b")
        self.assertEqual(
            msg,
            "1 validation error detected: Value 'a b' at 'experimentName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}")

    def test_name_pattern_is_matched_whole(self):
        for bad in ("-abc", "abc-", "ab_c", "caf\u00e9", "a.b"):
            with self.subTest(name=bad):
                msg = self.error("ValidationException", self.sm.create_experiment,
                                 ExperimentName=bad)
                self.assertEqual(msg, "1 validation error detected: " + violation(
                    bad, "experimentName", "satisfy regular expression pattern: " + NAME_PATTERN))

    def test_dot_stops_at_javas_line_terminators_only(self):
        # `.*` is matched as Java matches it: `.` stops at LF, CR, NEL, LS and
        # PS, and at no other control character (vertical tab, form feed).
        for ch in ("\n", "\r", "\u0085", "\u2028", "\u2029"):
            with self.subTest(terminator=repr(ch)):
                msg = self.error("ValidationException", self.sm.create_experiment,
                                 ExperimentName=unique_name("dot"), Description="a" + ch + "b")
                self.assertIn("at 'description' failed to satisfy constraint: Member must "
                              "satisfy regular expression pattern: ^.*", msg)
        for ch in ("\x0b", "\x0c", "\x1c", "\t"):
            with self.subTest(other=repr(ch)):
                name = unique_name("dot")
                self.sm.create_experiment(ExperimentName=name, Description="a" + ch + "b")
                self.assertEqual(self.sm.describe_experiment(ExperimentName=name)["Description"],
                                 "a" + ch + "b")

    def test_name_of_121_chars_breaks_length_and_pattern(self):
        name = "n" * 121
        msg = self.error("ValidationException", self.sm.create_experiment, ExperimentName=name)
        self.assertValidationMessage(
            msg,
            violation(name, "experimentName", "have length less than or equal to 120"),
            violation(name, "experimentName",
                      "satisfy regular expression pattern: " + NAME_PATTERN))

    def test_empty_name_breaks_min_length(self):
        msg = self.error("ValidationException", self.loose.describe_experiment, ExperimentName="")
        self.assertRegex(msg, r"^[0-9]+ validation errors? detected: ")
        self.assertIn(violation("", "experimentName", "have length greater than or equal to 1"),
                      msg)

    def test_rejected_create_creates_nothing(self):
        name = unique_name("Half")
        self.error("ValidationException", self.sm.create_experiment, ExperimentName=name,
                   Description="d" * 3073)
        self.assertClientError("ResourceNotFound", self.sm.describe_experiment,
                               ExperimentName=name)

    def test_description_over_3072_chars(self):
        msg = self.error("ValidationException", self.sm.create_experiment,
                         ExperimentName=unique_name("Desc"), Description="d" * 3073)
        self.assertRegex(
            msg, r"(?s)^1 validation error detected: Value '.*' at 'description' failed to "
            r"satisfy constraint: Member must have length less than or equal to 3072$")

    def test_description_of_3072_chars_is_accepted(self):
        name = unique_name("Desc")
        self.sm.create_experiment(ExperimentName=name, Description="d" * 3072)
        self.assertEqual(len(self.sm.describe_experiment(ExperimentName=name)["Description"]),
                         3072)

    def test_update_validates_too(self):
        msg = self.error("ValidationException", self.sm.update_experiment,
                         ExperimentName=unique_name("Upd"), DisplayName="not valid")
        self.assertEqual(msg, "1 validation error detected: " + violation(
            "not valid", "displayName", "satisfy regular expression pattern: " + NAME_PATTERN))

    def test_sort_order_enum(self):
        msg = self.error("ValidationException", self.sm.list_experiments, SortOrder="Sideways")
        self.assertEqual(msg, "1 validation error detected: " + violation(
            "Sideways", "sortOrder", "satisfy enum value set: [Ascending, Descending]"))

    def test_sort_by_enum(self):
        msg = self.error("ValidationException", self.sm.list_experiments, SortBy="Size")
        self.assertEqual(msg, "1 validation error detected: " + violation(
            "Size", "sortBy", "satisfy enum value set: [Name, CreationTime]"))

    def test_max_results_zero(self):
        msg = self.error("ValidationException", self.loose.list_experiments, MaxResults=0)
        self.assertValidationMessage(
            msg, "at 'maxResults' failed to satisfy constraint: Member must have value greater "
            "than or equal to 1")

    def test_max_results_101(self):
        msg = self.error("ValidationException", self.sm.list_experiments, MaxResults=101)
        self.assertValidationMessage(
            msg, "at 'maxResults' failed to satisfy constraint: Member must have value less "
            "than or equal to 100")

    def test_all_violations_in_one_message(self):
        msg = self.error("ValidationException", self.loose.list_experiments,
                         SortOrder="Sideways", SortBy="Size", MaxResults=0)
        self.assertValidationMessage(
            msg,
            violation("Sideways", "sortOrder", "satisfy enum value set: [Ascending, Descending]"),
            violation("Size", "sortBy", "satisfy enum value set: [Name, CreationTime]"),
            "at 'maxResults' failed to satisfy constraint: Member must have value greater than "
            "or equal to 1")

    def test_missing_required_name(self):
        for op in ("CreateExperiment", "DescribeExperiment", "DeleteExperiment"):
            with self.subTest(op=op):
                reply = raw(op, {})
                body = self.assertErrorReply(reply, "ValidationException")
                self.assertEqual(body["message"], "1 validation error detected: " + violation(
                    None, "experimentName", "not be null"))

    def test_invalid_tag_key_at_create(self):
        name = unique_name("BadTag")
        msg = self.error("ValidationException", self.sm.create_experiment, ExperimentName=name,
                         Tags=[{"Key": "bad#key", "Value": "v"}])
        self.assertValidationMessage(
            msg, violation("bad#key", "tags.1.member.key",
                           "satisfy regular expression pattern: "))
        self.assertClientError("ResourceNotFound", self.sm.describe_experiment,
                               ExperimentName=name)

    def test_tag_key_and_value_lengths(self):
        key, value = "k" * 129, "v" * 257
        msg = self.error("ValidationException", self.sm.create_experiment,
                         ExperimentName=unique_name("LongTag"),
                         Tags=[{"Key": "ok", "Value": "ok"}, {"Key": key, "Value": value}])
        self.assertValidationMessage(
            msg,
            violation(key, "tags.2.member.key", "have length less than or equal to 128"),
            violation(value, "tags.2.member.value", "have length less than or equal to 256"))

    def test_fifty_one_tags_at_create(self):
        name = unique_name("ManyTags")
        msg = self.error("ValidationException", self.sm.create_experiment, ExperimentName=name,
                         Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(51)])
        self.assertValidationMessage(
            msg, "at 'tags' failed to satisfy constraint: Member must have length less than "
            "or equal to 50")
        self.assertClientError("ResourceNotFound", self.sm.describe_experiment,
                               ExperimentName=name)

    def test_resource_arn_pattern(self):
        msg = self.error("ValidationException", self.sm.list_tags, ResourceArn="not-an-arn")
        self.assertValidationMessage(
            msg, violation("not-an-arn", "resourceArn", "satisfy regular expression pattern: "))

    def test_empty_tag_key_list(self):
        arn = self.sm.create_experiment(ExperimentName=unique_name("NoKeys"))["ExperimentArn"]
        msg = self.error("ValidationException", self.loose.delete_tags, ResourceArn=arn,
                         TagKeys=[])
        self.assertValidationMessage(
            msg, "at 'tagKeys' failed to satisfy constraint: Member must have length greater "
            "than or equal to 1")


@requires_endpoint
class MalformedRequestTest(LineagedTestCase):
    def test_wrong_json_types_are_serialization_exceptions(self):
        cases = [
            ("ListExperiments", '{"MaxResults": "abc"}'),
            ("ListExperiments", '{"SortOrder": 5}'),
            ("CreateExperiment", '{"ExperimentName": 123}'),
            ("CreateExperiment", '{"ExperimentName": "x", "Tags": {"Key": "a", "Value": "b"}}'),
            ("CreateExperiment", '{"ExperimentName": "x", "Tags": ["a"]}'),
            ("ListExperiments", '{"CreatedAfter": true}'),
        ]
        for op, body in cases:
            with self.subTest(op=op, body=body):
                self.assertErrorReply(raw(op, body), "SerializationException")

    def test_malformed_json_is_a_serialization_exception(self):
        for body in ('{"ExperimentName": ', "{", "not json", '{"a" 1}', "{}}", "\x00"):
            with self.subTest(body=body):
                self.assertErrorReply(raw("ListExperiments", body), "SerializationException")

    def test_unknown_operation(self):
        reply = raw("SageMaker.NoSuchOp", {})
        self.assertErrorReply(reply, "UnknownOperationException")
        self.assertTrue(reply.headers.get("x-amzn-requestid"))

    def test_target_of_another_service_is_unknown(self):
        self.assertErrorReply(raw("DynamoDB_20120810.ListTables", {}),
                              "UnknownOperationException")

    def test_other_methods_on_root_are_unknown_operation(self):
        for method in ("PUT", "DELETE"):
            with self.subTest(method=method):
                reply = raw(method=method, body=b"", content_type=None)
                self.assertGreaterEqual(reply.status, 400, reply)
                self.assertLess(reply.status, 500, reply)
                self.assertEqual(reply.error_type, "UnknownOperationException", reply)

    def test_get_on_root_is_the_explorer_page(self):
        reply = raw(method="GET", body=b"", content_type=None)
        self.assertEqual(reply.status, 200, reply)
        self.assertTrue(reply.headers["content-type"].startswith("text/html"), reply.headers)
        self.assertIn(b"/web/app.js", reply.body)

    def test_body_over_6_mib_is_413(self):
        reply = raw_streamed("CreateExperiment", MAX_BODY + 1024)
        self.assertErrorReply(reply, "SerializationException", status=413)

    def test_body_of_exactly_6_mib_is_read(self):
        reply = raw_streamed("CreateExperiment", MAX_BODY)
        self.assertEqual(reply.status, 400, reply.body[:300])
        self.assertEqual(reply.error_type, "ValidationException", reply.body[:300])
        self.assertIn(b"at 'description'", reply.body)


@requires_endpoint
class UnimplementedOperationTest(LineagedTestCase):
    PROBES = [
        ("ListArtifacts", {}), ("ListActions", {}), ("ListContexts", {}),
        ("ListAssociations", {}), ("ListTrials", {}), ("ListTrialComponents", {}),
        ("ListLineageGroups", {}), ("Search", {"Resource": "Experiment"}),
    ]

    def test_unimplemented_operation_names_itself_and_is_no_500(self):
        unimplemented = 0
        for op, body in self.PROBES:
            reply = raw(op, body)
            if reply.status == 200:
                continue  # implemented: nothing to say about it here
            unimplemented += 1
            with self.subTest(op=op):
                self.assertNotEqual(reply.status, 500, reply)
                self.assertLess(reply.status, 600, reply)
                self.assertTrue(reply.headers.get("x-amzn-requestid"))
                self.assertIn(op, reply.json().get("message", ""), reply)
        if not unimplemented:
            self.skipTest("every probed operation is implemented: %s"
                          % ", ".join(op for op, _ in self.PROBES))


@requires_endpoint
class HealthTest(LineagedTestCase):
    def test_health(self):
        reply = get("/health")
        self.assertEqual(reply.status, 200, reply)
        body = reply.json()
        self.assertIn("version", body)
        self.assertIn("database", body)
        self.assertTrue(body["version"])


@requires_endpoint
class RobustnessTest(LineagedTestCase):
    """Bad input of every kind, then the server must still answer ordinary requests."""

    def _send_bytes(self, data, read=True):
        host, port = endpoint_parts()
        with socket.create_connection((host, port), timeout=30) as s:
            try:
                s.sendall(data)
                if read:
                    s.shutdown(socket.SHUT_WR)
                    while s.recv(65536):
                        pass
            except OSError:
                pass

    def test_server_survives_bad_input(self):
        sm = client()
        name = unique_name("Survivor")
        sm.create_experiment(ExperimentName=name)
        host, port = endpoint_parts()
        bad_replies = [
            raw("ListExperiments", '{"MaxResults": "abc"}'),
            raw("ListExperiments", "{" * 100000),
            raw("ListExperiments", "[" * 100000 + "]" * 100000),
            raw("CreateExperiment", b'{"ExperimentName": "\xff\xfe"}'),
            raw("CreateExperiment", b'{"ExperimentName": "a\\u0000b"}'),
            raw("CreateExperiment", '{"ExperimentName": "\\ud800"}'),
            raw("ListExperiments", '{"MaxResults": 1e400}'),
            raw("ListExperiments", '{"MaxResults": 99999999999999999999999}'),
            raw("ListExperiments", '{"MaxResults": -1}'),
            raw("ListExperiments", '{"CreatedAfter": 1e300}'),
            raw("ListExperiments", '{"CreatedAfter": "not a time"}'),
            raw("ListExperiments", '{"NextToken": "%s"}' % ("A" * 8192)),
            raw("NoSuchOp", "{}"),
            raw(None, "{}"),
            raw("ListExperiments", "{}", content_type="text/plain"),
            raw_streamed("CreateExperiment", MAX_BODY * 2),
            get("/no/such/path"),
        ]
        for reply in bad_replies:
            with self.subTest(reply=repr(reply)[:200]):
                self.assertLess(reply.status, 500, reply)
        # Requests cut short, not HTTP at all, or a lying Content-Length.
        self._send_bytes(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 200)
        self._send_bytes(b"GARBAGE\r\n\r\n")
        self._send_bytes(("POST / HTTP/1.1\r\nHost: %s:%d\r\nContent-Length: 100\r\n"
                          "X-Amz-Target: SageMaker.ListExperiments\r\n\r\n{" % (host, port))
                         .encode(), read=False)
        self._send_bytes(("POST / HTTP/1.1\r\nHost: %s:%d\r\nContent-Length: -5\r\n\r\n"
                          % (host, port)).encode())
        self.assertEqual(get("/health").status, 200)
        self.assertEqual(sm.describe_experiment(ExperimentName=name)["ExperimentName"], name)
        self.assertEqual(body_of(sm.delete_experiment(ExperimentName=name)),
                         {"ExperimentArn": experiment_arn(name, DEFAULT_ACCOUNT,
                                                          sm.meta.region_name)})


if __name__ == "__main__":
    unittest.main()
