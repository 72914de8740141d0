#!/usr/bin/env bash
# Runs every fuzz target (fuzz/, cargo-fuzz with libFuzzer) for a bounded time, from seeds
# made of the committed vectors and fuzz/seeds/ (fuzz/seed.py).
#
#   scripts/fuzz.sh [SECONDS]     every target for SECONDS each (default 25); fails on any
#                                 crash, leaving the input in fuzz/artifacts/<target>/
#   scripts/fuzz.sh --planted [SECONDS]
#                                 builds pwharden with its test-only `fuzz-planted-bug`
#                                 feature and fails unless the `identify` target finds the
#                                 planted panic within SECONDS (default 60): proof that the
#                                 targets reach the stored-string parser
#   FUZZ_TARGETS="verify wrap" scripts/fuzz.sh 600    a longer run of some targets
#
# Stable Rust only: the targets are built with `-s none` (no sanitizer; -Zsanitizer needs
# nightly). cargo-fuzz's instrumentation flags are all stable, so no RUSTC_BOOTSTRAP is used.
# cargo-fuzz is installed (pinned, --locked) when missing: about 2 minutes, once per machine.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo_fuzz_version=0.13.2
targets=(${FUZZ_TARGETS:-identify verify wrap policy_toml c_abi})

if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $cargo_fuzz_version" ]; then
    cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked
fi

planted=0
if [ "${1:-}" = "--planted" ]; then
    planted=1
    shift
fi
seconds=${1:-$([ $planted = 1 ] && echo 60 || echo 25)}

seeds=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$seeds" "$log"' EXIT
python3 fuzz/seed.py "$seeds"

# libFuzzer options: a per-input timeout far above any legitimate input under the targets'
# low limits, inputs up to 1 KiB (past the 512-byte stored-string limit), stdin closed (a
# fuzzed pepper `file = "/dev/stdin"` must not block).
libfuzzer_opts=(-timeout=10 -rss_limit_mb=2048 -max_len=1024 -print_final_stats=1)

if [ $planted = 1 ]; then
    cargo fuzz build -s none --features planted identify
    mkdir -p fuzz/corpus/planted
    start=$(date +%s)
    set +e
    cargo fuzz run -s none --features planted identify fuzz/corpus/planted "$seeds/identify" -- \
        "${libfuzzer_opts[@]}" -max_total_time="$seconds" \
        -artifact_prefix="$seeds/" </dev/null >"$log" 2>&1
    rc=$?
    set -e
    took=$(( $(date +%s) - start ))
    rm -rf fuzz/corpus/planted
    if [ $rc -ne 0 ] && grep -q "fuzz-planted-bug: salt field starts with PWNZ" "$log"; then
        grep -m1 -o "Test unit written to .*" "$log" || true
        grep -m1 -E "^#[0-9]+" "$log" | head -1 || true
        echo "fuzz --planted: the planted bug was found after ${took}s (budget ${seconds}s)"
        exit 0
    fi
    tail -n 30 "$log" >&2
    echo "fuzz --planted: the planted bug was NOT found within ${seconds}s" >&2
    exit 1
fi

cargo fuzz build -s none
status=0
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    printf '=== fuzz %s for %ss\n' "$t" "$seconds"
    if cargo fuzz run -s none "$t" "fuzz/corpus/$t" "$seeds/$t" -- \
        "${libfuzzer_opts[@]}" -max_total_time="$seconds" </dev/null >"$log" 2>&1; then
        grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss_mb)" "$log" | tr '\n' ' '
        echo
    else
        tail -n 40 "$log" >&2
        echo "fuzz: target $t failed; the input is in fuzz/artifacts/$t/ (add it to tests/fuzz_regressions.rs)" >&2
        status=1
    fi
done
exit $status
