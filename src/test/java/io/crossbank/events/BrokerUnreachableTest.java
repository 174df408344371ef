package io.crossbank.events;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.crossbank.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay points at a port where no broker runs (the build's shared private node is left alone): transfers go on
 * and their events wait. Then a real RabbitMQ node is started on that port, and the waiting events are delivered.
 */
@QuarkusTest
@TestProfile(BrokerUnreachableTest.ClosedBrokerPort.class)
class BrokerUnreachableTest {

    static final int PORT = freeBrokerPort();

    public static class ClosedBrokerPort implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rabbitmq-port", String.valueOf(PORT), "crossbank.events.reconnect-delay", "500ms");
        }
    }

    private static final String CONNECTION_FAILURES = "crossbank_events_broker_connection_failures_total";

    @AfterAll
    static void stopBroker() throws Exception {
        rabbitmq("stop");
    }

    @Test
    void whileTheBrokerIsUnreachableTransfersCommitAndTheirEventsWaitUntilItIsBack() throws Exception {
        String from = openAccount("mysql", "30.00");
        String to = openAccount("postgres", "0.00");
        Response created = transfer(from, to, "4.00");
        created.then().statusCode(201);
        String transferId = created.path("id");

        given().get("/q/health/ready").then().statusCode(200);
        // Two more failed connections to the broker later, the row is still waiting, untouched: nothing was published.
        double failures = Api.metric(CONNECTION_FAILURES);
        await("two more failed connections to the broker").atMost(Duration.ofSeconds(30))
                .until(() -> Api.metric(CONNECTION_FAILURES) >= failures + 2);
        Outbox.Row waiting = Outbox.single(from, transferId);
        assertThat(waiting.sentAt()).as("An event cannot be sent while the broker is unreachable.").isNull();
        assertThat(waiting.attempts()).as("No publication was attempted without a broker.").isZero();
        assertThat(given().get("/q/health/ready").statusCode()).as("Readiness stays UP while events wait for the broker.").isEqualTo(200);

        rabbitmq("start");
        try (EventQueue queue = EventQueue.bind(PORT)) {
            EventQueue.Message message = queue.awaitOne(transferId);
            assertThat(message.properties().getMessageId()).as("The waiting event is delivered with its own id.").isEqualTo(waiting.eventId());
            await().atMost(Duration.ofSeconds(10)).until(() -> Outbox.single(from, transferId).sentAt() != null);
        }
    }

    /** A port whose RabbitMQ distribution port (+ 20000, src/build/rabbitmq.sh) is free as well. */
    private static int freeBrokerPort() {
        for (int port = EventQueue.privateBrokerPort() + 1; port < EventQueue.privateBrokerPort() + 200; port++) {
            if (free(port) && free(port + 20000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair for a second RabbitMQ node");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void rabbitmq(String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", Path.of("src", "build", "rabbitmq.sh").toString(), "--port", String.valueOf(PORT),
                command).inheritIO();
        // This second node needs a data directory of its own: not the build node's, which CI names in CROSSBANK_BROKER_DIR.
        builder.environment().remove("CROSSBANK_BROKER_DIR");
        Process process = builder.start();
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("src/build/rabbitmq.sh " + command + " failed for port " + PORT);
        }
    }
}
