package io.crossbank.events;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crossbank.support.AppProcess;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two packaged instances relaying the same two outboxes at once, under load on both: every event reaches a bound
 * queue, in seq order per debited account (the contract), and on this happy path none twice (SKIP LOCKED and the
 * head-of-ledger rule keep the relays off each other's rows).
 */
class TwoRelaysIT {

    private static final String DATABASE = "crossbank_it_relays";
    private static final int TRANSFERS_PER_CLIENT = 25;

    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    private record Row(String ledger, long seq, String transferId, String debited) {
    }

    private static final java.util.regex.Pattern FROM = java.util.regex.Pattern.compile("\"from\":\"([^\"]+)\"");

    @Test
    void twoRelaysPublishEveryEventOnceInSeqOrderPerDebitedAccount() throws Exception {
        try (EventQueue queue = EventQueue.bind(EventQueue.privateBrokerPort())) {
            AppProcess a = relayingApp("relay-a").start();
            AppProcess b = relayingApp("relay-b").start();
            RestAssured.port = a.port();
            String pg1 = io.crossbank.support.Api.openAccount("postgres", "1000.00");
            String pg2 = io.crossbank.support.Api.openAccount("postgres", "1000.00");
            String my1 = io.crossbank.support.Api.openAccount("mysql", "1000.00");
            String my2 = io.crossbank.support.Api.openAccount("mysql", "1000.00");

            // Four clients, two on each instance, debiting both ledgers, so both relays are woken on both ledgers.
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<CompletableFuture<List<String>>> loads = List.of(
                    CompletableFuture.supplyAsync(() -> transfers(a, pg1, my1), clients),
                    CompletableFuture.supplyAsync(() -> transfers(a, my2, pg2), clients),
                    CompletableFuture.supplyAsync(() -> transfers(b, pg2, my2), clients),
                    CompletableFuture.supplyAsync(() -> transfers(b, my1, pg1), clients));
            List<String> committed = new ArrayList<>();
            for (CompletableFuture<List<String>> load : loads) {
                committed.addAll(load.get(180, TimeUnit.SECONDS));
            }
            clients.shutdown();

            await("both outboxes drained by the two relays").atMost(Duration.ofSeconds(60)).until(() -> unsent() == 0);
            Map<String, Row> outbox = outboxRows();
            assertThat(outbox.values().stream().map(Row::transferId).sorted().toList())
                    .as("Exactly one outbox row per committed transfer.").isEqualTo(committed.stream().sorted().toList());
            await("every event delivered to the bound queue").atMost(Duration.ofSeconds(30))
                    .until(() -> outbox.keySet().stream().allMatch(id -> !deliveriesOf(queue, id).isEmpty()));

            List<String> arrivals = queue.mentioning("\"type\":\"" + TransferEvents.TRANSFER_COMMITTED + "\"").stream()
                    .map(m -> m.properties().getMessageId()).filter(outbox::containsKey).toList();
            Map<String, Integer> deliveries = new HashMap<>();
            arrivals.forEach(id -> deliveries.merge(id, 1, Integer::sum));
            long duplicates = deliveries.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
            System.out.printf("[two relays] %d events of %d transfers, %d deliveries, %d duplicates%n", outbox.size(), committed.size(),
                    arrivals.size(), duplicates);
            assertThat(duplicates).as("On the happy path neither relay publishes an event the other one published.").isZero();

            // The contract orders the events of one debited account: two transfers debiting different accounts may
            // commit in the other order than they took their seq, and each is published once it has committed.
            for (String debited : List.of(pg1, pg2, my1, my2)) {
                List<Long> firstArrivals = new ArrayList<>();
                Map<String, Boolean> seen = new HashMap<>();
                for (String id : arrivals) {
                    Row row = outbox.get(id);
                    if (debited.equals(row.debited()) && seen.putIfAbsent(id, true) == null) {
                        firstArrivals.add(row.seq());
                    }
                }
                assertThat(firstArrivals).as("The events of transfers debiting %s arrive in seq order, whichever relay published them.", debited)
                        .isSorted().hasSize((int) outbox.values().stream().filter(r -> debited.equals(r.debited())).count())
                        .hasSize(TRANSFERS_PER_CLIENT);
            }
        }
    }

    private static AppProcess relayingApp(String node) {
        return APPS.app(node)
                .with("RABBITMQ_HOST", "127.0.0.1")
                .with("RABBITMQ_PORT", String.valueOf(EventQueue.privateBrokerPort()))
                .with("CROSSBANK_EVENTS_RELAY_ENABLED", "true");
    }

    private static List<String> transfers(AppProcess app, String from, String to) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < TRANSFERS_PER_CLIENT; i++) {
            Response response = RestAssured.given().port(app.port()).contentType("application/json")
                    .body(Map.of("from", from, "to", to, "amount", "1.00")).post("/transfers");
            assertThat(response.statusCode()).as("transfer %d on %s: %s", i, app.nodeName(), response.body().asString()).isEqualTo(201);
            ids.add(response.path("id"));
        }
        return ids;
    }

    private static List<EventQueue.Message> deliveriesOf(EventQueue queue, String eventId) {
        return queue.mentioning("\"id\":\"" + eventId + "\"");
    }

    private static long unsent() throws SQLException {
        long unsent = 0;
        for (String ledger : List.of("postgres", "mysql")) {
            try (Connection c = connect(ledger); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox WHERE sent_at IS NULL")) {
                rs.next();
                unsent += rs.getLong(1);
            }
        }
        return unsent;
    }

    private static Map<String, Row> outboxRows() throws SQLException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String ledger : List.of("postgres", "mysql")) {
            try (Connection c = connect(ledger); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT event_id, seq, aggregate_id, payload FROM outbox ORDER BY seq")) {
                while (rs.next()) {
                    java.util.regex.Matcher from = FROM.matcher(rs.getString(4));
                    rows.put(rs.getString(1), new Row(ledger, rs.getLong(2), rs.getString(3), from.find() ? from.group(1) : null));
                }
            }
        }
        return rows;
    }

    private static Connection connect(String ledger) throws SQLException {
        return ledger.equals("postgres") ? Sql.postgres(DATABASE) : Sql.mysql(DATABASE);
    }
}
