package io.crossbank.events;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.crossbank.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An event no queue is bound for: RabbitMQ would confirm and drop it; the relay publishes it mandatory instead. */
@QuarkusTest
class UnroutableEventsTest {

    @Test
    void anEventNoQueueIsBoundForStaysUnsentUntilAQueueIsBound() throws Exception {
        String from = openAccount("postgres", "20.00");
        String to = openAccount("postgres", "0.00");
        Response created = transfer(from, to, "3.00");
        created.then().statusCode(201);
        String transferId = created.path("id");

        await().atMost(Duration.ofSeconds(30)).until(() -> Outbox.single(from, transferId).attempts() >= 1);
        Outbox.Row returned = Outbox.single(from, transferId);
        assertThat(returned.sentAt()).as("A row the broker returned as unroutable is not marked sent.").isNull();
        assertThat(returned.lastError()).as("The row records that no queue was bound for it.").contains("unroutable");
        await("the backlog metric counting the waiting event").atMost(Duration.ofSeconds(15))
                .until(() -> Api.metric("crossbank_events_unsent{ledger=\"postgres\"") >= 1
                        && Api.metric("crossbank_events_oldest_unsent_seconds{ledger=\"postgres\"") > 0);

        try (EventQueue queue = EventQueue.bind(EventQueue.privateBrokerPort())) {
            EventQueue.Message message = queue.awaitOne(transferId);
            await().atMost(Duration.ofSeconds(10)).until(() -> Outbox.single(from, transferId).sentAt() != null);
            assertThat(message.properties().getMessageId()).as("The event delivered later keeps its id.").isEqualTo(returned.eventId());
            await("the backlog drained once a queue is bound").atMost(Duration.ofSeconds(30))
                    .until(() -> Api.metric("crossbank_events_unsent{ledger=\"postgres\"") == 0
                            && Api.metric("crossbank_events_oldest_unsent_seconds{ledger=\"postgres\"") == 0);
        }
    }
}
