package io.crossbank.benchload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the app's CPU goes, per benchmark cell (run.sh --profile): the app ran with a JFR recording; every
 * execution sample taken inside a measured window is charged to the component of its innermost frame that
 * is not JDK code (so the JDK's HashMap or socket code counts for the driver or framework that called it),
 * and the shares are scaled by the app's measured CPU per transfer in those windows.
 *
 * <p>Approximate by nature: JFR samples threads running Java code, so GC, JIT compilation and time spent
 * in system calls are spread over the components in proportion.
 *
 * <p>usage: Profile app.jfr windows.tsv profile.md
 */
public final class Profile {

    /** Component, then the class-name prefixes that belong to it; the first matching prefix wins. */
    private static final String[][] COMPONENTS = {
            { "Narayana (JTA, 2PC, log)", "com.arjuna.", "org.jboss.tm.", "org.jboss.narayana.", "io.quarkus.narayana.", "io.agroal.narayana." },
            { "Hibernate Validator (request checks)", "org.hibernate.validator.", "io.quarkus.hibernate.validator." },
            { "Hibernate ORM", "org.hibernate.", "io.quarkus.hibernate.", "org.infinispan.quarkus.hibernate.", "com.github.benmanes.caffeine." },
            { "Agroal pool", "io.agroal.", "io.quarkus.agroal." },
            { "pgjdbc", "org.postgresql." },
            { "Connector/J", "com.mysql." },
            { "HTTP + JSON", "io.vertx.", "io.netty.", "org.jboss.resteasy.", "io.quarkus.resteasy.", "io.quarkus.vertx.", "com.fasterxml.",
                    "jakarta.ws.rs." },
            { "Crossbank", "io.crossbank." },
            { "Quarkus, CDI, config, metrics, threads", "io.quarkus.", "io.smallrye.", "io.micrometer.", "org.jboss." },
    };
    private static final String JDK_ONLY = "JDK only";
    private static final String OTHER = "other";

    record Window(String cell, long from, long to, long transfers, double appCpuSeconds) {
    }

    private Profile() {
    }

    public static void main(String[] args) throws Exception {
        List<Window> windows = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of(args[1]));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            windows.add(new Window(f[0] + " c=" + f[1] + ("true".equals(f[2]) ? " hot" : ""), Long.parseLong(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), "null".equals(f[6]) ? 0 : Double.parseDouble(f[6])));
        }
        Map<String, Map<String, Integer>> samples = new LinkedHashMap<>();
        windows.forEach(w -> samples.computeIfAbsent(w.cell(), k -> new LinkedHashMap<>()));
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            long at = event.getStartTime().toEpochMilli();
            for (Window w : windows) {
                if (at >= w.from() && at < w.to()) {
                    samples.get(w.cell()).merge(component(event.getStackTrace().getFrames()), 1, Integer::sum);
                    break;
                }
            }
        }
        List<String> columns = new ArrayList<>();
        for (String[] c : COMPONENTS) {
            columns.add(c[0]);
        }
        columns.add(JDK_ONLY);
        columns.add(OTHER);

        StringBuilder md = new StringBuilder("# Where the app's CPU goes (JFR, run.sh --profile)\n\n");
        md.append("App CPU per committed transfer (measured), split by the share of JFR execution samples in the measured windows ")
                .append("charged to each component (the innermost non-JDK frame). Approximate: GC, JIT and system calls are spread ")
                .append("in proportion. Milliseconds of app CPU per transfer.\n\n");
        md.append("| cell | samples | app CPU ms/tx |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---|---:|---:|");
        columns.forEach(c -> md.append("---:|"));
        md.append('\n');
        for (Map.Entry<String, Map<String, Integer>> cell : samples.entrySet()) {
            long transfers = windows.stream().filter(w -> w.cell().equals(cell.getKey())).mapToLong(Window::transfers).sum();
            double cpu = windows.stream().filter(w -> w.cell().equals(cell.getKey())).mapToDouble(Window::appCpuSeconds).sum();
            int total = cell.getValue().values().stream().mapToInt(Integer::intValue).sum();
            double msPerTransfer = transfers == 0 ? 0 : cpu * 1000 / transfers;
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f |", cell.getKey(), total, msPerTransfer));
            for (String c : columns) {
                int n = cell.getValue().getOrDefault(c, 0);
                md.append(total == 0 ? " – |" : String.format(Locale.ROOT, " %.2f |", msPerTransfer * n / total));
            }
            md.append('\n');
        }
        Files.writeString(Path.of(args[2]), md.toString());
        System.out.print(md);
    }

    private static String component(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun.")
                    || type.startsWith("com.sun.")) {
                continue;
            }
            for (String[] c : COMPONENTS) {
                for (int i = 1; i < c.length; i++) {
                    if (type.startsWith(c[i])) {
                        return c[0];
                    }
                }
            }
            return OTHER;
        }
        return JDK_ONLY;
    }
}
