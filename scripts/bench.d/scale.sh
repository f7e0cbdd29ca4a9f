# shellcheck shell=bash disable=SC2153 # URL, DB, WORK: set by scripts/bench
# `scripts/bench scale`, sourced by scripts/bench after its set-up: the same
# load on one lineaged and split over two against the same database (what N
# stateless instances in front of one PostgreSQL look like, on one machine).

FIRST_PID=$DAEMON_PID
PORT2=$(free_port)
URL2=http://127.0.0.1:$PORT2
daemon_start "$ROOT/build/lineaged" --port "$PORT2" --db "$DB" 2>"$WORK/lineaged2.log"
SECOND_PID=$DAEMON_PID
DAEMON_PID=$FIRST_PID
trap 'kill "$SECOND_PID" 2>/dev/null; cleanup' EXIT
daemon_wait_healthy "$URL2" 30 || { tail_file "$WORK/lineaged2.log"; exit 1; }
call "$URL" CreateExperiment '{"ExperimentName":"bench-exp"}'

max() { python3 -c 'import sys; print(max(float(a) for a in sys.argv[1:]))' "$@"; }

# pair TARGET BODY: a run on the first instance alone, then the same number
# of connections split over both at once; requests/s summed, latency the worse.
pair() {
    local target=$1 body=$2 rps p50 p99 ra pa qa rb pb qb half=$((CONNECTIONS / 2 > 0 ? CONNECTIONS / 2 : 1))
    read -r rps p50 p99 < <(run "$URL" "$target" "$body")
    row "$target, one instance" "$rps" "$p50" "$p99" ""
    CONNECTIONS=$half run "$URL" "$target" "$body" >"$WORK/first.out" &
    CONNECTIONS=$half run "$URL2" "$target" "$body" >"$WORK/second.out"
    wait $!
    read -r ra pa qa <"$WORK/first.out"
    read -r rb pb qb <"$WORK/second.out"
    row "$target, two instances" "$((ra + rb))" "$(max "$pa" "$pb")" "$(max "$qa" "$qb")" \
        "$(ratio "$((ra + rb))" "$rps") one instance"
}

echo
echo "machine: $(nproc) cores; $CONNECTIONS connections in all, ${DURATION}s per run; both instances and"
echo "PostgreSQL share this machine, so two instances show correctness and overhead, not added capacity"
row "workload" "requests/s" "p50 ms" "p99 ms" "vs one instance"
pair DescribeExperiment '{"ExperimentName":"bench-exp"}'
pair CreateArtifact '{"Source":{"SourceUri":"s3://bench/%r/%n"},"ArtifactType":"DataSet"}'
artifacts=$("$PGBIN/psql" -X -tA -h "$PG_SOCKDIR" -U postgres -d lineaged -c "select count(*) from entity where kind = 4")
echo "artifacts stored: $artifacts"
