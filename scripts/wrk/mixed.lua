-- wrk client for the soak: a mix of writes and reads on each thread's own
-- artifacts. Each request is, by chance: CreateArtifact (30%), AddAssociation
-- joining the next two artifacts not yet joined (20%), ListAssociations of one
-- (20%), QueryLineage from one (15%), DescribeArtifact (15%). Environment:
--   BENCH_PREFIX  text unique to this run, for the artifacts' source URIs
local prefix = os.getenv("BENCH_PREFIX") or "soak"

local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local arns = {}  -- this thread's artifacts, oldest first
local linked = 1 -- arns[linked] -> arns[linked + 1] is the next association
local counter = 0

local function call(target, body)
  return wrk.format("POST", "/", {
    ["Content-Type"] = "application/x-amz-json-1.1",
    ["X-Amz-Target"] = "SageMaker." .. target,
    ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDSOAK/20240101/us-east-1/sagemaker/aws4_request, " ..
      "SignedHeaders=host, Signature=0",
  }, body)
end

local function any_arn()
  return arns[math.random(#arns)]
end

function request()
  counter = counter + 1
  local r = math.random(100)
  if #arns < 2 or r <= 30 then
    return call("CreateArtifact", string.format(
      '{"Source":{"SourceUri":"s3://soak/%s/%d/%d"},"ArtifactType":"DataSet"}', prefix, tid, counter))
  elseif r <= 50 and linked < #arns then
    linked = linked + 1
    return call("AddAssociation", string.format('{"SourceArn":"%s","DestinationArn":"%s"}',
      arns[linked - 1], arns[linked]))
  elseif r <= 70 then
    return call("ListAssociations", string.format('{"SourceArn":"%s"}', any_arn()))
  elseif r <= 85 then
    return call("QueryLineage", string.format(
      '{"StartArns":["%s"],"Direction":"Both","MaxDepth":3}', any_arn()))
  end
  return call("DescribeArtifact", string.format('{"ArtifactArn":"%s"}', any_arn()))
end

local errors = 0
function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then
      io.stderr:write("non-200 reply: " .. status .. " " .. body .. "\n")
    end
    return
  end
  -- A CreateArtifact reply is the ARN alone.
  local arn = body:match('^{"ArtifactArn":"([^"]+)"}$')
  if arn then
    table.insert(arns, arn)
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d non2xx=%d errors=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
