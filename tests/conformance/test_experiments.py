"""Experiments through boto3: create, describe, update, delete, list (sorting, time
bounds, pagination and its tokens)."""

import datetime
import json
import time
import unittest

from lineaged_client import (
    EPOCH_MS, LineagedTestCase, body_of, client, experiment_arn, fresh_account, raw,
    requires_endpoint, unique_name, utcnow)

SUMMARY_KEYS = {"ExperimentArn", "ExperimentName", "DisplayName", "CreationTime",
                "LastModifiedTime"}


@requires_endpoint
class CreateDescribeTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)

    def test_create_returns_only_the_arn_built_from_the_lower_cased_name(self):
        name = unique_name("Create-MixedCase")
        out = self.sm.create_experiment(ExperimentName=name)
        self.assertEqual(body_of(out), {"ExperimentArn": experiment_arn(name, self.account)})
        self.assertEqual(out["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_describe_after_minimal_create_has_defaults(self):
        name = unique_name("Minimal")
        before = utcnow() - datetime.timedelta(minutes=2)
        self.sm.create_experiment(ExperimentName=name)
        d = body_of(self.sm.describe_experiment(ExperimentName=name))
        self.assertEqual(
            set(d),
            {"ExperimentName", "ExperimentArn", "DisplayName", "CreationTime", "CreatedBy",
             "LastModifiedTime", "LastModifiedBy"},
            "no Description, Source or Tags when none were given")
        self.assertEqual(d["ExperimentName"], name)
        self.assertEqual(d["ExperimentArn"], experiment_arn(name, self.account))
        self.assertEqual(d["DisplayName"], name, "DisplayName defaults to the name")
        self.assertEqual(d["CreatedBy"], {})
        self.assertEqual(d["LastModifiedBy"], {})
        self.assertIsInstance(d["CreationTime"], datetime.datetime)
        self.assertEqual(d["CreationTime"], d["LastModifiedTime"])
        after = utcnow() + datetime.timedelta(minutes=2)
        self.assertTrue(before < d["CreationTime"] < after, d["CreationTime"])

    def test_describe_returns_display_name_and_description_given(self):
        name = unique_name("Full")
        self.sm.create_experiment(ExperimentName=name, DisplayName="Shown-Name",
                                  Description="what this experiment is about, é ✓")
        d = self.sm.describe_experiment(ExperimentName=name)
        self.assertEqual(d["DisplayName"], "Shown-Name")
        self.assertEqual(d["Description"], "what this experiment is about, é ✓")
        self.assertNotIn("Tags", d)
        self.assertNotIn("Source", d)

    def test_describe_is_case_insensitive_and_returns_name_as_created(self):
        name = unique_name("CaSe")
        self.sm.create_experiment(ExperimentName=name)
        for asked in (name.lower(), name.upper()):
            d = self.sm.describe_experiment(ExperimentName=asked)
            self.assertEqual(d["ExperimentName"], name)
            self.assertEqual(d["ExperimentArn"], experiment_arn(name, self.account))

    def test_timestamps_are_epoch_seconds_with_at_most_millisecond_digits(self):
        name = unique_name("Epoch")
        self.sm.create_experiment(ExperimentName=name)
        reply = raw("DescribeExperiment", {"ExperimentName": name}, access_key=self.account)
        self.assertEqual(reply.status, 200, reply)
        d = reply.json_literals()
        for field in ("CreationTime", "LastModifiedTime"):
            self.assertRegex(str(d[field]), "^%s$" % EPOCH_MS.pattern, field)
        self.assertLess(abs(float(d["CreationTime"]) - time.time()), 120)

    def test_duplicate_name_is_a_validation_exception_naming_the_sent_name(self):
        name = unique_name("Dup")
        self.sm.create_experiment(ExperimentName=name)
        err = self.assertClientError("ValidationException", self.sm.create_experiment,
                                     ExperimentName=name)
        self.assertEqual(err["Error"]["Message"],
                         "Experiment with name (%s) already exists." % name)

    def test_duplicate_differing_only_in_case_is_rejected_with_the_sent_casing(self):
        name = unique_name("dupcase")
        self.sm.create_experiment(ExperimentName=name)
        other = name.upper()
        err = self.assertClientError("ValidationException", self.sm.create_experiment,
                                     ExperimentName=other)
        self.assertEqual(err["Error"]["Message"],
                         "Experiment with name (%s) already exists." % other)
        self.assertEqual(self.sm.describe_experiment(ExperimentName=name)["ExperimentName"],
                         name, "the original keeps its casing")

    def test_describe_missing_is_resource_not_found_with_lower_cased_arn(self):
        name = unique_name("Missing-XYZ")
        err = self.assertClientError("ResourceNotFound", self.sm.describe_experiment,
                                     ExperimentName=name)
        self.assertEqual(err["Error"]["Message"],
                         "Experiment '%s' does not exist." % experiment_arn(name, self.account))

    def test_resource_not_found_is_the_modeled_exception_class(self):
        with self.assertRaises(self.sm.exceptions.ResourceNotFound):
            self.sm.describe_experiment(ExperimentName=unique_name("nope"))

    def test_max_length_name_is_accepted(self):
        name = (unique_name("len") + "x" * 120)[:120]
        out = self.sm.create_experiment(ExperimentName=name)
        self.assertEqual(out["ExperimentArn"], experiment_arn(name, self.account))
        self.assertEqual(self.sm.describe_experiment(ExperimentName=name)["ExperimentName"], name)

    def test_name_with_runs_of_hyphens_is_accepted(self):
        name = unique_name("a--b---c")
        self.sm.create_experiment(ExperimentName=name)
        self.assertEqual(self.sm.describe_experiment(ExperimentName=name)["ExperimentName"], name)


@requires_endpoint
class UpdateTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)

    def _create(self, **kwargs):
        name = unique_name("Upd")
        self.sm.create_experiment(ExperimentName=name, **kwargs)
        return name

    def test_update_returns_the_arn(self):
        name = self._create()
        out = self.sm.update_experiment(ExperimentName=name, DisplayName="new")
        self.assertEqual(body_of(out), {"ExperimentArn": experiment_arn(name, self.account)})

    def test_update_display_name_keeps_description(self):
        name = self._create(DisplayName="old", Description="keep me")
        self.sm.update_experiment(ExperimentName=name, DisplayName="new")
        d = self.sm.describe_experiment(ExperimentName=name)
        self.assertEqual(d["DisplayName"], "new")
        self.assertEqual(d["Description"], "keep me")

    def test_update_description_keeps_display_name(self):
        name = self._create(DisplayName="shown", Description="old")
        self.sm.update_experiment(ExperimentName=name, Description="new text")
        d = self.sm.describe_experiment(ExperimentName=name)
        self.assertEqual(d["DisplayName"], "shown")
        self.assertEqual(d["Description"], "new text")

    def test_update_sets_description_where_there_was_none(self):
        name = self._create()
        self.sm.update_experiment(ExperimentName=name, Description="added")
        d = self.sm.describe_experiment(ExperimentName=name)
        self.assertEqual(d["Description"], "added")
        self.assertEqual(d["DisplayName"], name)

    def test_update_advances_last_modified_time_only(self):
        name = self._create()
        d0 = self.sm.describe_experiment(ExperimentName=name)
        time.sleep(0.02)
        self.sm.update_experiment(ExperimentName=name, DisplayName="later")
        d1 = self.sm.describe_experiment(ExperimentName=name)
        self.assertEqual(d1["CreationTime"], d0["CreationTime"])
        self.assertGreater(d1["LastModifiedTime"], d1["CreationTime"])
        self.assertGreaterEqual(d1["LastModifiedTime"], d0["LastModifiedTime"])
        self.assertEqual(d1["LastModifiedBy"], {})

    def test_update_by_other_case_changes_the_same_experiment(self):
        name = self._create()
        out = self.sm.update_experiment(ExperimentName=name.upper(), DisplayName="via-upper")
        self.assertEqual(out["ExperimentArn"], experiment_arn(name, self.account))
        d = self.sm.describe_experiment(ExperimentName=name)
        self.assertEqual(d["DisplayName"], "via-upper")
        self.assertEqual(d["ExperimentName"], name)

    def test_update_missing_is_resource_not_found(self):
        name = unique_name("Ghost")
        err = self.assertClientError("ResourceNotFound", self.sm.update_experiment,
                                     ExperimentName=name, DisplayName="x")
        self.assertEqual(err["Error"]["Message"],
                         "Experiment '%s' does not exist." % experiment_arn(name, self.account))

    def test_update_does_not_create(self):
        name = unique_name("Ghost")
        self.assertClientError("ResourceNotFound", self.sm.update_experiment,
                               ExperimentName=name, Description="x")
        self.assertClientError("ResourceNotFound", self.sm.describe_experiment,
                               ExperimentName=name)


@requires_endpoint
class DeleteTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)

    def test_delete_returns_arn_and_removes_the_experiment(self):
        name = unique_name("Del")
        self.sm.create_experiment(ExperimentName=name)
        out = self.sm.delete_experiment(ExperimentName=name)
        self.assertEqual(body_of(out), {"ExperimentArn": experiment_arn(name, self.account)})
        err = self.assertClientError("ResourceNotFound", self.sm.describe_experiment,
                                     ExperimentName=name)
        self.assertEqual(err["Error"]["Message"],
                         "Experiment '%s' does not exist." % experiment_arn(name, self.account))

    def test_delete_twice_is_resource_not_found(self):
        name = unique_name("Del2")
        self.sm.create_experiment(ExperimentName=name)
        self.sm.delete_experiment(ExperimentName=name)
        err = self.assertClientError("ResourceNotFound", self.sm.delete_experiment,
                                     ExperimentName=name)
        self.assertEqual(err["Error"]["Message"],
                         "Experiment '%s' does not exist." % experiment_arn(name, self.account))

    def test_delete_by_other_case(self):
        name = unique_name("DelCase")
        self.sm.create_experiment(ExperimentName=name)
        out = self.sm.delete_experiment(ExperimentName=name.lower())
        self.assertEqual(out["ExperimentArn"], experiment_arn(name, self.account))
        self.assertClientError("ResourceNotFound", self.sm.describe_experiment,
                               ExperimentName=name)

    def test_name_can_be_created_again_after_delete(self):
        name = unique_name("Again")
        self.sm.create_experiment(ExperimentName=name, DisplayName="first",
                                  Description="first one")
        self.sm.delete_experiment(ExperimentName=name)
        out = self.sm.create_experiment(ExperimentName=name, DisplayName="second")
        self.assertEqual(out["ExperimentArn"], experiment_arn(name, self.account))
        d = self.sm.describe_experiment(ExperimentName=name)
        self.assertEqual(d["DisplayName"], "second")
        self.assertNotIn("Description", d, "nothing of the deleted experiment survives")

    def test_deleted_experiment_is_not_listed(self):
        name = unique_name("Unlisted")
        self.sm.create_experiment(ExperimentName=name)
        self.sm.delete_experiment(ExperimentName=name)
        names = [s["ExperimentName"] for page in
                 self.sm.get_paginator("list_experiments").paginate()
                 for s in page["ExperimentSummaries"]]
        self.assertNotIn(name, names)


@requires_endpoint
class ListBasicsTest(LineagedTestCase):
    """A fresh account holding a few experiments."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)

    def test_empty_account_lists_nothing_and_no_token(self):
        sm = client(fresh_account())
        out = body_of(sm.list_experiments())
        self.assertEqual(out, {"ExperimentSummaries": []})

    def test_summary_fields_match_describe(self):
        sm = client(fresh_account())
        name = unique_name("Sum")
        sm.create_experiment(ExperimentName=name, DisplayName="Summary-Shown",
                             Description="not in summaries")
        out = sm.list_experiments()
        self.assertNotIn("NextToken", out)
        self.assertEqual(len(out["ExperimentSummaries"]), 1)
        s = out["ExperimentSummaries"][0]
        self.assertEqual(set(s), SUMMARY_KEYS)
        d = sm.describe_experiment(ExperimentName=name)
        for key in SUMMARY_KEYS:
            self.assertEqual(s[key], d[key], key)

    def test_list_reflects_update(self):
        sm = client(fresh_account())
        name = unique_name("LU")
        sm.create_experiment(ExperimentName=name)
        time.sleep(0.02)
        sm.update_experiment(ExperimentName=name, DisplayName="Changed")
        s = sm.list_experiments()["ExperimentSummaries"][0]
        self.assertEqual(s["DisplayName"], "Changed")
        self.assertGreater(s["LastModifiedTime"], s["CreationTime"])

    def test_last_page_has_no_next_token_key_on_the_wire(self):
        sm = client(self.account)
        sm.create_experiment(ExperimentName=unique_name("wire"))
        reply = raw("ListExperiments", {"MaxResults": 100}, access_key=self.account)
        self.assertEqual(reply.status, 200, reply)
        self.assertNotIn("NextToken", reply.json())

    def test_next_token_on_the_wire_is_a_non_empty_string(self):
        sm = client(self.account)
        sm.create_experiment(ExperimentName=unique_name("wire"))
        sm.create_experiment(ExperimentName=unique_name("wire"))
        reply = raw("ListExperiments", {"MaxResults": 1}, access_key=self.account)
        self.assertEqual(reply.status, 200, reply)
        token = reply.json().get("NextToken")
        self.assertIsInstance(token, str)
        self.assertNotEqual(token, "")


def _names(summaries):
    return [s["ExperimentName"] for s in summaries]


@requires_endpoint
class ListSortAndPageTest(LineagedTestCase):
    """25 experiments in a fresh account, with names whose case-insensitive order differs
    from both their creation order and their byte order."""

    N = 25

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.created = []
        for i in range(cls.N):
            letter = chr(ord("a") + (i * 11) % 26)
            name = "%s%02dexp" % (letter.upper() if i % 2 else letter, i)
            cls.sm.create_experiment(ExperimentName=name)
            cls.created.append(name)
        cls.by_name = sorted(cls.created, key=str.lower)

    def test_fixture_is_meaningful(self):
        self.assertNotEqual(self.by_name, sorted(self.created), "case must matter to byte order")
        self.assertNotEqual(self.by_name, self.created)

    def walk(self, page_sizes, **query):
        """Follows NextToken to the end; page_sizes gives MaxResults per page (last repeats)."""
        names, token, pages = [], None, 0
        while True:
            size = page_sizes[min(pages, len(page_sizes) - 1)]
            kwargs = dict(query, MaxResults=size)
            if token is not None:
                kwargs["NextToken"] = token
            out = self.sm.list_experiments(**kwargs)
            got = _names(out["ExperimentSummaries"])
            pages += 1
            self.assertLessEqual(len(got), size)
            token = out.get("NextToken")
            if token is None:
                return names + got, pages
            self.assertNotEqual(token, "")
            self.assertEqual(len(got), size, "a page before the last is full")
            names += got
            self.assertLess(pages, 100, "pagination does not end")

    def test_default_is_ten_newest_first(self):
        out = self.sm.list_experiments()
        self.assertEqual(_names(out["ExperimentSummaries"]), self.created[::-1][:10])
        self.assertIn("NextToken", out)

    def test_walk_creation_time_descending(self):
        names, pages = self.walk([7], SortBy="CreationTime", SortOrder="Descending")
        self.assertEqual(names, self.created[::-1])
        self.assertEqual(pages, 4)

    def test_walk_creation_time_ascending(self):
        names, pages = self.walk([7], SortBy="CreationTime", SortOrder="Ascending")
        self.assertEqual(names, self.created)
        self.assertEqual(pages, 4)

    def test_walk_name_ascending_is_case_insensitive(self):
        names, _ = self.walk([7], SortBy="Name", SortOrder="Ascending")
        self.assertEqual(names, self.by_name)

    def test_walk_name_descending(self):
        names, _ = self.walk([7], SortBy="Name", SortOrder="Descending")
        self.assertEqual(names, self.by_name[::-1])

    def test_sort_order_alone_defaults_sort_by_creation_time(self):
        names, _ = self.walk([7], SortOrder="Ascending")
        self.assertEqual(names, self.created)

    def test_sort_by_alone_defaults_to_descending(self):
        names, _ = self.walk([7], SortBy="Name")
        self.assertEqual(names, self.by_name[::-1])

    def test_max_results_may_change_between_pages(self):
        names, pages = self.walk([3, 10, 1, 100], SortBy="Name", SortOrder="Ascending")
        self.assertEqual(names, self.by_name)
        self.assertEqual(pages, 4)
        names, _ = self.walk([10, 2, 5], SortBy="CreationTime", SortOrder="Descending")
        self.assertEqual(names, self.created[::-1])

    def test_exactly_full_last_page_has_no_token(self):
        names, pages = self.walk([5])
        self.assertEqual(names, self.created[::-1])
        self.assertEqual(pages, 5, "no empty page after the fifth full one")
        out = self.sm.list_experiments(MaxResults=25)
        self.assertEqual(len(out["ExperimentSummaries"]), 25)
        self.assertNotIn("NextToken", out)

    def test_max_results_100_returns_everything(self):
        out = self.sm.list_experiments(MaxResults=100, SortBy="Name", SortOrder="Ascending")
        self.assertEqual(_names(out["ExperimentSummaries"]), self.by_name)
        self.assertNotIn("NextToken", out)

    def test_botocore_paginator(self):
        pages = self.sm.get_paginator("list_experiments").paginate(
            SortBy="Name", SortOrder="Ascending", PaginationConfig={"PageSize": 7})
        names = [s["ExperimentName"] for page in pages for s in page["ExperimentSummaries"]]
        self.assertEqual(names, self.by_name)

    def test_botocore_paginator_build_full_result(self):
        full = self.sm.get_paginator("list_experiments").paginate(
            PaginationConfig={"PageSize": 4}).build_full_result()
        self.assertEqual(_names(full["ExperimentSummaries"]), self.created[::-1])

    def _token(self, **query):
        out = self.sm.list_experiments(MaxResults=3, **query)
        self.assertIn("NextToken", out)
        return out["NextToken"]

    def test_token_with_other_sort_by_is_rejected(self):
        token = self._token(SortBy="Name")
        self.assertClientError("ValidationException", self.sm.list_experiments,
                               SortBy="CreationTime", NextToken=token)

    def test_token_with_other_sort_order_is_rejected(self):
        token = self._token(SortBy="Name", SortOrder="Ascending")
        self.assertClientError("ValidationException", self.sm.list_experiments,
                               SortBy="Name", SortOrder="Descending", NextToken=token)

    def test_token_with_other_created_after_is_rejected(self):
        since = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
        token = self._token(CreatedAfter=since)
        self.assertClientError("ValidationException", self.sm.list_experiments,
                               CreatedAfter=since + datetime.timedelta(days=1), NextToken=token)
        self.assertClientError("ValidationException", self.sm.list_experiments, NextToken=token)

    def test_token_on_list_tags_is_rejected(self):
        token = self._token()
        arn = experiment_arn(self.created[0], self.account)
        self.assertClientError("ValidationException", self.sm.list_tags, ResourceArn=arn,
                               NextToken=token)

    def test_same_token_with_same_query_is_accepted(self):
        token = self._token(SortBy="Name", SortOrder="Ascending")
        out = self.sm.list_experiments(SortBy="Name", SortOrder="Ascending", NextToken=token,
                                       MaxResults=3)
        self.assertEqual(_names(out["ExperimentSummaries"]), self.by_name[3:6])
        again = self.sm.list_experiments(SortBy="Name", SortOrder="Ascending", NextToken=token,
                                         MaxResults=3)
        self.assertEqual(_names(again["ExperimentSummaries"]), self.by_name[3:6],
                         "a token can be replayed")

    def test_forged_token_is_rejected(self):
        for forged in ("abc", "eyJvcCI6Ikxpc3RFeHBlcmltZW50cyIsImsiOjB9", "!!!!", "x" * 2000):
            with self.subTest(token=forged[:40]):
                self.assertClientError("ValidationException", self.sm.list_experiments,
                                       NextToken=forged)

    def test_garbled_token_is_rejected(self):
        token = self._token()
        i = len(token) // 2
        swapped = "B" if token[i] != "B" else "C"
        garbled = token[:i] + swapped + token[i + 1:]
        self.assertClientError("ValidationException", self.sm.list_experiments,
                               NextToken=garbled)
        self.assertClientError("ValidationException", self.sm.list_experiments,
                               NextToken=token[:-4])


@requires_endpoint
class ListTimeBoundsTest(LineagedTestCase):
    """Three experiments created ~50 ms apart; bounds are strict."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.names, cls.times = [], []
        for label in ("first", "second", "third"):
            name = unique_name(label)
            cls.sm.create_experiment(ExperimentName=name)
            reply = raw("DescribeExperiment", {"ExperimentName": name}, access_key=cls.account)
            assert reply.status == 200, reply
            cls.names.append(name)
            cls.times.append(str(reply.json_literals()["CreationTime"]))
            time.sleep(0.05)

    def list_raw(self, body_text):
        reply = raw("ListExperiments", body_text, access_key=self.account)
        self.assertEqual(reply.status, 200, reply)
        return [s["ExperimentName"] for s in reply.json()["ExperimentSummaries"]]

    def test_times_are_distinct(self):
        self.assertEqual(len(set(self.times)), 3, self.times)

    def test_created_after_is_strict(self):
        got = self.list_raw('{"CreatedAfter": %s, "SortOrder": "Ascending"}' % self.times[0])
        self.assertEqual(got, self.names[1:])

    def test_created_before_is_strict(self):
        got = self.list_raw('{"CreatedBefore": %s, "SortOrder": "Ascending"}' % self.times[2])
        self.assertEqual(got, self.names[:2])

    def test_both_bounds(self):
        got = self.list_raw('{"CreatedAfter": %s, "CreatedBefore": %s}' % (self.times[0],
                                                                           self.times[2]))
        self.assertEqual(got, self.names[1:2])

    def test_iso8601_bounds_are_accepted(self):
        t0 = datetime.datetime.fromtimestamp(float(self.times[0]), datetime.timezone.utc)
        iso = t0.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % round(t0.microsecond / 1000)
        got = self.list_raw(json.dumps({"CreatedAfter": iso, "SortOrder": "Ascending"}))
        self.assertEqual(got, self.names[1:])

    def test_boto3_datetime_bounds(self):
        hour = datetime.timedelta(hours=1)
        now = utcnow()
        got = _names(self.sm.list_experiments(CreatedAfter=now - hour,
                                              SortOrder="Ascending")["ExperimentSummaries"])
        self.assertEqual(got, self.names)
        self.assertEqual(self.sm.list_experiments(CreatedBefore=now - hour)
                         ["ExperimentSummaries"], [])
        self.assertEqual(self.sm.list_experiments(CreatedAfter=now + hour)
                         ["ExperimentSummaries"], [])
        got = _names(self.sm.list_experiments(CreatedBefore=now + hour, CreatedAfter=now - hour,
                                              SortOrder="Ascending")["ExperimentSummaries"])
        self.assertEqual(got, self.names)

    def test_bounds_with_pagination(self):
        after = datetime.datetime.fromtimestamp(float(self.times[0]) - 5, datetime.timezone.utc)
        names, token = [], None
        while True:
            kwargs = {"CreatedAfter": after, "MaxResults": 1, "SortOrder": "Ascending"}
            if token:
                kwargs["NextToken"] = token
            out = self.sm.list_experiments(**kwargs)
            names += _names(out["ExperimentSummaries"])
            token = out.get("NextToken")
            if not token:
                break
        self.assertEqual(names, self.names)


if __name__ == "__main__":
    unittest.main()
