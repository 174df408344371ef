#!/usr/bin/env bash
# Tuning levers of issue #4, each measured as a before/after ratio against the configuration as it is:
# one short run.sh sweep per lever (xa and baseline, A B B A, at c = 8 and 32, after a 90 s warm-up: shorter ones
# left the JIT still compiling and the runs within +-35 % of each other), the untouched configuration
# first and again last: their mean is "before", their spread the noise floor. Writes target/bench/levers/summary.md.
#
#   bash src/bench/levers.sh [--jar PATH] [--only default,pool-8,pg-commit-delay,...] [--plan SPEC] [--measure S] [--global-warmup S] [--yield-budget S] [--out DIR]
#
# Like run.sh, each run yields to a test suite sharing the machine (here at most 60 s per run).
#
# A lever marked "weakens durability" is measured to show what it would buy, never to be adopted.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$REPO/target/bench/levers"
BUILD_DIR="${CROSSBANK_BENCH_BUILD_DIR:-${TMPDIR:-/tmp}/crossbank-bench-build}"
JAR=""
ONLY=""
PLAN="8=xa,baseline;32=xa,baseline"
WARMUP=2
MEASURE=6
GLOBAL_WARMUP=90
YIELD_BUDGET=60
while [ $# -gt 0 ]; do
    case "$1" in
        --jar) JAR="$2"; shift ;;
        --only) ONLY=",$2," ; shift ;;
        --plan) PLAN="$2"; shift ;;
        --measure) MEASURE="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --global-warmup) GLOBAL_WARMUP="$2"; shift ;;
        --yield-budget) YIELD_BUDGET="$2"; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if [ -z "$JAR" ]; then
    mkdir -p "$BUILD_DIR"
    rsync -a --delete --exclude target --exclude .git "$REPO/" "$BUILD_DIR/"
    # The benchmark endpoints exist only in a build that asks for them (@EndpointDisabled, see BenchResource).
    (cd "$BUILD_DIR" && ./mvnw -q package -DskipTests -Dcrossbank.db.skip=true -Dcrossbank.bench.baseline.enabled=true)
    JAR="$BUILD_DIR/target/quarkus-app/quarkus-run.jar"
fi
mkdir -p "$OUT"
trap 'CROSSBANK_PG_PORT=${CROSSBANK_BENCH_PG_PORT:-35432} CROSSBANK_MYSQL_PORT=${CROSSBANK_BENCH_MYSQL_PORT:-33306} bash "$REPO/src/build/xa-databases.sh" stop >/dev/null 2>&1 || true; bash "$REPO/src/build/rabbitmq.sh" --port "${CROSSBANK_BENCH_BROKER_PORT:-35674}" stop >/dev/null 2>&1 || true' EXIT

lever() {
    local name="$1" weakens="$2" description="$3"; shift 3
    if [ -n "$ONLY" ] && [[ "$ONLY" != *",$name,"* ]]; then return; fi
    echo "=== lever $name: $description"
    bash "$REPO/src/bench/run.sh" --jar "$JAR" --keep-db --no-fsync-test --plan "$PLAN" --warmup "$WARMUP" --measure "$MEASURE" \
        --global-warmup "$GLOBAL_WARMUP" --no-wait --yield-budget "$YIELD_BUDGET" --label "lever $name" --out "$OUT/$name" "$@" | grep -E '^\[bench|^\| (xa|baseline) \| [0-9]+ \| [0-9]+ \|' || true
    printf '%s\t%s\t%s\n' "$name" "$weakens" "$description" >>"$OUT/levers.tsv"
}

: >"$OUT/levers.tsv"
lever default no "the configuration as committed (pools 20, Narayana file store, G1)"
lever pool-8 no "both ledger pools (and the baseline's twins) max-size 20 -> 8" \
    --app-opts "-Dquarkus.datasource.postgres.jdbc.max-size=8 -Dquarkus.datasource.mysql.jdbc.max-size=8"
lever pool-40 no "both ledger pools max-size 20 -> 40" \
    --app-opts "-Dquarkus.datasource.postgres.jdbc.max-size=40 -Dquarkus.datasource.mysql.jdbc.max-size=40"
lever mysql-stmt-cache no "Connector/J: cachePrepStmts, useServerPrepStmts, useLocalSessionState (pgjdbc already caches)" \
    --mysql-url-params "cachePrepStmts=true&useServerPrepStmts=true&useLocalSessionState=true"
lever mysql-local-state no "Connector/J: useLocalSessionState, useLocalTransactionState (no round trip to ask the server what the driver knows)" \
    --mysql-url-params "useLocalSessionState=true&useLocalTransactionState=true"
lever workers-16 no "quarkus.thread-pool.max-threads 200 -> 16 (worker threads)" \
    --app-opts "-Dquarkus.thread-pool.max-threads=16"
lever parallel-gc no "JVM: ParallelGC instead of G1 (2 cores, 512 MiB heap)" \
    --jvm-opts "-Xmx512m -XX:+UseParallelGC"
lever narayana-async no "Narayana prepares and commits the two branches in parallel (CoordinatorEnvironmentBean.asyncPrepare/asyncCommit)" \
    --app-opts "-DCoordinatorEnvironmentBean.asyncPrepare=true -DCoordinatorEnvironmentBean.asyncCommit=true"
lever narayana-no-sync yes "Narayana object store without fsync (ObjectStoreEnvironmentBean.transactionSync=false)" \
    --app-opts "-DObjectStoreEnvironmentBean.transactionSync=false"
# Group commit on PostgreSQL: the WAL flush leader sleeps commit_delay µs (if commit_siblings other transactions are
# active) so that more commits share its fsync. Since 9.3 the sleep is in XLogFlush itself, so it also covers
# PREPARE TRANSACTION (EndPrepare) and COMMIT PREPARED (RecordTransactionCommitPrepared), both of which flush there.
# 100 µs: about the time of one 8 kB fdatasync here (pg_test_fsync ~9,000/s), the docs' starting point being half of it.
lever pg-commit-delay no "PostgreSQL group commit: commit_delay=100 µs, commit_siblings=2 (prepare, commit prepared and plain commits)" \
    --pg-settings "commit_delay=100 commit_siblings=2"
lever default-again no "the configuration as committed, again (noise floor)"

# Compare: for each lever and concurrency, xa and baseline throughput, and the ratios after/before.
awk -F'\t' -v out="$OUT" '
    # "before": the unchanged configuration, averaged over its first and last run when both exist
    function before(a, mode, c) { return ((run_seen["default-again"] && a["default-again", mode, c] != "") ? (a["default", mode, c] + a["default-again", mode, c]) / 2 : a["default", mode, c]) }
    FNR == 1 { k = split(FILENAME, parts, "/"); run = parts[k - 1]; next }
    FILENAME ~ /levers.tsv$/ { next }
    $3 == "-" { run_seen[run] = 1; tput[run, $1, $2] = $4; p99[run, $1, $2] = $6; cpu[run, $1, $2] = $7; cs[$2] = 1 }
    END {
        m = 0; for (c in cs) clist[++m] = c + 0
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (clist[j] < clist[i]) { t = clist[i]; clist[i] = clist[j]; clist[j] = t }
        while ((getline line < (out "/levers.tsv")) > 0) { split(line, f, "\t"); n++; name[n] = f[1]; weak[n] = f[2]; desc[n] = f[3] }
        print "# Tuning levers (issue #4)\n"
        print "Each lever is one short run (xa and baseline interleaved A B B A, two windows per cell), compared with"
        print "the unchanged configuration (the mean of `default`, run first, and `default-again`, run last). after/before > 1 is better"
        print "for throughput, < 1 better for p99; how far `default` and `default-again` fall from 1.00 is the noise.\n"
        print "| lever | c | xa tx/s | xa after/before | baseline tx/s | xa / baseline | ratio after/before | xa p99 ms | p99 after/before | app CPU ms per xa tx | weakens durability |"
        print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
        for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) {
            c = clist[j]
            r = name[i]; if (tput[r, "xa", c] == "") continue
            x = tput[r, "xa", c]; b = tput[r, "baseline", c]; x0 = before(tput, "xa", c); b0 = before(tput, "baseline", c)
            p0 = before(p99, "xa", c)
            printf "| %s | %s | %.0f | %.2f | %.0f | %.2f | %.2f | %.1f | %.2f | %s | %s |\n", r, c, x, (x0 > 0 ? x / x0 : 0), b,
                (b > 0 ? x / b : 0), ((b > 0 && b0 > 0 && x0 > 0) ? (x / b) / (x0 / b0) : 0), p99[r, "xa", c],
                (p0 > 0 ? p99[r, "xa", c] / p0 : 0), cpu[r, "xa", c], (weak[i] == "yes" ? "**yes: not adopted**" : "no")
        }
        print ""
        for (i = 1; i <= n; i++) printf "- `%s`: %s\n", name[i], desc[i]
    }' "$OUT/levers.tsv" "$OUT"/*/cells.tsv >"$OUT/summary.md"
cat "$OUT/summary.md"
