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
 * transfer itself. A restart of the same node must leave exactly one event id per committed transfer at the reference
 * consumer (an instance of its own), applied once, and none for a transfer that was rolled back.
 */
class EventCrashIT {

    private static final String DATABASE = "crossbank_it_event_crash";

    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    private static BrokerNode broker;
    /** The reference consumer, in an instance of its own that none of these faults touches. */
    private static AppProcess consumer;
    /** Every transfer of this class's database that committed: the consumer's inbox must hold exactly these. */
    private static final List<String> COMMITTED = new ArrayList<>();

    @BeforeAll
    static void startBrokerAndConsumer() {
        broker = BrokerNode.start();
        // Started before any relay: it declares its queue, which must be bound before the first event is published.
        consumer = app("event-crash-consumer").with("CROSSBANK_EVENTS_RELAY_ENABLED", "false")
                .with("CROSSBANK_EVENTS_CONSUMER_ENABLED", "true").start();
        consumer.awaitLog("The reference consumer is consuming queue", Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBroker() {
        if (consumer != null) {
            consumer.kill();
        }
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
        COMMITTED.add(transfer);
        // The consumer has it: the broker had taken the publication before the halt.
        EventInvariants.awaitConsumed(DATABASE, List.of(transfer), Duration.ofSeconds(30));
        double handled = EventInvariants.handledAt(consumer);
        double duplicates = EventInvariants.duplicatesAt(consumer);

        app = app(node).start();
        EventInvariants.awaitNothingUnsent(DATABASE, Duration.ofSeconds(30));
        Faults.awaitTrue("the consumer to receive the re-published event", Duration.ofSeconds(30),
                () -> EventInvariants.handledAt(consumer) > handled);
        assertThat(EventInvariants.duplicatesAt(consumer) - duplicates).as("re-publications the consumer recognised by their event id")
                .isEqualTo(1);
        EventInvariants.assertConsumedOnce(DATABASE, COMMITTED, List.of(from, to), List.of());
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
        List<String> journalled = new ArrayList<>();
        if (committed) {
            List<Outbox.Row> rows = Outbox.mentioningIn(DATABASE, from);
            assertThat(rows).as("outbox rows of the transfer recovery committed").hasSize(1);
            String recovered = rows.get(0).aggregateId();
            COMMITTED.add(recovered);
            journalled.add(recovered);
            EventInvariants.awaitConsumed(DATABASE, List.of(recovered), Duration.ofSeconds(30));
            Faults.recordTime("JVM killed: " + crashPoint + ", relay on (restart to the recovered transfer's event in the consumer's inbox)",
                    Duration.ofNanos(System.nanoTime() - restart));
        }
        // A transfer after the restart whose event arrives: the relay works, so no event of the first means none exists.
        String otherFrom = openAccount("mysql", "5.00");
        String otherTo = openAccount("postgres", "0.00");
        String followUp = transfer(otherFrom, otherTo, "5.00").then().statusCode(201).extract().path("id");
        COMMITTED.add(followUp);
        journalled.add(followUp);

        List<String> rolledBack = committed ? List.of() : List.of(from, to);
        List<String> accounts = new ArrayList<>(List.of(from, to, otherFrom, otherTo));
        accounts.removeAll(rolledBack);
        EventInvariants.assertConsumedOnce(DATABASE, COMMITTED, accounts, rolledBack);
        Faults.assertInvariants(DATABASE, app, new BigDecimal("105.00"), List.of(from, to, otherFrom, otherTo), journalled);
    }
}
