"""The audit trail: a history row for every mutation (who, which request, which operation,
before and after), GET /api/v1/history, the lineage graph as of a past moment, the DOT and
SVG formats of GET /api/v1/lineage, and history that nothing can change."""

import json
import os
import re
import subprocess
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from lineaged_client import (
    ENDPOINT, REGION, LineagedTestCase, client, fresh_account, requires_endpoint, unique_name,
    unique_uri)

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("LINEAGED_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", ".."))
GOLDEN_DIR = os.path.join(SOURCE_DIR, "tests", "data")
UPDATE_GOLDEN = os.environ.get("LINEAGED_UPDATE_GOLDEN") == "1"


def fetch(account, path, **params):
    """(status, content type, body bytes) of GET `path` with `params` (lists repeat a key)."""
    query = urllib.parse.urlencode(dict(params, account=account, region=REGION), doseq=True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open("%s%s?%s" % (ENDPOINT, path, query), timeout=60) as reply:
            return reply.status, reply.headers.get("Content-Type"), reply.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


def get_json(account, path, **params):
    status, _, body = fetch(account, path, **params)
    return status, json.loads(body or b"{}")


def request_id(response):
    return response["ResponseMetadata"]["RequestId"]


def psql(sql):
    """Runs `sql` against the service's database as its owner, in psql."""
    path = os.path.join(os.environ.get("LINEAGED_PGBIN", ""), "psql")
    return subprocess.run([path if os.access(path, os.X_OK) else "psql", "-X", "-v", "ON_ERROR_STOP=1",
                           os.environ["LINEAGED_DB"], "-c", sql], capture_output=True, text=True,
                          timeout=60)


def tick():
    """A moment strictly between two mutations: history times have milliseconds."""
    time.sleep(0.05)
    moment = time.time()
    time.sleep(0.05)
    return "%.3f" % moment


@requires_endpoint
class HistoryRowsTest(LineagedTestCase):
    """Every kind of mutation leaves rows naming its operation, request and caller."""

    def setUp(self):
        self.account = fresh_account()
        self.sm = client(self.account)

    def history(self, arn):
        status, body = get_json(self.account, "/api/v1/history", arn=arn)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["arn"], arn.lower())
        return body["history"]

    def assertRecorded(self, arn, operation, response, subject="entity"):
        rows = [h for h in self.history(arn)
                if h["operation"] == operation and h["requestId"] == request_id(response)]
        self.assertTrue(rows, "no %s row of request %s in %s" % (operation, request_id(response),
                                                                 self.history(arn)))
        for row in rows:
            self.assertEqual(row["accessKeyId"], self.account)
            self.assertRegex(row["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertIn(subject, [row["subject"] for row in rows])
        return rows

    def test_lineage_entities_create_update_delete(self):
        for kind, create, update, delete in (
                ("Artifact", self.sm.create_artifact, self.sm.update_artifact, self.sm.delete_artifact),
                ("Action", self.sm.create_action, self.sm.update_action, self.sm.delete_action),
                ("Context", self.sm.create_context, self.sm.update_context, self.sm.delete_context)):
            with self.subTest(kind=kind):
                name = unique_name(kind.lower())
                args = {"%sName" % kind: name, "%sType" % kind: "T",
                        "Source": {"SourceUri": unique_uri()}}
                if kind == "Action":
                    args["Status"] = "InProgress"
                created = create(**args)
                arn = created["%sArn" % kind]
                key = {"%sArn" % kind: arn} if kind == "Artifact" else {"%sName" % kind: name}
                updated = update(Properties={"p": "1"}, **key)
                deleted = delete(**key)
                row = self.assertRecorded(arn, "Create%s" % kind, created)[0]
                self.assertIsNone(row["before"])
                self.assertEqual(row["after"]["arn"], arn)
                row = self.assertRecorded(arn, "Update%s" % kind, updated)[0]
                self.assertNotIn("p", row["before"]["details"].get("Properties", {}))
                self.assertEqual(row["after"]["details"]["Properties"], {"p": "1"})
                row = self.assertRecorded(arn, "Delete%s" % kind, deleted)[0]
                self.assertIsNone(row["after"])
                self.assertEqual(row["before"]["details"]["Properties"], {"p": "1"})
                # Oldest first.
                self.assertEqual([h["operation"] for h in self.history(arn)],
                                 ["Create%s" % kind, "Update%s" % kind, "Delete%s" % kind])

    def test_experiments_trials_components_and_membership(self):
        exp, trial, tc = unique_name("e"), unique_name("t"), unique_name("c")
        r_exp = self.sm.create_experiment(ExperimentName=exp)
        r_exp_up = self.sm.update_experiment(ExperimentName=exp, Description="d")
        r_trial = self.sm.create_trial(TrialName=trial, ExperimentName=exp)
        r_trial_up = self.sm.update_trial(TrialName=trial, DisplayName="shown")
        r_tc = self.sm.create_trial_component(TrialComponentName=tc,
                                              Tags=[{"Key": "k", "Value": "v"}])
        r_tc_up = self.sm.update_trial_component(TrialComponentName=tc, Status={"PrimaryStatus": "Completed"})
        r_join = self.sm.associate_trial_component(TrialName=trial, TrialComponentName=tc)
        r_leave = self.sm.disassociate_trial_component(TrialName=trial, TrialComponentName=tc)
        r_tc_del = self.sm.delete_trial_component(TrialComponentName=tc)
        r_trial_del = self.sm.delete_trial(TrialName=trial)
        r_exp_del = self.sm.delete_experiment(ExperimentName=exp)
        exp_arn, trial_arn, tc_arn = r_exp["ExperimentArn"], r_trial["TrialArn"], r_tc["TrialComponentArn"]
        for arn, op, resp in ((exp_arn, "CreateExperiment", r_exp), (exp_arn, "UpdateExperiment", r_exp_up),
                              (exp_arn, "DeleteExperiment", r_exp_del), (trial_arn, "CreateTrial", r_trial),
                              (trial_arn, "UpdateTrial", r_trial_up), (trial_arn, "DeleteTrial", r_trial_del),
                              (tc_arn, "CreateTrialComponent", r_tc),
                              (tc_arn, "UpdateTrialComponent", r_tc_up),
                              (tc_arn, "DeleteTrialComponent", r_tc_del)):
            with self.subTest(op=op):
                self.assertRecorded(arn, op, resp)
        tag = self.assertRecorded(tc_arn, "CreateTrialComponent", r_tc, subject="tag")
        self.assertIn({"key": "k", "value": "v"},
                      [{k: h["after"][k] for k in ("key", "value")} for h in tag if h["subject"] == "tag"])
        for arn in (trial_arn, tc_arn):
            joined = self.assertRecorded(arn, "AssociateTrialComponent", r_join, subject="membership")[0]
            self.assertEqual((joined["trialArn"], joined["trialComponentArn"]), (trial_arn, tc_arn))
            left = self.assertRecorded(arn, "DisassociateTrialComponent", r_leave, subject="membership")[0]
            self.assertIsNone(left["after"])

    def test_associations_and_tags(self):
        src = self.sm.create_artifact(ArtifactType="D", Source={"SourceUri": unique_uri()})["ArtifactArn"]
        dst = self.sm.create_context(ContextName=unique_name("c"), ContextType="E",
                                     Source={"SourceUri": unique_uri()})["ContextArn"]
        added = self.sm.add_association(SourceArn=src, DestinationArn=dst, AssociationType="ContributedTo")
        removed = self.sm.delete_association(SourceArn=src, DestinationArn=dst)
        tagged = self.sm.add_tags(ResourceArn=src, Tags=[{"Key": "a", "Value": "1"}])
        retagged = self.sm.add_tags(ResourceArn=src, Tags=[{"Key": "a", "Value": "2"}])
        untagged = self.sm.delete_tags(ResourceArn=src, TagKeys=["a"])
        other = self.sm.create_artifact(ArtifactType="D", Source={"SourceUri": unique_uri()})["ArtifactArn"]
        kept = self.sm.add_association(SourceArn=other, DestinationArn=dst, AssociationType="Produced")
        row = self.assertRecorded(dst, "AddAssociation", kept, subject="association")[0]
        self.assertEqual((row["sourceArn"], row["after"]["association_type"]), (other, "Produced"))
        for arn in (src, dst):
            row = self.assertRecorded(arn, "AddAssociation", added, subject="association")[0]
            self.assertEqual((row["sourceArn"], row["destinationArn"]), (src, dst))
            self.assertEqual(row["after"]["association_type"], "ContributedTo")
            row = self.assertRecorded(arn, "DeleteAssociation", removed, subject="association")[0]
            self.assertIsNone(row["after"])
        self.assertEqual(self.assertRecorded(src, "AddTags", tagged, "tag")[0]["after"]["value"], "1")
        row = self.assertRecorded(src, "AddTags", retagged, "tag")[0]
        self.assertEqual((row["before"]["value"], row["after"]["value"]), ("1", "2"))
        self.assertIsNone(self.assertRecorded(src, "DeleteTags", untagged, "tag")[0]["after"])

    def test_a_failed_mutation_leaves_no_row(self):
        name = unique_name("x")
        arn = self.sm.create_context(ContextName=name, ContextType="E",
                                     Source={"SourceUri": unique_uri()})["ContextArn"]
        self.assertClientError("ValidationException", self.sm.create_context, ContextName=name,
                               ContextType="E", Source={"SourceUri": unique_uri()})
        self.assertEqual([h["operation"] for h in self.history(arn)], ["CreateContext"])

    def test_history_of_an_unknown_arn_is_not_found(self):
        status, body = get_json(self.account, "/api/v1/history",
                                arn="arn:aws:sagemaker:%s:%s:context/none" % (REGION, self.account))
        self.assertEqual((status, body["__type"]), (400, "ResourceNotFound"), body)
        status, body = get_json(self.account, "/api/v1/history")
        self.assertEqual((status, body["__type"]), (400, "ValidationException"), body)

    def test_history_stays_in_its_account(self):
        arn = self.sm.create_context(ContextName=unique_name("c"), ContextType="E",
                                     Source={"SourceUri": unique_uri()})["ContextArn"]
        status, body = get_json(fresh_account(), "/api/v1/history", arn=arn)
        self.assertEqual((status, body.get("__type")), (400, "ResourceNotFound"), body)


@requires_endpoint
class HistoryIsAppendOnlyTest(LineagedTestCase):

    def test_no_route_changes_history(self):
        account = fresh_account()
        sm = client(account)
        arn = sm.create_context(ContextName=unique_name("c"), ContextType="E",
                                Source={"SourceUri": unique_uri()})["ContextArn"]
        _, before = get_json(account, "/api/v1/history", arn=arn)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            req = urllib.request.Request("%s/api/v1/history?arn=%s&account=%s&region=%s" % (
                ENDPOINT, urllib.parse.quote(arn), account, REGION), data=b"{}", method=method)
            with self.subTest(method=method):
                with self.assertRaises(urllib.error.HTTPError) as ctx:
                    opener.open(req, timeout=30)
                self.assertGreaterEqual(ctx.exception.code, 400)
        _, after = get_json(account, "/api/v1/history", arn=arn)
        self.assertEqual(before, after)

    @unittest.skipUnless(os.environ.get("LINEAGED_DB"), "needs LINEAGED_DB")
    def test_the_database_refuses_update_delete_and_truncate(self):
        for table in ("history", "history_removal"):
            for sql in ("update %s set arn = 'forged'" % table, "delete from %s" % table,
                        "truncate %s" % table):
                with self.subTest(sql=sql):
                    run = psql(sql)
                    self.assertNotEqual(run.returncode, 0, run.stdout)
                    self.assertIn("history is append-only", run.stderr)

    @unittest.skipUnless(os.environ.get("LINEAGED_DB"), "needs LINEAGED_DB")
    def test_the_service_role_cannot_add_a_row(self):
        """Only the triggers write the trail: the role the service runs as may not insert."""
        for table in ("history", "history_removal"):
            with self.subTest(table=table):
                sql = ("set role lineaged_service; insert into %s (tenant_id, subject, entity_id)"
                       " values (1, 1, 1)" % table)
                run = psql(sql)
                self.assertNotEqual(run.returncode, 0, run.stdout)
                self.assertIn("permission denied", run.stderr)


@requires_endpoint
class AsOfAndFormatsTest(LineagedTestCase):
    """ctx-a -> act-b -> ctx-c, then act-b renamed, act-b -> ctx-c removed, act-b -> ctx-d
    added and ctx-c deleted; then ctx-a -> act-b re-associated with another type. Named
    contexts and actions in a fresh account: ARNs differ between runs only by account."""

    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        sm = cls.sm = client(cls.account)
        cls.before_all = tick()
        arns = cls.arns = {}
        for name in ("ctx-a", "ctx-c", "ctx-d"):
            arns[name] = sm.create_context(ContextName=name, ContextType="DataSet",
                                           Source={"SourceUri": "s3://b/" + name},
                                           Tags=[{"Key": "stage", "Value": "one"}])["ContextArn"]
        arns["act-b"] = sm.create_action(ActionName="act-b", ActionType="Training",
                                         Source={"SourceUri": "s3://b/act-b"},
                                         Properties={"v": "1"})["ActionArn"]
        sm.add_association(SourceArn=arns["ctx-a"], DestinationArn=arns["act-b"],
                           AssociationType="ContributedTo")
        sm.add_association(SourceArn=arns["act-b"], DestinationArn=arns["ctx-c"],
                           AssociationType="Produced")
        cls.t1 = tick()
        sm.update_action(ActionName="act-b", Properties={"v": "2"})
        sm.delete_association(SourceArn=arns["act-b"], DestinationArn=arns["ctx-c"])
        sm.add_association(SourceArn=arns["act-b"], DestinationArn=arns["ctx-d"],
                           AssociationType="Produced")
        sm.add_tags(ResourceArn=arns["ctx-a"], Tags=[{"Key": "stage", "Value": "two"}])
        sm.delete_context(ContextName="ctx-c")
        cls.t2 = tick()
        sm.delete_association(SourceArn=arns["ctx-a"], DestinationArn=arns["act-b"])
        sm.add_association(SourceArn=arns["ctx-a"], DestinationArn=arns["act-b"],
                           AssociationType="AssociatedWith")
        cls.names = {arn: name for name, arn in arns.items()}

    def lineage(self, **params):
        params.setdefault("start", self.arns["ctx-a"])
        params.setdefault("down", 5)
        status, body = get_json(self.account, "/api/v1/lineage", **params)
        self.assertEqual(status, 200, body)
        return body

    def shape(self, body):
        return (sorted(self.names[v["arn"]] for v in body["vertices"]),
                sorted((self.names[e["sourceArn"]], self.names[e["destinationArn"]], e["associationType"])
                       for e in body["edges"]))

    def test_as_of_before_the_changes(self):
        self.assertEqual(self.shape(self.lineage(as_of=self.t1)),
                         (["act-b", "ctx-a", "ctx-c"],
                          [("act-b", "ctx-c", "Produced"), ("ctx-a", "act-b", "ContributedTo")]))

    def test_as_of_after_update_delete_and_reassociation(self):
        self.assertEqual(self.shape(self.lineage(as_of=self.t2)),
                         (["act-b", "ctx-a", "ctx-d"],
                          [("act-b", "ctx-d", "Produced"), ("ctx-a", "act-b", "ContributedTo")]))
        self.assertEqual(self.shape(self.lineage()),
                         (["act-b", "ctx-a", "ctx-d"],
                          [("act-b", "ctx-d", "Produced"), ("ctx-a", "act-b", "AssociatedWith")]))

    def test_as_of_takes_iso_8601(self):
        iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(float(self.t1))) + \
            ".%03dZ" % round(float(self.t1) % 1 * 1000)
        self.assertEqual(self.shape(self.lineage(as_of=iso)), self.shape(self.lineage(as_of=self.t1)))

    def test_a_deleted_start_is_found_in_the_past_only(self):
        body = self.lineage(start=self.arns["ctx-c"], up=5, down=0, as_of=self.t1)
        self.assertEqual(self.shape(body)[0], ["act-b", "ctx-a", "ctx-c"])
        status, body = get_json(self.account, "/api/v1/lineage", start=self.arns["ctx-c"])
        self.assertEqual((status, body["__type"]), (400, "ResourceNotFound"))
        status, body = get_json(self.account, "/api/v1/lineage", start=self.arns["ctx-a"],
                                as_of=self.before_all)
        self.assertEqual((status, body["__type"]), (400, "ResourceNotFound"))

    def test_as_of_upstream_through_removed_and_readded_edges(self):
        """Edges into a vertex as of then: removed since (act-b -> ctx-c), removed and added
        again with another type (ctx-a -> act-b), added since (act-b -> ctx-d)."""
        up = {"up": 5, "down": 0}
        self.assertEqual(self.shape(self.lineage(start=self.arns["ctx-c"], as_of=self.t1, **up)),
                         (["act-b", "ctx-a", "ctx-c"],
                          [("act-b", "ctx-c", "Produced"), ("ctx-a", "act-b", "ContributedTo")]))
        self.assertEqual(self.shape(self.lineage(start=self.arns["ctx-d"], as_of=self.t1, **up)),
                         (["ctx-d"], []))
        self.assertEqual(self.shape(self.lineage(start=self.arns["ctx-d"], as_of=self.t2, **up)),
                         (["act-b", "ctx-a", "ctx-d"],
                          [("act-b", "ctx-d", "Produced"), ("ctx-a", "act-b", "ContributedTo")]))
        self.assertEqual(self.shape(self.lineage(start=self.arns["ctx-d"], **up)),
                         (["act-b", "ctx-a", "ctx-d"],
                          [("act-b", "ctx-d", "Produced"), ("ctx-a", "act-b", "AssociatedWith")]))

    def test_bad_parameters(self):
        for params in ({"as_of": "yesterday"}, {"format": "png"}, {"details": "yes"}):
            with self.subTest(params=params):
                status, body = get_json(self.account, "/api/v1/lineage", start=self.arns["ctx-a"], **params)
                self.assertEqual((status, body["__type"]), (400, "ValidationException"), body)
                self.assertIn(list(params)[0], body["message"])

    def test_details_as_they_were(self):
        then = {self.names[v["arn"]]: v["details"] for v in
                self.lineage(as_of=self.t1, details="true")["vertices"]}
        now = {self.names[v["arn"]]: v["details"] for v in self.lineage(details="true")["vertices"]}
        self.assertEqual(then["act-b"]["Properties"], {"v": "1"})
        self.assertEqual(now["act-b"]["Properties"], {"v": "2"})
        self.assertEqual(then["act-b"]["ActionArn"], self.arns["act-b"])
        self.assertEqual(then["ctx-a"]["Tags"], [{"Key": "stage", "Value": "one"}])
        self.assertEqual(now["ctx-a"]["Tags"], [{"Key": "stage", "Value": "two"}])
        self.assertEqual(then["ctx-c"]["ContextType"], "DataSet")
        self.assertNotIn("details", self.lineage()["vertices"][0])

    def test_dot_as_of_matches_the_golden_file(self):
        status, ctype, body = fetch(self.account, "/api/v1/lineage", start=self.arns["ctx-a"], down=5,
                                    as_of=self.t1, format="dot")
        self.assertEqual((status, ctype), (200, "text/vnd.graphviz"), body)
        text = body.decode().replace(self.account, "ACCOUNT")
        golden = os.path.join(GOLDEN_DIR, "export_as_of.dot")
        if UPDATE_GOLDEN:
            with open(golden, "w") as f:
                f.write(text)
        with open(golden) as f:
            self.assertEqual(text, f.read())
        # The same request gives the same bytes.
        self.assertEqual(fetch(self.account, "/api/v1/lineage", start=self.arns["ctx-a"], down=5,
                               as_of=self.t1, format="dot")[2], body)

    def test_svg_holds_every_vertex_and_edge(self):
        status, ctype, body = fetch(self.account, "/api/v1/lineage", start=self.arns["ctx-a"], down=5,
                                    as_of=self.t1, format="svg")
        self.assertEqual((status, ctype), (200, "image/svg+xml"), body[:200])
        root = ET.fromstring(body)
        ns = {"s": "http://www.w3.org/2000/svg"}
        titles = {g.get("class"): [] for g in root.iter("{http://www.w3.org/2000/svg}g")}
        for g in root.iter("{http://www.w3.org/2000/svg}g"):
            t = g.find("s:title", ns)
            if t is not None:
                titles.setdefault(g.get("class"), []).append(t.text)
        a, b, c = (self.arns[n] for n in ("ctx-a", "act-b", "ctx-c"))
        self.assertTrue({a, b, c} <= set(titles["node"]), titles["node"])
        self.assertTrue({"%s->%s" % (a, b), "%s->%s" % (b, c)} <= set(titles["edge"]), titles["edge"])
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        for label in ("act-b", "Training", "ContributedTo", "Produced", "Legend"):
            self.assertIn(label, texts)

    def test_truncation_stubs_in_dot(self):
        status, _, body = fetch(self.account, "/api/v1/lineage", start=self.arns["ctx-a"], down=1,
                                format="dot")
        self.assertEqual(status, 200)
        self.assertRegex(body.decode(), r'label="1 more"')


if __name__ == "__main__":
    unittest.main()
