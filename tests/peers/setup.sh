#!/usr/bin/env bash
# Idempotent setup of the third-party peers used to generate and check the
# test vectors in tests/vectors/.
#   * Python peers -> <repo>/.venv-peers (pinned in tests/peers/requirements.txt)
#   * php-cli      -> via apt-get if `php` is missing
#   * npm peers    -> tests/peers/node_modules (pinned in tests/peers/package.json)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv-peers"
py="${PYTHON:-python3}"

apt_updated=
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$apt_updated" ]; then
        apt-get update
        apt_updated=1
    fi
    apt-get install -y --no-install-recommends "$@"
}

# --- Python peers ---------------------------------------------------------
if [ ! -x "$venv/bin/python" ]; then
    echo "setup.sh: creating $venv" >&2
    if ! "$py" -m venv "$venv"; then
        # Debian's own python3 needs python3-venv for ensurepip
        rm -rf "$venv"
        apt_install python3-venv
        "$py" -m venv "$venv"
    fi
fi
# Python's crypt module (libxcrypt) is used for $1$/$5$/$6$/$2b$ vectors.
"$venv/bin/python" -c 'import crypt' 2>/dev/null || {
    echo "setup.sh: the venv's Python has no crypt module (need Python <= 3.12)" >&2
    exit 1
}
if ! "$venv/bin/python" - "$here/requirements.txt" <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
ok = True
for line in open(sys.argv[1]):
    line = line.split('#', 1)[0].strip()
    if not line:
        continue
    name, want = line.split('==')
    try:
        have = version(name)
    except PackageNotFoundError:
        have = None
    if have != want:
        ok = False
sys.exit(0 if ok else 1)
PY
then
    echo "setup.sh: installing Python peers" >&2
    "$venv/bin/python" -m pip install --disable-pip-version-check -q \
        -r "$here/requirements.txt"
fi

# --- PHP --------------------------------------------------------------------
if ! command -v php >/dev/null 2>&1; then
    echo "setup.sh: installing php-cli" >&2
    apt_install php-cli
fi
php -r 'exit(defined("PASSWORD_ARGON2ID") ? 0 : 1);' || {
    echo "setup.sh: php lacks PASSWORD_ARGON2ID (needs libargon2 build)" >&2
    exit 1
}

# --- npm peers --------------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "setup.sh: installing nodejs and npm" >&2
    apt_install nodejs npm
fi
if [ ! -f "$here/node_modules/drupal-hash/package.json" ]; then
    echo "setup.sh: installing npm peers" >&2
    (cd "$here" && npm install --no-audit --no-fund --ignore-scripts)
fi

echo "setup.sh: peers ready" >&2
