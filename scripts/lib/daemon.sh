# shellcheck shell=bash disable=SC2034 # sourced; its variables are for the caller
# Starting, probing and stopping lineaged. Sourced after common.sh; the probes
# need python3 (urllib), which the test set-up installs.

DAEMON_PID=''
DAEMON_STATUS=''

# daemon_start BIN ARGS...: starts lineaged in the background in its own
# session, so a Ctrl-C at the terminal reaches only the script, which then
# sends the daemon exactly one SIGTERM (bash would also start it with SIGINT
# ignored). setsid does not fork here: a background job of a script is not a
# process-group leader, so $! is the daemon's own pid.
daemon_start() {
    setsid "$@" </dev/null &
    DAEMON_PID=$!
}

# daemon_alive: true while the daemon runs. kill -0 also succeeds on a zombie
# not yet reaped, so this reads the state from /proc.
daemon_alive() {
    [[ -n $DAEMON_PID && -r /proc/$DAEMON_PID/stat ]] || return 1
    local stat
    stat=$(</proc/"$DAEMON_PID"/stat) || return 1
    stat=${stat##*) } # the fields after "(comm) "
    [[ ${stat:0:1} != Z ]]
}

# daemon_reap: waits for the daemon to end and sets DAEMON_STATUS.
daemon_reap() {
    DAEMON_STATUS=0
    wait "$DAEMON_PID" 2>/dev/null || DAEMON_STATUS=$?
    DAEMON_PID=''
}

# daemon_stop [SECONDS]: SIGTERM, lets it drain for up to SECONDS (30), then
# SIGKILL. Sets DAEMON_STATUS (137 when it had to be killed). Idempotent.
daemon_stop() {
    local limit=${1:-30} i
    [[ -n $DAEMON_PID ]] || return 0
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    for ((i = 0; i < limit * 10; i++)); do
        daemon_alive || break
        sleep 0.1
    done
    if daemon_alive; then
        warn "lineaged (pid $DAEMON_PID) still running ${limit}s after SIGTERM; killing it"
        kill -KILL "$DAEMON_PID" 2>/dev/null || true
    fi
    daemon_reap
}

# http_status URL: prints the HTTP status of GET URL, 000 when nothing answers.
# Proxies are bypassed: the daemon is always local.
http_status() {
    python3 - "$1" <<'EOF'
import sys, urllib.error, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    print(opener.open(sys.argv[1], timeout=2).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
EOF
}

# daemon_wait_healthy BASE-URL SECONDS: until GET /health answers 200; fails
# at once if the daemon exits meanwhile.
daemon_wait_healthy() {
    local url=$1/health limit=$2 start=$SECONDS code=000
    while ((SECONDS - start < limit)); do
        daemon_alive || {
            warn "lineaged exited before it was healthy"
            return 1
        }
        code=$(http_status "$url")
        [[ $code == 200 ]] && return 0
        sleep 0.3
    done
    warn "GET $url did not answer 200 within ${limit}s (last status: $code)"
    return 1
}

# free_port: a TCP port on 127.0.0.1 that the kernel found free just now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
