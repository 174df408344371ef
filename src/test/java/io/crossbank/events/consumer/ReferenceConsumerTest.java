package io.crossbank.events.consumer;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;

import io.crossbank.events.OutboxRelay;
import io.crossbank.support.Api;
import io.crossbank.support.Sql;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import static io.crossbank.events.consumer.ReferenceConsumerProfile.DEAD_LETTER_EXCHANGE;
import static io.crossbank.events.consumer.ReferenceConsumerProfile.DEAD_LETTER_QUEUE;
import static io.crossbank.events.consumer.ReferenceConsumerProfile.DELIVERY_LIMIT;
import static io.crossbank.events.consumer.ReferenceConsumerProfile.QUEUE;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The reference consumer on the build's private RabbitMQ node and PostgreSQL: inbox, duplicates, poison, delivery limit. */
@QuarkusTest
@TestProfile(ReferenceConsumerProfile.class)
class ReferenceConsumerTest {

    private static com.rabbitmq.client.Connection broker;
    /** Everything read back from the dead-letter queue so far (reading takes a message off it). */
    private static final List<GetResponse> deadLettered = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void connectAndWaitForTheConsumer() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(Integer.getInteger("crossbank.broker.port", 25674));
        broker = factory.newConnection("crossbank-consumer-test");
        await("the reference consumer consuming " + QUEUE).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> passive(QUEUE).getConsumerCount() == 1);
    }

    @AfterAll
    static void deleteTheQueues() throws Exception {
        // Stopped first: it would declare its queue again on the broker's cancel.
        Arc.container().instance(ReferenceConsumer.class).get().stop();
        try (Channel channel = broker.createChannel()) {
            channel.queueDelete(QUEUE);
            channel.queueDelete(DEAD_LETTER_QUEUE);
            channel.exchangeDelete(DEAD_LETTER_EXCHANGE);
        }
        broker.close();
    }

    @Test
    void everyCommittedTransferIsAppliedOnceAndTheActivityEqualsTheJournal() {
        String pg = openAccount("postgres", "100.00");
        String my = openAccount("mysql", "100.00");
        List<String> committed = List.of(committed(pg, my, "10.00"), committed(my, pg, "2.50"), committed(pg, my, "1.25"),
                committed(my, pg, "0.01"));
        Api.assertProblem(transfer(pg, my, "500.00"), 422, "insufficient-funds");
        Api.assertProblem(transfer(my, pg, "500.00"), 422, "insufficient-funds");
        // Each ledger's events are published and consumed in order: once these are applied, an event of either
        // rejected transfer would have been applied before them.
        List<String> later = List.of(committed(pg, my, "3.00"), committed(my, pg, "4.00"));

        await("the consumer's activity of both accounts equal to their journals").atMost(Duration.ofSeconds(30))
                .until(() -> ConsumerRows.activity(pg).equals(ConsumerRows.journal(pg))
                        && ConsumerRows.activity(my).equals(ConsumerRows.journal(my)));
        for (String transferId : concat(committed, later)) {
            assertThat(ConsumerRows.inboxEventIds(transferId)).as("The inbox holds exactly one event id for committed transfer %s.", transferId)
                    .hasSize(1);
        }
        assertThat(ConsumerRows.activity(pg)).as("The activity of %s counts the 3 debits and 3 credits committed, nothing of the rejected transfer.", pg)
                .isEqualTo(new ConsumerRows.Activity(3, new java.math.BigDecimal("14.25"), 3, new java.math.BigDecimal("6.51")));
    }

    /**
     * A saga publishes pending, then committed or compensated: each lands in the inbox once, only committed moves money
     * in the read model, and none is mistaken for poison (the queue is bound to every transfer.* event).
     */
    @Test
    void aSagasEventsAreEachRecordedOnceAndOnlyTheCommittedOneMovesMoney() {
        String from = openAccount("postgres", "30.00");
        String to = openAccount("mysql", "0.00");
        String refused = openAccount("mysql", "0.00");
        given().auth().preemptive().basic("ops", "ops").post("/accounts/" + refused + "/freeze").then().statusCode(200);
        double rejectedBefore = Api.metric("crossbank_events_consumer_messages_total{outcome=\"rejected\"");

        Response committed = saga(from, to, "5.00");
        Response compensated = saga(from, refused, "7.00");
        assertThat(committed.<String>path("status")).isEqualTo("COMMITTED");
        assertThat(compensated.<String>path("status")).isEqualTo("COMPENSATED");

        await("pending and committed, pending and compensated, in the inbox").atMost(Duration.ofSeconds(30))
                .until(() -> ConsumerRows.inboxEventIds(committed.path("id")).size() == 2
                        && ConsumerRows.inboxEventIds(compensated.path("id")).size() == 2);
        assertThat(ConsumerRows.activity(from)).as("Only the committed saga debited %s in the read model.", from)
                .isEqualTo(new ConsumerRows.Activity(1, new java.math.BigDecimal("5.00"), 0, new java.math.BigDecimal("0.00")));
        assertThat(ConsumerRows.activity(to)).isEqualTo(ConsumerRows.journal(to));
        assertThat(ConsumerRows.activity(refused)).as("The compensated saga credited nothing.").isEqualTo(ConsumerRows.Activity.NONE);
        assertThat(Api.metric("crossbank_events_consumer_messages_total{outcome=\"rejected\""))
                .as("No saga event was taken for poison.").isEqualTo(rejectedBefore);
    }

    private static Response saga(String from, String to, String amount) {
        Response response = given().contentType("application/json").header("Prefer", "wait=10")
                .body("{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":\"" + amount + "\",\"mode\":\"saga\"}")
                .post("/transfers");
        response.then().statusCode(201);
        return response;
    }

    @Test
    void aRepublishedEventIsCountedDuplicateAndChangesNothing() throws Exception {
        String from = openAccount("mysql", "50.00");
        String to = openAccount("postgres", "0.00");
        String transferId = committed(from, to, "7.00");
        await().atMost(Duration.ofSeconds(30)).until(() -> ConsumerRows.inboxEventIds(transferId).size() == 1);
        ConsumerRows.Activity before = ConsumerRows.activity(from);
        double duplicates = Api.metric("crossbank_events_consumer_messages_total{outcome=\"duplicate\"");

        String[] event = ConsumerRows.outboxEvent(from, transferId);
        publish(event[0], event[1]);

        await("the re-published event counted as a duplicate").atMost(Duration.ofSeconds(30))
                .until(() -> Api.metric("crossbank_events_consumer_messages_total{outcome=\"duplicate\"") >= duplicates + 1);
        assertThat(ConsumerRows.inboxEventIds(transferId)).as("The inbox still holds one event id for transfer %s.", transferId)
                .containsExactly(event[0]);
        assertThat(ConsumerRows.activity(from)).as("The duplicate left the activity of %s as it was.", from).isEqualTo(before);
        assertThat(ConsumerRows.activity(from)).as("The activity of %s still equals its journal.", from).isEqualTo(ConsumerRows.journal(from));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "not json at all",
            "[\"a JSON array\"]",
            "{\"specversion\":\"0.3\",\"id\":\"ID\",\"type\":\"io.crossbank.transfer.committed\"}",
            "{\"specversion\":\"1.0\",\"id\":\"ID\",\"type\":\"io.crossbank.account.opened\",\"data\":{}}",
            "{\"specversion\":\"1.0\",\"id\":\"ID\",\"type\":\"io.crossbank.transfer.committed\",\"subject\":\"t-1\",\"data\":{\"id\":\"t-1\","
                    + "\"from\":\"pg-a\",\"to\":\"my-b\",\"amount\":\"-5.00\",\"currency\":\"EUR\",\"status\":\"COMMITTED\",\"entries\":[]}}" })
    void aPoisonMessageIsDeadLetteredAtOnceAndChangesNothing(String body) throws Exception {
        String id = UUID.randomUUID().toString();
        double rejected = Api.metric("crossbank_events_consumer_messages_total{outcome=\"rejected\"");

        publish(id, body.replace("ID", id));

        GetResponse dead = awaitDeadLettered(id);
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).as("The dead-letter queue holds the message as published.")
                .isEqualTo(body.replace("ID", id));
        assertThat(firstDeathReason(dead)).as("The message was dead-lettered because the consumer rejected it.").isEqualTo("rejected");
        assertThat(Api.metric("crossbank_events_consumer_messages_total{outcome=\"rejected\"")).as("The rejection was counted.")
                .isGreaterThanOrEqualTo(rejected + 1);
        assertThat(ConsumerRows.inboxHolds(id)).as("No inbox row for the poison message %s.", id).isFalse();
    }

    @Test
    void anEventThatCanNeverBeStoredIsDeadLetteredAfterTheDeliveryLimit() throws Exception {
        String from = openAccount("postgres", "30.00");
        String to = openAccount("mysql", "0.00");
        String first = committed(from, to, "1.00");
        await().atMost(Duration.ofSeconds(30)).until(() -> ConsumerRows.inboxEventIds(first).size() == 1);
        double failed = Api.metric("crossbank_events_consumer_messages_total{outcome=\"failed\"");

        String transferId;
        String eventId;
        GetResponse dead;
        // The test holds the debited account's activity row: every attempt waits for it past the consumer's lock
        // timeout and fails, a real failure of the store, the message is returned, and redelivered.
        try (Connection db = Sql.postgres(Sql.DATABASE)) {
            db.setAutoCommit(false);
            try (PreparedStatement lock = db.prepareStatement("SELECT 1 FROM consumer.account_activity WHERE account_id = ? FOR UPDATE")) {
                lock.setString(1, from);
                try (ResultSet rs = lock.executeQuery()) {
                    assertThat(rs.next()).as("The consumer's activity row of %s exists.", from).isTrue();
                }
            }
            transferId = committed(from, to, "2.00");
            eventId = ConsumerRows.outboxEvent(from, transferId)[0];

            dead = awaitDeadLettered(eventId);
            assertThat(firstDeathReason(dead)).as("The broker dead-lettered the event once its delivery limit was reached.")
                    .isEqualTo("delivery_limit");
            assertThat(Api.metric("crossbank_events_consumer_messages_total{outcome=\"failed\"") - failed)
                    .as("The consumer failed the first delivery and each of the %d redeliveries the limit allows.", DELIVERY_LIMIT)
                    .isEqualTo(DELIVERY_LIMIT + 1);
            db.rollback();
        }
        await("nothing left in " + QUEUE).atMost(Duration.ofSeconds(15))
                .until(() -> passive(QUEUE).getMessageCount() == 0);
        assertThat(ConsumerRows.inboxEventIds(transferId)).as("The dead-lettered event left no inbox row.").isEmpty();
        assertThat(ConsumerRows.activity(from)).as("The activity of %s counts the first transfer only.", from)
                .isEqualTo(new ConsumerRows.Activity(1, new java.math.BigDecimal("1.00"), 0, new java.math.BigDecimal("0.00")));

        // Re-drive, as a shovel with dest-queue does it: the dead-lettered message, as it is, to the consumer's own queue
        // (default exchange), not to crossbank.events and every other subscriber.
        publish("", QUEUE, eventId, new String(dead.getBody(), StandardCharsets.UTF_8));
        await("the re-driven event applied").atMost(Duration.ofSeconds(30))
                .until(() -> ConsumerRows.activity(from).equals(ConsumerRows.journal(from)));
        assertThat(ConsumerRows.inboxEventIds(transferId)).as("The re-driven event has its one inbox row.").containsExactly(eventId);
    }

    private static String committed(String from, String to, String amount) {
        Response created = transfer(from, to, amount);
        created.then().statusCode(201);
        return created.path("id");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** Publishes as the relay does: to crossbank.events, routing key transfer.committed, persistent, message-id = id. */
    private static void publish(String messageId, String body) throws IOException, TimeoutException {
        publish(OutboxRelay.EXCHANGE, "transfer.committed", messageId, body);
    }

    private static void publish(String exchange, String routingKey, String messageId, String body) throws IOException, TimeoutException {
        try (Channel channel = broker.createChannel()) {
            AMQP.BasicProperties properties = MessageProperties.PERSISTENT_BASIC.builder()
                    .contentType(OutboxRelay.CONTENT_TYPE).messageId(messageId).build();
            channel.basicPublish(exchange, routingKey, properties, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static GetResponse awaitDeadLettered(String messageId) {
        await("message " + messageId + " in " + DEAD_LETTER_QUEUE).atMost(Duration.ofSeconds(30)).until(() -> {
            try (Channel channel = broker.createChannel()) {
                for (GetResponse got = channel.basicGet(DEAD_LETTER_QUEUE, true); got != null; got = channel.basicGet(DEAD_LETTER_QUEUE, true)) {
                    deadLettered.add(got);
                }
            }
            return deadLettered.stream().anyMatch(m -> messageId.equals(m.getProps().getMessageId()));
        });
        return deadLettered.stream().filter(m -> messageId.equals(m.getProps().getMessageId())).findFirst().orElseThrow();
    }

    private static String firstDeathReason(GetResponse message) {
        Map<String, Object> headers = message.getProps().getHeaders();
        return headers == null ? null : String.valueOf(headers.get("x-first-death-reason"));
    }

    private static AMQP.Queue.DeclareOk passive(String queue) throws IOException, TimeoutException {
        try (Channel channel = broker.createChannel()) {
            return channel.queueDeclarePassive(queue);
        }
    }
}
