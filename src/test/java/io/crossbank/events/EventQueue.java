package io.crossbank.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import static org.awaitility.Awaitility.await;

/**
 * A consumer's own queue, bound to the events exchange on a real broker, that records every message it receives
 * (the test's view of what a subscriber gets).
 */
final class EventQueue implements AutoCloseable {

    record Message(Envelope envelope, AMQP.BasicProperties properties, String body) {
    }

    private final Connection connection;
    private final Channel channel;
    private final String queue;
    private final List<Message> received = new CopyOnWriteArrayList<>();

    private EventQueue(int port, String bindingKey, Map<String, Object> queueArguments, boolean consume) throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        connection = factory.newConnection("crossbank-test-consumer");
        channel = connection.createChannel();
        channel.exchangeDeclare(OutboxRelay.EXCHANGE, "topic", true);
        queue = channel.queueDeclare("", false, true, true, queueArguments).getQueue();
        channel.queueBind(queue, OutboxRelay.EXCHANGE, bindingKey);
        if (consume) {
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    received.add(new Message(envelope, properties, new String(body, StandardCharsets.UTF_8)));
                }
            });
        }
    }

    /** A queue bound to every transfer event (transfer.#), consumed by this test. */
    static EventQueue bind(int port) throws IOException, TimeoutException {
        return bind(port, "transfer.#");
    }

    /** A queue bound with this routing key pattern, consumed by this test. */
    static EventQueue bind(int port, String bindingKey) throws IOException, TimeoutException {
        return new EventQueue(port, bindingKey, Map.of(), true);
    }

    /** A bound queue that refuses every message: the broker answers each publication routed to it with a nack. */
    static EventQueue refusingEverything(int port) throws IOException, TimeoutException {
        return new EventQueue(port, "transfer.#", Map.of("x-max-length", 0, "x-overflow", "reject-publish"), false);
    }

    static int privateBrokerPort() {
        return Integer.getInteger("crossbank.broker.port", 25674);
    }

    /** The messages received so far whose CloudEvents subject is this transfer. */
    List<Message> about(String transferId) {
        return received.stream().filter(m -> m.body().contains("\"subject\":\"" + transferId + "\"")).toList();
    }

    /** The messages received so far whose body contains this text (an account id, say). */
    List<Message> mentioning(String text) {
        return received.stream().filter(m -> m.body().contains(text)).toList();
    }

    Message awaitOne(String transferId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !about(transferId).isEmpty());
        return about(transferId).get(0);
    }

    @Override
    public void close() throws IOException, TimeoutException {
        connection.close();
    }
}
