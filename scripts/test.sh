#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need when it is
# missing (peers in .venv-peers, php-cli, a C compiler and valgrind, the pinned cbindgen,
# private PostgreSQL and MariaDB servers), then format, lints, the C header check, every
# test target, the supply-chain check (cargo-deny) and a short fuzzing run (cargo-fuzz).
# cbindgen, cargo-deny and cargo-fuzz are installed, pinned, when missing: about 6 minutes
# of compiling, once per fresh machine.
# Fails when any step fails, and when no test ran at all.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "peers (tests/peers/setup.sh)"
bash tests/peers/setup.sh

step "C callers (tests/c/setup.sh)"
bash tests/c/setup.sh

step "database servers for the table tests (tests/db/setup.sh)"
bash tests/db/setup.sh

step "format"
cargo fmt --check
cargo fmt --check --manifest-path fuzz/Cargo.toml

step "clippy"
cargo clippy --all-targets --all-features --locked -- -D warnings

log=$(mktemp)
header=$(mktemp)
trap 'rm -f "$log" "$header"' EXIT

# include/pwharden.h is generated from src/ffi.rs and committed; a stale one fails here.
cbindgen_version=0.29.4
cbindgen="${CARGO_HOME:-$HOME/.cargo}/bin/cbindgen"
step "C header (cbindgen $cbindgen_version)"
if [ "$("$cbindgen" --version 2>/dev/null)" != "cbindgen $cbindgen_version" ]; then
    cargo install cbindgen --version "$cbindgen_version" --locked
fi
"$cbindgen" --quiet --config cbindgen.toml --output "$header" src/ffi.rs
if ! diff -u include/pwharden.h "$header"; then
    echo "scripts/test.sh: include/pwharden.h differs from a fresh cbindgen run; regenerate it:" >&2
    echo "    cbindgen --config cbindgen.toml --output include/pwharden.h src/ffi.rs" >&2
    exit 1
fi
echo "include/pwharden.h is up to date"

step "tests"
# With the feature-gated targets (tests/asynchronous.rs and its doctest need `tokio`;
# tests/login_service.rs and the example need `example-service`), in one build. Not
# --all-features: `fuzz-planted-bug` is for scripts/fuzz.sh --planted only.
features=tokio,example-service
cargo test --all-targets --features "$features" --locked 2>&1 | tee "$log"
cargo test --doc --features "$features" --locked 2>&1 | tee -a "$log"

step "benchmarks, each run once (criterion's short mode)"
cargo bench --locked --benches -- --test 2>&1 | tee -a "$log"

step "instruction-count regression (callgrind, against benches/instructions.baseline)"
bash scripts/bench-regress.sh

step "login service load test, briefly (scripts/loadtest.sh; installs wrk when missing)"
SEED=200 ROUNDS=1 ROUND=3 DURATION=3 LIBRARY=1 SINGLE=2 bash scripts/loadtest.sh

# Licenses, duplicate crates and sources (deny.toml). Advisories are not checked: the RustSec
# database cannot be fetched here (see deny.toml and SECURITY.md).
cargo_deny_version=0.20.2
step "supply chain (cargo-deny $cargo_deny_version: licenses, bans, sources)"
if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $cargo_deny_version" ]; then
    cargo install cargo-deny --version "$cargo_deny_version" --locked
fi
cargo deny --all-features check licenses bans sources

# Every fuzz target briefly, then proof that the fuzzers reach the parser (SECURITY.md).
step "fuzzing, 20 s per target (scripts/fuzz.sh)"
bash scripts/fuzz.sh 20
step "fuzzing finds the planted bug (scripts/fuzz.sh --planted)"
bash scripts/fuzz.sh --planted 60

# cargo exits non-zero on any failure (pipefail); here we also refuse a run with no tests.
read -r passed failed < <(awk '/^test result:/ { p += $4; f += $6 } END { print p + 0, f + 0 }' "$log")
if [ "$passed" -eq 0 ]; then
    echo "scripts/test.sh: no test ran" >&2
    exit 1
fi
echo
echo "tests: ${passed} passed, ${failed} failed"
