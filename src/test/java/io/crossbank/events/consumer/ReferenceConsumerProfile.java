package io.crossbank.events.consumer;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The reference consumer switched on, on queues of its own that the test deletes at the end: the other test classes
 * share this broker, and a queue left bound to crossbank.events would make their unroutable events routable.
 * A short lock timeout and retry delay let an attempt that waits on a held row fail, and be redelivered, within
 * a fraction of a second, so a message reaches the delivery limit in about a second instead of about 15.
 */
public class ReferenceConsumerProfile implements QuarkusTestProfile {

    static final String QUEUE = "crossbank.reference-consumer.test";
    static final String DEAD_LETTER_EXCHANGE = QUEUE + ".dlx";
    static final String DEAD_LETTER_QUEUE = QUEUE + ".dlq";
    static final int DELIVERY_LIMIT = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "crossbank.events.consumer.enabled", "true",
                "crossbank.events.consumer.queue", QUEUE,
                "crossbank.events.consumer.dead-letter-exchange", DEAD_LETTER_EXCHANGE,
                "crossbank.events.consumer.dead-letter-queue", DEAD_LETTER_QUEUE,
                "crossbank.events.consumer.delivery-limit", String.valueOf(DELIVERY_LIMIT),
                "crossbank.events.consumer.retry-delay", "100ms",
                "quarkus.datasource.consumer.jdbc.new-connection-sql",
                "SET search_path TO consumer; SET lock_timeout = '200ms'; SET statement_timeout = '5s'");
    }
}
