"""Tenant isolation held by the database itself (sql/004_isolation.sql): a session in the
service's role, naming one tenant in lineaged.tenant, runs statements that forget the
tenant predicate and still sees, changes and adds only that tenant's rows."""

import os
import subprocess
import time
import unittest
import uuid

from own_daemon import call

ENDPOINT = os.environ.get("LINEAGED_ENDPOINT")
PGBIN = os.environ.get("LINEAGED_PGBIN")
DB = os.environ.get("LINEAGED_DB")
# Every tenant-owned table, with how a row names its entity's ARN.
TABLES = {
    "entity": "select arn from entity",
    "association": "select e.arn from association a join entity e on e.id = a.source_id",
    "tag": "select e.arn from tag t join entity e on e.id = t.entity_id",
    "trial_membership": "select e.arn from trial_membership m join entity e on e.id = m.trial_id",
    "metric_chunk": "select e.arn from metric_chunk p join entity e on e.id = p.component_id",
    "metric_summary": "select e.arn from metric_summary s join entity e on e.id = s.component_id",
    "search_param": "select e.arn from search_param p join entity e on e.id = p.entity_id",
    "history": "select arn from history where arn is not null",
    "history_removal": "select arn from history_removal where arn is not null",
    "lineage_group": "select arn from lineage_group",
    "lineage_group_tag": "select g.arn from lineage_group_tag t join lineage_group g on g.id = t.group_id",
}


def fresh_account():
    return "%012d" % (uuid.uuid4().int % 10**12)


@unittest.skipUnless(ENDPOINT and PGBIN and DB, "run through scripts/test")
class RowSecurityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import http.client
        import urllib.parse
        url = urllib.parse.urlparse(ENDPOINT)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        cls.accounts = [fresh_account(), fresh_account()]
        for account in cls.accounts:
            n = "rls-" + account
            for op, body in (
                    ("CreateExperiment", {"ExperimentName": n, "Tags": [{"Key": "k", "Value": "v"}]}),
                    ("CreateTrial", {"TrialName": n + "-t", "ExperimentName": n}),
                    ("CreateTrialComponent", {"TrialComponentName": n + "-c",
                                              "Parameters": {"p": {"NumberValue": 1}}}),
                    ("AssociateTrialComponent", {"TrialComponentName": n + "-c", "TrialName": n + "-t"}),
                    ("CreateAction", {"ActionName": n + "-a", "ActionType": "T",
                                      "Source": {"SourceUri": "s3://rls/" + n}}),
                    ("CreateContext", {"ContextName": n + "-x", "ContextType": "T",
                                       "Source": {"SourceUri": "s3://rls/" + n}}),
                    ("CreateAction", {"ActionName": n + "-gone", "ActionType": "T",
                                      "Source": {"SourceUri": "s3://rls/" + n + "-gone"}}),
                    ("DeleteAction", {"ActionName": n + "-gone"}),
                    ("AddAssociation", {"SourceArn": cls.arn(account, "action/" + n + "-a"),
                                        "DestinationArn": cls.arn(account, "context/" + n + "-x")}),
                    ("AddTags", {"ResourceArn": cls.arn(account, "lineage-group/"
                                                        "sagemaker-default-lineage-group"),
                                 "Tags": [{"Key": "k", "Value": "v"}]})):
                status, out = call(conn, op, body, account)
                assert status == 200, (op, status, out)
            conn.request("PUT", "/BatchPutMetrics", body=(
                '{"TrialComponentName":"%s-c","MetricData":[{"MetricName":"m","Value":1,'
                '"Timestamp":%d}]}' % (n, time.time())).encode(), headers={
                "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20240101/us-east-1/"
                                 "sagemaker/aws4_request, SignedHeaders=host, Signature=0" % account})
            resp = conn.getresponse()
            assert resp.status == 200 and b"Errors" not in resp.read()
        conn.close()
        cls.tenants = [int(cls.sql("select id from tenant where account = '%s'" % a)[0])
                       for a in cls.accounts]

    @staticmethod
    def arn(account, resource):
        return "arn:aws:sagemaker:us-east-1:%s:%s" % (account, resource)

    @staticmethod
    def sql(text, tenant=None, check=True):
        """Rows of `text` as the owner, or in the service role scoped to `tenant` ('' for
        a session that names none); a failure raises unless check is False."""
        if tenant is not None:
            text = ("set role lineaged_service; select set_config('lineaged.tenant', '%s', false)"
                    " \\g /dev/null\n%s" % (tenant, text))
        proc = subprocess.run([os.path.join(PGBIN, "psql"), "-X", "-q", "-tA", "-v",
                               "ON_ERROR_STOP=1", DB], input=text, capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise AssertionError("psql: %s" % proc.stderr)
        return proc.stdout.split() if proc.returncode == 0 else proc.stderr

    def accounts_seen(self, query, tenant=None):
        return {a for a in self.accounts for arn in self.sql(query, tenant) if ":%s:" % a in arn}

    def test_owner_sees_both_tenants_in_every_table(self):
        """The rows are there: what the service role misses below, RLS hid."""
        for table, query in TABLES.items():
            with self.subTest(table=table):
                self.assertEqual(self.accounts_seen(query), set(self.accounts))

    def test_query_without_tenant_predicate_sees_only_the_scoped_tenant(self):
        for i, tenant in enumerate(self.tenants):
            for table, query in TABLES.items():
                with self.subTest(table=table, tenant=tenant):
                    self.assertEqual(self.accounts_seen(query, tenant), {self.accounts[i]})

    def test_session_naming_no_tenant_sees_nothing(self):
        for table in TABLES:
            with self.subTest(table=table):
                self.assertEqual(self.sql("select count(*) from %s" % table, ""), ["0"])

    def test_partition_named_directly_shows_nothing(self):
        self.assertNotEqual(self.sql("select count(*) from metric_chunk_default"), ["0"])
        self.assertEqual(self.sql("select count(*) from metric_chunk_default", self.tenants[0]),
                         ["0"])

    def test_updates_and_deletes_reach_no_other_tenants_rows(self):
        mine, theirs = self.tenants
        out = self.sql("update entity set description = 'intruder' where tenant_id = %d "
                       "returning id; delete from tag where key = 'k' and entity_id in "
                       "(select id from entity where tenant_id = %d) returning key"
                       % (theirs, theirs), mine)
        self.assertEqual(out, [])
        self.assertEqual(self.sql("select count(*) from entity where tenant_id = %d and "
                                  "description = 'intruder'" % theirs), ["0"])

    def test_inserting_a_row_for_another_tenant_is_refused(self):
        mine, theirs = self.tenants
        for text in (
                "insert into entity (tenant_id, kind, arn, created_at, modified_at) "
                "values (%d, 4, 'arn:x', now(), now())" % theirs,
                "insert into association (tenant_id, source_id, destination_id, created_at) "
                "select %d, id, id, now() from entity limit 1" % theirs,
                "insert into lineage_group (tenant_id, name, arn) values (%d, 'x', 'arn:y')"
                % theirs,
                "insert into lineage_group_tag (tenant_id, group_id, key, value) "
                "select %d, id, 'x', 'y' from lineage_group limit 1" % theirs,
                "insert into metric_chunk (tenant_id, component_id, metric_name, ts, ts_ms, steps, vals) "
                "select %d, id, 'm', now(), '{1}', '{1}', '{1}' from entity where kind = 3 limit 1" % theirs,
                "insert into metric_summary (tenant_id, component_id, metric_name, shard, count, min,"
                " max, mean, m2, last_value, last_ts, last_seq, max_ts) select %d, id, 'x', 0, 1, 1, 1,"
                " 1, 0, 1, now(), 1, now() from entity where kind = 3 limit 1" % theirs):
            with self.subTest(sql=text):
                err = self.sql(text, mine, check=False)
                self.assertIn("row-level security", err)

    def test_token_key_is_not_readable_by_the_service_role(self):
        self.assertIn("permission denied", self.sql("select token_key from service_secret",
                                                    self.tenants[0], check=False))


if __name__ == "__main__":
    unittest.main()
