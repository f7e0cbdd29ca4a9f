"""GET /api/v1/find, the explorer's type-ahead: the caller's entities whose name (any case), ARN
or source URI starts with q, filtered by kind, within the caller's tenant only; text that would
be SQL or LIKE wildcards matches only itself."""

import json
import unittest
import urllib.error
import urllib.parse
import urllib.request

from lineaged_client import ENDPOINT, OTHER_REGION, REGION, LineagedTestCase, client, fresh_account, \
    requires_endpoint, unique_uri


def find(account, region=REGION, **params):
    """(status, JSON body) of GET /api/v1/find with `params` in (account, region)."""
    query = urllib.parse.urlencode(dict(params, account=account, region=region))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open("%s/api/v1/find?%s" % (ENDPOINT, query), timeout=30) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


@requires_endpoint
class FindTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        sm = client(cls.account)
        cls.uri = unique_uri("s3://find-bucket")
        cls.model = sm.create_artifact(ArtifactName="Churn-Model", ArtifactType="Model",
                                       Source={"SourceUri": cls.uri + "/model.tar.gz"})["ArtifactArn"]
        cls.data = sm.create_artifact(ArtifactName="churn-data", ArtifactType="DataSet",
                                      Source={"SourceUri": cls.uri + "/data.csv"})["ArtifactArn"]
        cls.action = sm.create_action(ActionName="churn-deploy", ActionType="Deploy",
                                      Source={"SourceUri": unique_uri()})["ActionArn"]
        cls.context = sm.create_context(ContextName="churn-endpoint", ContextType="Endpoint",
                                        Source={"SourceUri": unique_uri()})["ContextArn"]
        cls.experiment = sm.create_experiment(ExperimentName="churn-exp")["ExperimentArn"]
        cls.trial = sm.create_trial(TrialName="churn-trial", ExperimentName="churn-exp")["TrialArn"]
        cls.component = sm.create_trial_component(TrialComponentName="churn-train")["TrialComponentArn"]
        sm.create_artifact(ArtifactName="other", ArtifactType="Wild_Card%",
                           Source={"SourceUri": "s3://find-bucket/100%_done"})

    def arns(self, body):
        return [r["arn"] for r in body["results"]]

    def test_name_prefix_any_case_over_every_kind(self):
        status, body = find(self.account, q="CHURN")
        self.assertEqual(status, 200, body)
        self.assertCountEqual(self.arns(body), [self.model, self.data, self.action, self.context,
                                                self.experiment, self.trial, self.component])
        names = [r["name"] for r in body["results"]]
        self.assertEqual(names, sorted(names, key=str.lower), "ordered by name")

    def test_result_members(self):
        status, body = find(self.account, q="churn-m")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["results"], [{"arn": self.model, "name": "Churn-Model", "kind": "artifact",
                                            "type": "Model", "sourceUri": self.uri + "/model.tar.gz"}])

    def test_kind_filter(self):
        for kind, arn in (("artifact", None), ("action", self.action), ("context", self.context),
                          ("experiment", self.experiment), ("trial", self.trial),
                          ("trial-component", self.component)):
            status, body = find(self.account, q="churn", kind=kind)
            self.assertEqual(status, 200, body)
            self.assertEqual({r["kind"] for r in body["results"]}, {kind})
            if arn:
                self.assertEqual(self.arns(body), [arn])
        status, body = find(self.account, q="churn", kind="artifact")
        self.assertCountEqual(self.arns(body), [self.model, self.data])

    def test_source_uri_and_arn_prefix(self):
        status, body = find(self.account, q=self.uri + "/d")
        self.assertEqual((status, self.arns(body)), (200, [self.data]))
        status, body = find(self.account, q=self.model[:-6])
        self.assertEqual((status, self.arns(body)), (200, [self.model]))
        status, body = find(self.account, q=self.action.upper())
        self.assertEqual((status, self.arns(body)), (200, [self.action]), "ARNs match in any case")

    def test_limit(self):
        status, body = find(self.account, q="churn", limit=3)
        self.assertEqual(status, 200, body)
        self.assertEqual(len(body["results"]), 3)

    def test_tenant_isolation(self):
        other = fresh_account()
        client(other).create_artifact(ArtifactName="churn-elsewhere", ArtifactType="Model",
                                      Source={"SourceUri": unique_uri()})
        status, body = find(self.account, q="churn-e")
        self.assertEqual(status, 200, body)
        self.assertNotIn("churn-elsewhere", [r["name"] for r in body["results"]])
        status, body = find(other, q="churn")
        self.assertEqual([r["name"] for r in body["results"]], ["churn-elsewhere"])
        status, body = find(self.account, region=OTHER_REGION, q="churn")
        self.assertEqual((status, body), (200, {"results": []}), "another region is another tenant")
        status, body = find(fresh_account(), q="churn")
        self.assertEqual((status, body), (200, {"results": []}), "an account never written to")

    def test_wildcards_and_injection_are_literal(self):
        for q in ("%", "_hurn", "churn%", "c_urn", "' or '1'='1", "churn'; drop table entity; --", "\\"):
            status, body = find(self.account, q=q)
            self.assertEqual((status, body), (200, {"results": []}), q)
        status, body = find(self.account, q="s3://find-bucket/100%_")
        self.assertEqual([r["name"] for r in body["results"]], ["other"], "a literal % and _ match themselves")
        status, body = find(self.account, q="churn")
        self.assertEqual(len(body["results"]), 7, "the table is still there")

    def test_validation(self):
        for params, field in (({}, "'q'"), ({"q": ""}, "'q'"), ({"q": "x" * 257}, "'q'"),
                              ({"q": "a", "kind": "dataset"}, "'kind'"), ({"q": "a", "limit": "0"}, "'limit'"),
                              ({"q": "a", "limit": "101"}, "'limit'"), ({"q": "a", "limit": "x"}, "'limit'")):
            status, body = find(self.account, **params)
            self.assertEqual(status, 400, params)
            self.assertEqual(body["__type"], "ValidationException")
            self.assertIn(field, body["message"])


if __name__ == "__main__":
    unittest.main()
