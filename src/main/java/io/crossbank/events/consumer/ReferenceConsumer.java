package io.crossbank.events.consumer;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import io.agroal.api.AgroalDataSource;
import io.crossbank.CrossbankConfig;
import io.crossbank.events.Broker;
import io.crossbank.events.OutboxRelay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.agroal.DataSource;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The reference consumer of transfer events, on the plain RabbitMQ client: a quorum queue bound to
 * {@value OutboxRelay#EXCHANGE} with {@code transfer.#}, an explicit {@code x-delivery-limit} and a dead-letter
 * exchange and queue, declared at every connection; manual acks and a prefetch.
 *
 * <ul>
 * <li>applied or duplicate (its event id already in the inbox): acked, and only after the local commit;</li>
 * <li>poison (not a transfer event by the contract): rejected without requeue, so the broker dead-letters it at once;</li>
 * <li>the store failed (database down, a row held too long): returned with requeue after
 * {@code crossbank.events.consumer.retry-delay}; the queue's delivery limit dead-letters a message that never
 * applies.</li>
 * </ul>
 * One daemon thread keeps a connection (automatic recovery off: it reconnects and redeclares by itself); the
 * client's dispatch thread handles the deliveries of the one channel, one at a time.
 */
@ApplicationScoped
public class ReferenceConsumer {

    static final String OUTCOME = "crossbank.events.consumer.messages";

    private final CrossbankConfig.Events.Consumer config;
    private final ObjectMapper mapper;
    private final Instance<AgroalDataSource> dataSource;
    private final ConnectionFactory factory;
    private final String brokerAddress;
    private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);
    private final Counter applied;
    private final Counter duplicate;
    private final Counter rejected;
    private final Counter failed;

    private volatile boolean running;
    private volatile Connection connection;
    private InboxStore store;
    private Thread thread;
    private boolean brokerDownLogged;
    private volatile boolean storeFailing;
    /** Set by the broker's cancel; the loop thread reconnects (closing a connection from its own dispatch thread could hang). */
    private volatile boolean cancelled;

    ReferenceConsumer(CrossbankConfig config, MeterRegistry meters, ObjectMapper mapper,
            @DataSource("consumer") Instance<AgroalDataSource> dataSource, Broker broker) {
        this.config = config.events().consumer();
        this.mapper = mapper;
        this.dataSource = dataSource;
        this.factory = broker.connectionFactory(this.config.reconnectDelay());
        this.brokerAddress = broker.address();
        this.applied = meters.counter(OUTCOME, "outcome", "applied");
        this.duplicate = meters.counter(OUTCOME, "outcome", "duplicate");
        this.rejected = meters.counter(OUTCOME, "outcome", "rejected");
        this.failed = meters.counter(OUTCOME, "outcome", "failed");
    }

    void start(@Observes StartupEvent startup) {
        if (!config.enabled()) {
            return;
        }
        store = new InboxStore(dataSource.get());
        running = true;
        thread = new Thread(this::run, "crossbank-reference-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    void onShutdown(@Observes ShutdownEvent shutdown) {
        stop();
    }

    /** Stops consuming and closes the connection; unacked deliveries go back to the queue. */
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(config.reconnectDelay().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeBroker();
    }

    private void run() {
        while (running) {
            if (connection == null || !connection.isOpen() || cancelled) {
                connect();
            }
            try {
                wakeUps.poll(config.reconnectDelay().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                running = false;
            }
        }
    }

    private void connect() {
        closeBroker();
        cancelled = false;
        try {
            connection = factory.newConnection("crossbank-reference-consumer");
            connection.addShutdownListener(cause -> wakeUps.offer(Boolean.TRUE));
            Channel channel = connection.createChannel();
            declareTopology(channel);
            channel.basicQos(config.prefetch());
            channel.basicConsume(config.queue(), false, "crossbank-reference-consumer", new Deliveries(channel));
            Log.infof("The reference consumer is consuming queue %s at %s (delivery limit %d, dead letters to %s)", config.queue(),
                    brokerAddress, config.deliveryLimit(), config.deadLetterQueue());
            brokerDownLogged = false;
        } catch (IOException | TimeoutException | RuntimeException e) {
            if (!brokerDownLogged) {
                Log.warnf("The reference consumer cannot reach RabbitMQ at %s (%s); retrying every %s", brokerAddress, e.toString(),
                        config.reconnectDelay());
                brokerDownLogged = true;
            }
            closeBroker();
        }
    }

    /**
     * Idempotent: the same arguments at every connection (a queue redeclared with other arguments is refused with
     * PRECONDITION_FAILED, so changing the delivery limit of an existing queue takes a policy or a new queue).
     */
    private void declareTopology(Channel channel) throws IOException {
        channel.exchangeDeclare(OutboxRelay.EXCHANGE, "topic", true);
        channel.exchangeDeclare(config.deadLetterExchange(), "fanout", true);
        channel.queueDeclare(config.deadLetterQueue(), true, false, false, Map.of("x-queue-type", "quorum"));
        channel.queueBind(config.deadLetterQueue(), config.deadLetterExchange(), "");
        channel.queueDeclare(config.queue(), true, false, false, Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", config.deliveryLimit(),
                "x-dead-letter-exchange", config.deadLetterExchange(),
                // RabbitMQ >= 3.10: the queue keeps a dead-lettered message until the dead-letter queue has confirmed
                // it (at-most-once, the default, could lose it on the way); it needs x-overflow reject-publish.
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish"));
        channel.queueBind(config.queue(), OutboxRelay.EXCHANGE, "transfer.#");
    }

    private void closeBroker() {
        Connection current = connection;
        connection = null;
        if (current != null) {
            try {
                current.close((int) config.reconnectDelay().toMillis());
            } catch (IOException | RuntimeException e) {
                current.abort();
            }
        }
    }

    private final class Deliveries extends DefaultConsumer {

        Deliveries(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
            long tag = envelope.getDeliveryTag();
            TransferEvent event;
            try {
                event = TransferEvent.parse(body, properties.getMessageId(), mapper);
            } catch (TransferEvent.PoisonMessage poison) {
                Log.warnf("The reference consumer dead-letters message %s (routing key %s) to %s: %s", properties.getMessageId(),
                        envelope.getRoutingKey(), config.deadLetterQueue(), poison.getMessage());
                getChannel().basicReject(tag, false);
                rejected.increment();
                return;
            }
            try {
                InboxStore.Outcome outcome = store.apply(event);
                (outcome == InboxStore.Outcome.APPLIED ? applied : duplicate).increment();
                getChannel().basicAck(tag, false);
                if (storeFailing) {
                    Log.infof("The reference consumer stores events again (event %s of transfer %s)", event.eventId(), event.transferId());
                    storeFailing = false;
                }
            } catch (SQLException e) {
                failed.increment();
                returnToQueue(tag, event, properties, e);
            }
        }

        private void returnToQueue(long tag, TransferEvent event, AMQP.BasicProperties properties, SQLException e) throws IOException {
            Object deliveryCount = properties.getHeaders() == null ? null : properties.getHeaders().get("x-delivery-count");
            String attempt = deliveryCount == null ? "first delivery" : "delivery count " + deliveryCount;
            if (!storeFailing) {
                Log.warnf("The reference consumer could not store event %s of transfer %s (%s, %s: %s); returning it to %s after %s",
                        event.eventId(), event.transferId(), attempt, e.getSQLState(), e.getMessage(), config.queue(), config.retryDelay());
                storeFailing = true;
            } else {
                Log.debugf("Event %s of transfer %s still not stored (%s): %s", event.eventId(), event.transferId(), attempt, e.getMessage());
            }
            pause(config.retryDelay());
            getChannel().basicNack(tag, false, true);
        }

        @Override
        public void handleCancel(String consumerTag) {
            // The broker cancelled us (queue deleted, leader moved): reconnect, which redeclares the topology.
            Log.warnf("RabbitMQ cancelled the reference consumer of queue %s; reconnecting", config.queue());
            cancelled = true;
            wakeUps.offer(Boolean.TRUE);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
