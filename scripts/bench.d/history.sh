# shellcheck shell=bash disable=SC2154 # sourced by scripts/bench: URL, ARN, ACCOUNT, REGION, run, row, ratio, psql
# scripts/bench history: the cost of the history triggers on CreateArtifact and AddAssociation:
# the same wrk runs with the triggers on and off (alter table ... disable trigger) on one
# database and binary, alternated over ROUNDS rounds, medians compared. db_audit's settings
# travel with each write either way.

ROUNDS=${ROUNDS:-3}
call "$URL" CreateContext '{"ContextName":"bench-history","ContextType":"Seed","Source":{"SourceUri":"s3://seed"}}'
TENANT=$(psql -tA -c "select id from tenant where account = '$ACCOUNT' and region = '$REGION'")
# Ends for AddAssociation: actions h-<thread*1e6+k> for wrk's %i, and 1,000 contexts.
psql -c "insert into entity (tenant_id, kind, name, name_key, arn, vertex_type, created_at, modified_at)
  select $TENANT, 5, 'h-' || i, 'h-' || i, '$ARN:action/h-' || i, 'Bench', now(), now()
  from generate_series(1, 2) t, generate_series(t * 1000000 + 1, t * 1000000 + 200000) i
  union all select $TENANT, 6, 'hc-' || i, 'hc-' || i, '$ARN:context/hc-' || i, 'Bench', now(), now()
  from generate_series(0, 999) i"
psql -c "analyze"
triggers() {
    psql -c "alter table entity $1 trigger entity_history; alter table association $1 trigger association_history"
}
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo
row "ingest, history triggers on / off ($ROUNDS rounds)" "requests/s" "p50 ms" "p99 ms" "on vs off (median)"
for target in CreateArtifact AddAssociation; do
    declare -A rps=() p50=() p99=()
    for round in $(seq "$ROUNDS"); do
        for mode in on off; do
            [[ $mode == off ]] && triggers disable
            if [[ $target == CreateArtifact ]]; then
                read -r r a b < <(run "$URL" CreateArtifact '{"Source":{"SourceUri":"s3://bench/%r/%n"},"ArtifactType":"DataSet"}')
            else
                read -r r a b < <(run "$URL" AddAssociation \
                    "{\"SourceArn\":\"$ARN:action/h-%i\",\"DestinationArn\":\"$ARN:context/hc-%R\",\"AssociationType\":\"ContributedTo\"}" \
                    BENCH_RANGE=1000)
                psql -c "delete from association where source_id in (select id from entity where name like 'h-%')"
            fi
            triggers enable
            rps[$mode]+="$r " p50[$mode]+="$a " p99[$mode]+="$b "
            echo "  round $round, $target, history $mode: $r requests/s" >&2
        done
    done
    # shellcheck disable=SC2086 # the lists split into their numbers
    {
        on=$(median ${rps[on]}) off=$(median ${rps[off]})
        row "$target, history on" "$on" "$(median ${p50[on]})" "$(median ${p99[on]})" "$(ratio "$on" "$off") of off"
        row "$target, history off" "$off" "$(median ${p50[off]})" "$(median ${p99[off]})" ""
    }
done
echo "target: history on at least 0.87x of off (under 15% slower)"
