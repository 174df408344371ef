package io.crossbank.benchload;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

import io.crossbank.benchload.ClosedLoop.Mode;

/**
 * Drives the whole sweep against a running instance: a global warm-up, then for every concurrency of
 * the plan the modes in A B … B A order (each cell measured in two windows, so slow drift cancels),
 * counters and CPU sampled at the edges of every window, invariants audited after every window. Writes
 * results.json, summary.md and plot.svg into the output directory.
 *
 * <p>Arguments are key=value; see src/bench/run.sh, which supplies them all.
 */
public final class Sweep {

    /** One plan entry: a concurrency, whether it is the hot-spot variant, and its modes. */
    record Step(int concurrency, boolean hot, List<Mode> modes) {
    }

    private final Map<String, String> args;
    private final ClosedLoop loop;
    private final Path db;
    private final long appPid;
    /** The apps of their own of modes such as xa-cmr (ClosedLoop.OWN_APP), when the plan names them. */
    private final List<Long> ownAppPids = new ArrayList<>();
    /** The delaying proxies' counter files (DelayProxy), by ledger prefix: "pg", "my". */
    private final Map<String, Path> netStats = new TreeMap<>();
    /** Round trips per second through each proxy with no load (recovery's and the relay's polls of every app), by counter. */
    private static final Map<String, Double> IDLE_NET_RATES = new TreeMap<>();
    private final long pgPid;
    private final long myPid;
    private final BigDecimal expectedTotal;
    private final Map<String, Cell> cells = new LinkedHashMap<>();
    private long appRssMaxKb;

    private Sweep(Map<String, String> args) {
        this.args = args;
        // ownApps=mode|url|pid;mode|url|pid…
        Map<Mode, String> ownAppUrls = new TreeMap<>();
        for (String app : args.getOrDefault("ownApps", "").split(";")) {
            if (!app.isBlank()) {
                String[] f = app.split("\\|");
                ownAppUrls.put(Mode.of(f[0]), f[1]);
                ownAppPids.add(Long.parseLong(f[2]));
            }
        }
        // netStats=pg|file;my|file
        for (String net : args.getOrDefault("netStats", "").split(";")) {
            if (!net.isBlank()) {
                netStats.put(net.split("\\|")[0], Path.of(net.split("\\|")[1]));
            }
        }
        this.loop = new ClosedLoop(args.get("url"), ownAppUrls, intArg("accounts"));
        this.db = Path.of(args.get("db"));
        this.appPid = Long.parseLong(args.get("appPid"));
        this.pgPid = Long.parseLong(args.get("pgPid"));
        this.myPid = Long.parseLong(args.get("myPid"));
        this.expectedTotal = new BigDecimal(args.get("balance")).multiply(BigDecimal.valueOf(2L * intArg("accounts")));
    }

    public static void main(String[] argv) throws Exception {
        new Sweep(Args.of(argv)).run();
    }

    private void run() throws Exception {
        // A queue bound to the events, so that the relay publishes (and is confirmed) as in production.
        try (EventTap tap = args.containsKey("brokerPort") ? EventTap.start("127.0.0.1", intArg("brokerPort")) : null) {
            sweep();
        }
    }

    private void sweep() throws Exception {
        List<Step> plan = plan(args.get("plan"));
        double warmup = Double.parseDouble(args.get("warmup"));
        double measure = Double.parseDouble(args.get("measure"));
        int hotAccounts = intArg("hotAccounts");
        Instant started = Instant.now();

        List<Mode> all = plan.stream().flatMap(s -> s.modes().stream()).distinct().toList();
        double globalWarmup = Double.parseDouble(args.get("globalWarmup"));
        if (!netStats.isEmpty()) {
            Map<String, Long> before = stats();
            long t0 = System.nanoTime();
            Thread.sleep(10_000);
            Map<String, Long> after = stats();
            double idleSeconds = (System.nanoTime() - t0) / 1e9;
            after.forEach((k, v) -> {
                if (k.startsWith("net_") && before.containsKey(k)) {
                    IDLE_NET_RATES.put(k, (v - before.get(k)) / idleSeconds);
                }
            });
            log("through the proxies with no load: %s per second (subtracted from the round trips per transfer)", IDLE_NET_RATES);
        }
        log("global warm-up: %.0f s over %s at c=8 (not recorded)", globalWarmup, labels(all));
        for (Mode mode : all) {
            loop.run(mode, 8, Integer.MAX_VALUE, 0, globalWarmup / all.size(), start -> { });
        }
        Map<String, String> firstAudit = audit();
        log("audit after warm-up: %s", firstAudit.get("verdict"));

        for (Step step : plan) {
            List<Mode> order = new ArrayList<>(step.modes());
            List<Mode> back = new ArrayList<>(step.modes());
            Collections.reverse(back);
            order.addAll(back);
            for (int i = 0; i < order.size(); i++) {
                Mode mode = order.get(i);
                int pool = step.hot() ? hotAccounts : Integer.MAX_VALUE;
                Cell cell = cells.computeIfAbsent(mode.label + "|" + step.concurrency() + "|" + step.hot(),
                        k -> new Cell(mode, step.concurrency(), step.hot(), Math.min(pool, intArg("accounts"))));
                window(cell, warmup, measure, i);
            }
        }
        Map<String, Object> report = report(plan, started);
        Path out = Path.of(args.get("out"));
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.json"), Json.write(report));
        String markdown = Report.markdown(report);
        Files.writeString(out.resolve("summary.md"), markdown);
        Files.writeString(out.resolve("plot.svg"), Report.svg(report));
        Files.writeString(out.resolve("cells.tsv"), Report.tsv(report));
        Files.writeString(out.resolve("windows.tsv"), windowsTsv());
        System.out.println();
        System.out.print(markdown);
    }

    /**
     * Yields to a test suite (surefire / failsafe) running on the same cores: waits for it before a window, and
     * measures a window again (once) if one started during it, so that neither run distorts the other. The
     * total wait is capped by yieldBudget seconds; past it, windows run anyway and are flagged "contended".
     */
    private void window(Cell cell, double warmup, double measure, int position) throws Exception {
        for (int attempt = 1; ; attempt++) {
            awaitNoTestSuite();
            ForeignLoad watch = ForeignLoad.watch();
            Map<String, Object> w = measureWindow(cell, warmup, measure, position, watch);
            if (!watch.seen() || attempt == 2 || yieldBudgetLeft() <= 0) {
                w.put("contended", watch.seen());
                w.put("attempt", attempt);
                return;
            }
            log("a test suite ran during that window: measuring it again");
            cell.dropLastWindow();
        }
    }

    private double yielded;

    private double yieldBudgetLeft() {
        return Double.parseDouble(args.getOrDefault("yieldBudget", "900")) - yielded;
    }

    private void awaitNoTestSuite() throws InterruptedException {
        boolean logged = false;
        while (ForeignLoad.running() && yieldBudgetLeft() > 0) {
            if (!logged) {
                log("a test suite is running: waiting for it (budget left %.0f s)", yieldBudgetLeft());
                logged = true;
            }
            Thread.sleep(5000);
            yielded += 5;
        }
    }

    private Map<String, Object> measureWindow(Cell cell, double warmup, double measure, int position, ForeignLoad watch)
            throws Exception {
        Map<String, Double> cpuBefore = new TreeMap<>();
        Map<String, Double> cpuAfter = new TreeMap<>();
        Map<String, Long> dbBefore = new TreeMap<>();
        Map<String, Long> dbAfter = new TreeMap<>();
        long[] edges = new long[2];
        ClosedLoop.Result result = loop.run(cell.mode, cell.concurrency, cell.accountsPerLedger, warmup, measure, start -> {
            if (start) {
                dbBefore.putAll(stats());
                cpuBefore.putAll(cpu());
                watch.start();
                edges[0] = System.currentTimeMillis();
            } else {
                edges[1] = System.currentTimeMillis();
                watch.stop();
                cpuAfter.putAll(cpu());
                dbAfter.putAll(stats());
            }
        });
        long rss = Proc.statusKb(appPid, "VmRSS");
        appRssMaxKb = Math.max(appRssMaxKb, rss);
        Map<String, String> audit = audit();
        Map<String, Object> w = cell.add(result, cpuBefore, cpuAfter, dbBefore, dbAfter, audit, position);
        w.put("measuredFromEpochMs", edges[0]);
        w.put("measuredToEpochMs", edges[1]);
        double seconds = result.measuredNanos / 1e9;
        log("%-12s c=%-3d%s window %d: %7.1f tx/s  p99 %7.1f ms  statuses %s  audit %s%s", cell.mode.label, cell.concurrency,
                cell.hot ? " hot" : "    ", position + 1, result.okCount() / seconds,
                result.ok.getValueAtPercentile(99) / 1000.0, result.byStatus, audit.get("verdict"), watch.seen() ? "  (test suite running)" : "");
        return w;
    }

    private Map<String, Double> cpu() {
        Map<String, Double> cpu = new TreeMap<>();
        // All apps when some modes have their own: whichever serves the window, the others idle (their polls count against every mode).
        double appCpu = Proc.cpuSeconds(appPid);
        for (long pid : ownAppPids) {
            appCpu += Proc.cpuSeconds(pid);
        }
        cpu.put("app", appCpu);
        if (args.containsKey("proxyPids")) {
            double proxyCpu = 0;
            for (String pid : args.get("proxyPids").split(",")) {
                proxyCpu += Proc.cpuSeconds(Long.parseLong(pid));
            }
            cpu.put("proxy", proxyCpu);
        }
        cpu.put("postgres", Proc.treeCpuSeconds(pgPid));
        cpu.put("mariadb", Proc.cpuSeconds(myPid));
        cpu.put("loadgen", Proc.cpuSeconds(ProcessHandle.current().pid()));
        long[] machine = Proc.machineTicks();
        cpu.put("machineBusy", machine[0] / Proc.TICKS);
        cpu.put("machineTotal", machine[1] / Proc.TICKS);
        long[] syscalls = Proc.syscalls(appPid);
        for (long pid : ownAppPids) {
            long[] own = Proc.syscalls(pid);
            if (syscalls != null && own != null) {
                syscalls = new long[] { syscalls[0] + own[0], syscalls[1] + own[1] };
            }
        }
        if (syscalls != null) {
            cpu.put("appReadSyscalls", (double) syscalls[0]);
            cpu.put("appWriteSyscalls", (double) syscalls[1]);
        }
        long switches = Proc.machineContextSwitches();
        if (switches >= 0) {
            cpu.put("machineContextSwitches", (double) switches);
        }
        return cpu;
    }

    private Map<String, Long> stats() {
        Map<String, Long> stats = new TreeMap<>();
        sql("stats").forEach((k, v) -> {
            try {
                stats.put(k, Long.parseLong(v));
            } catch (NumberFormatException e) {
                // not a counter
            }
        });
        netStats.forEach((ledger, file) -> {
            try {
                for (String line : Files.readAllLines(file)) {
                    String[] kv = line.split("=", 2);
                    stats.put("net_" + ledger + "_" + kv[0], Long.parseLong(kv[1]));
                }
            } catch (IOException | RuntimeException e) {
                // the proxy has not written its counters yet
            }
        });
        return stats;
    }

    /** Invariants: money conserved across both ledgers, no negative balance, nothing left prepared or logged. */
    private Map<String, String> audit() {
        Map<String, String> audit = new TreeMap<>(sql("audit"));
        List<String> failures = new ArrayList<>();
        BigDecimal total = new BigDecimal(audit.getOrDefault("pg_sum", "0")).add(new BigDecimal(audit.getOrDefault("my_sum", "0")));
        audit.put("total", total.toPlainString());
        if (total.compareTo(expectedTotal) != 0) {
            failures.add("money not conserved: " + total.toPlainString() + " != " + expectedTotal.toPlainString());
        }
        for (String key : List.of("pg_negative", "my_negative", "pg_prepared", "my_prepared", "pg_txlog_transactions")) {
            if (!"0".equals(audit.get(key))) {
                failures.add(key + "=" + audit.get(key));
            }
        }
        long logged = objectStoreTransactions();
        audit.put("object_store_transactions", String.valueOf(logged));
        if (logged != 0) {
            failures.add("object store holds " + logged + " transaction log(s)");
        }
        audit.put("verdict", failures.isEmpty() ? "ok" : String.join("; ", failures));
        return audit;
    }

    /** Transaction records left in Narayana's object store (none once every transaction has completed). */
    private long objectStoreTransactions() {
        long logged = 0;
        for (String dir : args.get("objectStore").split(",")) {
            Path store = Path.of(dir);
            if (!Files.isDirectory(store)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(store)) {
                logged += files.filter(Files::isRegularFile).filter(p -> p.toString().contains("AtomicAction")).count();
            } catch (IOException e) {
                return -1;
            }
        }
        return logged;
    }

    private Map<String, String> sql(String command) {
        Map<String, String> values = new TreeMap<>();
        try {
            Process p = new ProcessBuilder("bash", db.toString(), command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (InputStream in = p.getInputStream()) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                    }
                }
            }
            if (p.waitFor() != 0) {
                values.put("error", "db.sh " + command + " exited with " + p.exitValue());
            }
        } catch (IOException e) {
            values.put("error", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return values;
    }

    private Map<String, Object> report(List<Step> plan, Instant started) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("label", args.getOrDefault("label", "bench"));
        report.put("started", started.toString());
        report.put("finished", Instant.now().toString());
        report.put("environment", keyValues(args.get("env")));
        Map<String, Object> startup = new LinkedHashMap<>(keyValues(args.get("startup")));
        startup.put("appRssUnderLoadMaxKb", appRssMaxKb);
        startup.put("appRssPeakKb", Proc.statusKb(appPid, "VmHWM"));
        report.put("startupAndMemory", startup);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("plan", args.get("plan"));
        config.put("warmupSecondsPerWindow", Double.parseDouble(args.get("warmup")));
        config.put("measureSecondsPerWindow", Double.parseDouble(args.get("measure")));
        config.put("windowsPerCell", 2);
        config.put("globalWarmupSeconds", Double.parseDouble(args.get("globalWarmup")));
        config.put("accountsPerLedger", intArg("accounts"));
        config.put("hotSpotAccountsPerLedger", intArg("hotAccounts"));
        config.put("initialBalance", args.get("balance"));
        config.put("appOptions", args.getOrDefault("appOpts", ""));
        report.put("config", config);
        Map<String, Object> modes = new LinkedHashMap<>();
        for (Mode m : Mode.values()) {
            modes.put(m.label, m.description + " (POST " + m.path + ")");
        }
        report.put("modes", modes);
        List<Map<String, Object>> cellList = new ArrayList<>();
        cells.values().forEach(c -> cellList.add(c.summary()));
        report.put("cells", cellList);
        report.put("ratios", Report.ratios(cellList));
        return report;
    }

    private static Map<String, String> keyValues(String file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        if (file == null || !Files.exists(Path.of(file))) {
            return values;
        }
        for (String line : Files.readAllLines(Path.of(file))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return values;
    }

    /** "1=xa,baseline;8=xa,baseline;32h=xa,baseline": concurrency, optional h for the hot-spot variant, modes. */
    static List<Step> plan(String text) {
        List<Step> steps = new ArrayList<>();
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] kv = entry.trim().split("=");
            boolean hot = kv[0].endsWith("h");
            int c = Integer.parseInt(hot ? kv[0].substring(0, kv[0].length() - 1) : kv[0]);
            steps.add(new Step(c, hot, Stream.of(kv[1].split(",")).map(String::trim).map(Mode::of).toList()));
        }
        return steps;
    }

    private int intArg(String key) {
        return Integer.parseInt(args.get(key));
    }

    /** Every measured window still counted, with its wall-clock edges: what --profile matches JFR samples against. */
    private String windowsTsv() {
        StringBuilder tsv = new StringBuilder("mode\tconcurrency\thot\tfromEpochMs\ttoEpochMs\ttransfers\tappCpuSeconds\n");
        for (Cell cell : cells.values()) {
            for (Map<String, Object> w : cell.windows) {
                if (w.containsKey("discarded")) {
                    continue;
                }
                tsv.append(String.join("\t", cell.mode.label, String.valueOf(cell.concurrency), String.valueOf(cell.hot),
                        String.valueOf(w.get("measuredFromEpochMs")), String.valueOf(w.get("measuredToEpochMs")),
                        String.valueOf(w.get("transfers")), String.valueOf(w.get("appCpuSeconds")))).append('\n');
            }
        }
        return tsv.toString();
    }

    private static String labels(List<Mode> modes) {
        return String.join(", ", modes.stream().map(m -> m.label).toList());
    }

    static void log(String format, Object... values) {
        System.out.printf("[bench %s] %s%n", java.time.LocalTime.now().withNano(0), String.format(format, values));
        System.out.flush();
    }

    /** Everything measured for one mode at one concurrency, summed over its windows. */
    static final class Cell {
        final Mode mode;
        final int concurrency;
        final boolean hot;
        final int accountsPerLedger;
        final ClosedLoop.Result total = new ClosedLoop.Result();
        final Map<String, Double> cpu = new TreeMap<>();
        final Map<String, Long> db = new TreeMap<>();
        final List<Map<String, Object>> windows = new ArrayList<>();
        final List<String> auditFailures = new ArrayList<>();

        Cell(Mode mode, int concurrency, boolean hot, int accountsPerLedger) {
            this.mode = mode;
            this.concurrency = concurrency;
            this.hot = hot;
            this.accountsPerLedger = accountsPerLedger;
        }

        private ClosedLoop.Result lastResult;
        private Map<String, Double> lastCpu;
        private Map<String, Long> lastDb;
        private String lastFailure;

        Map<String, Object> add(ClosedLoop.Result result, Map<String, Double> cpuBefore, Map<String, Double> cpuAfter, Map<String, Long> dbBefore,
                Map<String, Long> dbAfter, Map<String, String> audit, int position) {
            total.add(result);
            lastResult = result;
            lastCpu = new TreeMap<>();
            lastDb = new TreeMap<>();
            cpuAfter.forEach((k, v) -> lastCpu.put(k, v - cpuBefore.getOrDefault(k, v)));
            dbAfter.forEach((k, v) -> lastDb.put(k, v - dbBefore.getOrDefault(k, v)));
            lastCpu.forEach((k, v) -> cpu.merge(k, v, Double::sum));
            lastDb.forEach((k, v) -> db.merge(k, v, Long::sum));
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("positionInRound", position + 1);
            w.put("transfers", result.okCount());
            w.put("appCpuSeconds", lastCpu.get("app"));
            w.put("throughput", result.okCount() / (result.measuredNanos / 1e9));
            w.put("p99Ms", result.ok.getValueAtPercentile(99) / 1000.0);
            w.put("status", new TreeMap<>(result.byStatus));
            w.put("audit", audit);
            windows.add(w);
            lastFailure = null;
            if (!"ok".equals(audit.get("verdict"))) {
                lastFailure = "window " + (position + 1) + ": " + audit.get("verdict");
                auditFailures.add(lastFailure);
            }
            return w;
        }

        /** Takes the last window out of the totals (it is measured again); its audit failure, if any, stays recorded. */
        void dropLastWindow() {
            total.subtract(lastResult);
            lastCpu.forEach((k, v) -> cpu.merge(k, -v, Double::sum));
            lastDb.forEach((k, v) -> db.merge(k, -v, Long::sum));
            windows.get(windows.size() - 1).put("discarded", "a test suite ran during it");
        }

        Map<String, Object> summary() {
            Map<String, Object> s = new LinkedHashMap<>();
            double seconds = total.measuredNanos / 1e9;
            long ok = total.okCount();
            s.put("mode", mode.label);
            s.put("concurrency", concurrency);
            s.put("hotSpot", hot);
            s.put("accountsPerLedger", accountsPerLedger);
            s.put("measuredSeconds", seconds);
            s.put("transfers", ok);
            s.put("throughput", ok / seconds);
            s.put("latencyMs", latency(total.ok));
            s.put("status", new TreeMap<>(total.byStatus));
            s.put("errors", total.byStatus.entrySet().stream().filter(e -> !e.getKey().startsWith("2")).mapToLong(Map.Entry::getValue).sum());
            Map<String, Object> cpuOut = new LinkedHashMap<>();
            for (String p : List.of("app", "postgres", "mariadb", "loadgen", "proxy")) {
                double used = cpu.getOrDefault(p, 0.0);
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("seconds", used);
                one.put("coresBusy", used / seconds);
                one.put("msPerTransfer", ok == 0 ? null : used * 1000 / ok);
                cpuOut.put(p, one);
            }
            double machineTotal = cpu.getOrDefault("machineTotal", 0.0);
            cpuOut.put("machineBusyPercent", machineTotal == 0 ? null : 100 * cpu.getOrDefault("machineBusy", 0.0) / machineTotal);
            s.put("cpu", cpuOut);
            Map<String, Object> perTransfer = new LinkedHashMap<>();
            for (String k : List.of("appReadSyscalls", "appWriteSyscalls", "machineContextSwitches")) {
                perTransfer.put(k, ok == 0 || !cpu.containsKey(k) ? null : cpu.get(k) / ok);
            }
            s.put("perTransfer", perTransfer);
            Map<String, Object> io = new LinkedHashMap<>();
            io.put("postgresWalSyncPerTransfer", perTransfer("pg_wal_sync", ok));
            io.put("mariadbLogFsyncsPerTransfer", perTransfer("my_innodb_os_log_fsyncs", ok));
            io.put("mariadbDataFsyncsPerTransfer", perTransfer("my_innodb_data_fsyncs", ok));
            io.put("mariadbLogWritesPerTransfer", perTransfer("my_innodb_log_writes", ok));
            // MariaDB >= 10.8 has no Innodb_os_log_fsyncs; its Innodb_data_fsyncs covers the redo log too.
            io.put("mariadbFsyncsPerTransfer", db.containsKey("my_innodb_os_log_fsyncs") ? perTransfer("my_innodb_os_log_fsyncs", ok)
                    : perTransfer("my_innodb_data_fsyncs", ok));
            io.put("postgresWalBytesPerTransfer", perTransfer("pg_wal_bytes", ok));
            io.put("mariadbStatementsPerTransfer", perTransfer("my_questions", ok));
            // Through the delaying proxies (--network-delay): every pool's connections, recovery's and the relay's included.
            io.put("postgresRoundTripsPerTransfer", netPerTransfer("net_pg_roundTrips", ok, seconds));
            io.put("mariadbRoundTripsPerTransfer", netPerTransfer("net_my_roundTrips", ok, seconds));
            io.put("idleRoundTripsPerSecond", new TreeMap<>(IDLE_NET_RATES));
            Map<String, Object> byCommand = new TreeMap<>();
            db.keySet().stream().filter(k -> k.startsWith("my_com_")).forEach(k -> byCommand.put(k.substring("my_com_".length()), perTransfer(k, ok)));
            io.put("mariadbStatementsPerTransferByCommand", byCommand);
            io.put("counterDeltas", new TreeMap<>(db));
            s.put("io", io);
            s.put("windows", windows);
            s.put("contendedWindows", windows.stream().filter(w -> Boolean.TRUE.equals(w.get("contended"))).count());
            s.put("auditOk", auditFailures.isEmpty());
            s.put("auditFailures", auditFailures);
            return s;
        }

        /** A proxy counter per transfer, less what the apps send with no load (measured before the warm-up) over the windows. */
        private Double netPerTransfer(String key, long ok, double seconds) {
            return ok == 0 || !db.containsKey(key) ? null : (db.get(key) - IDLE_NET_RATES.getOrDefault(key, 0.0) * seconds) / ok;
        }

        private Double perTransfer(String key, long ok) {
            return ok == 0 || !db.containsKey(key) ? null : (double) db.get(key) / ok;
        }

        private static Map<String, Object> latency(Histogram h) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("p50", h.getValueAtPercentile(50) / 1000.0);
            l.put("p90", h.getValueAtPercentile(90) / 1000.0);
            l.put("p99", h.getValueAtPercentile(99) / 1000.0);
            l.put("p99.9", h.getValueAtPercentile(99.9) / 1000.0);
            l.put("max", h.getMaxValue() / 1000.0);
            l.put("mean", h.getMean() / 1000.0);
            return l;
        }
    }
}
