#!/usr/bin/env bash
# Both databases behind a simulated network (issue #12): the same sweep of xa, xa-cmr and the baseline at c = 1, 8 and
# 32 on loopback, then through DelayProxy at 0.25 ms and 1 ms each way (run.sh --network-delay), one run.sh per
# network (the app's pools connect at start), same jar; and through the proxies without delay (0), which is what the
# proxies themselves cost. Writes target/bench/network/summary.md: throughput, the
# ratios and p99 per network beside loopback, and the round trips per transfer (counted by the proxies, and implied by
# the rise of latency at c = 1: (p50 at the delay - p50 through the proxies without delay) / round-trip time).
#
#   bash src/bench/network.sh [--jar PATH] [--delays none,0,0.25,1] [--plan SPEC] [--warmup S] [--measure S]
#                             [--global-warmup S] [--out DIR] [--no-wait] [--resume]
#
# About 4 x 9 minutes with the defaults (3 s + 10 s windows, 60 s warm-up); --measure 4 --warmup 1 --global-warmup 10
# for a check. "none": loopback without proxies; "0": the proxies without delay (what they cost themselves).
# --resume: keep the networks already measured in DIR (their cells.tsv), run only the others.
# --no-wait: do not wait for test suites sharing the machine at all (run.sh --no-wait --yield-budget 0).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$REPO/target/bench/network"
BUILD_DIR="${CROSSBANK_BENCH_BUILD_DIR:-${TMPDIR:-/tmp}/crossbank-bench-build}"
JAR=""
DELAYS="none,0,0.25,1"
MODES="xa,xa-cmr,baseline"
PLAN="1=$MODES;8=$MODES;32=$MODES"
WARMUP=3
MEASURE=10
GLOBAL_WARMUP=60
WAIT=()
RESUME=0
while [ $# -gt 0 ]; do
    case "$1" in
        --jar) JAR="$2"; shift ;;
        --delays) DELAYS="$2"; shift ;;
        --plan) PLAN="$2"; shift ;;
        --warmup) WARMUP="$2"; shift ;;
        --measure) MEASURE="$2"; shift ;;
        --global-warmup) GLOBAL_WARMUP="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --resume) RESUME=1 ;;
        --no-wait) WAIT=(--no-wait --yield-budget 0) ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if [ -z "$JAR" ]; then
    mkdir -p "$BUILD_DIR"
    rsync -a --delete --exclude target --exclude .git "$REPO/" "$BUILD_DIR/"
    # The benchmark endpoints exist only in a build that asks for them (@EndpointDisabled, see BenchResource).
    (cd "$BUILD_DIR" && ./mvnw -q package -DskipTests -Dcrossbank.db.skip=true -Dcrossbank.broker.skip=true -Dcrossbank.bench.baseline.enabled=true)
    JAR="$BUILD_DIR/target/quarkus-app/quarkus-run.jar"
fi
mkdir -p "$OUT"
trap 'CROSSBANK_PG_PORT=${CROSSBANK_BENCH_PG_PORT:-35432} CROSSBANK_MYSQL_PORT=${CROSSBANK_BENCH_MYSQL_PORT:-33306} bash "$REPO/src/build/xa-databases.sh" stop >/dev/null 2>&1 || true; bash "$REPO/src/build/rabbitmq.sh" --port "${CROSSBANK_BENCH_BROKER_PORT:-35674}" stop >/dev/null 2>&1 || true' EXIT

for delay in ${DELAYS//,/ }; do
    if [ "$RESUME" = 1 ] && [ -f "$OUT/$delay/cells.tsv" ]; then echo "=== network: $delay (already measured)"; continue; fi
    echo "=== network: $delay"
    net=()
    [ "$delay" != none ] && net=(--network-delay "$delay")
    bash "$REPO/src/bench/run.sh" --jar "$JAR" --keep-db --no-fsync-test --plan "$PLAN" --warmup "$WARMUP" --measure "$MEASURE" \
        --global-warmup "$GLOBAL_WARMUP" "${WAIT[@]}" --label "network $delay" --out "$OUT/$delay" "${net[@]}" | grep -E '^\[bench' || true
done

# One table: per network and concurrency, each mode's tx/s and p99, the ratios; then c = 1 latency against loopback.
awk -F'\t' -v delays="$DELAYS" -v modes="$MODES" '
    FNR == 1 { k = split(FILENAME, parts, "/"); run = parts[k - 1]; next }
    $3 == "-" { tput[run, $1, $2] = $4; p50[run, $1, $2] = $5; p99[run, $1, $2] = $6; pgrt[run, $1, $2] = $12; myrt[run, $1, $2] = $13; cs[$2] = 1 }
    END {
        nd = split(delays, d, ","); nm = split(modes, m, ",")
        n = 0; for (c in cs) cl[++n] = c + 0
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (cl[j] < cl[i]) { t = cl[i]; cl[i] = cl[j]; cl[j] = t }
        print "# Through a simulated network (issue #12)\n"
        print "Both databases behind DelayProxy (user space: this kernel has no netem), the given one-way delay on every"
        print "connection of the apps; \"none\" is loopback without the proxies. Runs one after the other, same jar and databases.\n"
        printf "| network (one way) | c |"; for (i = 1; i <= nm; i++) printf " %s tx/s |", m[i]
        for (i = 1; i <= nm; i++) if (m[i] != "baseline") printf " **%s / baseline** |", m[i]
        for (i = 1; i <= nm; i++) printf " %s p99 ms |", m[i]; print ""
        printf "|---|---:|"; for (i = 1; i <= nm; i++) printf "---:|"; for (i = 1; i <= nm; i++) if (m[i] != "baseline") printf "---:|"
        for (i = 1; i <= nm; i++) printf "---:|"; print ""
        for (a = 1; a <= nd; a++) for (j = 1; j <= n; j++) {
            r = d[a]; c = cl[j]; if (tput[r, m[1], c] == "") continue
            printf "| %s | %s |", (r == "none" ? "loopback" : r " ms"), c
            for (i = 1; i <= nm; i++) printf " %.0f |", tput[r, m[i], c]
            b = tput[r, "baseline", c]
            for (i = 1; i <= nm; i++) if (m[i] != "baseline") printf " **%.2f** |", (b > 0 ? tput[r, m[i], c] / b : 0)
            for (i = 1; i <= nm; i++) printf " %.1f |", p99[r, m[i], c]
            print ""
        }
        print "\n## Round trips per transfer (c = 1)\n"
        ref = ("" p50["0", m[1], 1] != "") ? "0" : "none"
        print "Counted: by the proxies, PostgreSQL + MariaDB (every connection of the apps: pools, recovery and the outbox relay, whose"
        print "round trips are off the request path; the idle apps\x27 background subtracted). Implied: (p50 - reference p50) / (2 x delay),"
        print "the reference being " (ref == "0" ? "the proxies without delay (their own cost taken out)" : "loopback (no 0-ms run: the proxies\x27 own cost is in)") ".\n"
        print "| network (one way) | mode | p50 ms | reference p50 ms | implied round trips | counted PostgreSQL + MariaDB |"
        print "|---|---|---:|---:|---:|---|"
        for (a = 1; a <= nd; a++) for (i = 1; i <= nm; i++) {
            r = d[a]; if (r == "none" || r == 0 || p50[r, m[i], 1] == "") continue
            base = p50[ref, m[i], 1]
            printf "| %s ms | %s | %.2f | %s | %s | %s + %s |\n", r, m[i], p50[r, m[i], 1], (base == "" ? "–" : sprintf("%.2f", base)),
                (base == "" ? "–" : sprintf("%.1f", (p50[r, m[i], 1] - base) / (2 * r))), pgrt[r, m[i], 1], myrt[r, m[i], 1]
        }
    }' $(for delay in ${DELAYS//,/ }; do [ -f "$OUT/$delay/cells.tsv" ] && echo "$OUT/$delay/cells.tsv"; done) >"$OUT/summary.md"
cat "$OUT/summary.md"
