# shellcheck shell=bash disable=SC2034 # sourced; its variables are for the caller
# A private PostgreSQL 15 cluster under one folder (PG_HOME): data in pgdata/,
# log in postgres.log, Unix socket only (no TCP, so no port clashes). Run as
# the postgres account when root, since PostgreSQL refuses to run as root.
# Sourced after common.sh.

PG_HOME='' PG_DATA='' PG_LOG='' PG_SOCKDIR=''
PG_TMP_SOCKDIR='' # a socket dir we made in /tmp, removed by pg_stop
PG_OWNED=0        # 1 once this script started (or adopted) the cluster

# as_pg CMD...: runs CMD as the cluster's owner, from / so that a cwd the
# postgres account cannot enter (e.g. /root) draws no warnings.
as_pg() {
    if is_root; then
        (cd / && exec runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# pg_fix_traversal DIR: the postgres account must be able to enter every
# parent of DIR. Grants o+x where it cannot, saying so, from / downwards.
pg_fix_traversal() {
    is_root || return 0
    local d=$1 parents=() p
    while [[ $d != / ]]; do
        d=$(dirname "$d")
        parents=("$d" "${parents[@]}")
    done
    for p in "${parents[@]}"; do
        runuser -u postgres -- test -x "$p" && continue
        log "the postgres account cannot enter $p; running: chmod o+x $p"
        chmod o+x "$p"
        runuser -u postgres -- test -x "$p" ||
            die "the postgres account still cannot enter $p (ACL or ownership); use --home elsewhere"
    done
}

# pg_use_home DIR: sets the paths under DIR, creating DIR owned by the
# cluster's owner and reachable by it.
pg_use_home() {
    mkdir -p "$1" || return 1
    PG_HOME=$(cd "$1" && pwd -P) || return 1
    PG_DATA=$PG_HOME/pgdata
    PG_LOG=$PG_HOME/postgres.log
    if is_root; then
        pg_fix_traversal "$PG_HOME"
        chown postgres:postgres "$PG_HOME" || return 1
    fi
    pg_pick_sockdir "$PG_HOME/run"
}

# pg_pick_sockdir DIR: DIR unless its path would pass the 107-byte limit of a
# socket path or need quoting in a conninfo string; then a short one in /tmp.
pg_pick_sockdir() {
    local want=$1
    # 14 is the length of "/.s.PGSQL.5432".
    if ((${#want} + 14 <= 100)) && [[ $want =~ ^[A-Za-z0-9_./-]+$ ]]; then
        as_pg mkdir -p "$want" || return 1
        PG_SOCKDIR=$want
        return 0
    fi
    PG_TMP_SOCKDIR=$(mktemp -d /tmp/lineaged-pg.XXXXXX)
    chmod 755 "$PG_TMP_SOCKDIR"
    is_root && chown postgres:postgres "$PG_TMP_SOCKDIR"
    PG_SOCKDIR=$PG_TMP_SOCKDIR
    log "socket dir $want is too long or unusual for a Unix socket; using $PG_SOCKDIR"
}

# pg_init [INITDB-ARGS...]: creates the cluster the first time only.
pg_init() {
    [[ -f $PG_DATA/PG_VERSION ]] && return 0
    log "creating PostgreSQL cluster in $PG_DATA"
    as_pg mkdir -p "$PG_DATA" || return 1
    if ! as_pg "$PGBIN/initdb" -D "$PG_DATA" --auth=trust -U postgres --encoding=UTF8 \
        --locale=C.UTF-8 "$@" >"$PG_HOME/initdb.log" 2>&1; then
        tail_file "$PG_HOME/initdb.log"
        return 1
    fi
}

# pg_running_pid: prints the pid of a live postmaster serving PG_DATA. A pid
# alone proves nothing after a crash (pids get reused, in containers often),
# so the process must also have PG_DATA as its cwd, as a postmaster does.
pg_running_pid() {
    local pid
    [[ -f $PG_DATA/postmaster.pid ]] || return 1
    pid=$(head -n 1 "$PG_DATA/postmaster.pid")
    [[ $pid =~ ^[0-9]+$ && -d /proc/$pid ]] || return 1
    [[ "$(readlink -f "/proc/$pid/cwd" 2>/dev/null)" == "$(readlink -f "$PG_DATA")" ]] || return 1
    echo "$pid"
}

# pg_clear_stale: after a crash, removes the lock files a dead postmaster left
# (postmaster.pid, the socket's lock), which PostgreSQL would otherwise trust
# if their pid now belongs to another process.
pg_clear_stale() {
    if [[ -f $PG_DATA/postmaster.pid ]]; then
        log "removing stale $PG_DATA/postmaster.pid (its postmaster is gone)"
        rm -f "$PG_DATA/postmaster.pid"
    fi
    rm -f "$PG_SOCKDIR"/.s.PGSQL.*
}

# pg_memory_options: the cluster's memory settings for this machine. The
# default 128 MB of shared buffers holds a tenth of a million-vertex graph;
# an eighth of the RAM (from 128 MB to 2 GB) holds it whole on most machines.
pg_memory_options() {
    local mb
    mb=$(awk '/^MemTotal:/ {print int($2 / 1024 / 8)}' /proc/meminfo)
    ((mb < 128)) && mb=128
    ((mb > 2048)) && mb=2048
    echo "-c shared_buffers=${mb}MB -c effective_cache_size=$((mb * 4))MB"
}

# pg_autovacuum_options: autovacuum looks at each database every 5 s (not every minute), so
# that tables that were empty when the service's statements were first planned get statistics,
# and those plans are made again, within seconds of their growth: until then a plan made on an
# empty table, where the tenant's rows look few, may walk the tenant's whole index.
pg_autovacuum_options() {
    echo "-c autovacuum_naptime=5s"
}

# pg_start [SERVER-OPTION...]: starts the cluster, or adopts one still
# running from an earlier run that was killed. Options like "-c fsync=off".
pg_start() {
    local pid
    if pid=$(pg_running_pid); then
        # Its socket dir is line 5 of postmaster.pid.
        PG_SOCKDIR=$(sed -n 5p "$PG_DATA/postmaster.pid")
        log "PostgreSQL already running on $PG_DATA (pid $pid, socket $PG_SOCKDIR); using it"
        PG_OWNED=1
        return 0
    fi
    pg_clear_stale
    log "starting PostgreSQL (socket dir $PG_SOCKDIR, log $PG_LOG)"
    # Owned before pg_ctl returns: a signal during the start must still stop it.
    PG_OWNED=1
    if ! as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -o \
        "-c listen_addresses='' -c unix_socket_directories=$PG_SOCKDIR $(pg_memory_options) $(pg_autovacuum_options) $*" start >/dev/null; then
        tail_file "$PG_LOG"
        return 1
    fi
}

# pg_stop: stops the cluster if this script started or adopted it. Idempotent.
pg_stop() {
    if ((PG_OWNED)); then
        PG_OWNED=0
        log "stopping PostgreSQL"
        if ! as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null; then
            warn "fast shutdown failed; trying immediate"
            as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null || true
        fi
    fi
    if [[ -n $PG_TMP_SOCKDIR ]]; then
        rm -rf "$PG_TMP_SOCKDIR"
        PG_TMP_SOCKDIR=''
    fi
}

# pg_ensure_db NAME: creates database NAME unless it exists.
pg_ensure_db() {
    local found
    # Through stdin: psql interpolates :'name' there, not in -c.
    found=$("$PGBIN/psql" -X -q -h "$PG_SOCKDIR" -U postgres -d postgres -tA -v name="$1" \
        <<<"SELECT 1 FROM pg_database WHERE datname = :'name'") || return 1
    [[ $found == 1 ]] && return 0
    log "creating database $1"
    "$PGBIN/createdb" -h "$PG_SOCKDIR" -U postgres "$1"
}

# pg_conninfo NAME: the libpq conninfo string for database NAME.
pg_conninfo() {
    printf 'host=%s dbname=%s user=postgres' "$PG_SOCKDIR" "$1"
}
