"""OpenLineage ingestion (POST /api/v1/lineage): run events of an Airflow-like DAG become
actions and dataset artifacts in the same graph, seen through boto3 and QueryLineage;
malformed events are rejected whole."""

import copy
import json
import unittest
import uuid

from lineaged_client import (
    LineagedTestCase, arn_of, body_of, client, fresh_account, raw, requires_endpoint, walk)

PRODUCER = "https://github.com/apache/airflow/tree/providers-openlineage/1.8.0"
SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"


def facet(**fields):
    return dict(fields, _producer=PRODUCER,
                _schemaURL="https://openlineage.io/spec/facets/1-0-0/Facet.json")


def dataset(namespace, name, **facets):
    d = {"namespace": namespace, "name": name}
    if facets:
        d["facets"] = facets
    return d


def event(event_type, run_id, job, inputs=(), outputs=(), time="2024-05-01T10:00:00.000Z",
          run_facets=None):
    e = {"eventType": event_type, "eventTime": time, "producer": PRODUCER, "schemaURL": SCHEMA,
         "run": {"runId": run_id},
         "job": {"namespace": "airflow-prod", "name": job,
                 "facets": {"jobType": facet(processingType="BATCH", integration="AIRFLOW",
                                             jobType="TASK")}},
         "inputs": list(inputs), "outputs": list(outputs)}
    if run_facets:
        e["run"]["facets"] = run_facets
    return e


@requires_endpoint
class OpenLineageTest(LineagedTestCase):

    def setUp(self):
        self.account = fresh_account()
        self.sm = client(self.account)

    def post(self, body):
        return raw(body=body, path="/api/v1/lineage", content_type="application/json",
                   access_key=self.account)

    def send(self, body):
        reply = self.post(body)
        self.assertEqual(reply.status, 201, reply)
        self.assertEqual(reply.body, b"")

    def artifacts(self):
        return {a["Source"]["SourceUri"]: a["ArtifactArn"] for a in walk(self.sm.list_artifacts)[0]}

    def edges(self):
        return {(a["SourceArn"], a["DestinationArn"], a["AssociationType"])
                for a in walk(self.sm.list_associations)[0]}

    def run_dag(self):
        """extract (orders table -> raw), clean (raw -> clean), train (clean -> model) and a
        report task that fails; each with START then an end event, each naming the DAG run as
        its parent; the DAG run's own COMPLETE comes last."""
        runs = {name: str(uuid.uuid4()) for name in ("dag", "extract", "clean", "train", "report")}
        parent = {"parent": facet(run={"runId": runs["dag"]},
                                  job={"namespace": "airflow-prod", "name": "churn_dag"})}
        table = dataset("postgres://db.internal:5432", "shop.public.orders",
                        schema=facet(fields=[{"name": "id", "type": "INTEGER"}]))
        raw_ds = dataset("s3://lake", "raw/orders.parquet")
        clean = dataset("s3://lake", "clean/orders.parquet")
        model = dataset("s3://models", "churn/model.tar.gz")
        steps = [("extract", [table], [raw_ds], "COMPLETE"),
                 ("clean", [raw_ds], [clean], "COMPLETE"),
                 ("train", [clean], [model], "COMPLETE"),
                 ("report", [clean], [], "FAIL")]
        for job, ins, outs, end in steps:
            self.send(event("START", runs[job], "churn_dag." + job, ins, outs,
                            run_facets=parent))
            stats = facet(rowCount=1000, size=52000)
            outs_done = [dict(o, outputFacets={"outputStatistics": stats}) for o in outs]
            self.send(event(end, runs[job], "churn_dag." + job, ins, outs_done,
                            time="2024-05-01T10:05:00.000Z", run_facets=parent))
        self.send(event("COMPLETE", runs["dag"], "churn_dag", time="2024-05-01T10:06:00.000Z"))
        return runs

    def test_dag_makes_the_expected_graph(self):
        runs = self.run_dag()
        arts = self.artifacts()
        uris = {"table": "postgres://db.internal:5432/shop.public.orders",
                "raw": "s3://lake/raw/orders.parquet", "clean": "s3://lake/clean/orders.parquet",
                "model": "s3://models/churn/model.tar.gz"}
        self.assertEqual(set(arts), set(uris.values()))
        act = {job: arn_of("action", run, self.account) for job, run in runs.items()}
        a = {k: arts[v] for k, v in uris.items()}
        self.assertEqual(self.edges(), {
            (a["table"], act["extract"], "ContributedTo"), (act["extract"], a["raw"], "Produced"),
            (a["raw"], act["clean"], "ContributedTo"), (act["clean"], a["clean"], "Produced"),
            (a["clean"], act["train"], "ContributedTo"), (act["train"], a["model"], "Produced"),
            (a["clean"], act["report"], "ContributedTo")} | {
            (act["dag"], act[job], "AssociatedWith")
            for job in ("extract", "clean", "train", "report")})
        # The DAG run's action was made from its children's parent facet, then completed.
        dag = self.sm.describe_action(ActionName=runs["dag"])
        self.assertEqual((dag["Status"], dag["Source"]["SourceUri"]),
                         ("Completed", "airflow-prod/churn_dag"))
        train = self.sm.describe_action(ActionName=runs["train"])
        self.assertEqual((train["ActionType"], train["Status"]), ("OpenLineageRun", "Completed"))
        self.assertEqual(train["Source"], {"SourceUri": "airflow-prod/churn_dag.train",
                                           "SourceType": PRODUCER, "SourceId": runs["train"]})
        props = train["Properties"]
        self.assertEqual((props["JobName"], props["JobNamespace"], props["StartTime"],
                          props["EndTime"]),
                         ("churn_dag.train", "airflow-prod", "2024-05-01T10:00:00.000Z",
                          "2024-05-01T10:05:00.000Z"))
        self.assertEqual(json.loads(props["job.facet.jobType"])["integration"], "AIRFLOW")
        self.assertEqual(self.sm.describe_action(ActionName=runs["report"])["Status"], "Failed")
        described = self.sm.describe_artifact(ArtifactArn=a["clean"])
        self.assertEqual(described["ArtifactType"], "DataSet")
        self.assertEqual(json.loads(described["Properties"]["facet.outputStatistics"])["rowCount"],
                         1000)
        self.assertIn("fields", json.loads(self.sm.describe_artifact(ArtifactArn=a["table"])
                                           ["Properties"]["facet.schema"]))
        # Upstream datasets of the model, across three runs.
        out = self.sm.query_lineage(StartArns=[a["model"]], Direction="Ascendants",
                                    IncludeEdges=False, MaxDepth=10,
                                    Filters={"LineageTypes": ["Artifact"], "Types": ["DataSet"]})
        self.assertEqual(sorted(v["Arn"] for v in out["Vertices"]),
                         sorted([a["table"], a["raw"], a["clean"]]))
        runs_of_job = walk(self.sm.list_actions, SourceUri="airflow-prod/churn_dag.clean")[0]
        self.assertEqual([x["ActionName"] for x in runs_of_job], [runs["clean"]])

    def test_redelivery_changes_nothing_and_late_events_do_not_reopen(self):
        run_id = str(uuid.uuid4())
        ins = [dataset("s3://lake", "in.csv")]
        outs = [dataset("s3://lake", "out.csv")]
        done = event("COMPLETE", run_id, "dag.task", ins, outs)
        self.send(done)
        before = (self.artifacts(), self.edges(),
                  body_of(self.sm.describe_action(ActionName=run_id)))
        self.send(done)
        self.send(event("RUNNING", run_id, "dag.task", ins, outs))
        after = (self.artifacts(), self.edges(),
                 body_of(self.sm.describe_action(ActionName=run_id)))
        self.assertEqual(after, before)

    def test_malformed_events_are_rejected_whole(self):
        good = event("START", str(uuid.uuid4()), "dag.task", [dataset("s3://lake", "a.csv")],
                     [dataset("s3://lake", "b.csv")])
        cases = []
        for path, value, needle in (
                (("eventTime",), None, "eventTime is required"),
                (("eventTime",), "yesterday", "eventTime 'yesterday' must be an ISO-8601"),
                (("producer",), None, "producer is required"),
                (("schemaURL",), None, "schemaURL is required"),
                (("eventType",), "DONE", "eventType 'DONE' must be one of"),
                (("run",), None, "run is required"),
                (("run", "runId"), "run-1", "run.runId 'run-1' must be a UUID"),
                (("job", "name"), None, "job.name is required"),
                (("job", "namespace"), 7, "job.namespace must be a string"),
                (("inputs",), {"namespace": "x"}, "inputs must be an array"),
                (("outputs", 0, "name"), None, "outputs[0].name is required"),
                (("job", "facets", "jobType", "_producer"), None,
                 "job.facets.jobType._producer is required"),
                (("run", "facets"), {"parent": facet(run={"runId": "x"}, job={"name": "d"})},
                 "run.facets.parent.job.namespace is required; "
                 "run.facets.parent.run.runId 'x' must be a UUID")):
            bad = copy.deepcopy(good)
            holder = bad
            for key in path[:-1]:
                holder = holder[key]
            if value is None:
                del holder[path[-1]]
            else:
                holder[path[-1]] = value
            cases.append((bad, needle))
        for bad, needle in cases:
            reply = self.post(bad)
            self.assertErrorReply(reply, "ValidationException")
            self.assertIn(needle, reply.json()["message"])
        reply = self.post(b"[1, 2]")
        self.assertErrorReply(reply, "ValidationException")
        self.assertEqual(self.artifacts(), {})
        self.assertEqual(walk(self.sm.list_actions)[0], [])
        self.assertEqual(self.edges(), set())

    def test_unsigned_producers_choose_the_scope_in_the_query(self):
        run_id = str(uuid.uuid4())
        body = event("COMPLETE", run_id, "dag.task", [dataset("s3://lake", "q.csv")])
        reply = raw(body=body, path="/api/v1/lineage?account=%s&region=us-east-1" % self.account,
                    content_type="application/json")
        self.assertEqual(reply.status, 201, reply)
        self.assertEqual(self.sm.describe_action(ActionName=run_id)["Status"], "Completed")
        reply = raw(body=body, path="/api/v1/lineage?account=12x", content_type="application/json")
        self.assertErrorReply(reply, "ValidationException")
        self.assertIn("Parameter 'account' must be 12 digits", reply.json()["message"])

    def test_get_on_the_same_path_is_still_the_read_api(self):
        reply = raw(method="GET", path="/api/v1/lineage", body=b"", content_type=None)
        self.assertErrorReply(reply, "ValidationException")


if __name__ == "__main__":
    unittest.main()
