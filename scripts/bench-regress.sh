#!/usr/bin/env bash
# Instruction-count regression check: runs each workload of benches/instructions.rs under
# callgrind and compares the total instructions (Ir) with benches/instructions.baseline.
# Fails when a workload costs more than the tolerance above its baseline, or far less
# (a big unexplained drop usually means the workload stopped doing its job).
#
#   scripts/bench-regress.sh            check
#   scripts/bench-regress.sh --update   rewrite the baseline from this machine
set -euo pipefail
cd "$(dirname "$0")/.."

tolerance_pct=3
baseline=benches/instructions.baseline
workloads=(verify-default legacy-md5-crypt hostile)

command -v valgrind >/dev/null || { echo "bench-regress: valgrind is missing" >&2; exit 1; }
bin=$(cargo bench --locked --bench instructions --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*instructions[^"]*\)".*/\1/p' | tail -n 1)
[ -x "$bin" ] || { echo "bench-regress: cannot find the instructions benchmark binary" >&2; exit 1; }

measure() {
    local out
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$1" >/dev/null 2>&1
    sed -n 's/^totals: \([0-9]*\).*/\1/p' "$out"
    rm -f "$out"
}

if [ "${1:-}" = "--update" ]; then
    {
        echo "# Instructions (callgrind Ir) per workload of benches/instructions.rs."
        echo "# Made by scripts/bench-regress.sh --update on $(uname -m), $(rustc --version)."
        for w in "${workloads[@]}"; do echo "$w $(measure "$w")"; done
    } > "$baseline"
    cat "$baseline"
    exit 0
fi

status=0
printf '%-20s %15s %15s %8s\n' workload baseline now change
for w in "${workloads[@]}"; do
    base=$(awk -v w="$w" '$1 == w { print $2 }' "$baseline")
    [ -n "$base" ] || { echo "bench-regress: no baseline for $w" >&2; exit 1; }
    now=$(measure "$w")
    change=$(awk -v a="$base" -v b="$now" 'BEGIN { printf "%+.2f", (b - a) * 100 / a }')
    printf '%-20s %15s %15s %7s%%\n' "$w" "$base" "$now" "$change"
    if awk -v c="$change" -v t="$tolerance_pct" 'BEGIN { exit !(c > t || c < -5 * t) }'; then
        echo "bench-regress: $w changed by $change% (tolerance +$tolerance_pct%)" >&2
        status=1
    fi
done
exit $status
