package io.crossbank.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A RabbitMQ node of a test's own (src/build/rabbitmq.sh on a free port, with a fresh data directory), so that the
 * test can {@code kill -9} it without touching the build's shared node. Its data directory survives a kill and a
 * restart, as a real broker's disk would; {@link #close()} stops the node and deletes it.
 */
final class BrokerNode implements AutoCloseable {

    private final int port;
    private final Path dataDir;

    private BrokerNode(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Starts a node on a free port pair (AMQP port and its distribution port, + 20000). */
    static BrokerNode start() {
        try {
            BrokerNode node = new BrokerNode(freeBrokerPort(), Files.createTempDirectory("crossbank-test-broker-"));
            node.script("start");
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** Starts the node again after {@link #kill9()}, on the same data directory. */
    void restart() {
        script("start");
    }

    /** SIGKILL to the node's Erlang VM (its pid from the node's pid file): no shutdown, no flush. */
    void kill9() {
        long pid = Long.parseLong(script("pid").trim());
        ProcessHandle beam = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no broker process " + pid));
        run(new ProcessBuilder("kill", "-9", String.valueOf(pid)));
        beam.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        script("stop");
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String script(String command) {
        ProcessBuilder builder = new ProcessBuilder("bash", Path.of("src", "build", "rabbitmq.sh").toString(), "--port", String.valueOf(port),
                command);
        builder.environment().put("CROSSBANK_BROKER_DIR", dataDir.toString());
        return run(builder);
    }

    private static String run(ProcessBuilder builder) {
        builder.redirectErrorStream(true);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(builder.command() + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freeBrokerPort() {
        for (int port = EventQueue.privateBrokerPort() + 300; port < EventQueue.privateBrokerPort() + 500; port++) {
            if (free(port) && free(port + 20000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair for a test's own RabbitMQ node");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
