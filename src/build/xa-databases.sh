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
# usage: xa-databases.sh start | stop | status | crash-postgres | crash-mysql | pid-postgres | pid-mysql
#   start            start both (or reuse the running ones), then make sure users and databases exist
#   stop             stop both cleanly
#   crash-postgres   kill -9 the postmaster and every backend (a real crash, prepared xacts survive)
#   crash-mysql      kill -9 mariadbd
set -euo pipefail

PG_PORT="${CROSSBANK_PG_PORT:-25432}"
MYSQL_PORT="${CROSSBANK_MYSQL_PORT:-23306}"
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

pg_postmaster_pid() {
    [ -f "$PG_DIR/data/postmaster.pid" ] || return 1
    local pid; pid="$(head -1 "$PG_DIR/data/postmaster.pid")"
    kill -0 "$pid" 2>/dev/null && echo "$pid"
}

my_pid() {
    [ -f "$MY_PID" ] || return 1
    local pid; pid="$(cat "$MY_PID")"
    kill -0 "$pid" 2>/dev/null && echo "$pid"
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
    if pg_postmaster_pid >/dev/null; then as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null; log "PostgreSQL stopped"; fi
    local pid
    if pid="$(my_pid)"; then kill "$pid"; wait_gone "$pid" || kill -9 "$pid"; log "MariaDB stopped"; fi
}

case "${1:-start}" in
    start) start_postgres; start_mysql
           log "ready: postgres 127.0.0.1:$PG_PORT, mysql 127.0.0.1:$MYSQL_PORT (data in $BASE)" ;;
    start-postgres) start_postgres ;;
    start-mysql) start_mysql ;;
    stop) stop_all ;;
    status) echo "postgres: $(pg_postmaster_pid || echo stopped)"; echo "mysql: $(my_pid || echo stopped)" ;;
    crash-postgres) crash_postgres ;;
    crash-mysql) crash_mysql ;;
    pid-postgres) pg_postmaster_pid ;;
    pid-mysql) my_pid ;;
    *) die "unknown command '$1'" ;;
esac
