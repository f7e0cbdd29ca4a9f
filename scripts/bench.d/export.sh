# shellcheck shell=bash disable=SC2154 # sourced by scripts/bench: URL, DB, ARN, ACCOUNT, REGION, run, row, psql
# scripts/bench export: lineage-export of subgraphs of the million-vertex pipeline graph of
# scripts/bench.d/lineage_graph.sql (as scripts/bench lineage loads it, straight into the
# schema, so the history triggers record every row): DOT and JSON of ~100,000 vertices (live
# and as of now, through the history) and SVG of 2,000; wall time and peak memory from
# /usr/bin/time -v. Then the cost of the history triggers on CreateArtifact and AddAssociation,
# as scripts/bench history measures it.

TENANT=$(psql -tA -c "insert into tenant (account, region) values ('$ACCOUNT', '$REGION')
  on conflict do nothing; select id from tenant where account = '$ACCOUNT' and region = '$REGION'" | tail -1)
SECONDS=0
psql -v tenant="$TENANT" -v arn="$ARN" -v with_history=1 -f "$ROOT/scripts/bench.d/lineage_graph.sql" >/dev/null
counts=$(psql -tA -F ' ' -c "select (select count(*) from entity), (select count(*) from association), (select count(*) from history)")
echo
echo "export: database of $counts entities, associations and history rows (loaded in ${SECONDS}s)"
printf '%-46s %10s %10s %12s %10s\n' "export" "vertices" "wall s" "peak MiB" "bytes"

# export NAME ARGS...: one timed lineage-export run, printed as a row.
export_run() {
    local name=$1 out=$WORK/export.out wall rss
    shift
    /usr/bin/time -v "$ROOT/build/lineage-export" --db "$DB" --account "$ACCOUNT" --region "$REGION" \
        -o "$out" "$@" 2>"$WORK/time.log" || { cat "$WORK/time.log" >&2; return 1; }
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$WORK/time.log")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$WORK/time.log")
    printf '%-46s %10s %10s %12s %10s\n' "$name" \
        "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["counts"]["vertices"])' "$out.manifest.json")" \
        "$wall" "$rss" "$(stat -c %s "$out")"
}
# Three layers downstream of one hub dataset (raw-0, read by 5,000 processing jobs): about
# 95,000 vertices. Six layers downstream of eight ordinary datasets: about 2,200.
BIG=(--start "$ARN:artifact/raw-0" --up 0 --down 3 --budget 100000)
SMALL=(--up 0 --down 6)
for i in 101 202 303 404 505 606 707 808; do SMALL+=(--start "$ARN:artifact/raw-$i"); done
export_run "DOT, ~95,000-vertex subgraph" "${BIG[@]}" --format dot
export_run "JSON, ~95,000-vertex subgraph" "${BIG[@]}" --format json
export_run "DOT, the same as of now (from history)" "${BIG[@]}" --format dot --as-of "$(date -u +%s)"
export_run "SVG, ~2,200-vertex subgraph" "${SMALL[@]}" --format svg
export_run "DOT, ~2,200-vertex subgraph (for scale)" "${SMALL[@]}" --format dot
echo "targets: DOT/JSON of 100,000 under 2 s, SVG of 2,000 under 5 s, memory by subgraph size"

# The cost of the history triggers on ingest: scripts/bench history.
# shellcheck source=scripts/bench.d/history.sh
. "$ROOT/scripts/bench.d/history.sh"
