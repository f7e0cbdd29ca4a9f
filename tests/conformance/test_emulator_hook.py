"""The emulator hook (POST /api/v1/emulator/sagemaker): each SageMaker call the emulator
served becomes the lineage real SageMaker records, seen through boto3 and QueryLineage."""

import threading
import unittest

from lineaged_client import (
    REGION, LineagedTestCase, arn_of, body_of, client, fresh_account, raw, requires_endpoint, tc_arn,
    trial_arn, unique_name, walk)

HOOK = "/api/v1/emulator/sagemaker"


def deliver(account, operation, request=None, response=None, resources=None):
    body = {"operation": operation, "account": account, "region": REGION}
    for key, value in (("request", request), ("response", response), ("resources", resources)):
        if value is not None:
            body[key] = value
    return raw(body=body, path=HOOK, content_type="application/json")


def job_arn(account, kind, name):
    return "arn:aws:sagemaker:%s:%s:%s/%s" % (REGION, account, kind, name.lower())


def training_request(name, bucket, experiment_config=None):
    request = {
        "TrainingJobName": name,
        "AlgorithmSpecification": {
            "TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.5-1",
            "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::123456789012:role/sm",
        "HyperParameters": {"max_depth": "5", "eta": "0.2", "num_round": "100"},
        "InputDataConfig": [
            {"ChannelName": "train", "ContentType": "text/csv",
             "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                             "S3Uri": bucket + "/data/train.csv"}}},
            {"ChannelName": "validation", "ContentType": "text/csv",
             "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                             "S3Uri": bucket + "/data/validation.csv"}}},
        ],
        "OutputDataConfig": {"S3OutputPath": bucket + "/output"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2,
                           "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "CheckpointConfig": {"S3Uri": bucket + "/checkpoints/" + name},
    }
    if experiment_config:
        request["ExperimentConfig"] = experiment_config
    return request


def completed(name, account, request, model_uri):
    response = dict(request)
    response.update({
        "TrainingJobArn": job_arn(account, "training-job", name),
        "TrainingJobStatus": "Completed", "SecondaryStatus": "Completed",
        "ModelArtifacts": {"S3ModelArtifacts": model_uri},
        "TrainingStartTime": 1700000000, "TrainingEndTime": "2023-11-14T22:20:00Z",
    })
    return response


@requires_endpoint
class EmulatorHookTest(LineagedTestCase):

    def setUp(self):
        self.account = fresh_account()
        self.sm = client(self.account)
        self.bucket = "s3://sagemaker-%s-%s" % (REGION, self.account)

    def ok(self, reply):
        self.assertEqual(reply.status, 200, reply)
        return reply.json()

    def artifacts(self):
        items, _ = walk(self.sm.list_artifacts)
        return {(a["Source"]["SourceUri"], a["ArtifactType"]): a["ArtifactArn"] for a in items}

    def edges(self):
        items, _ = walk(self.sm.list_associations)
        return {(a["SourceArn"], a["DestinationArn"], a["AssociationType"]) for a in items}

    def query(self, start, direction, lineage_types, types):
        out = self.sm.query_lineage(StartArns=[start], Direction=direction, IncludeEdges=False,
                                    Filters={"LineageTypes": lineage_types, "Types": types},
                                    MaxDepth=10)
        return sorted(v["Arn"] for v in out["Vertices"])

    def train(self, name, config=None):
        request = training_request(name, self.bucket, config)
        self.ok(deliver(self.account, "CreateTrainingJob", request,
                        {"TrainingJobArn": job_arn(self.account, "training-job", name)}))
        return request

    def test_training_job_creates_component_and_inputs(self):
        name = unique_name("xgb")
        self.train(name)
        tc = self.sm.describe_trial_component(TrialComponentName=name + "-aws-training-job")
        self.assertEqual(tc["Source"], {"SourceArn": job_arn(self.account, "training-job", name),
                                        "SourceType": "SageMakerTrainingJob"})
        self.assertEqual(tc["Status"]["PrimaryStatus"], "InProgress")
        self.assertEqual(tc["Parameters"]["SageMaker.InstanceCount"], {"NumberValue": 2.0})
        self.assertEqual(tc["Parameters"]["SageMaker.InstanceType"], {"StringValue": "ml.m5.xlarge"})
        self.assertEqual(tc["Parameters"]["max_depth"], {"StringValue": "5"})
        self.assertEqual(tc["InputArtifacts"]["train"],
                         {"MediaType": "text/csv", "Value": self.bucket + "/data/train.csv"})
        self.assertEqual(set(tc["InputArtifacts"]),
                         {"SageMaker.ImageUri", "train", "validation", "SageMaker.CheckpointUri"})
        arts = self.artifacts()
        self.assertEqual(set(arts), {
            (self.bucket + "/data/train.csv", "DataSet"),
            (self.bucket + "/data/validation.csv", "DataSet"),
            (self.bucket + "/checkpoints/" + name, "Checkpoint"),
            ("683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.5-1", "Image")})
        tc_a = tc["TrialComponentArn"]
        self.assertEqual(self.edges(), {(a, tc_a, "ContributedTo") for a in arts.values()})
        # ListTrialComponents by the job's ARN, as the SDK looks it up.
        found = self.sm.list_trial_components(
            SourceArn=job_arn(self.account, "training-job", name))["TrialComponentSummaries"]
        self.assertEqual([c["TrialComponentArn"] for c in found], [tc_a])
        # Nothing joins a trial without ExperimentConfig.
        self.assertEqual(self.sm.list_trials(TrialComponentName=name + "-aws-training-job")
                         ["TrialSummaries"], [])

    def test_a_mixed_case_job_arn_is_kept_lower_case(self):
        # SageMaker's job ARNs lower-case the job name; an ARN given in another case
        # is stored as SageMaker would have written it, so the SDK's lower-cased
        # SourceArn finds the component.
        name = unique_name("XGB-Mixed")
        given = "arn:aws:sagemaker:%s:%s:training-job/%s" % (REGION, self.account, name)
        self.ok(deliver(self.account, "CreateTrainingJob", training_request(name, self.bucket),
                        {"TrainingJobArn": given}))
        tc = self.sm.describe_trial_component(TrialComponentName=name + "-aws-training-job")
        self.assertEqual(tc["Source"]["SourceArn"], given.lower())
        found = self.sm.list_trial_components(SourceArn=given.lower())["TrialComponentSummaries"]
        self.assertEqual([c["TrialComponentArn"] for c in found], [tc["TrialComponentArn"]])

    def test_completion_produces_the_model_and_redelivery_changes_nothing(self):
        name = unique_name("xgb")
        request = self.train(name)
        model_uri = "%s/output/%s/output/model.tar.gz" % (self.bucket, name)
        done = completed(name, self.account, request, model_uri)
        body = self.ok(deliver(self.account, "DescribeTrainingJob", response=done))
        tc = self.sm.describe_trial_component(TrialComponentName=name + "-aws-training-job")
        self.assertEqual(tc["Status"], {"PrimaryStatus": "Completed",
                                        "Message": "Status: Completed, exit message: null, "
                                                   "failure reason: null"})
        self.assertEqual(tc["StartTime"].timestamp(), 1700000000)
        self.assertEqual(tc["OutputArtifacts"],
                         {"SageMaker.ModelArtifact": {"Value": model_uri}})
        model = self.artifacts()[(model_uri, "Model")]
        self.assertIn((tc["TrialComponentArn"], model, "Produced"), self.edges())
        self.assertIn(model, body["Entities"])
        before = (self.artifacts(), self.edges(), body_of(tc))
        for _ in range(2):
            self.ok(deliver(self.account, "CreateTrainingJob", request))
            self.ok(deliver(self.account, "DescribeTrainingJob", response=done))
        after_tc = self.sm.describe_trial_component(TrialComponentName=name + "-aws-training-job")
        self.assertEqual((self.artifacts(), self.edges(), body_of(after_tc)), before)
        # A late InProgress never reopens the finished component.
        late = dict(done, TrainingJobStatus="InProgress")
        self.ok(deliver(self.account, "DescribeTrainingJob", response=late))
        self.assertEqual(self.sm.describe_trial_component(
            TrialComponentName=name + "-aws-training-job")["Status"]["PrimaryStatus"], "Completed")

    def test_describe_alone_derives_the_whole_job(self):
        name = unique_name("xgb")
        request = training_request(name, self.bucket)
        done = completed(name, self.account, request, self.bucket + "/m/model.tar.gz")
        done["TrainingJobStatus"] = "Failed"
        done["FailureReason"] = "AlgorithmError: out of memory"
        self.ok(deliver(self.account, "DescribeTrainingJob", response=done))
        tc = self.sm.describe_trial_component(TrialComponentName=name + "-aws-training-job")
        self.assertEqual(tc["Status"]["PrimaryStatus"], "Failed")
        self.assertIn("AlgorithmError: out of memory", tc["Status"]["Message"])
        self.assertNotIn("OutputArtifacts", {k for k, v in tc.items() if v})
        self.assertNotIn((self.bucket + "/m/model.tar.gz", "Model"), self.artifacts())

    def test_shared_dataset_is_one_artifact_across_jobs(self):
        a, b = unique_name("a"), unique_name("b")
        self.train(a)
        self.train(b)
        arts = self.artifacts()
        self.assertEqual(len(arts), 5)  # a shared image and two datasets; two checkpoints
        train = arts[(self.bucket + "/data/train.csv", "DataSet")]
        out = self.sm.query_lineage(StartArns=[train], Direction="Descendants",
                                    IncludeEdges=False, Filters={"Types": ["TrainingJob"]})
        self.assertEqual(sorted(v["Arn"] for v in out["Vertices"]),
                         sorted([tc_arn(a + "-aws-training-job", self.account),
                                 tc_arn(b + "-aws-training-job", self.account)]))

    def test_concurrent_deliveries_share_artifacts_without_conflict(self):
        names = [unique_name("c%d" % i) for i in range(8)]
        requests = []
        for i, name in enumerate(names):
            request = training_request(name, self.bucket)
            del request["CheckpointConfig"]
            if i % 2:  # the same datasets in the other order
                request["InputDataConfig"].reverse()
            requests.append(request)
        replies = []

        def send(request):
            replies.append(deliver(self.account, "CreateTrainingJob", request).status)

        threads = [threading.Thread(target=send, args=(rq,)) for rq in requests * 2]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(replies, [200] * len(threads))
        self.assertEqual(len(self.artifacts()), 3)
        self.assertEqual(len(self.edges()), 3 * len(names))
        self.assertEqual(len(walk(self.sm.list_trial_components)[0]), len(names))

    def test_experiment_config_with_trial(self):
        exp, trial = unique_name("exp"), unique_name("trial")
        self.sm.create_experiment(ExperimentName=exp)
        self.sm.create_trial(TrialName=trial, ExperimentName=exp)
        name = unique_name("job")
        self.train(name, {"ExperimentName": exp, "TrialName": trial,
                          "TrialComponentDisplayName": "Training"})
        comps = self.sm.list_trial_components(TrialName=trial)["TrialComponentSummaries"]
        self.assertEqual([(c["TrialComponentName"], c["DisplayName"]) for c in comps],
                         [(name + "-aws-training-job", "Training")])
        # No other trial or experiment appeared.
        self.assertEqual([t["TrialName"] for t in walk(self.sm.list_trials)[0]], [trial])
        self.assertEqual([e["ExperimentName"] for e in walk(self.sm.list_experiments)[0]], [exp])

    def test_experiment_config_without_trial_makes_the_jobs_trial(self):
        exp = unique_name("exp")
        self.sm.create_experiment(ExperimentName=exp)
        name = unique_name("job")
        self.train(name, {"ExperimentName": exp})
        trials = walk(self.sm.list_trials, ExperimentName=exp)[0]
        self.assertEqual([t["TrialName"] for t in trials], [name + "-aws-trial"])
        comps = self.sm.list_trial_components(ExperimentName=exp)["TrialComponentSummaries"]
        self.assertEqual([c["TrialComponentName"] for c in comps], [name + "-aws-training-job"])

    def test_experiment_config_naming_a_missing_trial_stores_nothing(self):
        exp = unique_name("exp")
        self.sm.create_experiment(ExperimentName=exp)
        name = unique_name("job")
        reply = deliver(self.account, "CreateTrainingJob",
                        training_request(name, self.bucket,
                                         {"ExperimentName": exp, "TrialName": "nope"}))
        self.assertErrorReply(reply, "ResourceNotFound")
        self.assertIn("nope", reply.json()["message"])
        self.assertEqual(self.artifacts(), {})
        self.assertEqual(walk(self.sm.list_trial_components)[0], [])

    def test_malformed_documents_name_what_is_missing(self):
        request = training_request(unique_name("job"), self.bucket)
        del request["AlgorithmSpecification"]
        del request["InputDataConfig"][1]["DataSource"]["S3DataSource"]["S3Uri"]
        reply = deliver(self.account, "CreateTrainingJob", request)
        self.assertErrorReply(reply, "ValidationException")
        message = reply.json()["message"]
        self.assertIn("2 validation errors detected", message)
        self.assertIn("request.AlgorithmSpecification is required", message)
        self.assertIn("request.InputDataConfig[1].DataSource.S3DataSource.S3Uri is required",
                      message)
        self.assertEqual(self.artifacts(), {})
        self.assertEqual(walk(self.sm.list_trial_components)[0], [])
        for body, needle in (
                ({"operation": "DeleteEverything", "request": {}}, "operation 'DeleteEverything'"),
                ({"request": {}}, "operation is required"),
                ({"operation": "DescribeTrainingJob", "account": self.account}, "response is required"),
                ({"operation": "CreateModel", "account": "12", "request": {"ModelName": "m"}},
                 "account '12' must be 12 digits")):
            reply = raw(body=body, path=HOOK, content_type="application/json")
            self.assertErrorReply(reply, "ValidationException")
            self.assertIn(needle, reply.json()["message"])
        reply = raw(body=b"{not json", path=HOOK, content_type="application/json")
        self.assertErrorReply(reply, "SerializationException")

    def test_processing_job(self):
        name = unique_name("prep")
        request = {
            "ProcessingJobName": name,
            "AppSpecification": {"ImageUri": "123.dkr.ecr.us-east-1.amazonaws.com/sklearn:1"},
            "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1,
                                                      "InstanceType": "ml.m5.large",
                                                      "VolumeSizeInGB": 20}},
            "ProcessingInputs": [
                {"InputName": "raw", "S3Input": {"S3Uri": self.bucket + "/raw",
                                                 "LocalPath": "/opt/ml/processing/input"}},
                {"InputName": "code", "S3Input": {"S3Uri": self.bucket + "/code/prep.py",
                                                  "LocalPath": "/opt/ml/processing/code"}}],
            "ProcessingOutputConfig": {"Outputs": [
                {"OutputName": "train", "S3Output": {"S3Uri": self.bucket + "/data/train.csv",
                                                     "LocalPath": "/opt/ml/processing/train",
                                                     "S3UploadMode": "EndOfJob"}}]},
            "RoleArn": "arn:aws:iam::123456789012:role/sm",
        }
        self.ok(deliver(self.account, "CreateProcessingJob", request))
        self.assertNotIn((self.bucket + "/data/train.csv", "DataSet"), self.artifacts())
        done = dict(request, ProcessingJobStatus="Completed",
                    ProcessingJobArn=job_arn(self.account, "processing-job", name))
        self.ok(deliver(self.account, "DescribeProcessingJob", response=done))
        tc = self.sm.describe_trial_component(TrialComponentName=name + "-aws-processing-job")
        self.assertEqual(tc["Source"]["SourceType"], "SageMakerProcessingJob")
        arts = self.artifacts()
        comp = tc["TrialComponentArn"]
        self.assertEqual(self.edges(), {
            (arts[(self.bucket + "/raw", "DataSet")], comp, "ContributedTo"),
            (arts[(self.bucket + "/code/prep.py", "DataSet")], comp, "ContributedTo"),
            (arts[("123.dkr.ecr.us-east-1.amazonaws.com/sklearn:1", "Image")], comp,
             "ContributedTo"),
            (comp, arts[(self.bucket + "/data/train.csv", "DataSet")], "Produced")})
        # The processed data feeds a training job: upstream datasets of its output.
        job = unique_name("xgb")
        self.train(job)
        up = self.query(tc_arn(job + "-aws-training-job", self.account), "Ascendants",
                        ["Artifact"], ["DataSet"])
        self.assertEqual(up, sorted([arts[(self.bucket + "/raw", "DataSet")],
                                     arts[(self.bucket + "/code/prep.py", "DataSet")],
                                     arts[(self.bucket + "/data/train.csv", "DataSet")],
                                     self.artifacts()[(self.bucket + "/data/validation.csv",
                                                       "DataSet")]]))

    def test_transform_job(self):
        name = unique_name("batch")
        request = {
            "TransformJobName": name, "ModelName": "my-model",
            "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                               "S3Uri": self.bucket + "/batch-in"}},
                               "ContentType": "text/csv"},
            "TransformOutput": {"S3OutputPath": self.bucket + "/batch-out"},
            "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
        }
        self.ok(deliver(self.account, "CreateTransformJob", request))
        self.ok(deliver(self.account, "DescribeTransformJob",
                        response=dict(request, TransformJobStatus="Completed")))
        tc = self.sm.describe_trial_component(TrialComponentName=name + "-aws-transform-job")
        self.assertEqual(tc["Parameters"]["SageMaker.ModelName"], {"StringValue": "my-model"})
        arts = self.artifacts()
        self.assertEqual(self.edges(), {
            (arts[(self.bucket + "/batch-in", "DataSet")], tc["TrialComponentArn"],
             "ContributedTo"),
            (tc["TrialComponentArn"], arts[(self.bucket + "/batch-out", "DataSet")], "Produced")})
        out = self.sm.query_lineage(StartArns=[tc["TrialComponentArn"]], Direction="Both",
                                    IncludeEdges=True)
        self.assertEqual(len(out["Vertices"]), 3)

    def test_tuning_job_gets_an_experiment(self):
        name = unique_name("hpo")[:32]
        request = {"HyperParameterTuningJobName": name,
                   "HyperParameterTuningJobConfig": {"Strategy": "Bayesian"}}
        for _ in range(2):
            self.ok(deliver(self.account, "CreateHyperParameterTuningJob", request))
        exp = self.sm.describe_experiment(ExperimentName=name)
        self.assertEqual(exp["Source"], {
            "SourceArn": job_arn(self.account, "hyper-parameter-tuning-job", name),
            "SourceType": "SageMakerHyperParameterTuningJob"})
        self.assertEqual(len(walk(self.sm.list_experiments)[0]), 1)
        # Each training job the tuning job launched joins its experiment in a trial of its own.
        job = unique_name("hpo-trial")
        done = completed(job, self.account, training_request(job, self.bucket),
                         self.bucket + "/hpo/model.tar.gz")
        done["TuningJobArn"] = job_arn(self.account, "hyper-parameter-tuning-job", name)
        self.ok(deliver(self.account, "DescribeTrainingJob", response=done))
        self.assertEqual([t["TrialName"] for t in walk(self.sm.list_trials, ExperimentName=name)[0]],
                         [job + "-aws-trial"])
        self.assertEqual([c["TrialComponentName"] for c in
                          self.sm.list_trial_components(ExperimentName=name)
                          ["TrialComponentSummaries"]], [job + "-aws-training-job"])
        self.assertEqual(len(walk(self.sm.list_experiments)[0]), 1)

    def deploy(self, endpoint, config, model_uri, image, operation="CreateEndpoint"):
        model_name = unique_name("model")
        self.ok(deliver(self.account, "CreateModel",
                        {"ModelName": model_name,
                         "PrimaryContainer": {"Image": image, "ModelDataUrl": model_uri}}))
        return self.ok(deliver(
            self.account, operation, {"EndpointName": endpoint, "EndpointConfigName": config},
            {"EndpointArn": job_arn(self.account, "endpoint", endpoint)},
            {"EndpointConfig": {"EndpointConfigName": config,
                                "ProductionVariants": [{"VariantName": "AllTraffic",
                                                        "ModelName": model_name}]},
             "Models": [{"ModelName": model_name,
                         "PrimaryContainer": {"Image": image, "ModelDataUrl": model_uri}}]}))

    def test_training_to_endpoint_answers_the_sdk_questions(self):
        name = unique_name("xgb")
        request = self.train(name)
        model_uri = "%s/output/%s/output/model.tar.gz" % (self.bucket, name)
        self.ok(deliver(self.account, "DescribeTrainingJob",
                        response=completed(name, self.account, request, model_uri)))
        endpoint = unique_name("ep")
        serving = "683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.5-1"
        self.deploy(endpoint, "cfg-1", model_uri, serving)
        arts = self.artifacts()
        model = arts[(model_uri, "Model")]
        self.assertIn((model_uri, "ModelData"), arts)  # CreateModel's own artifact
        ctx = self.sm.describe_context(ContextName=endpoint + "-aws-endpoint")
        self.assertEqual((ctx["ContextType"], ctx["Source"]["SourceUri"]),
                         ("Endpoint", job_arn(self.account, "endpoint", endpoint)))
        action = arn_of("action", endpoint + "-cfg-1-aws-deployment", self.account)
        self.assertEqual(self.sm.describe_action(ActionName=action)["ActionType"],
                         "ModelDeployment")
        edges = self.edges()
        self.assertIn((model, action, "ContributedTo"), edges)
        self.assertIn((action, ctx["ContextArn"], "AssociatedWith"), edges)
        datasets = sorted([arts[(self.bucket + "/data/train.csv", "DataSet")],
                           arts[(self.bucket + "/data/validation.csv", "DataSet")]])
        # ModelArtifact.dataset_artifacts / endpoint_contexts / training_job_arns
        self.assertEqual(self.query(model, "Ascendants", ["Artifact"], ["DataSet"]), datasets)
        self.assertEqual(self.query(model, "Descendants", ["Context"], ["Endpoint"]),
                         [ctx["ContextArn"]])
        tcs = self.query(ctx["ContextArn"], "Ascendants", ["TrialComponent"], ["TrainingJob"])
        self.assertEqual(tcs, [tc_arn(name + "-aws-training-job", self.account)])
        self.assertEqual(self.sm.describe_trial_component(TrialComponentName=tcs[0])
                         ["Source"]["SourceArn"], job_arn(self.account, "training-job", name))
        # EndpointContext.dataset_artifacts and DatasetArtifact.endpoint_contexts
        self.assertEqual(self.query(ctx["ContextArn"], "Ascendants", ["Artifact"], ["DataSet"]),
                         datasets)
        self.assertEqual(self.query(datasets[0], "Descendants", ["Context"], ["Endpoint"]),
                         [ctx["ContextArn"]])
        # The explorer's read API walks the same graph.
        reply = raw(method="GET", body=b"", content_type=None,
                    path="/api/v1/lineage?start=%s&up=5&down=0&account=%s&region=%s"
                    % (ctx["ContextArn"], self.account, REGION))
        self.assertEqual(reply.status, 200, reply)
        seen = {v["arn"]: v["type"] for v in reply.json()["vertices"]}
        self.assertEqual((seen[datasets[0]], seen[tcs[0]], seen[model], seen[action]),
                         ("DataSet", "TrainingJob", "Model", "ModelDeployment"))
        # UpdateEndpoint to a new config: a second deployment action on the same context.
        self.deploy(endpoint, "cfg-2", model_uri, serving, operation="UpdateEndpoint")
        actions = walk(self.sm.list_actions,
                       SourceUri=job_arn(self.account, "endpoint", endpoint))[0]
        self.assertEqual(sorted(a["ActionName"] for a in actions),
                         [endpoint + "-cfg-1-aws-deployment", endpoint + "-cfg-2-aws-deployment"])
        self.assertEqual(len(walk(self.sm.list_contexts)[0]), 1)

    def test_endpoint_needs_its_models(self):
        reply = deliver(self.account, "CreateEndpoint", {"EndpointName": "ep", "EndpointConfigName": "c"},
                        resources={"EndpointConfig": {"ProductionVariants": [{"ModelName": "m1"}]},
                                   "Models": []})
        self.assertErrorReply(reply, "ValidationException")
        self.assertIn("resources.Models has no model named m1", reply.json()["message"])
        self.assertEqual(walk(self.sm.list_contexts)[0], [])

    def test_model_package_in_its_group(self):
        group = unique_name("grp")
        self.ok(deliver(self.account, "CreateModelPackageGroup", {"ModelPackageGroupName": group}))
        model_uri = self.bucket + "/model.tar.gz"
        image = "123.dkr.ecr.us-east-1.amazonaws.com/inference:1"
        package = "arn:aws:sagemaker:%s:%s:model-package/%s/1" % (REGION, self.account, group)
        request = {"ModelPackageGroupName": group, "ModelApprovalStatus": "Approved",
                   "InferenceSpecification": {
                       "Containers": [{"Image": image, "ModelDataUrl": model_uri}],
                       "SupportedContentTypes": ["text/csv"],
                       "SupportedResponseMIMETypes": ["text/csv"]}}
        for _ in range(2):
            self.ok(deliver(self.account, "CreateModelPackage", request,
                            {"ModelPackageArn": package}))
        arts = self.artifacts()
        self.assertEqual(set(arts), {(package, "Model"), (model_uri, "Model"), (image, "Image")})
        ctx = self.sm.describe_context(ContextName=group + "-aws-model-package-group")
        self.assertEqual(ctx["ContextType"], "ModelGroup")
        approval = arn_of("action", "%s-1-aws-model-package-approval" % group, self.account)
        described = self.sm.describe_action(ActionName=approval)
        self.assertEqual((described["ActionType"], described["Status"],
                          described["Properties"]), ("Approval", "Completed",
                                                     {"ModelApprovalStatus": "Approved"}))
        self.assertEqual(self.edges(), {
            (arts[(model_uri, "Model")], arts[(package, "Model")], "ContributedTo"),
            (arts[(image, "Image")], arts[(package, "Model")], "ContributedTo"),
            (arts[(package, "Model")], ctx["ContextArn"], "AssociatedWith"),
            (arts[(package, "Model")], approval, "ContributedTo")})
        reply = deliver(self.account, "CreateModelPackage", request)
        self.assertErrorReply(reply, "ValidationException")
        self.assertIn("response.ModelPackageArn is required", reply.json()["message"])


if __name__ == "__main__":
    unittest.main()
