# shellcheck shell=bash
# `scripts/bench search`, sourced by scripts/bench after its set-up: Search over
# SEARCH_ROWS trial components loaded straight into the schema, beside moto.
echo
echo "machine: $(nproc) cores; $CONNECTIONS connections, ${DURATION}s per run; Release build"
row "workload" "requests/s" "p50 ms" "p99 ms" "vs reference"

# --- Search: trial components with 10 parameters, 5 metrics and 3 tags each,
# loaded straight into the schema; moto beside it on a 20,000-component copy.
call "$URL" CreateExperiment '{"ExperimentName":"bench-search"}'
TENANT=$(psql -tA -c "select id from tenant where account = '$ACCOUNT' and region = '$REGION'")
# p0 = i, p1 = i % 10, p2 = i % 1000, p3 and p4 spread over 0..999, p5..p9 text;
# tags team-(i % 20), env-(i % 3), owner-(i % 1000); metrics acc, loss, f1, auc, recall.
psql -v tenant="$TENANT" -v n="$SEARCH_ROWS" -v arn="$ARN:" <<'SQL'
set session_replication_role = replica; -- set-based rows below stand in for the per-row trigger
insert into entity (tenant_id, kind, name, name_key, arn, vertex_type, display_name, status, details,
                    created_at, modified_at)
select :tenant, 3, 'tc-' || i, 'tc-' || i, :'arn' || 'experiment-trial-component/tc-' || i, 'TrialComponent',
       'tc-' || i, 'Completed',
       jsonb_build_object('Parameters', jsonb_build_object(
           'p0', jsonb_build_object('NumberValue', i), 'p1', jsonb_build_object('NumberValue', i % 10),
           'p2', jsonb_build_object('NumberValue', i % 1000),
           'p3', jsonb_build_object('NumberValue', (i::int8 * 7919) % 1000),
           'p4', jsonb_build_object('NumberValue', (i::int8 * 104729) % 1000),
           'p5', jsonb_build_object('StringValue', 'opt-' || i % 7),
           'p6', jsonb_build_object('StringValue', 'loss-' || i % 3),
           'p7', jsonb_build_object('StringValue', 'arch-' || i % 50),
           'p8', jsonb_build_object('StringValue', 'data-' || i % 100),
           'p9', jsonb_build_object('StringValue', 'seed-' || i))),
       now() - i * interval '1 second', now() - i * interval '1 second'
from generate_series(1, :n) i;
insert into search_param (entity_id, tenant_id, key, num, txt)
select e.id, e.tenant_id, p.key,
       case when jsonb_typeof(p.value->'NumberValue') = 'number' then (p.value->>'NumberValue')::float8 end,
       p.value->>'StringValue'
from entity e, jsonb_each(e.details->'Parameters') p where e.tenant_id = :tenant and e.kind = 3;
insert into tag (entity_id, tenant_id, key, value)
select e.id, e.tenant_id, k.key, k.key || '-' || (substr(e.name, 4)::int % k.m)
from entity e, (values ('team', 20), ('env', 3), ('owner', 1000)) k(key, m)
where e.tenant_id = :tenant and e.kind = 3;
insert into metric_summary (tenant_id, component_id, metric_name, shard, count, min, max, mean, m2,
                            last_value, last_ts, last_step, last_seq, max_ts)
select e.tenant_id, e.id, m.name, 0, 10, v * 0.5, v, v * 0.75, v * 0.1, v * 0.9, now(), 9, 1, now()
from entity e, (values ('acc'), ('loss'), ('f1'), ('auc'), ('recall')) m(name),
     lateral (select (hashtext(e.name || m.name) & 1048575) / 1048575.0::float8 as v) h
where e.tenant_id = :tenant and e.kind = 3;
SQL
psql -c "vacuum analyze"
# The load leaves a checkpoint due; it would land in the short runs below.
psql -c "checkpoint"
tcs=$(psql -tA -c "select count(*) from entity where tenant_id = $TENANT and kind = 3")
A='{"Resource":"ExperimentTrialComponent","SearchExpression":{"Filters":[{"Name":"Parameters.p0","Operator":"Equals","Value":"%R"}]}}'
B='{"Resource":"ExperimentTrialComponent","MaxResults":100,"SortBy":"Metrics.acc.Max","SearchExpression":{"Filters":[{"Name":"Metrics.acc.Max","Operator":"GreaterThan","Value":"0.5"},{"Name":"Parameters.p2","Operator":"Equals","Value":"13"},{"Name":"Tags.team","Operator":"Equals","Value":"team-13"}]}}'
C='{"Resource":"ExperimentTrialComponent","SearchExpression":{"Operator":"Or","Filters":[{"Name":"Parameters.p3","Operator":"LessThan","Value":"2"},{"Name":"Parameters.p4","Operator":"GreaterThan","Value":"997"}]}}'
T='{"Resource":"ExperimentTrialComponent","SearchExpression":{"Filters":[{"Name":"Tags.owner","Operator":"Equals","Value":"owner-%R"}]}}'
read -r s_rps s_p50 s_p99 < <(run "$URL" Search "$A" BENCH_RANGE="$tcs")
row "Search (a) Parameters equality ($tcs TCs)" "$s_rps" "$s_p50" "$s_p99" "target p99 <= 5 ms"
# Latency without queueing behind the other connections: one client.
read -r s_rps s_p50 s_p99 < <(CONNECTIONS=1 run "$URL" Search "$A" BENCH_RANGE="$tcs")
row "  the same, one connection" "$s_rps" "$s_p50" "$s_p99" "target p99 <= 5 ms"
read -r s_rps s_p50 s_p99 < <(run "$URL" Search "$B")
row "Search (b) metric range+param+tag, by metric" "$s_rps" "$s_p50" "$s_p99" "target p50 <= 20, p99 <= 100 ms"
read -r s_rps s_p50 s_p99 < <(CONNECTIONS=1 run "$URL" Search "$B")
row "  the same, one connection" "$s_rps" "$s_p50" "$s_p99" "target p50 <= 20, p99 <= 100 ms"
read -r s_rps s_p50 s_p99 < <(run "$URL" Search "$C")
row "Search (c) Or of two parameter ranges" "$s_rps" "$s_p50" "$s_p99" ""
# The default order, 100 a page: the first page, and one 200 pages deep.
P='{"Resource":"ExperimentTrialComponent","MaxResults":100}'
token=$(python3 - "$URL" "$P" <<'PY'
import json, sys, urllib.request
body, token = json.loads(sys.argv[2]), None
for _ in range(200):
    if token:
        body["NextToken"] = token
    req = urllib.request.Request(sys.argv[1] + "/", json.dumps(body).encode(), {
        "X-Amz-Target": "SageMaker.Search", "Content-Type": "application/x-amz-json-1.1"})
    token = json.load(urllib.request.urlopen(req))["NextToken"]
print(token)
PY
)
read -r f_rps f_p50 f_p99 < <(run "$URL" Search "$P")
read -r d_rps d_p50 d_p99 < <(run "$URL" Search "{\"Resource\":\"ExperimentTrialComponent\",\"MaxResults\":100,\"NextToken\":\"$token\"}")
row "Search, default order, first page of 100" "$f_rps" "$f_p50" "$f_p99" ""
row "Search, default order, page 201 of 100" "$d_rps" "$d_p50" "$d_p99" "$(ratio "$d_p50" "$f_p50") p50 of page 1"
read -r l_rps l_p50 l_p99 < <(run "$URL" Search "$T" BENCH_RANGE=1000)
MOTO_PORT=$(free_port)
python3 -m moto.server -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 50); do [[ $(http_status "http://127.0.0.1:$MOTO_PORT/") != 000 ]] && break; sleep 0.2; done
# moto's Search evaluates only record fields and Tags.<key> Equals, so the
# comparison is the tag equality; its copy gets the same tags and parameters.
python3 - "http://127.0.0.1:$MOTO_PORT" <<'PY'
import sys, boto3
sm = boto3.client("sagemaker", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="123456789012", aws_secret_access_key="x")
for i in range(1, 20001):
    sm.create_trial_component(
        TrialComponentName="tc-%d" % i,
        Parameters={"p0": {"NumberValue": i}, "p2": {"NumberValue": i % 1000}},
        Tags=[{"Key": "team", "Value": "team-%d" % (i % 20)}, {"Key": "env", "Value": "env-%d" % (i % 3)},
              {"Key": "owner", "Value": "owner-%d" % (i % 1000)}])
PY
read -r m_rps m_p50 m_p99 < <(run "http://127.0.0.1:$MOTO_PORT" Search "$T" BENCH_RANGE=1000)
row "Search Tags.owner equality ($tcs TCs)" "$l_rps" "$l_p50" "$l_p99" "$(ratio "$m_p50" "$l_p50") moto p50 / ours"
row "  moto server, 20000 TCs" "$m_rps" "$m_p50" "$m_p99" ""
