package io.crossbank.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.crossbank.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Transfer events as a subscriber of the build's private RabbitMQ node receives them. */
@QuarkusTest
class TransferEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventQueue queue;

    @BeforeEach
    void bindQueue() throws Exception {
        queue = EventQueue.bind(EventQueue.privateBrokerPort());
    }

    @AfterEach
    void closeQueue() throws Exception {
        queue.close();
    }

    /**
     * This test's queue is bound to transfer.committed only (and no other queue is bound), so a saga's transfer.pending event is unroutable and held.
     * Each event type is a stream of its own: the held pending row, older in the ledger, does not hold back the
     * committed events after it (before, one unbound type stopped every event of its ledger).
     */
    @Test
    void anEventTypeNoQueueIsBoundForHoldsBackOnlyItsOwnRows() throws Exception {
        queue.close();
        queue = EventQueue.bind(EventQueue.privateBrokerPort(), "transfer.committed");
        String from = openAccount("postgres", "50.00");
        String to = openAccount("mysql", "0.00");
        Response saga = given().contentType("application/json").header("Prefer", "wait=10")
                .body("{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":\"5.00\",\"mode\":\"saga\"}").post("/transfers");
        saga.then().statusCode(201);
        String sagaId = saga.path("id");
        Response xa = transfer(from, to, "1.00");
        xa.then().statusCode(201);

        String xaId = xa.path("id");
        queue.awaitOne(sagaId);
        queue.awaitOne(xaId);
        // Confirmed and marked sent, not merely published again behind the held row at every one of its retries.
        await("the committed events marked sent").atMost(Duration.ofSeconds(10))
                .until(() -> Outbox.single(from, xaId).sentAt() != null && Outbox.ofTransfer(from, sagaId).stream()
                        .anyMatch(r -> r.type().endsWith(".committed") && r.sentAt() != null));
        await("no second delivery of the XA event").during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> queue.about(xaId).size() == 1);
        await("the pending event held as unroutable").atMost(Duration.ofSeconds(10))
                .until(() -> Outbox.ofTransfer(from, sagaId).stream()
                        .anyMatch(r -> r.type().endsWith(".pending") && r.sentAt() == null && r.attempts() >= 1));
        Outbox.Row pending = Outbox.ofTransfer(from, sagaId).stream().filter(r -> r.type().endsWith(".pending")).findFirst().orElseThrow();
        assertThat(pending.lastError()).as("Nothing is bound for transfer.pending here.").contains("unroutable");
        assertThat(queue.about(sagaId)).as("Only the saga's committed event reached the queue bound to transfer.committed.").hasSize(1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({ "postgres, mysql", "mysql, postgres", "mysql, mysql", "postgres, postgres" })
    void aCommittedTransferPublishesExactlyOneCloudEventWithTheTransferAsItsData(String fromLedger, String toLedger) throws Exception {
        String from = openAccount(fromLedger, "100.00");
        String to = openAccount(toLedger, "0.00");
        Response created = transfer(from, to, "12.34");
        created.then().statusCode(201);
        String transferId = created.path("id");

        EventQueue.Message message = queue.awaitOne(transferId);
        Outbox.Row row = Outbox.single(from, transferId);
        await().atMost(Duration.ofSeconds(10)).until(() -> Outbox.single(from, transferId).sentAt() != null);
        // A second publication would follow the first within its batch or at the next poll (crossbank.events.poll-period,
        // 2 s): none comes for longer than that, checked all along (Awaitility's during), not once after a sleep.
        await("no second delivery of transfer " + transferId).during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> queue.about(transferId).size() == 1);

        assertThat(message.envelope().getExchange()).as("The event was published to the crossbank.events exchange.")
                .isEqualTo("crossbank.events");
        assertThat(message.envelope().getRoutingKey()).as("The routing key is the event type without its io.crossbank. prefix.")
                .isEqualTo("transfer.committed");
        assertThat(message.properties().getContentType()).as("The content type is that of a structured CloudEvent.")
                .isEqualTo("application/cloudevents+json");
        assertThat(message.properties().getDeliveryMode()).as("The message is persistent (delivery mode 2).").isEqualTo(2);
        assertThat(message.properties().getMessageId()).as("The AMQP message-id is the outbox row's event id.").isEqualTo(row.eventId());

        JsonNode event = JSON.readTree(message.body());
        assertThat(event.path("specversion").asText()).as("The event says CloudEvents 1.0.").isEqualTo("1.0");
        assertThat(event.path("id").asText()).as("The CloudEvents id is the message-id.").isEqualTo(row.eventId());
        assertThat(event.path("type").asText()).as("The event type names a committed transfer.").isEqualTo("io.crossbank.transfer.committed");
        assertThat(event.path("subject").asText()).as("The subject is the transfer id.").isEqualTo(transferId);
        assertThat(event.path("source").asText()).as("The source names this Crossbank node.").isEqualTo("/crossbank/crossbank-test");
        assertThat(event.path("datacontenttype").asText()).as("The data is JSON.").isEqualTo("application/json");
        assertThat(Instant.parse(event.path("time").asText())).as("The event time is the transfer's creation time.")
                .isEqualTo(Instant.parse(created.path("createdAt")));
        JsonNode shown = JSON.readTree(given().get("/transfers/" + transferId).then().statusCode(200).extract().asString());
        assertThat(event.path("data")).as("The event's data is the transfer exactly as GET /transfers/{id} shows it.").isEqualTo(shown);
        assertThat(Outbox.ofTransfer(to, transferId)).as("Only the debited ledger holds the event when the transfer crosses ledgers.")
                .hasSize(fromLedger.equals(toLedger) ? 1 : 0);
    }

    @Test
    void theEventsOfTransfersDebitingOneAccountArriveInCommitOrder() {
        String from = openAccount("mysql", "100.00");
        String to = openAccount("postgres", "0.00");
        List<String> committed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Response created = transfer(from, to, "1.00");
            created.then().statusCode(201);
            committed.add(created.path("id"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> committed.stream().allMatch(id -> !queue.about(id).isEmpty()));

        List<String> arrived = queue.mentioning(from).stream()
                .map(m -> m.body().replaceAll(".*\"subject\":\"([^\"]+)\".*", "$1"))
                .distinct()
                .toList();
        assertThat(arrived).as("The subscriber received the events of the transfers debiting %s in the order they committed.", from)
                .containsExactlyElementsOf(committed);
    }

    @Test
    void aRejectedTransferWritesNoOutboxRowAndPublishesNothing() {
        String from = openAccount("postgres", "5.00");
        String to = openAccount("mysql", "0.00");
        Api.assertProblem(transfer(from, to, "10.00"), 422, "insufficient-funds");
        // Events of one ledger are published in seq order: once a later transfer's event has arrived, an event of the
        // rejected one would have arrived before it.
        Response later = transfer(from, to, "1.00");
        later.then().statusCode(201);
        String laterId = later.path("id");
        queue.awaitOne(laterId);

        List<Outbox.Row> rows = Outbox.mentioning(from);
        assertThat(rows).as("The only outbox row naming %s is the committed transfer's.", from)
                .extracting(Outbox.Row::aggregateId).containsExactly(laterId);
        assertThat(queue.mentioning(from)).as("The subscriber received one event naming %s: the committed transfer's.", from)
                .extracting(m -> m.properties().getMessageId())
                .containsExactly(rows.get(0).eventId());
    }

    @Test
    void aRowIsMarkedSentOnlyAfterTheBrokerConfirmedIt() throws Exception {
        String from = openAccount("mysql", "50.00");
        String to = openAccount("postgres", "0.00");
        String transferId;
        try (EventQueue refusing = EventQueue.refusingEverything(EventQueue.privateBrokerPort())) {
            Response created = transfer(from, to, "2.00");
            created.then().statusCode(201);
            transferId = created.path("id");
            // A queue bound to the exchange that refuses the message makes the broker nack the publication.
            await().atMost(Duration.ofSeconds(15)).until(() -> Outbox.single(from, transferId).attempts() >= 1);
            Outbox.Row nacked = Outbox.single(from, transferId);
            assertThat(nacked.sentAt()).as("A row the broker nacked is not marked sent.").isNull();
            assertThat(nacked.lastError()).as("The row records why it is not sent.").contains("nacked");
        }
        // The refusing queue is gone: the next retry is confirmed, and only then is the row marked sent.
        await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.single(from, transferId).sentAt() != null);
        Outbox.Row sent = Outbox.single(from, transferId);
        assertThat(sent.attempts()).as("The row was published again after the nack.").isGreaterThanOrEqualTo(2);
        assertThat(sent.lastError()).as("A confirmed row keeps no error.").isNull();
        assertThat(queue.about(transferId)).as("The subscriber got the event (at least once: the nacked publication reached it too).")
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m.properties().getMessageId()).isEqualTo(sent.eventId()));
    }
}
