package io.crossbank.events;

import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.restassured.RestAssured;

/**
 * The reference consumer's JVM really dies (Runtime.halt from a Byteman rule) after the local commit of its inbox
 * row and effect and before its ack; the broker redelivers the message to the restarted consumer, whose inbox
 * recognises the event id: the effect stays applied once.
 */
class ConsumerCrashIT {

    private static final String DATABASE = "crossbank_it_consumer_crash";

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

    private static AppProcess consumer() {
        return APPS.app("halted-consumer").with("RABBITMQ_PORT", String.valueOf(broker.port()))
                .with("CROSSBANK_EVENTS_RELAY_ENABLED", "false").with("CROSSBANK_EVENTS_CONSUMER_ENABLED", "true");
    }

    @Test
    void consumerHaltedBeforeItsAckFindsTheRedeliveryInItsInbox() {
        AppProcess consumer = consumer().withByteman("halt-before-ack").start();
        consumer.awaitLog("The reference consumer is consuming queue", Duration.ofSeconds(30));
        AppProcess relay = APPS.app("consumer-crash-relay").with("RABBITMQ_PORT", String.valueOf(broker.port())).start();
        RestAssured.port = relay.port();
        String from = openAccount("mysql", "50.00");
        String to = openAccount("postgres", "0.00");
        String transfer = transfer(from, to, "7.00").then().statusCode(201).extract().path("id");

        consumer.awaitExit(Duration.ofSeconds(30));
        assertThat(consumer.logText()).contains("CRASHPOINT halt-before-ack");
        String eventId = Outbox.single(DATABASE, from, transfer).eventId();
        assertThat(ConsumerStore.inbox(DATABASE).get(transfer)).as("the inbox before the ack: committed with the effect")
                .containsExactly(eventId);
        assertThat(ConsumerStore.activity(DATABASE, from)).as("the effect before the ack").contains(ConsumerStore.journal(DATABASE, from));

        AppProcess restarted = consumer().start();
        Faults.awaitTrue("the restarted consumer to receive the unacked event again", Duration.ofSeconds(30),
                () -> EventInvariants.handledAt(restarted) > 0);
        assertThat(EventInvariants.duplicatesAt(restarted)).as("redeliveries the restarted consumer recognised by their event id")
                .isEqualTo(1);
        EventInvariants.assertConsumedOnce(DATABASE, List.of(transfer), List.of(from, to), List.of());
        Faults.assertInvariants(DATABASE, relay, new BigDecimal("50.00"), List.of(from, to), List.of(transfer));
    }
}
