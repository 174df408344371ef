#!/usr/bin/env bash
# A private RabbitMQ node for dev mode and the tests, owned by the build like the databases (xa-databases.sh).
#
# Started from the installed rabbitmq-server binaries (Debian package) with its own node name, AMQP port,
# distribution port, data, log and config directories and Erlang cookie, all under the system temp dir; it
# registers with the system's epmd and never touches the machine's own broker (rabbit@localhost, 5672/25672).
# The user guest/guest (RabbitMQ's default, loopback only) and the default virtual host "/" are what the app uses.
#
# usage: rabbitmq.sh [--port PORT] COMMAND
#   start    start the node (or reuse the running one) and wait until it accepts AMQP connections
#   stop     stop this node only
#   status   whether it runs
#   pid      the node's OS process id
# The port is the build's -Dcrossbank.broker.port (Maven passes it as CROSSBANK_BROKER_PORT); default 25674.
# The distribution port is PORT + 20000 (RabbitMQ's own rule), so PORT must be at most 45535.
set -euo pipefail

usage() { sed -n '/^# usage:/,/^[^#]/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
fail() { echo "[rabbitmq] ERROR: $* (see --help)" >&2; exit 2; }
die() { echo "[rabbitmq] ERROR: $*" >&2; exit 1; }
log() { echo "[rabbitmq] $*"; }

COMMAND=""
while [ $# -gt 0 ]; do
    case "$1" in
        --port) [ $# -ge 2 ] || fail "$1 needs a port"; set -- "$1=$2" "${@:3}" ;;
        --port=*) CROSSBANK_BROKER_PORT="${1#*=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) fail "unknown option '$1'" ;;
        *) [ -z "$COMMAND" ] || fail "one command at a time ('$COMMAND', '$1')"; COMMAND="$1"; shift ;;
    esac
done
COMMAND="${COMMAND:-start}"

PORT="${CROSSBANK_BROKER_PORT:-25674}"
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 45535 ] || fail "'$PORT' is not a port number of at most 45535"
DIST_PORT=$((PORT + 20000))
RMQ_BIN="${CROSSBANK_RABBITMQ_BIN:-/usr/lib/rabbitmq/bin}"
BASE="${CROSSBANK_BROKER_DIR:-${TMPDIR:-/tmp}/crossbank-broker-${PORT}}"
NODE="crossbank-${PORT}@localhost"

# Everything the node and rabbitmqctl read, pointed at this node's own files. HOME holds the Erlang cookie
# (.erlang.cookie, created by the first start), so this node's cookie is nobody else's.
export HOME="$BASE"
export RABBITMQ_NODENAME="$NODE"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$PORT"
export RABBITMQ_DIST_PORT="$DIST_PORT"
export RABBITMQ_MNESIA_BASE="$BASE/mnesia"
export RABBITMQ_LOG_BASE="$BASE/log"
export RABBITMQ_CONFIG_FILE="$BASE/rabbitmq.conf"
export RABBITMQ_ADVANCED_CONFIG_FILE="$BASE/advanced.config"
export RABBITMQ_ENABLED_PLUGINS_FILE="$BASE/enabled_plugins"
export RABBITMQ_CONF_ENV_FILE="$BASE/rabbitmq-env.conf"
export RABBITMQ_PID_FILE="$BASE/node.pid"
# The system epmd listens on loopback only (Debian's /etc/rabbitmq/rabbitmq-env.conf, which is not read here).
export ERL_EPMD_ADDRESS=127.0.0.1
export ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}"

ctl() { "$RMQ_BIN/rabbitmqctl" -n "$NODE" "$@"; }

node_pid() {
    [ -s "$RABBITMQ_PID_FILE" ] || return 1
    local pid
    pid="$(cat "$RABBITMQ_PID_FILE")"
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

# An AMQP 0-9-1 protocol header answered by the server's first frame (type 1, a method frame: connection.start).
accepts_amqp() {
    local reply
    reply="$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; printf 'AMQP\x00\x00\x09\x01' >&3; head -c 1 <&3 | od -An -tx1" 2>/dev/null || true)"
    [ "$(echo "$reply" | tr -d ' ')" = "01" ]
}

write_config() {
    mkdir -p "$BASE" "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
    : > "$RABBITMQ_CONF_ENV_FILE"
    echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
    echo '[].' > "$RABBITMQ_ADVANCED_CONFIG_FILE"
    cat > "$RABBITMQ_CONFIG_FILE" <<EOF
# Written by src/build/rabbitmq.sh: the build's private node, loopback only.
listeners.tcp.default = 127.0.0.1:$PORT
log.console = false
log.file.level = info
# A shared build machine's disk may be nearly full; the node must not block publishers for it.
disk_free_limit.absolute = 10MB
EOF
}

start() {
    command -v "$RMQ_BIN/rabbitmq-server" >/dev/null || die "no rabbitmq-server in $RMQ_BIN (Debian: apt-get install rabbitmq-server)"
    if node_pid >/dev/null && accepts_amqp; then
        log "reusing $NODE on 127.0.0.1:$PORT"
        return 0
    fi
    if ! node_pid >/dev/null; then
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            die "port $PORT is taken by another process; choose another with -Dcrossbank.broker.port"
        fi
        write_config
        log "starting $NODE on 127.0.0.1:$PORT (distribution port $DIST_PORT, data in $BASE)"
        setsid "$RMQ_BIN/rabbitmq-server" > "$RABBITMQ_LOG_BASE/startup.log" 2>&1 < /dev/null &
    fi
    local i
    for i in $(seq 1 120); do
        if accepts_amqp; then
            log "ready: $NODE on 127.0.0.1:$PORT"
            return 0
        fi
        sleep 0.5
    done
    tail -20 "$RABBITMQ_LOG_BASE/startup.log" >&2 || true
    die "$NODE did not accept AMQP connections on $PORT within 60 s (logs in $RABBITMQ_LOG_BASE)"
}

stop() {
    local pid
    if ! pid="$(node_pid)"; then
        log "$NODE is not running"
        return 0
    fi
    ctl stop "$RABBITMQ_PID_FILE" >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || { log "stopped $NODE"; return 0; }
        sleep 0.5
    done
    die "$NODE (pid $pid) did not stop within 30 s"
}

status() {
    if node_pid >/dev/null && accepts_amqp; then
        log "$NODE runs on 127.0.0.1:$PORT (pid $(node_pid), data in $BASE)"
    elif node_pid >/dev/null; then
        log "$NODE runs (pid $(node_pid)) but does not accept AMQP on $PORT yet"
    else
        log "$NODE is not running"
        return 3
    fi
}

case "$COMMAND" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    pid) node_pid ;;
    *) fail "unknown command '$COMMAND'" ;;
esac
