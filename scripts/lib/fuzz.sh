# shellcheck shell=bash disable=SC2034 # sourced; its variables are for the caller
# Building and running the libFuzzer targets of tests/fuzz, for scripts/fuzz
# (long runs) and scripts/test (a short bounded run). Sourced after common.sh.

FUZZ_BUILD_DIR=build-fuzz
FUZZ_CC=clang-14

# fuzz_targets: the target names (fuzz_<name>), one a line.
fuzz_targets() {
    local src
    for src in "$ROOT"/tests/fuzz/fuzz_*.c; do
        [[ -e $src ]] && basename "$src" .c
    done
}

# fuzz_build: configures build-fuzz/ with clang and builds only the targets.
fuzz_build() {
    local dir=$ROOT/$FUZZ_BUILD_DIR
    log "building fuzz targets in $dir"
    cmake -S "$ROOT" -B "$dir" -DCMAKE_C_COMPILER="$FUZZ_CC" -DLINEAGED_FUZZ=ON \
        -DCMAKE_BUILD_TYPE=Debug >/dev/null &&
        cmake --build "$dir" -j "$(nproc)" --target fuzz_targets
}

# fuzz_run_one NAME SECONDS: runs target NAME for SECONDS from its seed corpus
# (read-only) and the inputs it found before (build-fuzz/corpus/NAME). Fails
# on a crash, a leak, a sanitizer report or a timeout; the input that did it
# is kept as build-fuzz/artifacts/NAME-*.
fuzz_run_one() {
    local name=$1 seconds=$2 dir=$ROOT/$FUZZ_BUILD_DIR
    local bin=$dir/tests/fuzz/$name seeds=$ROOT/tests/fuzz/corpus/$name
    local found=$dir/corpus/$name logf=$dir/$name.log args=()
    mkdir -p "$found" "$dir/artifacts"
    [[ -f $ROOT/tests/fuzz/$name.dict ]] && args+=("-dict=$ROOT/tests/fuzz/$name.dict")
    [[ -d $seeds ]] || seeds=''
    log "fuzzing $name for ${seconds}s (log $logf)"
    if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$dir/artifacts/$name-" "${args[@]}" \
        "$found" ${seeds:+"$seeds"} >"$logf" 2>&1; then
        tail_file "$logf" 60
        return 1
    fi
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)' "$logf" >&2 || true
}
