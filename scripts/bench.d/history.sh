# shellcheck shell=bash disable=SC2154 # sourced by scripts/bench: URL, ARN, ACCOUNT, REGION, PG_DATA, DAEMON_PID, run, row, ratio, psql
# scripts/bench history: the cost of the history triggers on CreateArtifact and AddAssociation:
# the same wrk runs with the triggers on and off (alter table ... disable trigger) on one
# database and binary, over ROUNDS rounds that alternate which goes first (a warming database
# favours the later run), medians compared. db_audit's settings travel with each write either
# way. Beside throughput, the CPU time the daemon and the database spent per request: on a
# shared machine other load moves the first far more than the second.

ROUNDS=${ROUNDS:-5}
call "$URL" CreateContext '{"ContextName":"bench-history","ContextType":"Seed","Source":{"SourceUri":"s3://seed"}}'
TENANT=$(psql -tA -c "select id from tenant where account = '$ACCOUNT' and region = '$REGION'")
# Ends for AddAssociation: actions h-<thread*1e6+k> for wrk's %i, and 1,000 contexts.
psql -c "insert into entity (tenant_id, kind, name, name_key, arn, vertex_type, created_at, modified_at)
  select $TENANT, 5, 'h-' || i, 'h-' || i, '$ARN:action/h-' || i, 'Bench', now(), now()
  from generate_series(1, 2) t, generate_series(t * 1000000 + 1, t * 1000000 + 200000) i
  union all select $TENANT, 6, 'hc-' || i, 'hc-' || i, '$ARN:context/hc-' || i, 'Bench', now(), now()
  from generate_series(0, 999) i"
# The set-up's rows (and, under scripts/bench export, the graph's) are vacuumed now, not by an
# autovacuum worker in whichever run it lands.
psql -c "vacuum analyze"
triggers() {
    psql -c "alter table entity $1 trigger entity_history; alter table association $1 trigger association_history"
}
# cpu_ms: CPU time so far of the daemon and of this cluster's server processes, in ms.
cpu_ms() {
    local pm
    pm=$(head -1 "$PG_DATA/postmaster.pid")
    # A command name may hold spaces: fields are counted after the ") " that closes it. Processes
    # that end while being listed make cat fail.
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" -v d="$DAEMON_PID" -v hz="$(getconf CLK_TCK)" '
        { s = $0; sub(/^[^)]*\) /, "", s); split(s, f, " ") }
        $1 == pm || $1 == d || f[2] == pm { t += f[12] + f[13] }
        END { printf "%.0f", t * 1000 / hz }'
}
# wal_bytes: the cluster's WAL position in bytes; history rows cost WAL as well as CPU.
wal_bytes() { psql -tA -c "select pg_current_wal_lsn() - '0/0'"; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo
row "ingest, history triggers on / off ($ROUNDS rounds)" "requests/s" "p50 ms" "p99 ms" "CPU ms/request; on vs off (medians)"
for target in CreateArtifact AddAssociation; do
    declare -A rps=() p50=() p99=() cpu=()
    for round in $(seq "$ROUNDS"); do
        modes=(on off)
        ((round % 2)) || modes=(off on)
        for mode in "${modes[@]}"; do
            [[ $mode == off ]] && triggers disable
            # Each run starts just after a checkpoint, so each pays the same first writes of
            # pages (full-page images) and none lands on a checkpoint the loads left due.
            psql -c checkpoint
            before=$(cpu_ms) wal=$(wal_bytes)
            if [[ $target == CreateArtifact ]]; then
                read -r r a b < <(run "$URL" CreateArtifact '{"Source":{"SourceUri":"s3://bench/%r/%n"},"ArtifactType":"DataSet"}')
                c=$(cpu_ms) w=$(wal_bytes)
            else
                read -r r a b < <(run "$URL" AddAssociation \
                    "{\"SourceArn\":\"$ARN:action/h-%i\",\"DestinationArn\":\"$ARN:context/hc-%R\",\"AssociationType\":\"ContributedTo\"}" \
                    BENCH_RANGE=1000)
                c=$(cpu_ms) w=$(wal_bytes)
                psql -c "delete from association where source_id in (select id from entity where name like 'h-%')"
            fi
            triggers enable
            c=$(python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / max(1, float(sys.argv[3]) * $DURATION):.3f}')" "$before" "$c" "$r")
            rps[$mode]+="$r " p50[$mode]+="$a " p99[$mode]+="$b " cpu[$mode]+="$c "
            w=$(((w - wal) / (r * DURATION > 0 ? r * DURATION : 1)))
            echo "  round $round, $target, history $mode: $r requests/s, $c CPU ms/request, $w WAL bytes/request" >&2
        done
    done
    # shellcheck disable=SC2086 # the lists split into their numbers
    {
        on=$(median ${rps[on]}) off=$(median ${rps[off]}) con=$(median ${cpu[on]}) coff=$(median ${cpu[off]})
        row "$target, history on" "$on" "$(median ${p50[on]})" "$(median ${p99[on]})" \
            "$con; $(ratio "$off" "$on") the time, $(ratio "$con" "$coff") the CPU of off"
        row "$target, history off" "$off" "$(median ${p50[off]})" "$(median ${p99[off]})" "$coff"
    }
done
echo "target: history under 15% slower (at most 1.15x the time and CPU of off)"
