package io.crossbank.benchload;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * A closed loop: c virtual clients, each sending its next request when the previous one has answered
 * (so there is no coordinated omission to correct: the offered load is whatever the service sustains).
 * Only requests that both start and end inside the measured window are recorded.
 */
final class ClosedLoop {

    /** What one mode sends: the endpoint and whether both accounts sit in different ledgers. */
    enum Mode {
        XA("xa", "/transfers", true, "cross-ledger transfer in one XA transaction (the product path, with its event in the outbox)"),
        XA_CMR("xa-cmr", "/transfers", true, "the product path with MariaDB as the commit-markable ledger (a second app on the same"
                + " databases, crossbank.xa.commit-markable-ledger=mysql): a local commit with a marker row instead of its XA branch"),
        XA_JDBCSTORE("xa-jdbcstore", "/transfers", true, "the product path with Narayana's JDBC object store (a second app on the same"
                + " databases, its log in a PostgreSQL table instead of files)"),
        XA_NO_EVENTS("xa-no-events", "/bench/xa-no-events-transfers", true, "the product path without the transfer's outbox row: what events cost"),
        SAGA("saga", "/transfers", true, "cross-ledger saga: local transactions one ledger at a time, answered once settled (within crossbank.saga.wait)",
                ",\"mode\":\"saga\"", null, false),
        SAGA_ACCEPTED("saga-accepted", "/transfers", true, "cross-ledger saga answered at once (Prefer: wait=0, 202), settled afterwards",
                ",\"mode\":\"saga\"", "wait=0", false),
        SAGA_ACCEPTED_PG_TO_MY("saga-accepted-pg-to-my", "/transfers", true, "saga-accepted, always debiting PostgreSQL and crediting MySQL",
                ",\"mode\":\"saga\"", "wait=0", true),
        BASELINE("baseline", "/bench/baseline-transfers", true, "the same SQL as two independent local commits, no coordinator"),
        SAME_LEDGER("same-ledger", "/transfers", false, "both accounts in one database: the product path, one-phase commit"),
        PLAIN_LOCAL("plain-local", "/bench/baseline-transfers", false, "the same SQL as one plain local transaction"),
        TUTORIAL("tutorial", "/bench/tutorial-transfers", true, "what a user would build instead: both accounts loaded with a pessimistic"
                + " lock and both balances updated in one XA transaction; no record, journal, event or idempotency"),
        XA_JDBC("xa-jdbc", "/bench/xa-jdbc-transfers", true, "diagnostic: the baseline's JDBC in one XA transaction (no ORM)"),
        ECHO("echo", "/bench/echo-transfers", true, "diagnostic: HTTP, JSON and validation only, no database");

        final String label;
        final String path;
        final boolean cross;
        final String description;
        /** Appended to the request body's members (the mode). */
        final String extraMembers;
        /** The Prefer header, if any. */
        final String prefer;
        /** Always from the PostgreSQL ledger to the MySQL one (a saga still accepted while MySQL is down). */
        final boolean pgToMy;

        Mode(String label, String path, boolean cross, String description) {
            this(label, path, cross, description, "", null, false);
        }

        Mode(String label, String path, boolean cross, String description, String extraMembers, String prefer, boolean pgToMy) {
            this.label = label;
            this.path = path;
            this.cross = cross;
            this.description = description;
            this.extraMembers = extraMembers;
            this.prefer = prefer;
            this.pgToMy = pgToMy;
        }

        static Mode of(String label) {
            for (Mode m : values()) {
                if (m.label.equals(label)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mode " + label);
        }
    }

    /** The outcome of one window. */
    static final class Result {
        final Histogram ok = histogram();
        final Map<String, Long> byStatus = new TreeMap<>();
        long measuredNanos;

        long okCount() {
            return ok.getTotalCount();
        }

        void add(Result other) {
            ok.add(other.ok);
            other.byStatus.forEach((k, v) -> byStatus.merge(k, v, Long::sum));
            measuredNanos += other.measuredNanos;
        }

        void subtract(Result other) {
            ok.subtract(other.ok);
            other.byStatus.forEach((k, v) -> byStatus.merge(k, -v, Long::sum));
            byStatus.values().removeIf(v -> v == 0);
            measuredNanos -= other.measuredNanos;
        }
    }

    /** Called by the driver at the two edges of the measured window. */
    interface Edge {
        void at(boolean start);
    }

    /** Modes served by an app of their own (a start-time configuration on the same databases), not by the main one. */
    static final Set<Mode> OWN_APP = EnumSet.of(Mode.XA_CMR, Mode.XA_JDBCSTORE);

    private final HttpClient client;
    private final String baseUrl;
    private final Map<Mode, String> ownAppUrls;
    private final int accounts;

    ClosedLoop(String baseUrl, int accounts) {
        this(baseUrl, Map.of(), accounts);
    }

    /** {@code ownAppUrls}: the app serving each mode of {@link #OWN_APP} the run has (run.sh starts them). */
    ClosedLoop(String baseUrl, Map<Mode, String> ownAppUrls, int accounts) {
        this.baseUrl = baseUrl;
        this.ownAppUrls = Map.copyOf(ownAppUrls);
        this.accounts = accounts;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private String baseOf(Mode mode) {
        if (!OWN_APP.contains(mode)) {
            return baseUrl;
        }
        String url = ownAppUrls.get(mode);
        if (url == null) {
            throw new IllegalArgumentException("mode " + mode.label + " needs its own app (run.sh starts it when the plan names the mode)");
        }
        return url;
    }

    Result run(Mode mode, int concurrency, int accountPool, double warmupSeconds, double measureSeconds, Edge edge)
            throws InterruptedException {
        int pool = Math.min(accountPool, accounts);
        URI uri = URI.create(baseOf(mode) + mode.path);
        Window window = new Window();
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Client c = new Client(mode, uri, pool, window);
            clients.add(c);
            c.thread.start();
        }
        sleep(warmupSeconds);
        edge.at(true);
        window.start = System.nanoTime();
        sleep(measureSeconds);
        window.end = System.nanoTime();
        edge.at(false);
        window.stop = true;
        Result result = new Result();
        for (Client c : clients) {
            c.thread.join(TimeUnit.SECONDS.toMillis(60));
            result.add(c.result);
        }
        result.measuredNanos = window.end - window.start;
        return result;
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
    }

    private static final class Window {
        volatile long start = Long.MAX_VALUE;
        volatile long end = Long.MAX_VALUE;
        volatile boolean stop;
    }

    private final class Client {
        final Thread thread;
        final Result result = new Result();

        Client(Mode mode, URI uri, int pool, Window window) {
            this.thread = new Thread(() -> loop(mode, uri, pool, window), "client");
            thread.setDaemon(true);
        }

        private void loop(Mode mode, URI uri, int pool, Window window) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (!window.stop) {
                HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(mode, pool, random)));
                if (mode.prefer != null) {
                    builder.header("Prefer", mode.prefer);
                }
                HttpRequest request = builder.build();
                long t0 = System.nanoTime();
                String outcome;
                try {
                    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    outcome = String.valueOf(response.statusCode());
                } catch (java.io.IOException e) {
                    outcome = e.getClass().getSimpleName();
                } catch (InterruptedException e) {
                    return;
                }
                long t1 = System.nanoTime();
                if (t0 >= window.start && t1 <= window.end) {
                    result.byStatus.merge(outcome, 1L, Long::sum);
                    if (outcome.startsWith("2")) {
                        result.ok.recordValue(Math.max(1, (t1 - t0) / 1000));
                    }
                }
            }
        }
    }

    /** A random transfer of 0.01 to 9.99 EUR between two distinct accounts of the pool. */
    private static String body(Mode mode, int pool, ThreadLocalRandom random) {
        String first = mode.pgToMy || random.nextBoolean() ? "pg-" : "my-";
        String from;
        String to;
        if (mode.cross) {
            String second = first.equals("pg-") ? "my-" : "pg-";
            from = first + id(1 + random.nextInt(pool));
            to = second + id(1 + random.nextInt(pool));
        } else {
            int a = 1 + random.nextInt(pool);
            int b = 1 + random.nextInt(pool - 1);
            if (b >= a) {
                b++;
            }
            from = first + id(a);
            to = first + id(b);
        }
        int cents = 1 + random.nextInt(999);
        return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":\"" + (cents / 100) + "." + String.format("%02d", cents % 100)
                + "\"" + mode.extraMembers + "}";
    }

    private static String id(int n) {
        return String.format("00000000-0000-0000-0000-%012d", n);
    }
}
