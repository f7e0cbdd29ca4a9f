# shellcheck shell=bash
# `scripts/bench soak`, sourced by scripts/bench after its set-up.
. "$ROOT/scripts/lib/soak.sh"
soak_run "$URL" "$DAEMON_PID" "$DURATION" "$CONNECTIONS"
