package io.crossbank.benchload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

import io.crossbank.benchload.ClosedLoop.Mode;

/**
 * Saga against XA against two local commits (issue #11): {@code run.sh --sagas} runs this instead of the sweep, on the
 * same packaged app, databases and broker.
 *
 * <ol>
 * <li>At each concurrency, windows xa, saga, saga-accepted, baseline, then back in reverse order (slow drift cancels).
 * Latency to the answer is the client's; latency to settlement (step 1 to step 3, how long the money is visibly held)
 * comes from each saga's committed event at the {@link EventTap}: its {@code time} minus its data's {@code createdAt}.</li>
 * <li>The outage: MariaDB is killed, sagas from PostgreSQL to MySQL are still accepted (202) for a while, MariaDB is
 * started again, and the time until no saga is pending is what a ledger's return costs.</li>
 * <li>Audit: nothing pending, nothing held, no negative balance, nothing prepared.</li>
 * </ol>
 */
public final class SagaBench {

    private static final List<Mode> MODES = List.of(Mode.XA, Mode.SAGA, Mode.SAGA_ACCEPTED, Mode.BASELINE);

    private final Map<String, String> args;
    private final ClosedLoop loop;

    private SagaBench(Map<String, String> args) {
        this.args = args;
        this.loop = new ClosedLoop(args.get("url"), Integer.parseInt(args.get("accounts")));
    }

    public static void main(String[] argv) throws Exception {
        new SagaBench(Args.of(argv)).run();
    }

    private void run() throws Exception {
        double warmup = Double.parseDouble(args.get("warmup"));
        double measure = Double.parseDouble(args.get("measure"));
        double globalWarmup = Double.parseDouble(args.get("globalWarmup"));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("startedAt", Instant.now().toString());
        report.put("label", args.getOrDefault("label", ""));
        try (EventTap tap = EventTap.start("127.0.0.1", Integer.parseInt(args.get("brokerPort")))) {
            log("global warm-up: %.0f s at c=8 over %s (not recorded)", globalWarmup, MODES);
            for (Mode mode : MODES) {
                loop.run(mode, 8, Integer.MAX_VALUE, 0, globalWarmup / MODES.size(), start -> { });
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String c : args.get("concurrencies").split(",")) {
                int concurrency = Integer.parseInt(c.trim());
                Map<Mode, Cell> cells = new LinkedHashMap<>();
                MODES.forEach(m -> cells.put(m, new Cell()));
                List<Mode> order = new ArrayList<>(MODES);
                List<Mode> back = new ArrayList<>(MODES);
                Collections.reverse(back);
                order.addAll(back);
                for (Mode mode : order) {
                    window(mode, concurrency, cells.get(mode), tap, warmup, measure);
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("concurrency", concurrency);
                cells.forEach((mode, cell) -> row.put(mode.label, cell.summary()));
                double saga = cells.get(Mode.SAGA).txPerSecond();
                row.put("sagaOverXa", saga / cells.get(Mode.XA).txPerSecond());
                row.put("sagaOverBaseline", saga / cells.get(Mode.BASELINE).txPerSecond());
                row.put("sagaAcceptedOverXa", cells.get(Mode.SAGA_ACCEPTED).txPerSecond() / cells.get(Mode.XA).txPerSecond());
                rows.add(row);
                log("c=%d: saga/xa %.2f, saga/baseline %.2f", concurrency, row.get("sagaOverXa"), row.get("sagaOverBaseline"));
            }
            report.put("cells", rows);
            awaitNoPendingSaga(120);
            report.put("outage", outage(tap));
            report.put("audit", audit());
        }
        report.put("finishedAt", Instant.now().toString());
        Path out = Path.of(args.get("out"));
        Files.createDirectories(out);
        Files.writeString(out.resolve("sagas.json"), Json.write(report));
        String markdown = markdown(report);
        Files.writeString(out.resolve("sagas.md"), markdown);
        System.out.println();
        System.out.print(markdown);
    }

    /** One mode at one concurrency, summed over its windows. */
    private static final class Cell {
        final Histogram latency = ClosedLoop.histogram();
        final Histogram settlement = ClosedLoop.histogram();
        final Map<String, Long> statuses = new TreeMap<>();
        long ok;
        double seconds;

        double txPerSecond() {
            return ok / seconds;
        }

        Map<String, Object> summary() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("txPerSecond", txPerSecond());
            s.put("ackP50Ms", latency.getValueAtPercentile(50) / 1000.0);
            s.put("ackP99Ms", latency.getValueAtPercentile(99) / 1000.0);
            s.put("settledP50Ms", settlement.getTotalCount() == 0 ? null : settlement.getValueAtPercentile(50) / 1000.0);
            s.put("settledP99Ms", settlement.getTotalCount() == 0 ? null : settlement.getValueAtPercentile(99) / 1000.0);
            s.put("settledMaxMs", settlement.getTotalCount() == 0 ? null : settlement.getMaxValue() / 1000.0);
            s.put("statuses", statuses);
            return s;
        }
    }

    private void window(Mode mode, int concurrency, Cell cell, EventTap tap, double warmup, double measure) throws Exception {
        Histogram[] settled = new Histogram[1];
        ClosedLoop.Result result = loop.run(mode, concurrency, Integer.MAX_VALUE, warmup, measure, start -> {
            if (start) {
                tap.takeSettlement();
            } else {
                settled[0] = tap.takeSettlement();
            }
        });
        cell.ok += result.okCount();
        cell.seconds += result.measuredNanos / 1e9;
        cell.latency.add(result.ok);
        boolean saga = mode == Mode.SAGA || mode == Mode.SAGA_ACCEPTED;
        if (saga) {
            cell.settlement.add(settled[0]);
        }
        result.byStatus.forEach((k, v) -> cell.statuses.merge(k, v, Long::sum));
        EventsBench.log("%-13s c=%-3d %7.1f tx/s  ack p99 %6.1f ms  settled p99 %s ms  statuses %s", mode.label, concurrency,
                result.okCount() / (result.measuredNanos / 1e9), result.ok.getValueAtPercentile(99) / 1000.0,
                saga ? String.format(Locale.ROOT, "%.1f", settled[0].getValueAtPercentile(99) / 1000.0) : "-", result.byStatus);
    }

    /** MariaDB killed, sagas still accepted, MariaDB back: how long until none is pending. */
    private Map<String, Object> outage(EventTap tap) throws Exception {
        double seconds = Double.parseDouble(args.get("outageSeconds"));
        log("outage: killing MariaDB, then %.0f s of sagas from PostgreSQL to MySQL at c=8 (Prefer: wait=0)", seconds);
        EventsBench.shell(args.get("mysqlCrash"));
        ClosedLoop.Result load = loop.run(Mode.SAGA_ACCEPTED_PG_TO_MY, 8, Integer.MAX_VALUE, 0, seconds, start -> { });
        long[] before = sagas("postgres");
        log("outage: %d sagas answered (%.1f/s, statuses %s); %d pending, %s held", load.okCount(), load.okCount() / (load.measuredNanos / 1e9),
                load.byStatus, before[0], before[1]);
        long startAsked = System.nanoTime();
        EventsBench.shell(args.get("mysqlStart"));
        long ready = System.nanoTime();
        long settled = -1;
        while (System.nanoTime() - ready < 600e9) {
            if (sagas("postgres")[0] == 0) {
                settled = System.nanoTime();
                break;
            }
            Thread.sleep(200);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("acceptedWhileDown", load.okCount());
        o.put("acceptedPerSecond", load.okCount() / (load.measuredNanos / 1e9));
        o.put("statusesWhileDown", load.byStatus);
        o.put("ackP99MsWhileDown", load.ok.getValueAtPercentile(99) / 1000.0);
        o.put("pendingAtReturn", before[0]);
        o.put("mariadbRestartSeconds", (ready - startAsked) / 1e9);
        o.put("allSettledSecondsAfterReturn", settled < 0 ? null : (settled - ready) / 1e9);
        log("outage: MariaDB back in %.1f s; all sagas settled %s s after", o.get("mariadbRestartSeconds"), o.get("allSettledSecondsAfterReturn"));
        return o;
    }

    private Map<String, Object> audit() throws Exception {
        Map<String, String> sql = EventsBench.keyValues(EventsBench.shellOutput(List.of("bash", args.get("db"), "audit")));
        long[] sagas = sagas();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pending", sagas[0]);
        a.put("held", sagas[1]);
        a.put("pgPrepared", sql.get("pg_prepared"));
        a.put("myPrepared", sql.get("my_prepared"));
        a.put("total", new java.math.BigDecimal(sql.get("pg_sum")).add(new java.math.BigDecimal(sql.get("my_sum"))).toPlainString());
        List<String> failures = new ArrayList<>();
        if (sagas[0] != 0 || sagas[1] != 0) {
            failures.add(sagas[0] + " sagas pending, " + sagas[1] + " held");
        }
        if (!"0".equals(sql.get("pg_negative")) || !"0".equals(sql.get("my_negative"))) {
            failures.add("negative balances");
        }
        if (!"0".equals(sql.get("pg_prepared")) || !"0".equals(sql.get("my_prepared"))) {
            failures.add("prepared branches left");
        }
        String expected = args.get("expectedTotal");
        if (expected != null && new java.math.BigDecimal(expected).compareTo(new java.math.BigDecimal((String) a.get("total"))) != 0) {
            failures.add("money not conserved: " + a.get("total") + " != " + expected);
        }
        a.put("verdict", failures.isEmpty() ? "ok" : String.join("; ", failures));
        log("audit: %s", a);
        return a;
    }

    private void awaitNoPendingSaga(int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (sagas()[0] > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    /** Sagas pending in both ledgers, and the money held for them (whole units, rounded down). */
    private long[] sagas() throws Exception {
        return sagas("both");
    }

    /** The same for the sagas PostgreSQL holds ("postgres") or both ledgers' ("both"). */
    private long[] sagas(String ledgers) throws Exception {
        List<String> command = ledgers.equals("postgres") ? List.of("bash", args.get("db"), "sagas", "postgres")
                : List.of("bash", args.get("db"), "sagas");
        String[] parts = EventsBench.shellOutput(command).trim().split("\\s+");
        return new long[] { Long.parseLong(parts[0]), new java.math.BigDecimal(parts[1]).longValue() };
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> report) {
        StringBuilder md = new StringBuilder("# Saga against XA against two local commits\n\n");
        md.append("Run ").append(report.get("label")).append(", ").append(report.get("startedAt")).append(" to ")
                .append(report.get("finishedAt")).append(".\n\n");
        md.append("| c | mode | tx/s | ack p50 | ack p99 | settled p50 | settled p99 | statuses |\n|---|---|---:|---:|---:|---:|---:|---|\n");
        for (Map<String, Object> row : (List<Map<String, Object>>) report.get("cells")) {
            for (Mode mode : MODES) {
                Map<String, Object> c = (Map<String, Object>) row.get(mode.label);
                md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.1f ms | %.1f ms | %s | %s | %s |%n", row.get("concurrency"), mode.label,
                        c.get("txPerSecond"), c.get("ackP50Ms"), c.get("ackP99Ms"), ms(c.get("settledP50Ms")), ms(c.get("settledP99Ms")),
                        c.get("statuses")));
            }
            md.append(String.format(Locale.ROOT, "| %s | **ratios** | saga / xa **%.2f**, saga / baseline **%.2f**, saga-accepted / xa %.2f | | | | | |%n",
                    row.get("concurrency"), row.get("sagaOverXa"), row.get("sagaOverBaseline"), row.get("sagaAcceptedOverXa")));
        }
        Map<String, Object> o = (Map<String, Object>) report.get("outage");
        md.append("\n**MariaDB killed**: ").append(o.get("acceptedWhileDown")).append(" sagas from PostgreSQL to MySQL accepted while it was down (")
                .append(EventsBench.fmt(o.get("acceptedPerSecond"))).append("/s, statuses ").append(o.get("statusesWhileDown"))
                .append(", ack p99 ").append(EventsBench.fmt(o.get("ackP99MsWhileDown"))).append(" ms), ").append(o.get("pendingAtReturn"))
                .append(" pending when it returned; MariaDB restart ").append(EventsBench.fmt(o.get("mariadbRestartSeconds")))
                .append(" s; **all settled ").append(EventsBench.fmt(o.get("allSettledSecondsAfterReturn"))).append(" s after it was back**.\n");
        Map<String, Object> a = (Map<String, Object>) report.get("audit");
        md.append("\n**Audit**: ").append(a.get("verdict")).append(" (pending ").append(a.get("pending")).append(", held ").append(a.get("held"))
                .append(", money in both ledgers ").append(a.get("total")).append(", prepared ").append(a.get("pgPrepared")).append(" / ")
                .append(a.get("myPrepared")).append(").\n");
        return md.toString();
    }

    private static String ms(Object value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.1f ms", ((Number) value).doubleValue());
    }

    private static void log(String format, Object... values) {
        EventsBench.log(format, values);
    }
}
