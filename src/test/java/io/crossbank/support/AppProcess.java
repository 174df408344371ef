package io.crossbank.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged application (target/quarkus-app/quarkus-run.jar) run as a child process, so that tests can
 * start it against chosen databases and kill it for real.
 */
public final class AppProcess implements AutoCloseable {

    private final String name;
    private final Map<String, String> env;
    private static final int FIRST_PORT = 12000;
    private static final int PORTS = 8000;
    private static final java.util.Random RANDOM = new java.util.Random();
    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    private final int port;
    private final Path log;
    private final List<String> jvmArgs = new ArrayList<>();
    private Process process;
    private long logStart;

    private AppProcess(String name, Map<String, String> env, int port) {
        this.name = name;
        this.env = env;
        this.port = port;
        this.log = Path.of("target", "app-logs", name + ".log");
    }

    /** An instance with its own node name and object store, on both ledgers' databases of this name. */
    public static AppProcess onDatabase(String name, String database) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_POSTGRES_JDBC_URL", Sql.postgresUrl(database));
        env.put("QUARKUS_DATASOURCE_MYSQL_JDBC_URL", Sql.mysqlUrl(database));
        // The reference consumer's store (schema "consumer"), when CROSSBANK_EVENTS_CONSUMER_ENABLED=true: the same database.
        env.put("QUARKUS_DATASOURCE_CONSUMER_JDBC_URL", Sql.postgresUrl(database));
        // The build's private broker unless a test names its own: in the prod profile the app would otherwise reach
        // localhost:5672, the machine's broker, which tests never touch.
        env.put("RABBITMQ_HOST", "127.0.0.1");
        env.put("RABBITMQ_PORT", String.valueOf(Integer.getInteger("crossbank.broker.port", 25674)));
        env.put("QUARKUS_TRANSACTION_MANAGER_NODE_NAME", name);
        env.put("QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_DIRECTORY", Path.of("target", "object-stores", name).toAbsolutePath().toString());
        return new AppProcess(name, env, freePort());
    }

    public AppProcess with(String key, String value) {
        env.put(key, value);
        return this;
    }

    /**
     * Runs the app with the Byteman agent and one rule file from src/test/resources/byteman: the way fault
     * tests halt or pause the real JVM at an exact point of two-phase commit.
     */
    public AppProcess withByteman(String rules) {
        Path script = Path.of("src", "test", "resources", "byteman", rules + ".btm").toAbsolutePath();
        if (!Files.exists(script)) {
            throw new IllegalArgumentException("no rule file " + script);
        }
        jvmArgs.add("-javaagent:" + BytemanAgent.jar() + "=script:" + script);
        return this;
    }

    /** The directory of this instance's Narayana object store. */
    public Path objectStore() {
        return Path.of(env.get("QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_DIRECTORY"));
    }

    public String nodeName() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits for the process to end on its own (a halt in a Byteman rule, say). */
    public void awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout + "; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the app's log contains this text (e.g. a Byteman rule's marker line). */
    public void awaitLog(String text, Duration timeout) {
        await("'" + text + "' in " + log).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> logText().contains(text));
    }

    /**
     * Lets a thread held by a pause-before-* rule go on: each GET /q/health/live fires the rule's release, which
     * wakes the paused thread if it is waiting; repeated until the rule logs that it resumed.
     */
    public void releasePause() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest live = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live"))
                .timeout(Duration.ofSeconds(2)).build();
        await(name + " to resume from its Byteman pause (see " + log + ")").atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    client.send(live, HttpResponse.BodyHandlers.discarding());
                    return logText().contains("CRASHPOINT resume-");
                });
    }

    /** What this run of the process has logged so far (the file keeps earlier runs of the same node). */
    public String logText() {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            byte[] bytes = Files.readAllBytes(log);
            return new String(bytes, (int) Math.min(logStart, bytes.length), (int) Math.max(0, bytes.length - logStart),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a POSIX signal (STOP, CONT) to the JVM. */
    public void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public AppProcess start() {
        String jar = System.getProperty("crossbank.app.jar", "target/quarkus-app/quarkus-run.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                // an agent may touch java.util.logging before Quarkus installs its log manager
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        try {
            Files.createDirectories(log.getParent());
            logStart = Files.exists(log) ? Files.size(log) : 0;
            Files.writeString(log, "=== start " + java.time.Instant.now() + " " + command + System.lineSeparator(),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        awaitReady(Duration.ofSeconds(90));
        return this;
    }

    /** SIGKILL: no shutdown hook, no flush; exactly what a crashed JVM leaves behind. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitForExit();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void waitForExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            await(name + " to be ready (see " + log + ")").atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .failFast(name + " exited before it was ready; see " + log, () -> !process.isAlive())
                    // IOException: not listening yet
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (ConditionTimeoutException e) {
            kill();
            throw e;
        }
    }

    /**
     * A free port below the kernel's ephemeral range (32768–60999 here). A port from {@code new ServerSocket(0)} comes from
     * that range, and between this check and the app's bind an outgoing connection (the apps' pools open hundreds) could
     * take it as its local port: an app of a CI run once exited with "Port … seems to be in use". Ports handed out once
     * are not handed out again in this JVM, since apps are created before they are started.
     */
    private static synchronized int freePort() {
        for (int attempt = 0; attempt < 500; attempt++) {
            int candidate = FIRST_PORT + RANDOM.nextInt(PORTS);
            if (HANDED_OUT.contains(candidate)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(candidate));
                HANDED_OUT.add(candidate);
                return candidate;
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IllegalStateException("no free port in " + FIRST_PORT + ".." + (FIRST_PORT + PORTS - 1));
    }
}
