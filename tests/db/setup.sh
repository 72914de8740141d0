#!/usr/bin/env bash
# Private PostgreSQL and MariaDB servers for the table tests (tests/table.rs), from Debian's
# packages. Idempotent: installs the packages when missing (apt-get), creates each instance
# once, starts it when it is not running, and reuses it when it is.
#
#   bash tests/db/setup.sh         # ensure both servers run; write target/test-db.env
#   bash tests/db/setup.sh stop    # stop both servers (their data stays for the next start)
#
# Each instance listens on 127.0.0.1 on a free port chosen at creation, and on a Unix socket
# in its own directory; tests log in as a user with a password (SCRAM for PostgreSQL,
# mysql_native_password for MariaDB), as an application would. State lives in
# ${PWHARDEN_TEST_DB_DIR:-/tmp/pwharden-test-db-<hash of the checkout path>} (outside the
# checkout, so that the `postgres` and `mysql` users can reach it).
# target/test-db.env gets PWHARDEN_TEST_PG_URL and PWHARDEN_TEST_MYSQL_URL.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
key="$(printf '%s' "$root" | cksum | cut -d' ' -f1)"
base="${PWHARDEN_TEST_DB_DIR:-/tmp/pwharden-test-db-$key}"
envfile="$root/target/test-db.env"
db_user=pwharden
db_name=pwharden_test
# A test-only password for a server that listens on 127.0.0.1 only.
db_password=pwharden-test-pw

log() { echo "tests/db/setup.sh: $*" >&2; }

apt_updated=
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$apt_updated" ]; then
        apt-get update
        apt_updated=1
    fi
    # Debian's maintainer scripts would start the packaged (system-wide) servers; the
    # tests use private instances instead, so keep the packaged ones from starting.
    local blocker=/usr/sbin/policy-rc.d added=
    if [ ! -e "$blocker" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$blocker"
        chmod +x "$blocker"
        added=1
    fi
    apt-get install -y --no-install-recommends "$@" || { [ -n "$added" ] && rm -f "$blocker"; return 1; }
    if [ -n "$added" ]; then rm -f "$blocker"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs a command as a service user when we are root (the servers refuse to run as root).
as_user() {
    local user="$1"
    shift
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

stop_all() {
    local bin
    if [ -f "$base/pg/data/postmaster.pid" ] && bin="$(pg_bin)"; then
        as_user postgres "$bin/pg_ctl" -D "$base/pg/data" -m fast -w stop || true
    fi
    if [ -S "$base/mariadb/mysqld.sock" ]; then
        mariadb-admin --socket="$base/mariadb/mysqld.sock" -u root shutdown || true
    fi
}

if [ "${1:-}" = stop ]; then
    stop_all
    exit 0
fi

# --- packages -----------------------------------------------------------------
missing=()
pg_bin >/dev/null || missing+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || missing+=(mariadb-client)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
fi
export PATH="$PATH:/usr/sbin"

mkdir -p "$base"
chmod 755 "$base"

# --- PostgreSQL ---------------------------------------------------------------
pg="$base/pg"
bin="$(pg_bin)"
if [ "$(id -u)" = 0 ]; then pg_owner=postgres; else pg_owner="$(id -un)"; fi
if [ ! -f "$pg/data/PG_VERSION" ]; then
    log "creating a PostgreSQL instance in $pg"
    rm -rf "$pg"
    mkdir -p "$pg/data"
    free_port >"$pg/port"
    printf '%s\n' "$db_password" >"$pg/pwfile"
    chown -R "$pg_owner" "$pg"
    chmod 700 "$pg/data"
    as_user "$pg_owner" "$bin/initdb" -D "$pg/data" -U postgres --pwfile="$pg/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$pg/initdb.log"
fi
pg_port="$(cat "$pg/port")"
if ! as_user "$pg_owner" "$bin/pg_ctl" -D "$pg/data" status >/dev/null 2>&1; then
    log "starting PostgreSQL on 127.0.0.1:$pg_port"
    as_user "$pg_owner" "$bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
        -o "-p $pg_port -k $pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
fi
psql_admin() { as_user "$pg_owner" psql -X -q -v ON_ERROR_STOP=1 -h "$pg" -p "$pg_port" -U postgres "$@"; }
if [ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$db_user'")" != 1 ]; then
    psql_admin -d postgres -c "CREATE ROLE $db_user LOGIN PASSWORD '$db_password'"
fi
if [ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" != 1 ]; then
    psql_admin -d postgres -c "CREATE DATABASE $db_name OWNER $db_user"
fi

# --- MariaDB ------------------------------------------------------------------
my="$base/mariadb"
sock="$my/mysqld.sock"
if [ "$(id -u)" = 0 ]; then my_owner=mysql; else my_owner="$(id -un)"; fi
if [ ! -d "$my/data/mysql" ]; then
    log "creating a MariaDB instance in $my"
    rm -rf "$my"
    mkdir -p "$my/data"
    free_port >"$my/port"
    chown -R "$my_owner" "$my"
    mariadb-install-db --user="$my_owner" --datadir="$my/data" --skip-test-db \
        --auth-root-authentication-method=socket >"$my/install.log" 2>&1
fi
my_port="$(cat "$my/port")"
if ! mariadb-admin --socket="$sock" -u root ping >/dev/null 2>&1; then
    log "starting MariaDB on 127.0.0.1:$my_port"
    rm -f "$sock"
    setsid mariadbd --no-defaults --user="$my_owner" --datadir="$my/data" --socket="$sock" \
        --port="$my_port" --bind-address=127.0.0.1 --pid-file="$my/mariadb.pid" \
        --log-error="$my/server.log" --skip-name-resolve --max-connections=200 \
        </dev/null >/dev/null 2>&1 &
    for _ in $(seq 1 120); do
        mariadb-admin --socket="$sock" -u root ping >/dev/null 2>&1 && break
        sleep 0.5
    done
    mariadb-admin --socket="$sock" -u root ping >/dev/null || {
        log "MariaDB did not start; see $my/server.log"
        tail -n 20 "$my/server.log" >&2 || true
        exit 1
    }
fi
mariadb --socket="$sock" -u root <<SQL
CREATE DATABASE IF NOT EXISTS $db_name CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$db_user'@'127.0.0.1' IDENTIFIED BY '$db_password';
CREATE USER IF NOT EXISTS '$db_user'@'localhost' IDENTIFIED BY '$db_password';
GRANT ALL PRIVILEGES ON $db_name.* TO '$db_user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON $db_name.* TO '$db_user'@'localhost';
SQL

mkdir -p "$(dirname "$envfile")"
cat >"$envfile" <<EOF
PWHARDEN_TEST_PG_URL=postgres://$db_user:$db_password@127.0.0.1:$pg_port/$db_name
PWHARDEN_TEST_MYSQL_URL=mysql://$db_user:$db_password@127.0.0.1:$my_port/$db_name
EOF
log "PostgreSQL on 127.0.0.1:$pg_port, MariaDB on 127.0.0.1:$my_port; URLs in $envfile"
