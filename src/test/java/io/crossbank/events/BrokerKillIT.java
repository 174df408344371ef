package io.crossbank.events;

import static io.crossbank.support.Api.openAccount;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The broker dies for real ({@code kill -9} of its Erlang VM) in the middle of a batch of the relay (published, its
 * confirms not read yet: a Byteman pause) while a stream of transfers goes on, and comes back on the same data
 * directory: transfers never stop, the backlog drains once the broker is back, and every committed transfer has
 * exactly one event id at the reference consumer (its own app instance), applied once.
 */
class BrokerKillIT {

    private static final String DATABASE = "crossbank_it_broker_kill";
    private static final int WORKERS = 4;
    /** Transfers committed while the broker is dead: the backlog the restarted broker has to take. */
    private static final int BACKLOG = 200;

    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    private static BrokerNode broker;

    @BeforeAll
    static void startBroker() {
        broker = BrokerNode.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void brokerKilledMidStreamLosesNoEventAndTheBacklogDrainsWhenItIsBack() {
        // The consumer first: it declares its queue, which must be bound before the first event is published.
        AppProcess consumer = APPS.app("broker-kill-consumer").with("RABBITMQ_PORT", String.valueOf(broker.port()))
                .with("CROSSBANK_EVENTS_RELAY_ENABLED", "false").with("CROSSBANK_EVENTS_CONSUMER_ENABLED", "true").start();
        consumer.awaitLog("The reference consumer is consuming queue", Duration.ofSeconds(30));
        AppProcess app = APPS.app("broker-kill").with("RABBITMQ_PORT", String.valueOf(broker.port()))
                .withByteman("pause-before-confirms").start();
        RestAssured.port = app.port();
        List<String> accounts = List.of(openAccount("postgres", "1000.00"), openAccount("mysql", "1000.00"),
                openAccount("postgres", "1000.00"), openAccount("mysql", "1000.00"));
        String empty = openAccount("postgres", "0.00");

        try (TransferLoad load = new TransferLoad(app.port(), accounts, empty)) {
            // The relay's tenth batch is published and its confirms not yet read when the broker dies.
            app.awaitLog("CRASHPOINT pause-before-confirms", Duration.ofSeconds(60));
            assertThat(published()).as("events confirmed before the kill").isPositive();
            int beforeKill = load.committed.size();
            broker.kill9();
            app.releasePause();
            app.awaitLog("failed while publishing", Duration.ofSeconds(30));
            Faults.awaitTrue(BACKLOG + " transfers committed while the broker is dead", Duration.ofSeconds(120),
                    () -> load.committed.size() >= beforeKill + BACKLOG);
            load.close();
            assertThat(load.failed).as("answers other than 201 (or 422 for the empty account) while the broker was dead").isEmpty();
            int backlog = Outbox.unsentIn(DATABASE).size();
            assertThat(backlog).as("unsent outbox rows while the broker is dead").isGreaterThanOrEqualTo(BACKLOG);
            assertThat(RestAssured.get("/q/health/ready").statusCode()).as("readiness while the broker is dead").isEqualTo(200);

            long restart = System.nanoTime();
            broker.restart();
            Duration brokerBack = Duration.ofNanos(System.nanoTime() - restart);
            Duration drained = EventInvariants.awaitNothingUnsent(DATABASE, Duration.ofSeconds(60));
            Faults.recordTime("broker kill -9: backlog of " + backlog + " events drained after the broker accepts AMQP again", drained);
            System.out.printf("BrokerKillIT: %d transfers committed (%d while the broker was dead), backlog %d events; broker restart"
                    + " %.1f s, backlog drained %.1f s after it accepted AMQP again%n", load.committed.size(),
                    load.committed.size() - beforeKill, backlog, brokerBack.toMillis() / 1000.0, drained.toMillis() / 1000.0);

            Duration consumed = EventInvariants.awaitConsumed(DATABASE, load.committed, Duration.ofSeconds(60));
            EventInvariants.assertConsumedOnce(DATABASE, load.committed, accounts, List.of(empty));
            System.out.printf("BrokerKillIT: all consumed %.1f s after the backlog drained; %.0f redeliveries absorbed by the consumer's inbox%n",
                    consumed.toMillis() / 1000.0, EventInvariants.duplicatesAt(consumer));
            List<String> all = new ArrayList<>(accounts);
            all.add(empty);
            for (String ledger : List.of("postgres", "mysql")) {
                Map<String, Integer> journal = Sql.journalRowsPerTransfer(ledger, DATABASE);
                assertThat(journal).as("%s journal rows per transfer: one per committed transfer, nothing else", ledger)
                        .hasSize(load.committed.size()).allSatisfy((transfer, rows) -> assertThat(rows).isEqualTo(1));
                assertThat(journal.keySet()).as("%s journalled transfers", ledger).containsExactlyInAnyOrderElementsOf(load.committed);
            }
            Faults.assertInvariants(DATABASE, app, new BigDecimal("4000.00"), all, List.of());
        }
    }

    private static double published() {
        return io.crossbank.support.Api.metric("crossbank_events_published_total");
    }

    /**
     * Clients sending cross-ledger transfers in both directions, one account pair each, until closed; every fifth
     * request of each is from an empty account and must be refused (422), so that rejected transfers are in the
     * stream too.
     */
    private static final class TransferLoad implements AutoCloseable {

        final Queue<String> committed = new ConcurrentLinkedQueue<>();
        final Queue<String> failed = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS);

        TransferLoad(int port, List<String> accounts, String empty) {
            for (int w = 0; w < WORKERS; w++) {
                String from = accounts.get(w);
                String to = accounts.get((w + 1) % accounts.size());
                workers.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        boolean refused = i % 5 == 4;
                        Response answer = RestAssured.given().port(port).contentType(ContentType.JSON)
                                .body(Map.of("from", refused ? empty : from, "to", to, "amount", "0.01")).post("/transfers");
                        if (answer.statusCode() == 201 && !refused) {
                            committed.add(answer.path("id"));
                        } else if (answer.statusCode() != 422 || !refused) {
                            failed.add(answer.statusCode() + " " + answer.asString());
                        }
                    }
                    return null;
                });
            }
        }

        @Override
        public void close() {
            running.set(false);
            workers.shutdown();
            try {
                assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).as("the load's clients stopped").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
