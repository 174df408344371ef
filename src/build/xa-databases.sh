#!/usr/bin/env bash
# Private, XA-ready PostgreSQL and MariaDB for dev mode and the tests.
#
# The machine's own servers are never touched: PostgreSQL ships with max_prepared_transactions=0
# (PREPARE TRANSACTION, hence XA, is refused) and changing it needs a restart of someone else's
# server. Instead the build owns two throw-away instances, started from the installed server
# binaries, on their own ports, which also lets the fault tests kill a database on purpose.
#
# Databases: crossbank (tests), crossbank_dev (dev mode); users crossbank (the app) and crossbank_admin
# (superuser, for tests and operators).
#
# usage: xa-databases.sh [--pg-port PORT] [--mysql-port PORT] COMMAND
#   start            start both (or reuse the running ones), then make sure users and databases exist
#   stop             stop both cleanly
#   status           whether they run; also lists the other ports' instances found under the temp dir
#   crash-postgres   kill -9 the postmaster and every backend (a real crash, prepared xacts survive)
#   crash-mysql      kill -9 mariadbd
#   pid-postgres, pid-mysql
# The ports are the build's -Dcrossbank.db.pg-port / -Dcrossbank.db.mysql-port (Maven passes them as
# CROSSBANK_PG_PORT / CROSSBANK_MYSQL_PORT); default 25432 and 23306. Each pair of ports has its own
# instances and data directory, and a command only ever acts on the pair it is given.
set -euo pipefail

usage() { sed -n '/^# usage:/,/^[^#]/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
fail() { echo "[xa-databases] ERROR: $* (see --help)" >&2; exit 2; }

COMMAND=""
while [ $# -gt 0 ]; do
    case "$1" in
        --pg-port|--mysql-port) [ $# -ge 2 ] || fail "$1 needs a port"; set -- "$1=$2" "${@:3}" ;;
        --pg-port=*) CROSSBANK_PG_PORT="${1#*=}"; shift ;;
        --mysql-port=*) CROSSBANK_MYSQL_PORT="${1#*=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) fail "unknown option '$1'" ;;
        *) [ -z "$COMMAND" ] || fail "one command at a time ('$COMMAND', '$1')"; COMMAND="$1"; shift ;;
    esac
done
COMMAND="${COMMAND:-start}"

PG_PORT="${CROSSBANK_PG_PORT:-25432}"
MYSQL_PORT="${CROSSBANK_MYSQL_PORT:-23306}"
for port in "$PG_PORT" "$MYSQL_PORT"; do
    [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || fail "'$port' is not a port number"
done
# Under the system temp dir: when run as root, the postgres and mysql OS users must be able to reach
# the data directories, and a clone under root's home (mode 700) would not let them.
BASE="${CROSSBANK_DB_DIR:-${TMPDIR:-/tmp}/crossbank-db-${PG_PORT}-${MYSQL_PORT}}"
PG_DIR="$BASE/postgres"
MY_DIR="$BASE/mysql"
MY_SOCK="$MY_DIR/mysqld.sock"
MY_PID="$MY_DIR/mysqld.pid"
APP_USER=crossbank
APP_PASSWORD=crossbank
# Superuser used by tests to inspect prepared branches, kill sessions and create empty databases.
ADMIN_USER=crossbank_admin
ADMIN_PASSWORD=crossbank_admin
# Must be >= the PostgreSQL pool size (one prepared transaction per in-flight XA branch).
MAX_PREPARED=128

PG_BIN="${CROSSBANK_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"

log() { echo "[xa-databases] $*"; }
die() { echo "[xa-databases] ERROR: $*" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then
    PG_OS_USER=postgres
    MY_OS_USER=mysql
    as_pg() { runuser -u postgres -- "$@"; }
else
    PG_OS_USER="$(id -un)"
    MY_OS_USER="$(id -un)"
    as_pg() { "$@"; }
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The running postmaster of a data directory and the port it serves (postmaster.pid: pid, dir, start, port).
pg_instance() {
    local file="$1/data/postmaster.pid" pid
    [ -f "$file" ] || return 1
    pid="$(sed -n 1p "$file")"
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid $(sed -n 4p "$file")"
}

# The running mariadbd of a data directory (its pid file, checked against the process's own arguments,
# so that a reused pid is not taken for it) and the port it serves.
my_instance() {
    local dir="$1" pid args
    [ -f "$dir/mysqld.pid" ] || return 1
    pid="$(cat "$dir/mysqld.pid")"
    args="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    grep -qxF -- "--datadir=$dir/data" <<<"$args" || return 1
    echo "$pid $(sed -n 's/^--port=//p' <<<"$args")"
}

pg_postmaster_pid() {
    local instance; instance="$(pg_instance "$PG_DIR")" || return 1
    echo "${instance%% *}"
}

my_pid() {
    local instance; instance="$(my_instance "$MY_DIR")" || return 1
    echo "${instance%% *}"
}

# Only CROSSBANK_DB_DIR can point at servers started for other ports; refuse to act on those.
check_ports() {
    local instance
    if instance="$(pg_instance "$PG_DIR")" && [ "${instance#* }" != "$PG_PORT" ]; then
        die "the PostgreSQL in $PG_DIR serves port ${instance#* }, not $PG_PORT: pass --pg-port ${instance#* }"
    fi
    if instance="$(my_instance "$MY_DIR")" && [ "${instance#* }" != "$MYSQL_PORT" ]; then
        die "the MariaDB in $MY_DIR serves port ${instance#* }, not $MYSQL_PORT: pass --mysql-port ${instance#* }"
    fi
}

psql_admin() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
mysql_admin() { mariadb --no-defaults -uroot --socket="$MY_SOCK" "$@"; }

wait_gone() {
    local pid="$1" i
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    return 1
}

start_postgres() {
    [ -x "$PG_BIN/postgres" ] || die "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin); install postgresql"
    mkdir -p "$BASE"; chmod 755 "$BASE"
    if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
        log "initialising PostgreSQL in $PG_DIR"
        rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"; chown "$PG_OS_USER" "$PG_DIR"
        as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$BASE/initdb.log" 2>&1 \
            || { cat "$BASE/initdb.log" >&2; die "initdb failed"; }
    fi
    if pid="$(pg_postmaster_pid)"; then
        log "PostgreSQL already running on port $PG_PORT (pid $pid)"
    else
        port_open "$PG_PORT" && die "port $PG_PORT is taken by another process; set -Dcrossbank.db.pg-port=<free port>"
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT (max_prepared_transactions=$MAX_PREPARED)"
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/data/server.log" -w -t 60 start \
            -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_prepared_transactions=$MAX_PREPARED -c max_connections=200" >/dev/null \
            || { tail -20 "$PG_DIR/data/server.log" >&2; die "PostgreSQL did not start"; }
    fi
    psql_admin -d postgres <<SQL
SELECT 'CREATE ROLE $APP_USER LOGIN PASSWORD ''$APP_PASSWORD''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_USER')\gexec
SELECT 'CREATE ROLE $ADMIN_USER LOGIN SUPERUSER PASSWORD ''$ADMIN_PASSWORD''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ADMIN_USER')\gexec
SELECT 'CREATE DATABASE crossbank OWNER $APP_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'crossbank')\gexec
SELECT 'CREATE DATABASE crossbank_dev OWNER $APP_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'crossbank_dev')\gexec
SQL
    local mpt; mpt="$(psql_admin -d postgres -Atc 'show max_prepared_transactions')"
    [ "$mpt" -gt 0 ] || die "PostgreSQL on $PG_PORT has max_prepared_transactions=$mpt: XA cannot work"
}

start_mysql() {
    command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || die "no mariadbd found; install mariadb-server"
    local mariadbd; mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
    mkdir -p "$BASE"; chmod 755 "$BASE"
    if [ ! -d "$MY_DIR/data/mysql" ]; then
        log "initialising MariaDB in $MY_DIR"
        rm -rf "$MY_DIR"; mkdir -p "$MY_DIR"; chown "$MY_OS_USER" "$MY_DIR"
        mariadb-install-db --no-defaults --user="$MY_OS_USER" --datadir="$MY_DIR/data" --auth-root-authentication-method=normal \
            --skip-test-db >"$BASE/mariadb-install.log" 2>&1 || { cat "$BASE/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
    fi
    if pid="$(my_pid)"; then
        log "MariaDB already running on port $MYSQL_PORT (pid $pid)"
    else
        port_open "$MYSQL_PORT" && die "port $MYSQL_PORT is taken by another process; set -Dcrossbank.db.mysql-port=<free port>"
        log "starting MariaDB on 127.0.0.1:$MYSQL_PORT"
        # setsid: detach from Maven's process group so the server outlives the build.
        setsid "$mariadbd" --no-defaults --user="$MY_OS_USER" --datadir="$MY_DIR/data" \
            --port="$MYSQL_PORT" --bind-address=127.0.0.1 --socket="$MY_SOCK" --pid-file="$MY_PID" \
            --log-error="$MY_DIR/server.log" --skip-name-resolve --max-connections=300 \
            --innodb-buffer-pool-size=256M --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
            </dev/null >/dev/null 2>&1 &
        local i
        for i in $(seq 1 300); do
            mysql_admin -e 'select 1' >/dev/null 2>&1 && break
            sleep 0.1
        done
        mysql_admin -e 'select 1' >/dev/null 2>&1 || { tail -20 "$MY_DIR/server.log" >&2; die "MariaDB did not start"; }
    fi
    mysql_admin <<SQL
CREATE DATABASE IF NOT EXISTS crossbank;
CREATE DATABASE IF NOT EXISTS crossbank_dev;
CREATE USER IF NOT EXISTS '$APP_USER'@'%' IDENTIFIED BY '$APP_PASSWORD';
GRANT ALL PRIVILEGES ON crossbank.* TO '$APP_USER'@'%';
GRANT ALL PRIVILEGES ON \`crossbank\_%\`.* TO '$APP_USER'@'%';
CREATE USER IF NOT EXISTS '$ADMIN_USER'@'%' IDENTIFIED BY '$ADMIN_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$ADMIN_USER'@'%' WITH GRANT OPTION;
SQL
}

crash_postgres() {
    local pid; pid="$(pg_postmaster_pid)" || die "PostgreSQL is not running"
    log "kill -9 PostgreSQL postmaster $pid and its backends"
    pkill -9 -P "$pid" || true
    kill -9 "$pid"
    wait_gone "$pid" || die "postmaster $pid did not die"
    # Backends notice the postmaster's death on their own; wait until none holds the data dir.
    local i
    for i in $(seq 1 50); do pgrep -u "$PG_OS_USER" -f -- "$PG_DIR" >/dev/null || break; sleep 0.1; done
}

crash_mysql() {
    local pid; pid="$(my_pid)" || die "MariaDB is not running"
    log "kill -9 MariaDB $pid"
    kill -9 "$pid"
    wait_gone "$pid" || die "mariadbd $pid did not die"
}

stop_all() {
    local pid
    if pg_postmaster_pid >/dev/null; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null; log "PostgreSQL on port $PG_PORT stopped"
    else
        log "no PostgreSQL running on port $PG_PORT"
    fi
    if pid="$(my_pid)"; then
        kill "$pid"; wait_gone "$pid" || kill -9 "$pid"; log "MariaDB on port $MYSQL_PORT stopped"
    else
        log "no MariaDB running on port $MYSQL_PORT"
    fi
}

status() {
    echo "postgres 127.0.0.1:$PG_PORT: $(pid="$(pg_postmaster_pid)" && echo "running (pid $pid)" || echo stopped)"
    echo "mysql 127.0.0.1:$MYSQL_PORT: $(pid="$(my_pid)" && echo "running (pid $pid)" || echo stopped)"
    echo "data: $BASE"
    local dir pg my
    for dir in "${TMPDIR:-/tmp}"/crossbank-db-*; do
        [ -d "$dir" ] && [ "$dir" != "$BASE" ] || continue
        pg="$(pg_instance "$dir/postgres")" && pg="postgres :${pg#* }" || pg=""
        my="$(my_instance "$dir/mysql")" && my="mysql :${my#* }" || my=""
        [ -z "$pg$my" ] || echo "other ports: $pg${pg:+${my:+, }}$my ($dir)"
    done
}

check_ports
case "$COMMAND" in
    start) # side by side: from nothing, each server takes a second or two to initialise and start
           start_postgres & pg=$!
           start_mysql & my=$!
           failed=0; wait "$pg" || failed=1; wait "$my" || failed=1
           [ "$failed" = 0 ] || exit 1
           log "ready: postgres 127.0.0.1:$PG_PORT, mysql 127.0.0.1:$MYSQL_PORT (data in $BASE)" ;;
    start-postgres) start_postgres ;;
    start-mysql) start_mysql ;;
    stop) stop_all ;;
    status) status ;;
    crash-postgres) crash_postgres ;;
    crash-mysql) crash_mysql ;;
    pid-postgres) pg_postmaster_pid ;;
    pid-mysql) my_pid ;;
    *) die "unknown command '$COMMAND'" ;;
esac
