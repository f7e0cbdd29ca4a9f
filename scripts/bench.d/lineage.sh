# shellcheck shell=bash
# `scripts/bench lineage`, sourced by scripts/bench after its set-up: QueryLineage
# through HTTP on a million-vertex pipeline graph, at depths 1, 3 and 10 in each
# direction from ordinary and from hub vertices (the depth-10 rows also at one
# connection), beside the same question asked of PostgreSQL as one plain
# recursive-CTE statement (through pgbench).

TENANT=$(psql -tA -c "insert into tenant (account, region) values ('$ACCOUNT', '$REGION')
  on conflict do nothing; select id from tenant where account = '$ACCOUNT' and region = '$REGION'" | tail -1)
SECONDS=0
psql -v tenant="$TENANT" -v arn="$ARN" -f "$ROOT/scripts/bench.d/lineage_graph.sql" >/dev/null
read -r nv ne < <(psql -tA -F' ' -c "select (select count(*) from entity), (select count(*) from association)")
echo
echo "machine: $(nproc) cores; graph: $nv vertices, $ne associations, written straight into the schema by"
echo "scripts/bench.d/lineage_graph.sql in ${SECONDS}s; $CONNECTIONS connections, ${DURATION}s per run; Release build"
echo "QueryLineage answers its first page (up to 1000 vertices, order depth then ARN); the CTE the same page."
echo "Starts are drawn at random; the ordinary raw-dataset starts leave out the 20 hubs (raw-0..19), which have rows of their own."

PGBENCH=$(command -v pgbench || echo "$PGBIN/pgbench")

# cte_sql DIRECTION DEPTH ARN_EXPR: one plain recursive CTE for the same page.
cte_sql() {
    local from=source_id to=destination_id
    [[ $1 == Ascendants ]] && { from=destination_id; to=source_id; }
    printf '%s' "with recursive walk (id, depth) as (
  select id, 0 from entity where tenant_id = $TENANT and arn = $3
  union
  select a.$to, w.depth + 1 from walk w join association a on a.$from = w.id where w.depth < $2)
select e.arn, min(w.depth) as depth from walk w join entity e on e.id = w.id
group by e.arn having min(w.depth) > 0 order by depth, e.arn limit 1000;"
}

# cte_run DIRECTION DEPTH PREFIX FIRST RANGE: pgbench at CONNECTIONS, the start
# drawn from FIRST..RANGE-1 as QueryLineage's; prints "tps p50 p99".
cte_run() {
    local dir=$1 depth=$2 prefix=$3 first=$4 range=$5 logdir
    logdir=$(mktemp -d "$WORK/pgbench.XXXX")
    {
        echo "\\set r random($first, $((range - 1)))"
        cte_sql "$dir" "$depth" "'$ARN:$prefix' || :r" | tr '\n' ' '
        echo
    } >"$logdir/q.sql"
    (cd "$logdir" && "$PGBENCH" -n -h "$PG_SOCKDIR" -U postgres -c "$CONNECTIONS" \
        -j "$((CONNECTIONS < 2 ? 1 : 2))" -T "$DURATION" -l -f q.sql lineaged >"$logdir/out" 2>&1) || { cat "$logdir/out" >&2; return 1; }
    python3 - "$logdir" <<'PY'
import glob, sys
lat = sorted(int(line.split()[2]) for f in glob.glob(sys.argv[1] + "/pgbench_log.*") for line in open(f))
tps = [l for l in open(sys.argv[1] + "/out") if l.startswith("tps")][0].split()[2]
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] / 1000
print(f"{float(tps):.0f} {pick(0.50):.2f} {pick(0.99):.2f}")
PY
}

# returned DIRECTION DEPTH ARN: vertices on QueryLineage's first page, checked
# against the CTE's page for the same start (same ARNs in the same order).
returned() {
    python3 - "$URL" "$1" "$2" "$3" "$(cte_sql "$1" "$2" "'$3'")" "$PGBIN/psql" "$PG_SOCKDIR" <<'PY'
import json, subprocess, sys, urllib.request
url, direction, depth, arn, sql, psql, sock = sys.argv[1:]
req = urllib.request.Request(url + "/", method="POST", data=json.dumps(
    {"StartArns": [arn], "Direction": direction, "MaxDepth": int(depth)}).encode(),
    headers={"X-Amz-Target": "SageMaker.QueryLineage", "Content-Type": "application/x-amz-json-1.1"})
got = [v["Arn"] for v in json.load(urllib.request.urlopen(req))["Vertices"]]
want = subprocess.run([psql, "-XtA", "-h", sock, "-U", "postgres", "-d", "lineaged", "-c", sql],
                      check=True, capture_output=True, text=True).stdout.split()
want = [w.split("|")[0] for w in want]
print(len(got) if got == want else f"MISMATCH({len(got)}!={len(want)})")
PY
}

row "workload" "requests/s" "p50 ms" "p99 ms" "vertices; CTE req/s p50 p99; speed-up at p50"
# start label, ARN word/prefix, the starts drawn from (first..range-1), directions.
# Raw datasets 0..19 are the hubs: the ordinary rows start from 20 up; the hubs
# have rows of their own below.
for spec in "model:artifact/model-:0:200000:Ascendants Descendants" \
    "raw dataset:artifact/raw-:20:100000:Descendants" \
    "endpoint:context/endpoint-:0:99900:Ascendants"; do
    IFS=: read -r label prefix first range dirs <<<"$spec"
    for dir in $dirs; do
        for depth in 1 3 10; do
            n=$(returned "$dir" "$depth" "$ARN:${prefix}$((range / 2 + 7))")
            body="{\"StartArns\":[\"$ARN:${prefix}%R\"],\"Direction\":\"$dir\",\"MaxDepth\":$depth}"
            read -r q_rps q_p50 q_p99 < <(run "$URL" QueryLineage "$body" BENCH_FIRST="$first" BENCH_RANGE="$range")
            read -r c_tps c_p50 c_p99 < <(cte_run "$dir" "$depth" "$prefix" "$first" "$range")
            row "$label $dir depth $depth" "$q_rps" "$q_p50" "$q_p99" \
                "$n; CTE $c_tps $c_p50 $c_p99; $(ratio "$c_p50" "$q_p50")"
            ((depth == 10)) || continue
            # Latency without queueing behind the other connections: one client, the CTE too.
            read -r q_rps q_p50 q_p99 < <(CONNECTIONS=1 run "$URL" QueryLineage "$body" BENCH_FIRST="$first" \
                BENCH_RANGE="$range")
            read -r c_tps c_p50 c_p99 < <(CONNECTIONS=1 cte_run "$dir" "$depth" "$prefix" "$first" "$range")
            row "  the same, one connection" "$q_rps" "$q_p50" "$q_p99" \
                "$n; CTE $c_tps $c_p50 $c_p99; $(ratio "$c_p50" "$q_p50")"
        done
    done
done

# Hubs: 20 raw datasets feeding 5,000 processing jobs each; downstream reaches
# most of the graph, so QueryLineage stops at its vertex budget (an error) and
# the native API answers within its budget, with truncation markers.
hub_status() {
    curl -s -o "$WORK/hub.json" -w '%{http_code} %{time_total}\n' -X POST "$URL/" \
        -H 'X-Amz-Target: SageMaker.QueryLineage' -H 'Content-Type: application/x-amz-json-1.1' \
        -d "{\"StartArns\":[\"$ARN:artifact/raw-3\"],\"Direction\":\"Descendants\",\"MaxDepth\":$1}"
}
for depth in 1 3 10; do
    read -r code secs < <(hub_status "$depth")
    n=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get('Vertices', [])) or d.get('message', '')[:60])" "$WORK/hub.json")
    # The plain CTE meets a vertex again on every path to it: give it a minute.
    out=$( { /usr/bin/time -f 'secs=%e' "$PGBIN/psql" -XtA -h "$PG_SOCKDIR" -U postgres -d lineaged \
        -c "set statement_timeout = '60s'" -c "$(cte_sql Descendants "$depth" "'$ARN:artifact/raw-3'")" \
        >/dev/null; } 2>&1) || true
    c_secs=$(grep -o 'secs=[0-9.]*' <<<"$out" | cut -d= -f2)
    grep -q 'statement timeout' <<<"$out" && c_secs="$c_secs (stopped by its 60 s timeout)"
    row "hub raw-3 Descendants depth $depth (one call)" "" "$(python3 -c "print(f'{$secs * 1000:.1f}')")" "" \
        "HTTP $code, $n; CTE one call ${c_secs} s"
done
read -r h_rps h_p50 h_p99 < <(run "$URL" QueryLineage '{}' BENCH_METHOD=GET \
    BENCH_PATH="/api/v1/lineage?start=$ARN:artifact/raw-%R&up=0&down=10&budget=1000" BENCH_RANGE=20)
row "native API, hub, down 10, budget 1000" "$h_rps" "$h_p50" "$h_p99" "truncation markers instead of an error"
read -r h_rps h_p50 h_p99 < <(CONNECTIONS=1 run "$URL" QueryLineage '{}' BENCH_METHOD=GET \
    BENCH_PATH="/api/v1/lineage?start=$ARN:artifact/raw-%R&up=0&down=10&budget=1000" BENCH_RANGE=20)
row "  the same, one connection" "$h_rps" "$h_p50" "$h_p99" ""
