# shellcheck shell=bash disable=SC2034 # sourced; its variables are for the caller
# Shared helpers for scripts/run and scripts/test: logging, the repo root, the
# build. Sourced, never run; the caller has `set -euo pipefail`.

# Repo root from this file's location, so the scripts work from any cwd.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)

# Debian's PostgreSQL 15; /usr/local/bin/pg_ctl on some machines is unrelated.
PGBIN=/usr/lib/postgresql/15/bin

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

is_root() { [[ $EUID -eq 0 ]]; }

# cmake_build DIR [CMAKE-ARGS...]: configure (cheap when nothing changed) and
# build the tree DIR, relative to the repo root.
cmake_build() {
    local dir=$ROOT/$1
    shift
    log "building $dir ($*)"
    cmake -S "$ROOT" -B "$dir" "$@" && cmake --build "$dir" -j "$(nproc)"
}

# tail_file FILE [N]: the last N lines of a log, framed, for failure reports.
tail_file() {
    local f=$1 n=${2:-40}
    [[ -s $f ]] || return 0
    printf -- '----- last %s lines of %s -----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2
    printf -- '----- end of %s -----\n' "$f" >&2
}
