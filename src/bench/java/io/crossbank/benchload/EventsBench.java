package io.crossbank.benchload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

import io.crossbank.benchload.ClosedLoop.Mode;

/**
 * What transfer events cost, and how fast they flow (issue #10): {@code run.sh --events} runs this instead of the
 * sweep, on the same packaged app, databases and private broker.
 *
 * <ol>
 * <li>At each concurrency, windows in the order xa, xa-no-events, xa-no-events, xa (slow drift cancels): XA
 * transfers with their outbox row and the relay publishing to a bound queue, against the same path without the row.
 * The ratio of the two is what the outbox costs. The {@link EventTap} gives events/s delivered and the lag from a
 * transfer's creation to its event's arrival.</li>
 * <li>The backlog: the broker is stopped, XA transfers go on for a while (their events wait in the outboxes), the
 * broker is started again, and the time until both outboxes are confirmed empty is the drain time; the backlog over
 * it is the relay's rate when it has work queued.</li>
 * <li>Audit: every outbox row confirmed, every event id at the tap, money conserved, nothing prepared.</li>
 * </ol>
 */
public final class EventsBench {

    private final Map<String, String> args;
    private final ClosedLoop loop;
    private final long appPid;

    private EventsBench(Map<String, String> args) {
        this.args = args;
        this.loop = new ClosedLoop(args.get("url"), Integer.parseInt(args.get("accounts")));
        this.appPid = Long.parseLong(args.get("appPid"));
    }

    public static void main(String[] argv) throws Exception {
        new EventsBench(Args.of(argv)).run();
    }

    private void run() throws Exception {
        double warmup = Double.parseDouble(args.get("warmup"));
        double measure = Double.parseDouble(args.get("measure"));
        double globalWarmup = Double.parseDouble(args.get("globalWarmup"));
        List<Integer> concurrencies = new ArrayList<>();
        for (String c : args.get("concurrencies").split(",")) {
            concurrencies.add(Integer.parseInt(c.trim()));
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("startedAt", Instant.now().toString());
        report.put("label", args.getOrDefault("label", ""));
        try (EventTap tap = EventTap.start("127.0.0.1", Integer.parseInt(args.get("brokerPort")))) {
            log("global warm-up: %.0f s at c=8 over xa and xa-no-events (not recorded)", globalWarmup);
            loop.run(Mode.XA, 8, Integer.MAX_VALUE, 0, globalWarmup / 2, start -> { });
            loop.run(Mode.XA_NO_EVENTS, 8, Integer.MAX_VALUE, 0, globalWarmup / 2, start -> { });

            List<Map<String, Object>> cells = new ArrayList<>();
            for (int c : concurrencies) {
                Cell xa = new Cell(Mode.XA, c);
                Cell none = new Cell(Mode.XA_NO_EVENTS, c);
                for (Cell cell : List.of(xa, none, none, xa)) {
                    window(cell, tap, warmup, measure);
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("concurrency", c);
                row.put("xa", xa.summary());
                row.put("xaNoEvents", none.summary());
                row.put("ratio", xa.txPerSecond() / none.txPerSecond());
                row.put("cpuRatio", none.appCpuMsPerTransfer() / xa.appCpuMsPerTransfer());
                cells.add(row);
                log("c=%d: xa %.1f tx/s, xa-no-events %.1f tx/s, ratio %.3f; events %.1f/s, lag p50 %.1f ms p99 %.1f ms", c,
                        xa.txPerSecond(), none.txPerSecond(), xa.txPerSecond() / none.txPerSecond(), xa.eventsPerSecond(),
                        xa.lag.getValueAtPercentile(50) / 1000.0, xa.lag.getValueAtPercentile(99) / 1000.0);
            }
            report.put("cells", cells);
            awaitOutboxesSent(120);
            report.put("backlog", backlog(tap));
            report.put("audit", audit(tap));
        }
        report.put("finishedAt", Instant.now().toString());
        Path out = Path.of(args.get("out"));
        Files.createDirectories(out);
        Files.writeString(out.resolve("events.json"), Json.write(report));
        String markdown = markdown(report);
        Files.writeString(out.resolve("events.md"), markdown);
        System.out.println();
        System.out.print(markdown);
    }

    /** One mode at one concurrency, summed over its windows. */
    private final class Cell {
        final Mode mode;
        final int concurrency;
        final Histogram latency = ClosedLoop.histogram();
        final Histogram lag = ClosedLoop.histogram();
        final Map<String, Long> statuses = new TreeMap<>();
        long ok;
        long events;
        double seconds;
        double appCpuSeconds;

        Cell(Mode mode, int concurrency) {
            this.mode = mode;
            this.concurrency = concurrency;
        }

        double txPerSecond() {
            return ok / seconds;
        }

        double eventsPerSecond() {
            return events / seconds;
        }

        double appCpuMsPerTransfer() {
            return appCpuSeconds * 1000 / ok;
        }

        Map<String, Object> summary() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("txPerSecond", txPerSecond());
            s.put("p50Ms", latency.getValueAtPercentile(50) / 1000.0);
            s.put("p99Ms", latency.getValueAtPercentile(99) / 1000.0);
            s.put("appCpuMsPerTransfer", appCpuMsPerTransfer());
            s.put("eventsPerSecond", eventsPerSecond());
            s.put("lagP50Ms", lag.getTotalCount() == 0 ? null : lag.getValueAtPercentile(50) / 1000.0);
            s.put("lagP99Ms", lag.getTotalCount() == 0 ? null : lag.getValueAtPercentile(99) / 1000.0);
            s.put("lagMaxMs", lag.getTotalCount() == 0 ? null : lag.getMaxValue() / 1000.0);
            s.put("statuses", statuses);
            return s;
        }
    }

    private void window(Cell cell, EventTap tap, double warmup, double measure) throws Exception {
        long[] messages = new long[2];
        double[] cpu = new double[2];
        Histogram[] lag = new Histogram[1];
        ClosedLoop.Result result = loop.run(cell.mode, cell.concurrency, Integer.MAX_VALUE, warmup, measure, start -> {
            if (start) {
                tap.takeLag();
                messages[0] = tap.messages();
                cpu[0] = Proc.cpuSeconds(appPid);
            } else {
                cpu[1] = Proc.cpuSeconds(appPid);
                messages[1] = tap.messages();
                lag[0] = tap.takeLag();
            }
        });
        cell.ok += result.okCount();
        cell.seconds += result.measuredNanos / 1e9;
        cell.latency.add(result.ok);
        cell.appCpuSeconds += cpu[1] - cpu[0];
        cell.events += messages[1] - messages[0];
        cell.lag.add(lag[0]);
        result.byStatus.forEach((k, v) -> cell.statuses.merge(k, v, Long::sum));
        log("%-12s c=%-3d %7.1f tx/s  p99 %6.1f ms  events %7.1f/s  lag p99 %6.1f ms  statuses %s", cell.mode.label, cell.concurrency,
                result.okCount() / (result.measuredNanos / 1e9), result.ok.getValueAtPercentile(99) / 1000.0,
                (messages[1] - messages[0]) / (result.measuredNanos / 1e9), lag[0].getValueAtPercentile(99) / 1000.0, result.byStatus);
    }

    /** The broker stopped, transfers go on, the broker back: how long until the backlog is confirmed. */
    private Map<String, Object> backlog(EventTap tap) throws Exception {
        double seconds = Double.parseDouble(args.get("backlogSeconds"));
        log("backlog: stopping the broker, then %.0f s of xa transfers at c=8", seconds);
        shell(args.get("brokerStop"));
        ClosedLoop.Result load = loop.run(Mode.XA, 8, Integer.MAX_VALUE, 0, seconds, start -> { });
        long[] outbox = outbox();
        long backlog = outbox[1];
        log("backlog: %d transfers committed while the broker was down (%.1f tx/s, statuses %s); %d events unsent", load.okCount(),
                load.okCount() / (load.measuredNanos / 1e9), load.byStatus, backlog);
        long messagesBefore = tap.messages();
        long startAsked = System.nanoTime();
        shell(args.get("brokerStart"));
        long brokerReady = System.nanoTime();
        long firstArrival = -1;
        long drained = -1;
        while (System.nanoTime() - brokerReady < 300e9) {
            if (firstArrival < 0 && tap.messages() > messagesBefore) {
                firstArrival = System.nanoTime();
            }
            if (outbox()[1] == 0) {
                drained = System.nanoTime();
                break;
            }
            Thread.sleep(100);
        }
        if (firstArrival < 0 && tap.messages() > messagesBefore) {
            firstArrival = System.nanoTime();
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("brokerDownTransfers", load.okCount());
        b.put("brokerDownTxPerSecond", load.okCount() / (load.measuredNanos / 1e9));
        b.put("brokerDownStatuses", load.byStatus);
        b.put("backlogEvents", backlog);
        b.put("brokerRestartSeconds", (brokerReady - startAsked) / 1e9);
        b.put("firstEventAfterReadySeconds", firstArrival < 0 ? null : (firstArrival - brokerReady) / 1e9);
        b.put("drainSecondsFromBrokerReady", drained < 0 ? null : (drained - brokerReady) / 1e9);
        b.put("drainEventsPerSecond", drained < 0 || firstArrival < 0 ? null : backlog / ((drained - firstArrival) / 1e9));
        log("backlog: broker restarted in %.1f s; first event %s s after; drained %s s after it was ready", b.get("brokerRestartSeconds"),
                b.get("firstEventAfterReadySeconds"), b.get("drainSecondsFromBrokerReady"));
        return b;
    }

    private Map<String, Object> audit(EventTap tap) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long[] outbox = outbox();
        while (tap.distinctIds() < outbox[0] && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Map<String, String> sql = keyValues(shellOutput(List.of("bash", args.get("db"), "audit")));
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("outboxRows", outbox[0]);
        a.put("unsent", outbox[1]);
        a.put("distinctEventIdsAtTap", tap.distinctIds());
        a.put("messagesAtTap", tap.messages());
        a.put("pgPrepared", sql.get("pg_prepared"));
        a.put("myPrepared", sql.get("my_prepared"));
        List<String> failures = new ArrayList<>();
        if (outbox[1] != 0) {
            failures.add(outbox[1] + " events unsent");
        }
        if (tap.distinctIds() != outbox[0]) {
            failures.add("the tap has " + tap.distinctIds() + " distinct event ids for " + outbox[0] + " outbox rows");
        }
        if (!"0".equals(sql.get("pg_negative")) || !"0".equals(sql.get("my_negative"))) {
            failures.add("negative balances");
        }
        if (!"0".equals(sql.get("pg_prepared")) || !"0".equals(sql.get("my_prepared"))) {
            failures.add("prepared branches left");
        }
        a.put("verdict", failures.isEmpty() ? "ok" : String.join("; ", failures));
        log("audit: %s", a);
        return a;
    }

    private void awaitOutboxesSent(int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (outbox()[1] > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    /** Rows and unsent rows of both outboxes. */
    private long[] outbox() throws IOException, InterruptedException {
        String[] parts = shellOutput(List.of("bash", args.get("db"), "outbox")).trim().split("\\s+");
        return new long[] { Long.parseLong(parts[0]), Long.parseLong(parts[1]) };
    }

    static void shell(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command);
        }
    }

    static String shellOutput(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command + ": " + out);
        }
        return out;
    }

    static Map<String, String> keyValues(String text) {
        Map<String, String> map = new TreeMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                map.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> report) {
        StringBuilder md = new StringBuilder("# What transfer events cost\n\n");
        md.append("Run ").append(report.get("label")).append(", ").append(report.get("startedAt")).append(" to ")
                .append(report.get("finishedAt")).append(".\n\n");
        md.append("| c | xa tx/s | xa-no-events tx/s | **xa / xa-no-events** | app CPU ms per transfer (xa / no events) | xa p99 | no-events p99 | events/s | lag p50 | lag p99 | lag max |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> row : (List<Map<String, Object>>) report.get("cells")) {
            Map<String, Object> xa = (Map<String, Object>) row.get("xa");
            Map<String, Object> none = (Map<String, Object>) row.get("xaNoEvents");
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | **%.2f** | %.2f / %.2f | %.1f ms | %.1f ms | %.0f | %.1f ms | %.1f ms | %.1f ms |%n",
                    row.get("concurrency"), xa.get("txPerSecond"), none.get("txPerSecond"), row.get("ratio"), xa.get("appCpuMsPerTransfer"),
                    none.get("appCpuMsPerTransfer"), xa.get("p99Ms"), none.get("p99Ms"), xa.get("eventsPerSecond"),
                    orNaN(xa.get("lagP50Ms")), orNaN(xa.get("lagP99Ms")), orNaN(xa.get("lagMaxMs"))));
        }
        Map<String, Object> b = (Map<String, Object>) report.get("backlog");
        md.append("\n**Backlog after a broker outage**: ").append(b.get("brokerDownTransfers"))
                .append(" transfers committed while the broker was stopped (")
                .append(String.format(Locale.ROOT, "%.0f", (Double) b.get("brokerDownTxPerSecond"))).append(" tx/s, statuses ")
                .append(b.get("brokerDownStatuses")).append("), ").append(b.get("backlogEvents")).append(" events waiting. Broker restart: ")
                .append(fmt(b.get("brokerRestartSeconds"))).append(" s; first event ").append(fmt(b.get("firstEventAfterReadySeconds")))
                .append(" s after the broker was ready; backlog confirmed empty ").append(fmt(b.get("drainSecondsFromBrokerReady")))
                .append(" s after it was ready (").append(fmt(b.get("drainEventsPerSecond"))).append(" events/s from the first event).\n");
        Map<String, Object> a = (Map<String, Object>) report.get("audit");
        md.append("\n**Audit**: ").append(a.get("verdict")).append(" (outbox rows ").append(a.get("outboxRows")).append(", unsent ")
                .append(a.get("unsent")).append(", distinct event ids at the tap ").append(a.get("distinctEventIdsAtTap"))
                .append(", messages at the tap ").append(a.get("messagesAtTap")).append(", prepared ").append(a.get("pgPrepared"))
                .append(" / ").append(a.get("myPrepared")).append(").\n");
        return md.toString();
    }

    static double orNaN(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    static String fmt(Object value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.1f", ((Number) value).doubleValue());
    }

    static void log(String format, Object... values) {
        System.out.printf("[events %tT] %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, format, values));
    }
}
