// The experiment workflow once through the AWS SDK for JavaScript v3
// (@aws-sdk/client-sagemaker): create, describe, list with the SDK's paginators,
// update, tags, lineage, modeled and unmodeled errors, and the delete walk.
// Run by test_sdk_js.sh, which installs the SDK into ./js; needs LINEAGED_ENDPOINT.
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(new URL("./js/package.json", import.meta.url));
const sdk = require("@aws-sdk/client-sagemaker");
const {
  SageMakerClient, ResourceNotFound, SageMakerServiceException,
  paginateListTrialComponents, paginateListTrials,
  CreateExperimentCommand, DescribeExperimentCommand, DeleteExperimentCommand,
  CreateTrialCommand, DescribeTrialCommand, DeleteTrialCommand,
  CreateTrialComponentCommand, DescribeTrialComponentCommand, UpdateTrialComponentCommand,
  DeleteTrialComponentCommand, AssociateTrialComponentCommand,
  DisassociateTrialComponentCommand, AddTagsCommand, ListTagsCommand,
  CreateArtifactCommand, AddAssociationCommand, ListAssociationsCommand,
} = sdk;

const ENDPOINT = process.env.LINEAGED_ENDPOINT;
const REGION = "us-east-1";

function freshAccount() {
  return String(randomInt(100000000000, 999999999999));
}

function uniqueName(prefix) {
  return `${prefix}-${randomBytes(8).toString("hex")}`;
}

function clientFor(account) {
  return new SageMakerClient({
    endpoint: ENDPOINT,
    region: REGION,
    credentials: { accessKeyId: account, secretAccessKey: "conformance-secret" },
    maxAttempts: 1,
  });
}

function arn(kind, name, account) {
  return `arn:aws:sagemaker:${REGION}:${account}:${kind}/${name.toLowerCase()}`;
}

async function rejects(promise, name) {
  try {
    await promise;
  } catch (err) {
    assert.equal(err.name, name, `${err.name}: ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.ok(err instanceof SageMakerServiceException);
    return err;
  }
  assert.fail(`expected ${name}`);
}

async function collect(paginator, key) {
  const items = [];
  let pages = 0;
  for await (const page of paginator) {
    items.push(...page[key]);
    pages += 1;
  }
  return { items, pages };
}

test("experiment workflow through the JavaScript SDK", { skip: !ENDPOINT && "LINEAGED_ENDPOINT is not set" }, async (t) => {
  const account = freshAccount();
  const sm = clientFor(account);
  const exp = uniqueName("JsExp");
  const trials = [uniqueName("js-trial-a"), uniqueName("js-trial-b")];
  const components = Array.from({ length: 7 }, (_, i) => `js-tc-${i}-${randomBytes(4).toString("hex")}`);

  await t.test("create and describe", async () => {
    const out = await sm.send(new CreateExperimentCommand({ ExperimentName: exp, Description: "from node" }));
    assert.equal(out.ExperimentArn, arn("experiment", exp, account));
    const d = await sm.send(new DescribeExperimentCommand({ ExperimentName: exp }));
    assert.equal(d.ExperimentName, exp);
    assert.equal(d.Description, "from node");
    assert.ok(d.CreationTime instanceof Date);
    assert.ok(Math.abs(d.CreationTime.getTime() - Date.now()) < 120000);
    for (const trial of trials) {
      const tr = await sm.send(new CreateTrialCommand({ TrialName: trial, ExperimentName: exp }));
      assert.equal(tr.TrialArn, arn("experiment-trial", trial, account));
    }
    const dt = await sm.send(new DescribeTrialCommand({ TrialName: trials[0] }));
    assert.equal(dt.ExperimentName, exp);
    assert.equal(dt.DisplayName, trials[0]);
    for (const [i, name] of components.entries()) {
      await sm.send(new CreateTrialComponentCommand({
        TrialComponentName: name,
        Status: { PrimaryStatus: "Completed" },
        StartTime: new Date(Date.now() - 60000),
        Parameters: { lr: { NumberValue: 0.5 * i }, opt: { StringValue: "sgd" } },
        InputArtifacts: { train: { MediaType: "text/csv", Value: `s3://b/${i}.csv` } },
      }));
    }
    const tc = await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: components[3] }));
    assert.equal(tc.TrialComponentArn, arn("experiment-trial-component", components[3], account));
    assert.deepEqual(tc.Parameters, { lr: { NumberValue: 1.5 }, opt: { StringValue: "sgd" } });
    assert.deepEqual(tc.Status, { PrimaryStatus: "Completed" });
    assert.deepEqual(tc.Metrics, []);
    assert.equal(tc.Source, undefined);
  });

  await t.test("membership and paginated lists", async () => {
    // trial a: components 0..4, trial b: components 3..6
    for (const [i, name] of components.entries()) {
      if (i <= 4) await sm.send(new AssociateTrialComponentCommand({ TrialComponentName: name, TrialName: trials[0] }));
      if (i >= 3) await sm.send(new AssociateTrialComponentCommand({ TrialComponentName: name, TrialName: trials[1] }));
    }
    const inA = await collect(
      paginateListTrialComponents({ client: sm, pageSize: 2 }, { TrialName: trials[0], SortBy: "Name", SortOrder: "Ascending" }),
      "TrialComponentSummaries");
    assert.deepEqual(inA.items.map((s) => s.TrialComponentName), components.slice(0, 5).sort());
    assert.equal(inA.pages, 3);
    const inExp = await collect(
      paginateListTrialComponents({ client: sm, pageSize: 3 }, { ExperimentName: exp }),
      "TrialComponentSummaries");
    assert.deepEqual(inExp.items.map((s) => s.TrialComponentName).sort(), [...components].sort());
    const ofTc = await collect(
      paginateListTrials({ client: sm, pageSize: 1 }, { TrialComponentName: components[4] }),
      "TrialSummaries");
    assert.deepEqual(ofTc.items.map((s) => s.TrialName).sort(), [...trials].sort());
    const recent = await collect(
      paginateListTrials({ client: sm, pageSize: 10 }, { ExperimentName: exp, CreatedAfter: new Date(Date.now() - 3600000) }),
      "TrialSummaries");
    assert.equal(recent.items.length, 2);
  });

  await t.test("update merges parameters", async () => {
    await sm.send(new UpdateTrialComponentCommand({
      TrialComponentName: components[0],
      Parameters: { lr: { NumberValue: 0.01 }, epochs: { NumberValue: 3 } },
      ParametersToRemove: ["opt"],
    }));
    const d = await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: components[0] }));
    assert.deepEqual(d.Parameters, { lr: { NumberValue: 0.01 }, epochs: { NumberValue: 3 } });
    assert.deepEqual(d.InputArtifacts, { train: { MediaType: "text/csv", Value: "s3://b/0.csv" } });
  });

  await t.test("tags", async () => {
    const target = arn("experiment-trial", trials[1], account);
    const added = await sm.send(new AddTagsCommand({ ResourceArn: target, Tags: [{ Key: "team", Value: "ml" }] }));
    assert.deepEqual(added.Tags, [{ Key: "team", Value: "ml" }]);
    const listed = await sm.send(new ListTagsCommand({ ResourceArn: target }));
    assert.deepEqual(listed.Tags, [{ Key: "team", Value: "ml" }]);
    assert.equal(listed.NextToken, undefined);
  });

  await t.test("lineage", async () => {
    const art = await sm.send(new CreateArtifactCommand({
      ArtifactName: "js-data", Source: { SourceUri: `s3://b/${uniqueName("data")}` }, ArtifactType: "DataSet",
    }));
    assert.match(art.ArtifactArn, new RegExp(`^arn:aws:sagemaker:${REGION}:${account}:artifact/[0-9a-f]{32}$`));
    const tcArn = arn("experiment-trial-component", components[1], account);
    const out = await sm.send(new AddAssociationCommand({
      SourceArn: art.ArtifactArn, DestinationArn: tcArn, AssociationType: "ContributedTo",
    }));
    assert.deepEqual({ SourceArn: out.SourceArn, DestinationArn: out.DestinationArn },
      { SourceArn: art.ArtifactArn, DestinationArn: tcArn });
    const listed = await sm.send(new ListAssociationsCommand({ DestinationArn: tcArn }));
    assert.equal(listed.AssociationSummaries.length, 1);
    const s = listed.AssociationSummaries[0];
    assert.equal(s.SourceType, "DataSet");
    assert.equal(s.SourceName, "js-data");
    assert.equal(s.DestinationName, components[1]);
    assert.equal(s.AssociationType, "ContributedTo");
  });

  await t.test("errors", async () => {
    const err = await rejects(sm.send(new DescribeExperimentCommand({ ExperimentName: uniqueName("nope") })), "ResourceNotFound");
    assert.ok(err instanceof ResourceNotFound, "the modeled exception class");
    assert.match(err.message, /does not exist/);
    const dup = await rejects(sm.send(new CreateExperimentCommand({ ExperimentName: exp })), "ValidationException");
    assert.equal(dup.message, `Experiment with name (${exp}) already exists.`);
    await rejects(sm.send(new CreateTrialCommand({ TrialName: "bad name", ExperimentName: exp })), "ValidationException");
    const linked = await rejects(sm.send(new DeleteTrialComponentCommand({ TrialComponentName: components[4] })), "ValidationException");
    assert.match(linked.message, /is linked to 2 trials and cannot be deleted\.$/);
    await rejects(clientFor(freshAccount()).send(new DescribeTrialCommand({ TrialName: trials[0] })), "ResourceNotFound");
  });

  await t.test("delete walk", async () => {
    const walkTrials = await collect(paginateListTrials({ client: sm }, { ExperimentName: exp }), "TrialSummaries");
    for (const trial of walkTrials.items) {
      const members = await collect(
        paginateListTrialComponents({ client: sm }, { TrialName: trial.TrialName }), "TrialComponentSummaries");
      for (const tc of members.items) {
        await sm.send(new DisassociateTrialComponentCommand({ TrialComponentName: tc.TrialComponentName, TrialName: trial.TrialName }));
        try {
          await sm.send(new DeleteTrialComponentCommand({ TrialComponentName: tc.TrialComponentName }));
        } catch (err) {
          assert.equal(err.name, "ValidationException");
          assert.match(err.message, /is linked to 1 trial and cannot be deleted/);
        }
      }
      await sm.send(new DeleteTrialCommand({ TrialName: trial.TrialName }));
    }
    await sm.send(new DeleteExperimentCommand({ ExperimentName: exp }));
    await rejects(sm.send(new DescribeExperimentCommand({ ExperimentName: exp })), "ResourceNotFound");
    for (const name of components) {
      await rejects(sm.send(new DescribeTrialComponentCommand({ TrialComponentName: name })), "ResourceNotFound");
    }
  });
});
