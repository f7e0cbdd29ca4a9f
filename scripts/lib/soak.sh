# shellcheck shell=bash
# scripts/bench soak: a mixed read/write load (scripts/wrk/mixed.lua) for a
# bounded time, reported interval by interval with the daemon's memory.
# Sourced by scripts/bench after common.sh and daemon.sh.

# rss_mib PID: the resident set of PID in MiB.
rss_mib() {
    awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"
}

# soak_run URL PID SECONDS CONNECTIONS: wrk in intervals of up to 10 s until
# SECONDS have passed; one line per interval (requests/s, p50, p99, RSS), then
# RSS at start and end. Fails if a reply was not a 200.
soak_run() {
    local url=$1 pid=$2 total=$3 conns=$4 elapsed=0 step line bad=0 start_rss rps p50 p99
    start_rss=$(rss_mib "$pid")
    printf '\nsoak: %s connections, %s s, mixed CreateArtifact/AddAssociation/ListAssociations/QueryLineage/DescribeArtifact\n' \
        "$conns" "$total"
    printf '%8s %12s %10s %10s %10s\n' "t (s)" "requests/s" "p50 ms" "p99 ms" "RSS MiB"
    printf '%8s %12s %10s %10s %10s\n' 0 - - - "$start_rss"
    while ((elapsed < total)); do
        step=$((total - elapsed < 10 ? total - elapsed : 10))
        line=$(BENCH_PREFIX="s$RANDOM$RANDOM" wrk -t"$((conns < 2 ? 1 : 2))" -c"$conns" -d"${step}s" \
            -s "$ROOT/scripts/wrk/mixed.lua" "$url/" 2>>"$WORK/wrk.err" | grep '^RESULT') || {
            cat "$WORK/wrk.err" >&2
            return 1
        }
        elapsed=$((elapsed + step))
        [[ $line == *"non2xx=0 errors=0"* ]] || bad=1
        read -r rps p50 p99 < <(sed -E 's/.*rps=([0-9]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+).*/\1 \2 \3/' <<<"$line")
        printf '%8s %12s %10s %10s %10s\n' "$elapsed" "$rps" "$p50" "$p99" "$(rss_mib "$pid")"
    done
    printf 'RSS: %s MiB at start, %s MiB at the end\n' "$start_rss" "$(rss_mib "$pid")"
    ((bad == 0)) || {
        warn "some soak replies were not 200 (see $WORK/wrk.err)"
        cat "$WORK/wrk.err" >&2
        return 1
    }
}
