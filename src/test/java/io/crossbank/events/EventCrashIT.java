package io.crossbank.events;

import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.restassured.RestAssured;

/**
 * The JVM that writes and relays events really dies (Runtime.halt from a Byteman rule) where an event could be lost
 * or doubled: between the broker's confirm and marking the outbox rows sent, and between prepare and commit of the
 * transfer itself. A restart of the same node must leave exactly one event id per committed transfer, delivered,
 * and none for a transfer that was rolled back.
 */
class EventCrashIT {

    private static final String DATABASE = "crossbank_it_event_crash";
    private static final String QUEUE = "crossbank.test.event-crash";

    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    private static BrokerNode broker;
    private static DurableEventQueue queue;

    @BeforeAll
    static void startBroker() {
        broker = BrokerNode.start();
        queue = DurableEventQueue.declare(broker.port(), QUEUE);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static AppProcess app(String node) {
        return APPS.app(node).with("RABBITMQ_PORT", String.valueOf(broker.port()));
    }

    @Test
    void relayHaltedAfterTheConfirmPublishesTheSameEventIdAgainAfterRestart() throws Exception {
        String node = "relay-halt";
        AppProcess app = app(node).withByteman("halt-before-mark-sent").start();
        RestAssured.port = app.port();
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");

        Faults.transferAnswerInBackground(app.port(), from, to, "10.00");
        app.awaitExit(Duration.ofSeconds(30));
        assertThat(app.logText()).contains("CRASHPOINT halt-before-mark-sent");

        List<Outbox.Row> rows = Outbox.mentioningIn(DATABASE, from);
        assertThat(rows).as("outbox rows of the transfer, committed before the relay ran").hasSize(1);
        Outbox.Row row = rows.get(0);
        String transfer = row.aggregateId();
        assertThat(row.sentAt()).as("the row the relay published but did not mark").isNull();
        queue.drain();
        assertThat(queue.about(transfer)).as("messages the broker confirmed before the halt")
                .extracting(DurableEventQueue.Delivery::messageId).containsExactly(row.eventId());

        app = app(node).start();
        EventInvariants.awaitNothingUnsent(DATABASE, Duration.ofSeconds(30));
        EventInvariants.assertDelivered(DATABASE, queue, List.of(transfer), List.of());
        assertThat(queue.about(transfer)).as("deliveries of the event: before the halt and again after the restart, one id")
                .extracting(DurableEventQueue.Delivery::messageId).containsExactly(row.eventId(), row.eventId());
        Faults.assertInvariants(DATABASE, app, new BigDecimal("100.00"), List.of(from, to), List.of(transfer));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // crash point (CoordinatorCrashIT's rules), outcome after restart
            "crash-after-decision,  committed",
            "crash-before-decision, rolled back" })
    void crashBetweenPrepareAndCommitLeavesAnEventExactlyWhenRecoveryCommits(String crashPoint, String outcome) throws Exception {
        String node = "events-" + crashPoint;
        AppProcess app = app(node);
        Faults.deleteObjectStore(app.objectStore());
        app.withByteman(crashPoint).start();
        RestAssured.port = app.port();
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");

        CompletableFuture<Integer> answer = Faults.transferInBackground(app.port(), from, to, "10.00");
        app.awaitExit(Duration.ofSeconds(30));
        assertThat(answer.get(10, TimeUnit.SECONDS)).as("the client gets no answer from a dead JVM").isEqualTo(-1);
        assertThat(app.logText()).contains("CRASHPOINT " + crashPoint);
        assertThat(Outbox.mentioningIn(DATABASE, from)).as("outbox rows visible while the transfer's branches are prepared").isEmpty();

        app = app(node);
        long restart = System.nanoTime();
        app.start();
        RestAssured.port = app.port();
        AppProcess restarted = app;
        Faults.awaitTrue("recovery of " + node, Duration.ofSeconds(60), () -> Faults.clean(restarted, DATABASE));
        boolean committed = outcome.equals("committed");
        List<String> committedTransfers = new ArrayList<>();
        if (committed) {
            List<Outbox.Row> rows = Outbox.mentioningIn(DATABASE, from);
            assertThat(rows).as("outbox rows of the transfer recovery committed").hasSize(1);
            committedTransfers.add(rows.get(0).aggregateId());
            EventInvariants.awaitNothingUnsent(DATABASE, Duration.ofSeconds(30));
            Faults.recordTime("JVM killed: " + crashPoint + ", relay on (restart to the recovered transfer's event confirmed)",
                    Duration.ofNanos(System.nanoTime() - restart));
        }
        // A transfer after the restart whose event arrives: the relay works, so no event of the first means none exists.
        String otherFrom = openAccount("mysql", "5.00");
        String otherTo = openAccount("postgres", "0.00");
        committedTransfers.add(transfer(otherFrom, otherTo, "5.00").then().statusCode(201).extract().path("id"));
        EventInvariants.awaitNothingUnsent(DATABASE, Duration.ofSeconds(30));

        EventInvariants.assertDelivered(DATABASE, queue, committedTransfers, committed ? List.of() : List.of(from, to));
        List<String> accounts = List.of(from, to, otherFrom, otherTo);
        Faults.assertInvariants(DATABASE, app, new BigDecimal("105.00"), accounts, committedTransfers);
    }
}
