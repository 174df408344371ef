package io.crossbank.benchload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** The Markdown summary and the SVG plot, both made from the report map that also becomes results.json. */
final class Report {

    private static final String[] PLOTTED = {"xa", "baseline", "same-ledger", "plain-local", "xa-jdbc", "echo"};
    private static final Map<String, String> COLOURS = Map.of("xa", "#d62728", "baseline", "#1f77b4", "same-ledger", "#2ca02c",
            "plain-local", "#9467bd", "xa-jdbc", "#ff7f0e", "echo", "#7f7f7f");

    private Report() {
    }

    /** Per concurrency (and hot-spot variant): the ratios the issue asks for, and the diagnostic splits. */
    static List<Map<String, Object>> ratios(List<Map<String, Object>> cells) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (boolean hot : new boolean[] {false, true}) {
            TreeSet<Integer> cs = new TreeSet<>();
            cells.stream().filter(c -> (boolean) c.get("hotSpot") == hot).forEach(c -> cs.add((Integer) c.get("concurrency")));
            for (int c : cs) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("concurrency", c);
                row.put("hotSpot", hot);
                for (String mode : PLOTTED) {
                    Map<String, Object> cell = find(cells, mode, c, hot);
                    row.put(mode + "Throughput", cell == null ? null : cell.get("throughput"));
                    row.put(mode + "P99Ms", cell == null ? null : latency(cell, "p99"));
                }
                row.put("xaOverBaseline", div(row.get("xaThroughput"), row.get("baselineThroughput")));
                row.put("xaP99OverBaselineP99", div(row.get("xaP99Ms"), row.get("baselineP99Ms")));
                row.put("sameLedgerOverPlainLocal", div(row.get("same-ledgerThroughput"), row.get("plain-localThroughput")));
                row.put("sameLedgerP99OverPlainLocalP99", div(row.get("same-ledgerP99Ms"), row.get("plain-localP99Ms")));
                row.put("xaJdbcOverBaseline", div(row.get("xa-jdbcThroughput"), row.get("baselineThroughput")));
                row.put("xaOverXaJdbc", div(row.get("xaThroughput"), row.get("xa-jdbcThroughput")));
                Double ratio = (Double) row.get("xaOverBaseline");
                Double p99 = (Double) row.get("xaP99OverBaselineP99");
                if (!hot && ratio != null) {
                    double goal = c >= 8 ? 0.70 : 0.50;
                    row.put("throughputTarget", goal);
                    row.put("throughputTargetMet", ratio >= goal);
                    row.put("p99TargetMet", p99 != null && p99 <= 2.0);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> report) {
        StringBuilder md = new StringBuilder();
        Map<String, Object> env = (Map<String, Object>) report.get("environment");
        Map<String, Object> config = (Map<String, Object>) report.get("config");
        List<Map<String, Object>> cells = (List<Map<String, Object>>) report.get("cells");
        List<Map<String, Object>> ratios = (List<Map<String, Object>>) report.get("ratios");
        md.append("# Crossbank benchmark: ").append(report.get("label")).append("\n\n");
        md.append(String.format("%s to %s. %s cores (%s), %s; %s; %s. `pg_test_fsync` fdatasync: %s ops/s.%n%n",
                report.get("started"), report.get("finished"), env.get("cores"), env.get("cpu"), env.get("java"),
                env.get("postgres_version") == null ? "" : "PostgreSQL " + env.get("postgres_version"),
                env.get("mariadb_version") == null ? "" : "MariaDB " + env.get("mariadb_version"), env.getOrDefault("pg_test_fsync_fdatasync", "n/a")));
        md.append(String.format("Closed loop, %s accounts per ledger (hot spot: %s per ledger); per cell 2 windows of %s s "
                + "measured after %s s warm-up each, modes in A B … B A order. App, both databases and the load generator share "
                + "the same cores. App options: `%s`.%n%n", config.get("accountsPerLedger"), config.get("hotSpotAccountsPerLedger"),
                config.get("measureSecondsPerWindow"), config.get("warmupSecondsPerWindow"), config.get("appOptions")));

        md.append("## Ratios\n\n");
        md.append("| c | xa tx/s | baseline tx/s | **xa / baseline** | xa p99 ms | baseline p99 ms | p99 ratio | same-ledger tx/s | plain-local tx/s | **same-ledger / plain-local** |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : ratios) {
            md.append(String.format("| %s%s | %s | %s | **%s** | %s | %s | %s | %s | %s | **%s** |%n", r.get("concurrency"),
                    (boolean) r.get("hotSpot") ? " (hot)" : "", n0(r.get("xaThroughput")), n0(r.get("baselineThroughput")),
                    n2(r.get("xaOverBaseline")), n1(r.get("xaP99Ms")), n1(r.get("baselineP99Ms")), n2(r.get("xaP99OverBaselineP99")),
                    n0(r.get("same-ledgerThroughput")), n0(r.get("plain-localThroughput")), n2(r.get("sameLedgerOverPlainLocal"))));
        }
        boolean diag = ratios.stream().anyMatch(r -> r.get("xa-jdbcThroughput") != null || r.get("echoThroughput") != null);
        if (diag) {
            md.append("\nDiagnostics (where measured): xa-jdbc = the baseline's JDBC in one XA transaction; echo = HTTP + JSON only.\n\n");
            md.append("| c | xa-jdbc tx/s | xa-jdbc / baseline (2PC alone) | xa / xa-jdbc (ORM on the XA path) | echo req/s |\n|---|---:|---:|---:|---:|\n");
            for (Map<String, Object> r : ratios) {
                if (r.get("xa-jdbcThroughput") != null || r.get("echoThroughput") != null) {
                    md.append(String.format("| %s%s | %s | %s | %s | %s |%n", r.get("concurrency"), (boolean) r.get("hotSpot") ? " (hot)" : "",
                            n0(r.get("xa-jdbcThroughput")), n2(r.get("xaJdbcOverBaseline")), n2(r.get("xaOverXaJdbc")), n0(r.get("echoThroughput"))));
                }
            }
        }
        md.append(modesAgainstEachOther(cells));
        md.append("\n## Target (issue #4: xa / baseline ≥ 0.70 at c ≥ 8, ≥ 0.50 at c = 1; p99 ≤ 2 × baseline)\n\n");
        for (Map<String, Object> r : ratios) {
            if (r.containsKey("throughputTargetMet")) {
                md.append(String.format("- c=%s: throughput %s (%s vs %.2f), p99 %s (%s×)%n", r.get("concurrency"),
                        (boolean) r.get("throughputTargetMet") ? "met" : "**not met**", n2(r.get("xaOverBaseline")), r.get("throughputTarget"),
                        (boolean) r.get("p99TargetMet") ? "met" : "**not met**", n2(r.get("xaP99OverBaselineP99"))));
            }
        }

        md.append("\n## Every cell\n\n");
        md.append("| mode | c | tx/s | p50 | p90 | p99 | p99.9 | max (ms) | non-2xx | CPU ms/tx app / pg / maria | machine busy | WAL syncs/tx | InnoDB fsyncs/tx | audit |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---|\n");
        for (Map<String, Object> c : cells) {
            Map<String, Object> cpu = (Map<String, Object>) c.get("cpu");
            Map<String, Object> io = (Map<String, Object>) c.get("io");
            md.append(String.format("| %s | %s%s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s | %s%% | %s | %s | %s |%n", c.get("mode"),
                    c.get("concurrency"), (boolean) c.get("hotSpot") ? " hot" : "", n0(c.get("throughput")), n1(latency(c, "p50")),
                    n1(latency(c, "p90")), n1(latency(c, "p99")), n1(latency(c, "p99.9")), n1(latency(c, "max")), errors(c),
                    n2(cpuMs(c, "app")), n2(cpuMs(c, "postgres")), n2(cpuMs(c, "mariadb")), n0(cpu.get("machineBusyPercent")),
                    n2(io.get("postgresWalSyncPerTransfer")), n2(io.get("mariadbFsyncsPerTransfer")),
                    ((boolean) c.get("auditOk") ? "ok" : "**" + c.get("auditFailures") + "**")
                            + (((Number) c.getOrDefault("contendedWindows", 0L)).longValue() > 0
                                    ? " (" + c.get("contendedWindows") + " window(s) shared with a test suite)" : "")));
        }
        md.append("\nCPU: milliseconds of CPU per committed transfer, per process (app JVM; postmaster and its backends; mariadbd). "
                + "WAL syncs: `pg_stat_wal.wal_sync`; InnoDB fsyncs: `Innodb_os_log_fsyncs` where the server has it, else "
                + "`Innodb_data_fsyncs` (MariaDB >= 10.8, which also counts redo-log fsyncs there). Both are server-wide deltas over "
                + "the measured windows. Narayana's own log writes are not counted.\n");
        md.append("\n## Cost per committed transfer\n\n");
        md.append("| mode | c | CPU ms app + pg + maria = total | MariaDB statements | round trips PostgreSQL / MariaDB (proxy) | app read / write syscalls | context switches (machine) |\n");
        md.append("|---|---|---|---:|---|---|---:|\n");
        for (Map<String, Object> c : cells) {
            Map<String, Object> io = (Map<String, Object>) c.get("io");
            Map<String, Object> per = (Map<String, Object>) c.getOrDefault("perTransfer", Map.of());
            Object app = cpuMs(c, "app");
            Object pg = cpuMs(c, "postgres");
            Object maria = cpuMs(c, "mariadb");
            Double total = app == null || pg == null || maria == null ? null
                    : ((Number) app).doubleValue() + ((Number) pg).doubleValue() + ((Number) maria).doubleValue();
            md.append(String.format("| %s | %s%s | %s + %s + %s = %s | %s | %s / %s | %s / %s | %s |%n", c.get("mode"), c.get("concurrency"),
                    (boolean) c.get("hotSpot") ? " hot" : "", n2(app), n2(pg), n2(maria), n2(total), n1(io.get("mariadbStatementsPerTransfer")),
                    n1(io.get("postgresRoundTripsPerTransfer")), n1(io.get("mariadbRoundTripsPerTransfer")),
                    n1(per.get("appReadSyscalls")), n1(per.get("appWriteSyscalls")), n1(per.get("machineContextSwitches"))));
        }
        md.append("\nMariaDB statements: `Questions` (statements sent by clients; with Connector/J each one is a round trip), split by "
                + "command in results.json. Round trips: counted by the delaying proxies of `--network-delay` (each time a "
                + "server answers after its client sent; every connection, pools, recovery and relay; a dash without the proxies). Syscalls: `/proc/<app>/io` syscr / syscw (sockets and files). Context switches: `ctxt` of "
                + "/proc/stat, the whole machine.\n");
        Map<String, Object> startup = (Map<String, Object>) report.get("startupAndMemory");
        md.append(String.format("%n## Start and memory%n%nJVM start to `/q/health/ready`: %s ms (Quarkus says \"started in %s s\"). "
                + "RSS after start: %s MiB; under load: up to %s MiB (VmHWM %s MiB). JVM options: `%s`.%n",
                startup.get("readyMs"), startup.get("quarkusStartedSeconds"), mib(startup.get("rssAfterStartKb")),
                mib(startup.get("appRssUnderLoadMaxKb")), mib(startup.get("appRssPeakKb")), startup.get("jvmOptions")));
        md.append("\nPlot: plot.svg (throughput and p99 against concurrency). Every figure: results.json.\n");
        return md.toString();
    }

    /** One line per cell, tab-separated, for scripts (src/bench/levers.sh compares runs with awk). */
    @SuppressWarnings("unchecked")
    static String tsv(Map<String, Object> report) {
        StringBuilder tsv = new StringBuilder("mode\tconcurrency\thot\tthroughput\tp50_ms\tp99_ms\tapp_cpu_ms_per_tx\tpg_cpu_ms_per_tx"
                + "\tmariadb_cpu_ms_per_tx\terrors\taudit_ok\tpg_round_trips_per_tx\tmy_round_trips_per_tx\n");
        for (Map<String, Object> c : (List<Map<String, Object>>) report.get("cells")) {
            Map<String, Object> cpu = (Map<String, Object>) c.get("cpu");
            tsv.append(String.join("\t", String.valueOf(c.get("mode")), String.valueOf(c.get("concurrency")),
                    (boolean) c.get("hotSpot") ? "hot" : "-", n1(c.get("throughput")), n2(latency(c, "p50")), n2(latency(c, "p99")),
                    n2(((Map<String, Object>) cpu.get("app")).get("msPerTransfer")), n2(((Map<String, Object>) cpu.get("postgres")).get("msPerTransfer")),
                    n2(((Map<String, Object>) cpu.get("mariadb")).get("msPerTransfer")), String.valueOf(c.get("errors")),
                    String.valueOf(c.get("auditOk")), n2(((Map<String, Object>) c.get("io")).get("postgresRoundTripsPerTransfer")),
                    n2(((Map<String, Object>) c.get("io")).get("mariadbRoundTripsPerTransfer")))).append('\n');
        }
        return tsv.toString();
    }

    @SuppressWarnings("unchecked")
    static String svg(Map<String, Object> report) {
        List<Map<String, Object>> cells = ((List<Map<String, Object>>) report.get("cells")).stream()
                .filter(c -> !(boolean) c.get("hotSpot")).toList();
        TreeSet<Integer> cs = new TreeSet<>();
        cells.forEach(c -> cs.add((Integer) c.get("concurrency")));
        List<Integer> xs = new ArrayList<>(cs);
        int w = 980;
        int h = 440;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", w, h, w, h));
        svg.append(String.format("<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">Crossbank: %s</text>%n", w / 2,
                esc(String.valueOf(report.get("label")))));
        panel(svg, cells, xs, "throughput", "transfers/s", 60, 40, 400, 320);
        panel(svg, cells, xs, "p99", "p99 latency (ms)", 540, 40, 400, 320);
        int lx = 60;
        for (String mode : PLOTTED) {
            if (cells.stream().noneMatch(c -> mode.equals(c.get("mode")))) {
                continue;
            }
            svg.append(String.format("<line x1=\"%d\" y1=\"420\" x2=\"%d\" y2=\"420\" stroke=\"%s\" stroke-width=\"3\"%s/>"
                    + "<text x=\"%d\" y=\"424\">%s</text>%n", lx, lx + 24, COLOURS.get(mode), dash(mode), lx + 30, mode));
            lx += 40 + 8 * mode.length() + 20;
        }
        return svg.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder svg, List<Map<String, Object>> cells, List<Integer> xs, String metric, String title,
            int x0, int y0, int width, int height) {
        double max = 0;
        for (Map<String, Object> c : cells) {
            max = Math.max(max, value(c, metric));
        }
        max = niceCeiling(max);
        int bottom = y0 + height;
        svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\">%s</text>%n", x0 + width / 2, y0 - 6, title));
        svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", x0, y0, width, height));
        for (int i = 0; i <= 5; i++) {
            double v = max * i / 5;
            int y = bottom - (int) Math.round(height * i / 5.0);
            svg.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    x0, y, x0 + width, y, x0 - 4, y + 4, v >= 10 ? String.format("%.0f", v) : String.format(Locale.ROOT, "%.1f", v)));
        }
        for (int i = 0; i < xs.size(); i++) {
            int x = xPos(i, xs.size(), x0, width);
            svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">c=%d</text>%n", x, bottom + 16, xs.get(i)));
        }
        for (String mode : PLOTTED) {
            if ("echo".equals(mode) && "throughput".equals(metric)) {
                continue; // HTTP alone is off the scale of every database mode; see the table
            }
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < xs.size(); i++) {
                Map<String, Object> cell = find(cells, mode, xs.get(i), false);
                if (cell == null) {
                    continue;
                }
                int x = xPos(i, xs.size(), x0, width);
                int y = bottom - (int) Math.round(height * value(cell, metric) / max);
                points.append(x).append(',').append(y).append(' ');
                svg.append(String.format("<circle cx=\"%d\" cy=\"%d\" r=\"3.5\" fill=\"%s\"/>%n", x, y, COLOURS.get(mode)));
            }
            if (points.length() > 0) {
                svg.append(String.format("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n", points.toString().trim(),
                        COLOURS.get(mode), dash(mode)));
            }
        }
    }

    private static String dash(String mode) {
        return switch (mode) {
            case "xa-jdbc" -> " stroke-dasharray=\"6,3\"";
            case "echo" -> " stroke-dasharray=\"2,3\"";
            default -> "";
        };
    }

    private static int xPos(int i, int n, int x0, int width) {
        return n == 1 ? x0 + width / 2 : x0 + 30 + (int) Math.round((width - 60) * i / (double) (n - 1));
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * magnitude >= v * 1.05) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static double value(Map<String, Object> cell, String metric) {
        if ("echo".equals(cell.get("mode")) && "throughput".equals(metric)) {
            return 0;
        }
        return "throughput".equals(metric) ? (Double) cell.get("throughput") : latency(cell, metric);
    }

    /**
     * Every mode of every cell against the three references (issue #12): the product path (xa), two local commits
     * (baseline) and what a user would build instead (tutorial), each ratio of windows interleaved in the same run.
     */
    private static String modesAgainstEachOther(List<Map<String, Object>> cells) {
        List<String> references = List.of("xa", "baseline", "tutorial");
        StringBuilder md = new StringBuilder("\n## Modes against xa, the baseline and the tutorial\n\n"
                + "| c | mode | tx/s | p99 ms | / xa | / baseline | / tutorial | p99 / baseline p99 | CPU ms per transfer (all processes) |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        int rows = 0;
        for (boolean hot : new boolean[] {false, true}) {
            TreeSet<Integer> cs = new TreeSet<>();
            cells.stream().filter(c -> (boolean) c.get("hotSpot") == hot).forEach(c -> cs.add((Integer) c.get("concurrency")));
            for (int c : cs) {
                List<Map<String, Object>> here = cells.stream()
                        .filter(cell -> (boolean) cell.get("hotSpot") == hot && (Integer) cell.get("concurrency") == c).toList();
                if (here.stream().noneMatch(cell -> "tutorial".equals(cell.get("mode")) || "xa-cmr".equals(cell.get("mode")))) {
                    continue;
                }
                for (Map<String, Object> cell : here) {
                    Object[] ratio = new Object[references.size()];
                    for (int i = 0; i < ratio.length; i++) {
                        Map<String, Object> ref = find(cells, references.get(i), c, hot);
                        ratio[i] = ref == null || ref == cell ? null : div(cell.get("throughput"), ref.get("throughput"));
                    }
                    Map<String, Object> baseline = find(cells, "baseline", c, hot);
                    Object app = cpuMs(cell, "app");
                    Object pg = cpuMs(cell, "postgres");
                    Object maria = cpuMs(cell, "mariadb");
                    Double cpu = app == null || pg == null || maria == null ? null
                            : ((Number) app).doubleValue() + ((Number) pg).doubleValue() + ((Number) maria).doubleValue();
                    md.append(String.format("| %s%s | %s | %s | %s | %s | %s | %s | %s | %s |%n", c, hot ? " (hot)" : "", cell.get("mode"),
                            n0(cell.get("throughput")), n1(latency(cell, "p99")), n2(ratio[0]), n2(ratio[1]), n2(ratio[2]),
                            baseline == null || baseline == cell ? "" : n2(latency(cell, "p99") / latency(baseline, "p99")), n2(cpu)));
                    rows++;
                }
            }
        }
        return rows == 0 ? "" : md.toString();
    }

    private static Map<String, Object> find(List<Map<String, Object>> cells, String mode, int c, boolean hot) {
        return cells.stream().filter(x -> mode.equals(x.get("mode")) && (Integer) x.get("concurrency") == c && (boolean) x.get("hotSpot") == hot)
                .findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static double latency(Map<String, Object> cell, String p) {
        return (Double) ((Map<String, Object>) cell.get("latencyMs")).get(p);
    }

    @SuppressWarnings("unchecked")
    private static String errors(Map<String, Object> cell) {
        Map<String, Long> status = (Map<String, Long>) cell.get("status");
        StringBuilder s = new StringBuilder();
        status.forEach((k, v) -> {
            if (!k.startsWith("2")) {
                s.append(s.length() == 0 ? "" : ", ").append(k).append(": ").append(v);
            }
        });
        return s.length() == 0 ? "0" : s.toString();
    }

    private static Double div(Object a, Object b) {
        return a == null || b == null || ((Double) b) == 0 ? null : (Double) a / (Double) b;
    }

    private static String n0(Object v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.0f", ((Number) v).doubleValue());
    }

    /** Milliseconds of CPU per committed transfer of one process in one cell, or null. */
    @SuppressWarnings("unchecked")
    private static Object cpuMs(Map<String, Object> cell, String process) {
        return ((Map<String, Object>) ((Map<String, Object>) cell.get("cpu")).get(process)).get("msPerTransfer");
    }

    private static String n1(Object v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f", ((Number) v).doubleValue());
    }

    private static String n2(Object v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", ((Number) v).doubleValue());
    }

    private static String mib(Object kb) {
        if (kb == null) {
            return "–";
        }
        try {
            return String.format(Locale.ROOT, "%.0f", Double.parseDouble(kb.toString()) / 1024);
        } catch (NumberFormatException e) {
            return "–";
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
