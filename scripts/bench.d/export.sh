# shellcheck shell=bash disable=SC2154 # sourced by scripts/bench: URL, DB, ARN, ACCOUNT, REGION, run, row, psql
# scripts/bench export: lineage-export of a 100,000-vertex subgraph as DOT and JSON (live and as
# of now, through the history) and of a 2,047-vertex one as SVG, in a database of ~200,000
# entities; wall time and peak memory from /usr/bin/time -v. Then the cost of the history
# triggers on CreateArtifact and AddAssociation, as scripts/bench history measures it.

call "$URL" CreateContext '{"ContextName":"bench-seed","ContextType":"Seed","Source":{"SourceUri":"s3://seed"}}'
TENANT=$(psql -tA -c "select id from tenant where account = '$ACCOUNT' and region = '$REGION'")
# x: twelve layers, layer l of min(3^l, 35238) vertices (100,000 in all), each vertex feeding
# three of the next layer; y: a binary tree of 2,047; z: 100,000 vertices nothing reaches.
# Loaded straight into the schema, so the history triggers record every row.
psql <<SQL
create table bench_v (id bigint, tree text, l int, i int);
with v (tree, l, i) as (
    select 'x', l, i from generate_series(0, 11) l, generate_series(0, least(power(3, l)::int, 35238) - 1) i
    union all select 'y', l, i from generate_series(0, 10) l, generate_series(0, power(2, l)::int - 1) i
    union all select 'z', 0, i from generate_series(0, 99999) i),
ins as (insert into entity (tenant_id, kind, name, name_key, arn, vertex_type, created_at, modified_at)
    select $TENANT, 4 + l % 3, tree || '-' || l || '-' || i, tree || '-' || l || '-' || i,
           '$ARN:' || (array['artifact', 'action', 'context'])[1 + l % 3] || '/' || tree || '-' || l || '-' || i,
           (array['DataSet', 'Processing', 'Model'])[1 + l % 3], now(), now() from v
    returning id, name)
insert into bench_v select id, split_part(name, '-', 1), split_part(name, '-', 2)::int, split_part(name, '-', 3)::int
    from ins;
create index on bench_v (tree, l, i);
insert into association (tenant_id, source_id, destination_id, association_type, created_at)
    select $TENANT, a.id, b.id, 'ContributedTo', now() from bench_v a, generate_series(0, 2) j, bench_v b
    where a.tree = 'x' and b.tree = 'x' and b.l = a.l + 1 and b.i = (3 * a.i + j) % least(power(3, a.l + 1)::int, 35238);
insert into association (tenant_id, source_id, destination_id, association_type, created_at)
    select $TENANT, a.id, b.id, 'Produced', now() from bench_v a, generate_series(0, 1) j, bench_v b
    where a.tree = 'y' and b.tree = 'y' and b.l = a.l + 1 and b.i = 2 * a.i + j;
analyze;
SQL
counts=$(psql -tA -F ' ' -c "select (select count(*) from entity), (select count(*) from association), (select count(*) from history)")
echo
echo "export: database of $counts entities, associations and history rows"
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
BIG=(--start "$ARN:artifact/x-0-0" --up 0 --down 11 --budget 100000)
export_run "DOT, 100,000-vertex subgraph" "${BIG[@]}" --format dot
export_run "JSON, 100,000-vertex subgraph" "${BIG[@]}" --format json
export_run "DOT, the same as of now (from history)" "${BIG[@]}" --format dot --as-of "$(date -u +%s)"
export_run "SVG, 2,047-vertex subgraph" --start "$ARN:artifact/y-0-0" --up 0 --down 10 --budget 5000 --format svg
export_run "DOT, 2,047-vertex subgraph (for scale)" --start "$ARN:artifact/y-0-0" --up 0 --down 10 --budget 5000 --format dot
echo "targets: DOT/JSON of 100,000 under 2 s, SVG of 2,000 under 5 s, memory by subgraph size"

# The cost of the history triggers on ingest: scripts/bench history.
. "$ROOT/scripts/bench.d/history.sh"
