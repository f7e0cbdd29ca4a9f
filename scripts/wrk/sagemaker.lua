-- wrk client for one SageMaker JSON operation. Environment:
--   BENCH_TARGET  operation name, e.g. DescribeExperiment
--   BENCH_BODY    request body; every "%n" becomes a number unique to this
--                 thread and request, so creates never collide
--   BENCH_PREFIX  text unique to this run, substituted for "%r"
--   "%i" becomes thread * 1000000 + request count (ids preloaded per thread),
--   "%R" a random integer below BENCH_RANGE and not below BENCH_FIRST (default
--   0), "%t" epoch seconds now, and
--   "%M" a metric name cycling through m0..m19. BENCH_PATH takes "%R" too.
local target = os.getenv("BENCH_TARGET")
local template = os.getenv("BENCH_BODY")
local prefix = os.getenv("BENCH_PREFIX") or "run"
local range = tonumber(os.getenv("BENCH_RANGE") or "1")
local first = tonumber(os.getenv("BENCH_FIRST") or "0")

wrk.method = os.getenv("BENCH_METHOD") or "POST"
local path = os.getenv("BENCH_PATH") or "/"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "SageMaker." .. target
wrk.headers["Authorization"] =
  "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20240101/us-east-1/sagemaker/aws4_request, " ..
  "SignedHeaders=host;x-amz-date, Signature=0"

local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local counter = 0
local metric = 0
local function random_below_range() return tostring(math.random(first, range - 1)) end

function request()
  counter = counter + 1
  local body = template:gsub("%%r", prefix):gsub("%%n", tid .. "x" .. counter)
    :gsub("%%i", tostring(tid * 1000000 + counter))
    :gsub("%%R", random_below_range)
    :gsub("%%t", tostring(os.time()))
    :gsub("%%M", function() metric = (metric + 1) % 20; return "m" .. metric end)
  return wrk.format(nil, (path:gsub("%%R", random_below_range)), nil, body)
end

local errors = 0
function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then
      io.stderr:write("non-200 reply: " .. status .. " " .. body .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d non2xx=%d errors=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
