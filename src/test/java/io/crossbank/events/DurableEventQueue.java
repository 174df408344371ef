package io.crossbank.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

/**
 * A durable quorum queue bound to every transfer.committed event, read only when the test asks ({@link #drain()}):
 * unlike {@link EventQueue} it holds what the broker confirmed across a {@code kill -9} of the broker and a halt of
 * the app, the way a real consumer's queue does.
 */
final class DurableEventQueue {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One delivered message: its AMQP message-id and the CloudEvents subject (the transfer id). */
    record Delivery(String messageId, String subject, String body) {
    }

    private final int port;
    private final String name;
    private final List<Delivery> received = new CopyOnWriteArrayList<>();

    private DurableEventQueue(int port, String name) {
        this.port = port;
        this.name = name;
    }

    /** Declares (or empties) the queue on the broker at this port. */
    static DurableEventQueue declare(int port, String name) {
        DurableEventQueue queue = new DurableEventQueue(port, name);
        queue.onChannel(channel -> {
            channel.exchangeDeclare(OutboxRelay.EXCHANGE, "topic", true);
            channel.queueDeclare(name, true, false, false, Map.of("x-queue-type", "quorum"));
            channel.queueBind(name, OutboxRelay.EXCHANGE, "transfer.committed");
            channel.queuePurge(name);
            return null;
        });
        return queue;
    }

    /** How many messages wait in the queue now. */
    long depth() {
        return onChannel(channel -> channel.queueDeclarePassive(name).getMessageCount());
    }

    /** Takes every message waiting in the queue into {@link #received()}; returns how many it took. */
    int drain() {
        return onChannel(channel -> {
            int taken = 0;
            GetResponse response;
            while ((response = channel.basicGet(name, true)) != null) {
                String body = new String(response.getBody(), StandardCharsets.UTF_8);
                JsonNode event = JSON.readTree(body);
                received.add(new Delivery(response.getProps().getMessageId(), event.path("subject").asText(null), body));
                taken++;
            }
            return taken;
        });
    }

    /** Every message drained so far. */
    List<Delivery> received() {
        return List.copyOf(received);
    }

    /** The messages drained so far about this transfer. */
    List<Delivery> about(String transferId) {
        return received.stream().filter(d -> transferId.equals(d.subject())).toList();
    }

    /** The messages drained so far whose body names this text (an account id, say). */
    List<Delivery> mentioning(String text) {
        return received.stream().filter(d -> d.body().contains(text)).toList();
    }

    /** The messages drained so far that carry an id already seen on an earlier one: the re-publications. */
    long duplicates() {
        return received.size() - received.stream().map(Delivery::messageId).distinct().count();
    }

    @FunctionalInterface
    private interface ChannelWork<T> {
        T on(Channel channel) throws IOException;
    }

    private <T> T onChannel(ChannelWork<T> work) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        try (Connection connection = factory.newConnection("crossbank-test-durable-queue"); Channel channel = connection.createChannel()) {
            return work.on(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
