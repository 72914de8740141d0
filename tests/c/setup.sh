#!/usr/bin/env bash
# Idempotent setup of what the C ABI's callers need in the test suite (tests/c_abi.rs,
# tests/python_ffi.rs, tests/php_ffi.rs): a C compiler and libc headers, valgrind,
# pkg-config, PHP's FFI extension, and libargon2-dev for benches/engine.rs. Installs from Debian via apt-get when missing.
set -euo pipefail

missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# benches/engine.rs links Debian's reference libargon2 to compare against it.
[ -e /usr/include/argon2.h ] || missing+=(libargon2-dev)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "tests/c/setup.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Debian's php-cli (installed by tests/peers/setup.sh) ships the FFI extension.
php -r 'exit(class_exists("FFI") ? 0 : 1);' || {
    echo "tests/c/setup.sh: php has no FFI extension" >&2
    exit 1
}
echo "tests/c/setup.sh: C callers ready" >&2
