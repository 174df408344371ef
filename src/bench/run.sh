#!/usr/bin/env bash
# Benchmark of XA transfers against two local commits (issue #4), one command:
#
#   bash src/bench/run.sh            # full sweep (c = 1, 8, 32, 64 and a hot spot at 32; saga at 8 and 32), about 14 minutes
#   bash src/bench/run.sh --quick    # smoke test: c = 1 and 8, short windows, under 2 minutes after the build
#   bash src/bench/run.sh --sagas    # saga against xa and baseline at c = 8 and 32, then sagas through a MariaDB outage:
#                                    # about 6 minutes (SagaBench)
#   bash src/bench/run.sh --events   # what transfer events cost (issue #10): xa against xa-no-events, events/s, lag,
#                                    # backlog drain after a broker restart (EventsBench): about 5 minutes; with --quick, 2
#   bash src/bench/run.sh --commit-markable   # xa, xa-cmr (MariaDB as the commit-markable ledger, issue #12) and the
#                                    # baseline at c = 1, 8, 32, 64 and the hot spot: about 9 minutes after the build
#
# It builds the app into a copy of the working tree (or takes --jar), starts its OWN private PostgreSQL and
# MariaDB on ports 35432 / 33306 (never the tests' 25432 / 23306) and its own RabbitMQ node on 35674 (a queue is
# bound to the events, so the relay publishes as in production), creates crossbank_bench in both, starts the
# packaged jar with the benchmark-only baseline switched on, seeds 10,000 accounts per ledger and drives
# closed-loop sweeps with src/bench/java (java.net.http + HdrHistogram). Report: target/bench/{summary.md,
# results.json,plot.svg}. Options (all optional):
#   --quick                  short windows, c=1 and 8, no pg_test_fsync
#   --events                 the events benchmark instead of the sweep (report <out>/events.md, events.json)
#   --sagas                  saga against xa against baseline, and a MariaDB outage under sagas (report <out>/sagas.md, sagas.json)
#                            (OUTAGE_SECONDS=N in the environment sets the outage's length: 20 s, 10 with --quick)
#   --commit-markable        the sweep of xa, xa-cmr and baseline; any plan naming xa-cmr starts a second app on the same
#                            databases (port + 1, crossbank.xa.commit-markable-ledger=mysql, its own node name and object
#                            store) that serves that mode; both apps' CPU and syscalls count as "app"
#   --network-delay MS       a simulated network between the app(s) and both databases: each ledger's JDBC URL points at a
#                            delaying TCP proxy (DelayProxy, on app port + 10 for PostgreSQL, + 11 for MariaDB) that holds
#                            every chunk MS milliseconds each way (0.25 = 0.5 ms round trip); 0 = the proxies without delay
#                            (their own cost). The user-space proxy stands in for netem, which this kernel lacks; its CPU
#                            shares the cores and is counted as "proxy" in results.json. Seeding and audits go direct.
#                            src/bench/network.sh runs loopback, 0 (proxies only), 0.25 and 1 ms and writes one table
#   Modes with an app of their own (ClosedLoop.OWN_APP), started only when the plan names them, each on the same databases
#   with its own node name and object store, and counted with the main app as "app" (CPU, syscalls):
#     xa-cmr        port + 1, crossbank.xa.commit-markable-ledger=mysql (see --commit-markable)
#     xa-jdbcstore  port + 2, Narayana's JDBC object store (crossbank.txlog.enabled, object-store.type=jdbc on datasource
#                   txlog: a table crossbank_xa_jdbcstore_jbosststxtable in the PostgreSQL ledger's database)
#   --jar PATH               benchmark this quarkus-run.jar instead of building one
#   --build-dir DIR          where the working tree is copied and built (default /tmp/crossbank-bench-build)
#   --out DIR                report directory (default target/bench)
#   --label TEXT             name of the run in the report
#   --plan SPEC              e.g. "8=xa,baseline;32=xa,baseline;32h=xa,baseline" (h: hot spot)
#   --add-modes M,…          append these modes to every step of the plan (the default one or --plan's), e.g.
#                            --add-modes xa-jdbcstore: the JDBC object store in the main sweep
#   --warmup S --measure S   seconds per window (each cell has two windows: A B ... B A)
#   --global-warmup S        unrecorded warm-up before the first cell
#   --app-opts "..."         extra JVM system properties for the app, e.g. a tuning lever:
#                            "-Dquarkus.datasource.postgres.jdbc.max-size=8 -Dquarkus.datasource.mysql.jdbc.max-size=8"
#   --jvm-opts "..."         JVM options of the app (default -Xmx512m, as the packaged-jar tests use)
#   --pg-url-params P --mysql-url-params P   appended to the ledgers' JDBC URLs (e.g. cachePrepStmts=true)
#   --pg-settings "k=v …"    PostgreSQL server settings for this run (ALTER SYSTEM SET, reloaded; reset when the run ends,
#                            also with --keep-db), e.g. "commit_delay=200 commit_siblings=2" (recorded in the report)
#   --work-dir DIR           scratch space outside target/ (app log, object store, compiled load generator);
#                            default /tmp/crossbank-bench-work, copied (without the object store) to <out>/run at the end
#   --keep-db                leave the benchmark's databases running afterwards
#   --no-wait                do not wait for a running test suite to finish before starting
#   --yield-budget S         during the sweep, wait at most S seconds in all for test suites (surefire/failsafe) before a
#                            window, and measure a window again if one ran during it (default 900)
#   --fsync-test / --no-fsync-test   run pg_test_fsync first (default: full run yes, --quick no)
#   --profile                record the app with JFR (execution samples every 2 ms) and write <out>/profile.md: the app's
#                            CPU per transfer split by component (Narayana, Hibernate, drivers, HTTP…) for every cell.
#                            Costs the app a few percent: compare ratios between profiled runs only
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$REPO/target/bench"
BUILD_DIR="${CROSSBANK_BENCH_BUILD_DIR:-${TMPDIR:-/tmp}/crossbank-bench-build}"
WORK="${CROSSBANK_BENCH_WORK_DIR:-${TMPDIR:-/tmp}/crossbank-bench-work}"
JAR=""
QUICK=0
LABEL=""
PLAN=""
WARMUP=""
MEASURE=""
GLOBAL_WARMUP=""
APP_OPTS=""
JVM_OPTS="-Xmx512m"
PG_URL_PARAMS=""
MYSQL_URL_PARAMS=""
KEEP_DB=0
YIELD_BUDGET=900
WAIT=1
FSYNC_TEST=""
PROFILE=0
NETWORK_DELAY=""
PG_SETTINGS=""
ACCOUNTS=10000
HOT_ACCOUNTS=5
BALANCE=1000000.00
export CROSSBANK_PG_PORT="${CROSSBANK_BENCH_PG_PORT:-35432}"
export CROSSBANK_MYSQL_PORT="${CROSSBANK_BENCH_MYSQL_PORT:-33306}"
APP_PORT="${CROSSBANK_BENCH_APP_PORT:-38080}"
BROKER_PORT="${CROSSBANK_BENCH_BROKER_PORT:-35674}"
EVENTS=0
SAGAS=0

while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --commit-markable) COMMIT_MARKABLE=1 ;;
        --events) EVENTS=1 ;;
        --sagas) SAGAS=1 ;;
        --jar) JAR="$2"; shift ;;
        --build-dir) BUILD_DIR="$2"; shift ;;
        --work-dir) WORK="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --label) LABEL="$2"; shift ;;
        --plan) PLAN="$2"; PLAN_SET=1; shift ;;
        --add-modes) ADD_MODES="$2"; shift ;;
        --warmup) WARMUP="$2"; shift ;;
        --measure) MEASURE="$2"; shift ;;
        --global-warmup) GLOBAL_WARMUP="$2"; shift ;;
        --app-opts) APP_OPTS="$2"; shift ;;
        --jvm-opts) JVM_OPTS="$2"; shift ;;
        --pg-url-params) PG_URL_PARAMS="$2"; shift ;;
        --mysql-url-params) MYSQL_URL_PARAMS="$2"; shift ;;
        --keep-db) KEEP_DB=1 ;;
        --no-wait) WAIT=0 ;;
        --yield-budget) YIELD_BUDGET="$2"; shift ;;
        --fsync-test) FSYNC_TEST=1 ;;
        --no-fsync-test) FSYNC_TEST=0 ;;
        --profile) PROFILE=1 ;;
        --network-delay) NETWORK_DELAY="$2"; shift ;;
        --pg-settings) PG_SETTINGS="$2"; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

COMMIT_MARKABLE="${COMMIT_MARKABLE:-0}"
MAIN="xa,baseline,same-ledger,plain-local"
if [ "$COMMIT_MARKABLE" = 1 ] && [ "$QUICK" = 0 ]; then
    CMR="xa,xa-cmr,baseline"
    : "${PLAN:=1=$CMR;8=$CMR;32=$CMR;64=$CMR;32h=$CMR}" "${WARMUP:=3}" "${MEASURE:=10}" "${GLOBAL_WARMUP:=60}"
    : "${FSYNC_TEST:=0}" "${LABEL:=commit-markable}"
fi
DIAG="xa-jdbc,echo"
if [ "$SAGAS" = 1 ] && [ "$QUICK" = 0 ]; then
    : "${WARMUP:=3}" "${MEASURE:=10}" "${GLOBAL_WARMUP:=40}" "${FSYNC_TEST:=0}" "${LABEL:=sagas}"
fi
if [ "$EVENTS" = 1 ] && [ "$QUICK" = 0 ]; then
    : "${WARMUP:=3}" "${MEASURE:=10}" "${GLOBAL_WARMUP:=30}" "${FSYNC_TEST:=0}" "${LABEL:=events}"
fi
if [ "$QUICK" = 1 ]; then
    : "${PLAN:=1=$MAIN;8=$MAIN}" "${WARMUP:=1}" "${MEASURE:=4}" "${GLOBAL_WARMUP:=8}" "${FSYNC_TEST:=0}" "${LABEL:=quick}"
else
    : "${PLAN:=1=$MAIN;8=$MAIN,saga,$DIAG;32=$MAIN,saga,$DIAG;64=$MAIN;32h=$MAIN}" "${WARMUP:=3}" "${MEASURE:=8}" "${GLOBAL_WARMUP:=120}"
    : "${FSYNC_TEST:=1}" "${LABEL:=full}"
fi

[ -n "${ADD_MODES:-}" ] && PLAN="$(echo "$PLAN" | sed "s/;/,$ADD_MODES;/g; s/\$/,$ADD_MODES/")"
log() { echo "[bench $(date +%H:%M:%S)] $*"; }
die() { echo "[bench] ERROR: $*" >&2; exit 1; }
DBSH=(bash "$REPO/src/bench/db.sh")
XADB=(bash "$REPO/src/build/xa-databases.sh")
BROKER=(bash "$REPO/src/build/rabbitmq.sh" --port "$BROKER_PORT")
APP_PID=""
OWN_APP_PIDS=""
PROXY_PIDS=""

cleanup() {
    for pid in $APP_PID $OWN_APP_PIDS $PROXY_PIDS; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    # shellcheck disable=SC2086
    [ -n "$PG_SETTINGS" ] && { "${DBSH[@]}" pg-reset $PG_SETTINGS >/dev/null 2>&1 || true; }
    if [ "$KEEP_DB" = 0 ]; then "${XADB[@]}" stop >/dev/null 2>&1 || true; "${BROKER[@]}" stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# 1. Do not measure on top of a running test suite (nor distort it): wait for it, up to 10 minutes.
if [ "$WAIT" = 1 ]; then
    for i in $(seq 1 11); do
        busy="$(pgrep -af 'surefire|failsafe' | grep -v pgrep || true)"
        [ -z "$busy" ] && break
        [ "$i" = 11 ] && { log "test suite still running after 10 minutes; measuring anyway (noted in the report)"; break; }
        log "a test suite is running; waiting 60 s ($i/10):"; echo "$busy" | cut -c1-150
        sleep 60
    done
fi
OTHER_JARS="$(pgrep -af '^java .*quarkus-run.jar|/java .*quarkus-run.jar' | cut -c1-150 | tr '\n' ';' || true)"
[ -n "$OTHER_JARS" ] && log "note: other Quarkus apps are running (recorded in the report): $OTHER_JARS"

# 2. The app: a packaged jar, built from a copy of the working tree so a concurrent build of target/ is not disturbed.
if [ -z "$JAR" ]; then
    log "building the app in $BUILD_DIR"
    mkdir -p "$BUILD_DIR"
    rsync -a --delete --exclude target --exclude .git "$REPO/" "$BUILD_DIR/"
    # The benchmark endpoints exist only in a build that asks for them (@EndpointDisabled, see BenchResource).
    (cd "$BUILD_DIR" && ./mvnw -q package -DskipTests -Dcrossbank.db.skip=true -Dcrossbank.broker.skip=true -Dcrossbank.bench.baseline.enabled=true)
    JAR="$BUILD_DIR/target/quarkus-app/quarkus-run.jar"
fi
[ -f "$JAR" ] || die "no jar at $JAR"
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"

# 3. The load generator, compiled into the work directory: target/ may be cleaned by a concurrent build.
rm -rf "$WORK"; mkdir -p "$WORK/lib" "$OUT"
HDR="$WORK/lib/HdrHistogram-2.2.2.jar"
if [ ! -f "$OUT/lib/HdrHistogram-2.2.2.jar" ]; then
    log "fetching HdrHistogram 2.2.2"
    (cd "$REPO" && ./mvnw -q dependency:copy -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2 -DoutputDirectory="$OUT/lib" -Dcrossbank.db.skip=true)
fi
cp "$OUT/lib/HdrHistogram-2.2.2.jar" "$HDR"
# The event tap's client: the app's own amqp-client version, and the logging API it needs.
AMQP_VERSION="$(sed -n 's:.*<amqp-client.version>\(.*\)</amqp-client.version>.*:\1:p' "$REPO/pom.xml")"
for artifact in "com.rabbitmq:amqp-client:$AMQP_VERSION" "org.slf4j:slf4j-api:2.0.17"; do
    file="$(echo "$artifact" | cut -d: -f2)-$(echo "$artifact" | cut -d: -f3).jar"
    if [ ! -f "$OUT/lib/$file" ]; then
        log "fetching $artifact"
        (cd "$REPO" && ./mvnw -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$OUT/lib" -Dcrossbank.db.skip=true -Dcrossbank.broker.skip=true)
    fi
    cp "$OUT/lib/$file" "$WORK/lib/"
done
CP="$WORK/classes:$(find "$WORK/lib" -name '*.jar' | sort | tr '\n' ':')"
javac --release 17 -d "$WORK/classes" -cp "$CP" $(find "$REPO/src/bench/java" -name '*.java')

# 4. Private databases and broker for the benchmark only.
"${XADB[@]}" start
"${BROKER[@]}" start
"${DBSH[@]}" create
if [ -n "$PG_SETTINGS" ]; then
    # shellcheck disable=SC2086
    "${DBSH[@]}" pg-set $PG_SETTINGS
    log "PostgreSQL settings for this run: $PG_SETTINGS"
fi
PG_PID="$("${XADB[@]}" pid-postgres)"
DB_DIR="${CROSSBANK_DB_DIR:-${TMPDIR:-/tmp}/crossbank-db-$CROSSBANK_PG_PORT-$CROSSBANK_MYSQL_PORT}"
MY_PID="$("${XADB[@]}" pid-mysql)"

# 5. Environment.
ENV_FILE="$WORK/environment.properties"
{
    echo "cores=$(nproc)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "memory_mb=$(free -m | awk '/Mem:/ { print $2 }')"
    echo "kernel=$(uname -r)"
    echo "java=$(java -version 2>&1 | head -1)"
    echo "quarkus=$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' "$REPO/pom.xml")"
    echo "jar=$JAR"
    echo "git_head=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "filesystem=$(df -T "$DB_DIR" | awk 'NR==2 { print $2 " on " $1 }')"
    echo "loadavg_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "other_quarkus_apps_at_start=${OTHER_JARS:-none}"
    "${DBSH[@]}" versions
    echo "network_delay_ms_each_way=${NETWORK_DELAY:-none (loopback, no proxy)}"
} >"$ENV_FILE"
if [ "$FSYNC_TEST" = 1 ]; then
    log "pg_test_fsync (2 s per method) on the databases' filesystem"
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    FSYNC_FILE="$DB_DIR/pg_test_fsync.tmp"
    "$PG_BIN/pg_test_fsync" -s 2 -f "$FSYNC_FILE" >"$WORK/pg_test_fsync.txt" 2>&1 || true
    rm -f "$FSYNC_FILE"
    echo "pg_test_fsync_fdatasync=$(awk '/one 8kB write/ { f = 1 } f && $1 == "fdatasync" { print $2; exit }' "$WORK/pg_test_fsync.txt")" >>"$ENV_FILE"
else
    echo "pg_test_fsync_fdatasync=not run (--quick)" >>"$ENV_FILE"
fi

PROFILE_OPTS=""
[ "$PROFILE" = 1 ] && PROFILE_OPTS="-XX:StartFlightRecording:name=bench,settings=profile,jdk.ExecutionSample#period=2ms,maxsize=2g"

# 6. The app, packaged, on the benchmark's databases, with the benchmark-only endpoints switched on.
OBJECT_STORE="$WORK/object-store"
rm -rf "$OBJECT_STORE"
APP_PG_PORT="$CROSSBANK_PG_PORT"
APP_MYSQL_PORT="$CROSSBANK_MYSQL_PORT"
NET_ARGS=()
if [ -n "$NETWORK_DELAY" ]; then
    # The simulated network: every connection of the app(s) through a delaying proxy; db.sh (seed, stats, audits) goes direct.
    APP_PG_PORT=$((APP_PORT + 10))
    APP_MYSQL_PORT=$((APP_PORT + 11))
    for ledger in pg:$APP_PG_PORT:$CROSSBANK_PG_PORT my:$APP_MYSQL_PORT:$CROSSBANK_MYSQL_PORT; do
        IFS=: read -r name listen target <<<"$ledger"
        java -Xmx96m -XX:+UseSerialGC -cp "$WORK/classes" io.crossbank.benchload.DelayProxy listen="$listen" \
            target="127.0.0.1:$target" delayMs="$NETWORK_DELAY" stats="$WORK/net-$name.properties" >"$WORK/proxy-$name.log" 2>&1 &
        PROXY_PIDS="$PROXY_PIDS $!"
    done
    # Each proxy prints its line once it has bound its port (an exit instead: the port is taken).
    for name in pg my; do
        for _ in $(seq 1 600); do grep -q '^DelayProxy:' "$WORK/proxy-$name.log" 2>/dev/null && break; sleep 0.1; done
        grep -q '^DelayProxy:' "$WORK/proxy-$name.log" || die "the delaying proxy ($name) did not start; see $WORK/proxy-$name.log"
    done
    for pid in $PROXY_PIDS; do kill -0 "$pid" 2>/dev/null || die "a delaying proxy exited; see $WORK/proxy-*.log"; done
    log "network: ${NETWORK_DELAY} ms each way through proxies on $APP_PG_PORT (PostgreSQL) and $APP_MYSQL_PORT (MariaDB)"
    NET_ARGS=(netStats="pg|$WORK/net-pg.properties;my|$WORK/net-my.properties" proxyPids="$(echo $PROXY_PIDS | tr ' ' ,)")
fi
pg_url="jdbc:postgresql://127.0.0.1:$APP_PG_PORT/crossbank_bench${PG_URL_PARAMS:+?$PG_URL_PARAMS}"
my_url="jdbc:mysql://127.0.0.1:$APP_MYSQL_PORT/crossbank_bench${MYSQL_URL_PARAMS:+?$MYSQL_URL_PARAMS}"
log "starting $JAR on port $APP_PORT ${APP_OPTS:+with $APP_OPTS}"
start_ns="$(date +%s%N)"
# shellcheck disable=SC2086 # options are word lists on purpose
env QUARKUS_DATASOURCE_POSTGRES_JDBC_URL="$pg_url" QUARKUS_DATASOURCE_MYSQL_JDBC_URL="$my_url" \
    QUARKUS_TRANSACTION_MANAGER_NODE_NAME=crossbank-bench QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_DIRECTORY="$OBJECT_STORE" \
    QUARKUS_HTTP_PORT="$APP_PORT" CROSSBANK_BENCH_BASELINE_ENABLED=true RABBITMQ_HOST=127.0.0.1 RABBITMQ_PORT="$BROKER_PORT" \
    java $JVM_OPTS $PROFILE_OPTS $APP_OPTS -jar "$JAR" >"$WORK/app.log" 2>&1 &
APP_PID=$!
await_ready() { # pid port log
    local ready=0
    for _ in $(seq 1 1800); do
        kill -0 "$1" 2>/dev/null || { tail -30 "$3" >&2; die "the app exited before it was ready"; }
        if curl -sf -o /dev/null "http://127.0.0.1:$2/q/health/ready"; then ready=1; break; fi
        sleep 0.05
    done
    [ "$ready" = 1 ] || die "the app was not ready within 90 s; see $3"
}
await_ready "$APP_PID" "$APP_PORT" "$WORK/app.log"
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
rss_kb="$(awk '/VmRSS/ { print $2 }' "/proc/$APP_PID/status")"
log "ready after $ready_ms ms, RSS $((rss_kb / 1024)) MiB"
code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$APP_PORT/bench/echo-transfers")"
[ "$code" = 400 ] || die "the benchmark endpoints are not switched on (POST /bench/echo-transfers answered $code)"
STARTUP_FILE="$WORK/startup.properties"
{
    echo "readyMs=$ready_ms"
    echo "quarkusStartedSeconds=$(sed -n 's/.*started in \([0-9.]*\)s.*/\1/p' "$WORK/app.log" | head -1)"
    echo "rssAfterStartKb=$rss_kb"
    echo "jvmOptions=$JVM_OPTS $PROFILE_OPTS $APP_OPTS"
} >"$STARTUP_FILE"

# 6b. Modes with an app of their own (a start-time configuration, so not a path of the first app): each on the same
# databases, network and broker, with its own port, node name and object store. Idle while the other modes run, apart
# from its relay's and recovery's polls.
OWN_APPS=""
OBJECT_STORES="$OBJECT_STORE"
start_own_app() { # mode port check env…  (check: a command that fails if the app did not take its configuration)
    local mode="$1" port="$2" check="$3"; shift 3
    # node name: Narayana takes at most 28 bytes
    local node="crossbank-$mode" store="$OBJECT_STORE-$mode"
    [[ "$PLAN" == *"$mode"* ]] || return 0
    rm -rf "$store"
    log "starting the app of mode $mode on port $port ($*)"
    # shellcheck disable=SC2086
    env QUARKUS_DATASOURCE_POSTGRES_JDBC_URL="$pg_url" QUARKUS_DATASOURCE_MYSQL_JDBC_URL="$my_url" \
        QUARKUS_TRANSACTION_MANAGER_NODE_NAME="$node" QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_DIRECTORY="$store" \
        QUARKUS_HTTP_PORT="$port" CROSSBANK_BENCH_BASELINE_ENABLED=true RABBITMQ_HOST=127.0.0.1 RABBITMQ_PORT="$BROKER_PORT" \
        "$@" java $JVM_OPTS $APP_OPTS -jar "$JAR" >"$WORK/app-$mode.log" 2>&1 &
    local pid=$!
    OWN_APP_PIDS="$OWN_APP_PIDS $pid"
    await_ready "$pid" "$port" "$WORK/app-$mode.log"
    eval "$check" || die "the app of mode $mode did not start as configured ($check failed); see $WORK/app-$mode.log"
    OWN_APPS="$OWN_APPS${OWN_APPS:+;}$mode|http://127.0.0.1:$port|$pid"
    OBJECT_STORES="$OBJECT_STORES,$store"
}
start_own_app xa-cmr $((APP_PORT + 1)) "grep -q 'joins cross-ledger transactions as a commit-markable resource' $WORK/app-xa-cmr.log" \
    CROSSBANK_XA_COMMIT_MARKABLE_LEDGER=mysql
# (its table's name comes from the node name, TxlogTablePrefix)
start_own_app xa-jdbcstore $((APP_PORT + 2)) "${DBSH[*]} txlog | grep -q '^crossbank_xa_jdbcstore_jbosststxtable='" \
    CROSSBANK_TXLOG_ENABLED=true QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_TYPE=jdbc QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_DATASOURCE=txlog

# 7. Seed and sweep.
log "seeding $ACCOUNTS accounts per ledger"
"${DBSH[@]}" seed "$ACCOUNTS" "$BALANCE"
if [ "$SAGAS" = 1 ]; then
    if [ "$QUICK" = 1 ]; then CONCURRENCIES=8; : "${OUTAGE_SECONDS:=10}"; else CONCURRENCIES=8,32; : "${OUTAGE_SECONDS:=20}"; fi
    [ -n "${PLAN_SET:-}" ] && CONCURRENCIES="$PLAN"
    log "sagas: c = $CONCURRENCIES (warm-up $WARMUP s + measured $MEASURE s per window, eight windows per c), then a ${OUTAGE_SECONDS}-s MariaDB outage"
    java -Xmx256m -cp "$CP" io.crossbank.benchload.SagaBench \
        url="http://127.0.0.1:$APP_PORT" concurrencies="$CONCURRENCIES" warmup="$WARMUP" measure="$MEASURE" globalWarmup="$GLOBAL_WARMUP" \
        accounts="$ACCOUNTS" db="$REPO/src/bench/db.sh" out="$OUT" label="$LABEL" brokerPort="$BROKER_PORT" \
        outageSeconds="$OUTAGE_SECONDS" mysqlCrash="${XADB[*]} crash-mysql" mysqlStart="${XADB[*]} start-mysql" \
        expectedTotal="$(echo "$BALANCE * 2 * $ACCOUNTS" | bc)"
elif [ "$EVENTS" = 1 ]; then
    if [ "$QUICK" = 1 ]; then CONCURRENCIES=8; BACKLOG_SECONDS=10; else CONCURRENCIES=1,8,32; BACKLOG_SECONDS=30; fi
    [ -n "${PLAN_SET:-}" ] && CONCURRENCIES="$PLAN"
    log "events: c = $CONCURRENCIES (warm-up $WARMUP s + measured $MEASURE s per window, four windows per c), then a ${BACKLOG_SECONDS}-s backlog"
    java -Xmx256m -cp "$CP" io.crossbank.benchload.EventsBench \
        url="http://127.0.0.1:$APP_PORT" concurrencies="$CONCURRENCIES" warmup="$WARMUP" measure="$MEASURE" globalWarmup="$GLOBAL_WARMUP" \
        accounts="$ACCOUNTS" appPid="$APP_PID" db="$REPO/src/bench/db.sh" out="$OUT" label="$LABEL" brokerPort="$BROKER_PORT" \
        backlogSeconds="$BACKLOG_SECONDS" brokerStop="${BROKER[*]} stop" brokerStart="${BROKER[*]} start"
else
log "sweep: $PLAN (warm-up $WARMUP s + measured $MEASURE s per window, two windows per cell)"
java -Xmx256m -Dclk.tck="$(getconf CLK_TCK)" -cp "$CP" io.crossbank.benchload.Sweep \
    url="http://127.0.0.1:$APP_PORT" plan="$PLAN" warmup="$WARMUP" measure="$MEASURE" globalWarmup="$GLOBAL_WARMUP" \
    accounts="$ACCOUNTS" hotAccounts="$HOT_ACCOUNTS" balance="$BALANCE" appPid="$APP_PID" pgPid="$PG_PID" myPid="$MY_PID" \
    db="$REPO/src/bench/db.sh" out="$OUT" label="$LABEL" objectStore="$OBJECT_STORES" env="$ENV_FILE" startup="$STARTUP_FILE" \
    yieldBudget="$YIELD_BUDGET" brokerPort="$BROKER_PORT" appOpts="$APP_OPTS${PG_URL_PARAMS:+ pg:$PG_URL_PARAMS}${MYSQL_URL_PARAMS:+ mysql:$MYSQL_URL_PARAMS}" \
    ownApps="$OWN_APPS" "${NET_ARGS[@]}"
fi
if [ "$PROFILE" = 1 ]; then
    jcmd "$APP_PID" JFR.dump name=bench filename="$WORK/app.jfr" >/dev/null
    java -cp "$WORK/classes" io.crossbank.benchload.Profile "$WORK/app.jfr" "$OUT/windows.tsv" "$OUT/profile.md" | tail -n +6
    cp "$WORK/app.jfr" "$OUT/app.jfr"
fi
grep -E 'WARN|ERROR' "$WORK/app.log" | grep -v 'Retry-After' | head -5 >&2 || true
mkdir -p "$OUT/run" && cp "$WORK"/*.log "$WORK"/*.properties "$WORK"/*.txt "$OUT/run/" 2>/dev/null || true
if [ "$SAGAS" = 1 ]; then log "report: $OUT/sagas.md, $OUT/sagas.json"; elif [ "$EVENTS" = 1 ]; then log "report: $OUT/events.md, $OUT/events.json"; else
log "report: $OUT/summary.md, $OUT/results.json, $OUT/plot.svg$([ "$PROFILE" = 1 ] && echo ", $OUT/profile.md")"; fi
