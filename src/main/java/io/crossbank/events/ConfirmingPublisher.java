package io.crossbank.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ReturnCallback;
import com.rabbitmq.client.ReturnListener;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;

/**
 * The relay's one connection and channel to RabbitMQ, in confirm mode: publishes a batch {@code mandatory} and
 * persistent, waits for the confirms, and says for each event whether the broker took it. Not thread-safe: the
 * relay's thread alone uses it.
 */
final class ConfirmingPublisher implements AutoCloseable {

    private final ConnectionFactory factory;
    private final String brokerAddress;
    private final Duration confirmTimeout;
    private final Duration reconnectDelay;
    private final Counter unroutable;
    private final Counter nacked;
    private final Counter unconfirmed;
    private final Counter connectionFailures;

    private Connection connection;
    private Channel channel;
    private boolean brokerDownLogged;

    ConfirmingPublisher(ConnectionFactory factory, String brokerAddress, Duration confirmTimeout, Duration reconnectDelay,
            MeterRegistry meters) {
        this.factory = factory;
        this.brokerAddress = brokerAddress;
        this.confirmTimeout = confirmTimeout;
        this.reconnectDelay = reconnectDelay;
        this.unroutable = meters.counter("crossbank.events.publish.failures", "reason", "unroutable");
        this.nacked = meters.counter("crossbank.events.publish.failures", "reason", "nacked");
        this.unconfirmed = meters.counter("crossbank.events.publish.failures", "reason", "unconfirmed");
        this.connectionFailures = meters.counter("crossbank.events.broker.connection.failures");
    }

    String brokerAddress() {
        return brokerAddress;
    }

    boolean isConnected() {
        return channel != null && channel.isOpen();
    }

    /** Connects (and declares the exchange) unless already connected; false while the broker is unreachable. */
    boolean ensureConnected() {
        if (isConnected()) {
            return true;
        }
        close();
        try {
            connection = factory.newConnection("crossbank-event-relay");
            channel = connection.createChannel();
            channel.confirmSelect();
            channel.exchangeDeclare(OutboxRelay.EXCHANGE, "topic", true);
            Log.infof("The event relay is connected to RabbitMQ at %s; exchange %s declared", brokerAddress, OutboxRelay.EXCHANGE);
            brokerDownLogged = false;
            return true;
        } catch (IOException | TimeoutException | RuntimeException e) {
            connectionFailures.increment();
            if (!brokerDownLogged) {
                Log.warnf("RabbitMQ at %s is unreachable (%s): transfer events wait in the outboxes; retrying every %s",
                        brokerAddress, e.getMessage(), reconnectDelay);
                brokerDownLogged = true;
            }
            close();
            return false;
        }
    }

    /**
     * Publishes the rows in their order and waits for the broker's answers.
     *
     * @return one outcome per row, in the rows' order
     * @throws IOException the connection failed mid-batch: nothing is known about any of them
     */
    List<PublishOutcome> publish(List<OutboxRow> rows) throws IOException {
        if (!isConnected()) {
            throw new IOException("not connected to RabbitMQ");
        }
        Map<Long, String> bySeqNo = new ConcurrentHashMap<>();
        Map<String, String> errors = new ConcurrentHashMap<>();
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        // RabbitMQ sends basic.return before the basic.ack of the same message: a returned message is acked too.
        ReturnCallback onReturn = returned -> {
            unroutable.increment();
            errors.putIfAbsent(returned.getProperties().getMessageId(), "unroutable: no queue is bound to " + OutboxRelay.EXCHANGE
                    + " for " + returned.getRoutingKey() + " (" + returned.getReplyCode() + " " + returned.getReplyText() + ")");
        };
        ConfirmListener confirms = new ConfirmListener() {
            @Override
            public void handleAck(long deliveryTag, boolean multiple) {
                settle(deliveryTag, multiple, acked::add);
            }

            @Override
            public void handleNack(long deliveryTag, boolean multiple) {
                settle(deliveryTag, multiple, tag -> {
                    nacked.increment();
                    errors.putIfAbsent(bySeqNo.get(tag), "nacked by the broker");
                    acked.add(tag);
                });
            }

            private void settle(long deliveryTag, boolean multiple, LongConsumer action) {
                for (Long tag : bySeqNo.keySet()) {
                    if (tag == deliveryTag || (multiple && tag < deliveryTag)) {
                        action.accept(tag);
                    }
                }
            }
        };
        Channel ch = channel;
        ReturnListener returns = ch.addReturnListener(onReturn);
        ch.addConfirmListener(confirms);
        try {
            for (OutboxRow row : rows) {
                bySeqNo.put(ch.getNextPublishSeqNo(), row.eventId());
                ch.basicPublish(OutboxRelay.EXCHANGE, OutboxRelay.routingKey(row.type()), true, properties(row),
                        row.payload().getBytes(StandardCharsets.UTF_8));
            }
            try {
                ch.waitForConfirms(confirmTimeout.toMillis());
            } catch (TimeoutException e) {
                // Not confirmed in time: counted as failed below; the channel's late confirms must not be mistaken
                // for the next batch's, so it is closed and opened again.
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for confirms", e);
            }
            bySeqNo.forEach((tag, eventId) -> {
                if (!acked.contains(tag)) {
                    unconfirmed.increment();
                    errors.putIfAbsent(eventId, "not confirmed within " + confirmTimeout);
                }
            });
            List<PublishOutcome> outcomes = new ArrayList<>(rows.size());
            for (OutboxRow row : rows) {
                String error = errors.get(row.eventId());
                outcomes.add(error == null ? PublishOutcome.confirmed(row.eventId()) : PublishOutcome.failed(row.eventId(), error));
            }
            return outcomes;
        } finally {
            ch.removeReturnListener(returns);
            ch.removeConfirmListener(confirms);
        }
    }

    private static AMQP.BasicProperties properties(OutboxRow row) {
        return MessageProperties.PERSISTENT_BASIC.builder()
                .contentType(OutboxRelay.CONTENT_TYPE)
                .contentEncoding("utf-8")
                .messageId(row.eventId())
                .type(row.type())
                .build();
    }

    @Override
    public void close() {
        Channel ch = channel;
        Connection conn = connection;
        channel = null;
        connection = null;
        if (conn != null) {
            try {
                conn.close(1000);
            } catch (IOException | RuntimeException e) {
                conn.abort(1000);
            }
        } else if (ch != null) {
            try {
                ch.abort();
            } catch (IOException | RuntimeException e) {
                Log.debugf("closing the relay's channel: %s", e.getMessage());
            }
        }
    }
}
