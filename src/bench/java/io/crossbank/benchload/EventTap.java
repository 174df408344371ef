package io.crossbank.benchload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.AMQP;

/**
 * The benchmark's consumer of transfer events: a durable queue bound to every {@code transfer.*} event, so that the
 * relay's publications are routable (confirmed, marked sent) as in production, and so that events published while
 * the tap is disconnected wait for it. It records each event's lag, from the event's {@code time} (the transfer's
 * creation, inside its transaction) to its arrival here, and counts distinct event ids. Reconnects on its own.
 */
final class EventTap implements AutoCloseable {

    static final String QUEUE = "crossbank.bench-tap";
    private static final Pattern TIME = Pattern.compile("\"time\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CREATED_AT = Pattern.compile("\"createdAt\"\\s*:\\s*\"([^\"]+)\"");
    private static final String SAGA_COMMITTED = "\"type\":\"io.crossbank.transfer.committed\"";

    private final ConnectionFactory factory = new ConnectionFactory();
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong lastArrivalNanos = new AtomicLong();
    private volatile Histogram lag = ClosedLoop.histogram();
    private volatile Histogram settlement = ClosedLoop.histogram();
    private final AtomicLong sagasSettled = new AtomicLong();
    private volatile boolean running = true;
    private final Thread keeper;
    private volatile Connection connection;

    private EventTap(String host, int port) {
        factory.setHost(host);
        factory.setPort(port);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(2000);
        keeper = new Thread(this::keepConnected, "event-tap");
        keeper.setDaemon(true);
    }

    /** Binds the queue (emptied first) and starts consuming; returns once the binding exists. */
    static EventTap start(String host, int port) throws Exception {
        EventTap tap = new EventTap(host, port);
        try (Connection c = tap.factory.newConnection("crossbank-bench-setup"); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("crossbank.events", "topic", true);
            ch.queueDeclare(QUEUE, true, false, false, Map.of());
            ch.queueBind(QUEUE, "crossbank.events", "transfer.#");
            ch.queuePurge(QUEUE);
        }
        tap.keeper.start();
        return tap;
    }

    private void keepConnected() {
        while (running) {
            try {
                Connection c = factory.newConnection("crossbank-bench-tap");
                Channel ch = c.createChannel();
                // Automatic acks: the tap's own cost should stay small next to the app's, and it only counts.
                ch.basicConsume(QUEUE, true, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                        arrived(properties.getMessageId(), new String(body, StandardCharsets.UTF_8));
                    }
                });
                connection = c;
                while (running && c.isOpen()) {
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            } catch (IOException | TimeoutException e) {
                pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void arrived(String id, String body) {
        long now = micros(Instant.now());
        messages.incrementAndGet();
        lastArrivalNanos.set(System.nanoTime());
        if (id != null) {
            ids.add(id);
        }
        Matcher m = TIME.matcher(body);
        if (m.find()) {
            long micros = micros(m.group(1));
            lag.recordValue(Math.max(1, Math.min(now - micros, lag.getHighestTrackableValue())));
            // A saga's committed event: its time is the settlement's, its data's createdAt step 1's.
            if (body.contains(SAGA_COMMITTED) && body.contains("\"mode\":\"saga\"")) {
                Matcher created = CREATED_AT.matcher(body);
                if (created.find()) {
                    Histogram h = settlement;
                    h.recordValue(Math.max(1, Math.min(micros - micros(created.group(1)), h.getHighestTrackableValue())));
                    sagasSettled.incrementAndGet();
                }
            }
        }
    }

    private static long micros(String instant) {
        return micros(Instant.parse(instant));
    }

    /** The same clock as the app's event times (InstantMicros: wall clock, microseconds). */
    private static long micros(Instant time) {
        return TimeUnit.SECONDS.toMicros(time.getEpochSecond()) + time.getNano() / 1000;
    }

    /** The sagas' creation-to-settlement times recorded since the last call (from their committed events). */
    Histogram takeSettlement() {
        Histogram taken = settlement;
        settlement = ClosedLoop.histogram();
        return taken;
    }

    long sagasSettled() {
        return sagasSettled.get();
    }

    /** The lag recorded since the last call, and a fresh histogram for the next window. */
    Histogram takeLag() {
        Histogram taken = lag;
        lag = ClosedLoop.histogram();
        return taken;
    }

    long messages() {
        return messages.get();
    }

    long distinctIds() {
        return ids.size();
    }

    long nanosSinceLastArrival() {
        long last = lastArrivalNanos.get();
        return last == 0 ? Long.MAX_VALUE : System.nanoTime() - last;
    }

    @Override
    public void close() {
        running = false;
        keeper.interrupt();
        Connection c = connection;
        if (c != null) {
            c.abort(1000);
        }
    }
}
