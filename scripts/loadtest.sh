#!/usr/bin/env bash
# Load test of examples/login_service on 127.0.0.1 with wrk (Debian's package, installed
# when missing). Not part of scripts/test.sh: it takes about 3 minutes and measures.
#
#   bash scripts/loadtest.sh
#
# At the default policy's Argon2id parameters (m=19456 KiB, t=2, p=1) with the gate at 2
# workers and 64 waiting, over a seeded SQLite table:
#   1. the library alone (no HTTP): median single verification, verifications/s on 1 and 2
#      threads;
#   2. one login at a time over HTTP (1 connection): the single-login latency;
#   3. saturation, in $ROUNDS rounds of $ROUND s, each paired with the library alone on 2
#      threads for as long (so that both see the same background load, which drifts on a
#      shared machine): $CONNECTIONS connections of mixed logins (legacy users, whose first
#      login upgrades the row; current users; wrong passwords; unknown users): logins/s,
#      p50/p99; and the library alone on the same logins (the same mix, the table's rows as
#      they stand before the round, replacements kept in memory: no HTTP, no database)
#      over the same rounds, which is what the service's logins/s is judged against;
#   4. 80 % of the capacity measured in 3, on an evenly paced schedule: p50/p99;
#   5. the same with Poisson arrivals (random gaps): p50/p99.
# Then the service's peak RSS (VmHWM), the legacy rows upgraded, and the two target ratios.
# Traffic goes to 127.0.0.1 only; every run is bounded in time.
#
# Environment: DURATION (s, the 80 % runs, default 20), ROUNDS and ROUND (default 4 x 5 s),
# CONNECTIONS (default 16), SEED (legacy and current rows each, default 1500), LIBRARY (s per
# thread count in step 1, default 5), SINGLE (s of step 2, default 10), PORT (default 38917),
# DB (the service's database URL; default a new SQLite file; a postgres:// URL's `customers`
# table is emptied before seeding).
# scripts/test.sh runs it briefly to keep it working. It fails when a run got no answer, an
# answer other than 200, 401 or 503, or a socket error; the targets are reported, not judged.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-20}
rounds=${ROUNDS:-4}
round=${ROUND:-5}
connections=${CONNECTIONS:-16}
seed=${SEED:-1500}
library_s=${LIBRARY:-5}
single_s=${SINGLE:-10}
port=${PORT:-38917}
url="http://127.0.0.1:$port"

log() { printf '%s\n' "loadtest: $*" >&2; }

if ! command -v wrk >/dev/null; then
    log "installing wrk"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends wrk
fi

cargo build --release --locked --features example-service --example login_service
bin="${CARGO_TARGET_DIR:-target}/release/examples/login_service"

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        wait "$pid" || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/policy.toml" <<'TOML'
[argon2]
m_cost = 19456
t_cost = 2
p_cost = 1

[concurrency]
workers = 2
queue = 64
deadline_ms = 2000
TOML
db=${DB:-"sqlite:$work/customers.db"}
export LOGINS="$work/logins.tsv"

library() { "$bin" --policy "$work/policy.toml" --library-throughput "$@" 2>/dev/null; }
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
log "1/5 the library alone, $library_s s per thread count"
library_alone=$(library "$library_s")
log "$library_alone"

log "seeding $seed legacy and $seed current rows"
"$bin" --db "$db" --policy "$work/policy.toml" --seed "$seed" --fresh --logins "$LOGINS" 2>"$work/seed.log"

"$bin" --db "$db" --policy "$work/policy.toml" --listen "127.0.0.1:$port" 2>"$work/service.log" &
pid=$!
for _ in $(seq 100); do
    curl -fsS "$url/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "$url/healthz" >/dev/null

run() { # name, then wrk's arguments; prints wrk's RESULT line
    local name=$1
    shift
    wrk --latency --timeout 10s -s scripts/loadtest.lua "$@" >"$work/$name.out"
    cat "$work/$name.out" >&2
    grep '^RESULT ' "$work/$name.out"
}

log "2/5 one login at a time (1 connection, mixed logins), $single_s s"
single=$(run single -t1 -c1 -d"${single_s}s" "$url" -- mix)
log "3/5 saturation: $rounds x ${round} s of $connections connections, mixed logins, each after ${round} s of the library on 2 threads"
saturated=
paired=
for r in $(seq "$rounds"); do
    paired="$paired$(library "$round" --threads 2 --db "$db" --logins "$LOGINS") "
    saturated="$saturated$(run "saturated-$r" -t2 -c"$connections" -d"${round}s" "$url" -- mix)|"
done

# 80 % of the capacity measured in 3, on a schedule (see scripts/loadtest.lua).
rate=$(python3 -c '
import sys
runs = [dict(p.split("=") for p in r.split()[1:]) for r in sys.argv[1].split("|") if r]
total = sum(int(r["requests"]) for r in runs) / (sum(int(r["duration_us"]) for r in runs) / 1e6)
print(round(0.8 * total, 2))' "$saturated")
log "4/5 80 % of capacity, evenly paced: $rate logins/s, ${duration} s"
paced=$(run paced -t2 -c32 -d"${duration}s" "$url" -- mix "$rate" paced 2)
log "5/5 80 % of capacity, Poisson arrivals: $rate logins/s, ${duration} s"
poisson=$(run poisson -t2 -c32 -d"${duration}s" "$url" -- mix "$rate" random 2)

rss_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
kill "$pid"
wait "$pid" || true
pid=
report=$("$bin" --db "$db" --policy "$work/policy.toml" --report 2>/dev/null)
if grep -Eiq '"(password|old_password|new_password)"' "$work/service.log"; then
    log "the service log mentions a password field"
    exit 1
fi
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$library_alone" "$paired" "$single" "$saturated" "$paced" "$poisson" \
    "$rss_kib" "$report" "$connections" "$duration" "$(nproc)" "$rounds" "$round" "${db%%:*}" <<'PY'
import json, statistics, sys
alone = json.loads(sys.argv[1])
paired = [json.loads(j)["mix_threads_2_per_s"] for j in sys.argv[2].split()]
kv = lambda line: dict(p.split("=") for p in line.split()[1:])
single, paced, poisson = kv(sys.argv[3]), kv(sys.argv[5]), kv(sys.argv[6])
rounds = [kv(r) for r in sys.argv[4].split("|") if r]
rss_mib = int(sys.argv[7]) / 1024
report = json.loads(sys.argv[8])
connections, duration, cores, n_rounds, round_s, db_kind = sys.argv[9:15]

def rate(r):
    return int(r["requests"]) / (int(r["duration_us"]) / 1e6)

def ms(r, p):
    return int(r[f"p{p}_us"]) / 1e3

def statuses(rs):
    counts = {}
    for r in rs:
        for k, v in r.items():
            if k.startswith("status_"):
                counts[k[7:]] = counts.get(k[7:], 0) + int(v)
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))

def errors(rs):
    return sum(int(v) for r in rs for k, v in r.items() if k.startswith("errors_"))

sat_rate = sum(int(r["requests"]) for r in rounds) / (sum(int(r["duration_us"]) for r in rounds) / 1e6)
lib2 = statistics.mean(paired)
print()
print(f"Login service load test (wrk on 127.0.0.1, {cores} cores, {db_kind})")
print(f"  library alone: single verification {alone['single_ms_median']:.1f} ms (median); "
      f"{alone['threads_1_per_s']:.1f}/s on 1 thread, {alone['threads_2_per_s']:.1f}/s on 2 threads")
print(f"  one login at a time over HTTP: p50 {ms(single, 50):.1f} ms, p99 {ms(single, 99):.1f} ms "
      f"({rate(single):.1f} logins/s; {statuses([single])})")
print(f"  saturation, {connections} connections, {n_rounds} x {round_s} s: {sat_rate:.1f} logins/s "
      f"(rounds: {', '.join(f'{rate(r):.1f}' for r in rounds)}), "
      f"p50 {statistics.median(ms(r, 50) for r in rounds):.1f} ms (median of rounds), "
      f"p99 {max(ms(r, 99) for r in rounds):.1f} ms (worst round) "
      f"({statuses(rounds)}; socket errors {errors(rounds)})")
print(f"  library alone on the same logins, 2 threads, in the paired rounds: {lib2:.1f}/s "
      f"(rounds: {', '.join(f'{x:.1f}' for x in paired)})")
for name, r in (("evenly paced", paced), ("Poisson arrivals", poisson)):
    print(f"  80 % load, {name}, {duration} s: {rate(r):.1f} logins/s "
          f"({rate(r) / sat_rate * 100:.0f} % of capacity), p50 {ms(r, 50):.1f} ms, "
          f"p99 {ms(r, 99):.1f} ms ({statuses([r])}; socket errors {errors([r])})")
print(f"  service peak RSS (VmHWM): {rss_mib:.1f} MiB")
print(f"  legacy rows upgraded: {report['legacy_upgraded']} of {report['legacy_rows']} "
      f"(schemes now: {report['schemes']})")
r1 = sat_rate / lib2
print(f"  (service logins/s over the library's plain verifications/s on 2 threads, step 1: "
      f"{sat_rate / alone['threads_2_per_s']:.3f})")
print(f"  target 1, logins/s / library alone on the same logins, 2 threads (paired rounds): {r1:.3f} "
      f"(>= 0.90: {'met' if r1 >= 0.9 else 'NOT met'})")
for name, r in (("evenly paced", paced), ("Poisson arrivals", poisson)):
    r2 = ms(r, 99) / ms(single, 50)
    print(f"  target 2, p99 at 80 % ({name}) / single-login p50: {r2:.2f}x "
          f"(<= 3: {'met' if r2 <= 3 else 'NOT met'})")

# What must hold whatever the machine: every run answered, with the service's statuses only.
runs = [("single", single), ("paced", paced), ("Poisson", poisson)] + [
    (f"saturation round {i + 1}", r) for i, r in enumerate(rounds)]
bad = [name for name, r in runs
       if int(r["requests"]) == 0 or errors([r]) > 0
       or any(k.startswith("status_") and k[7:] not in ("200", "401", "503") for k in r)]
if bad or report["legacy_upgraded"] == 0:
    print(f"loadtest: FAILED: {', '.join(bad) or 'no legacy row was upgraded'}", file=sys.stderr)
    sys.exit(1)
PY
