#!/usr/bin/env bash
# Installs pwharden's C library (the README's "C ABI" section):
#   PREFIX/lib/libpwharden.so, PREFIX/lib/libpwharden.a,
#   PREFIX/include/pwharden.h, PREFIX/lib/pkgconfig/pwharden.pc
#
# usage: scripts/install-c.sh PREFIX [BUILT_DIR]
#   BUILT_DIR holds libpwharden.so and libpwharden.a already built (the tests pass
#   target/debug); without it, `cargo build --release --lib` runs and target/release is used.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 PREFIX [BUILT_DIR]" >&2
    exit 2
fi
prefix="$1"
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
built="${2:-}"
if [ -z "$built" ]; then
    (cd "$root" && cargo build --release --lib --locked)
    built="$root/target/release"
fi
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)"

install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0755 "$built/libpwharden.so" "$prefix/lib/libpwharden.so"
install -m 0644 "$built/libpwharden.a" "$prefix/lib/libpwharden.a"
install -m 0644 "$root/include/pwharden.h" "$prefix/include/pwharden.h"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" "$root/pwharden.pc.in" \
    > "$prefix/lib/pkgconfig/pwharden.pc"
echo "installed pwharden $version C library into $prefix"
