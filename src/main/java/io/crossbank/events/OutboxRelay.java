package io.crossbank.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ReturnCallback;
import com.rabbitmq.client.ReturnListener;

import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.Ledgers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Publishes the outbox rows of both ledgers to the topic exchange {@value #EXCHANGE}, at least once and in each
 * ledger's seq order, on the plain RabbitMQ client: publisher confirms, {@code mandatory}, persistent messages.
 * A row is marked sent only once the broker has confirmed it and not returned it as unroutable.
 *
 * <p>One thread per instance. It is woken right after a transfer commits ({@link #wake()}) and otherwise polls every
 * {@code crossbank.events.poll-period}. Each batch is one short local transaction on the ledger's datasource that
 * claims rows with {@code FOR UPDATE SKIP LOCKED}, publishes them, waits for the confirms and marks them; several
 * instances may run it at once. While the broker is unreachable the rows simply wait, and transfers go on.
 */
@ApplicationScoped
public class OutboxRelay {

    public static final String EXCHANGE = "crossbank.events";
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    private static final String CLAIM = "SELECT event_id, seq, type, payload, attempts, next_attempt_at FROM outbox"
            + " WHERE sent_at IS NULL ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String HEAD = "SELECT MIN(seq) FROM outbox WHERE sent_at IS NULL";
    private static final String MARK_SENT = "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE event_id = ?";
    private static final String MARK_FAILED = "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE event_id = ?";
    private static final String PRUNE = "DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?";

    private final Ledgers ledgers;
    private final CrossbankConfig.Events config;
    private final ConnectionFactory factory;
    private final String brokerAddress;
    private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);
    private final Counter published;
    private final Counter unroutable;
    private final Counter nacked;
    private final Counter unconfirmed;
    private final Counter brokerUnreachable;

    private volatile boolean running;
    private Thread thread;
    private com.rabbitmq.client.Connection connection;
    private Channel channel;
    private Instant lastPrune = Instant.EPOCH;
    private boolean brokerDownLogged;
    /** Ledgers whose last batch had a failure: one warning per streak, not one per retry. */
    private final Set<Ledger> failing = ConcurrentHashMap.newKeySet();
    /** Ledgers whose outbox could not be read: one warning per outage. */
    private final Set<Ledger> unreadable = ConcurrentHashMap.newKeySet();

    OutboxRelay(Ledgers ledgers, CrossbankConfig config, MeterRegistry meters,
            @ConfigProperty(name = "rabbitmq-host") String host, @ConfigProperty(name = "rabbitmq-port") int port,
            @ConfigProperty(name = "rabbitmq-username") String username, @ConfigProperty(name = "rabbitmq-password") String password,
            @ConfigProperty(name = "rabbitmq-virtual-host") String virtualHost) {
        this.ledgers = ledgers;
        this.config = config.events();
        this.factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setConnectionTimeout((int) this.config.reconnectDelay().toMillis());
        // The relay reconnects by itself, at its own pace, and re-reads what is unsent from the outbox.
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        this.brokerAddress = host + ":" + port + " (virtual host " + virtualHost + ")";
        this.published = meters.counter("crossbank.events.published");
        this.unroutable = meters.counter("crossbank.events.publish.failures", "reason", "unroutable");
        this.nacked = meters.counter("crossbank.events.publish.failures", "reason", "nacked");
        this.unconfirmed = meters.counter("crossbank.events.publish.failures", "reason", "unconfirmed");
        this.brokerUnreachable = meters.counter("crossbank.events.broker.connection.failures");
    }

    void start(@Observes StartupEvent startup) {
        if (!config.relayEnabled()) {
            Log.info("The event relay is off on this instance (crossbank.events.relay-enabled=false); outbox rows wait for another one");
            return;
        }
        running = true;
        thread = new Thread(this::run, "crossbank-event-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(config.confirmTimeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeBroker();
    }

    /** Asks the relay to look at the outboxes now (called once a transfer has committed). */
    public void wake() {
        wakeUps.offer(Boolean.TRUE);
    }

    private void run() {
        while (running) {
            boolean more = false;
            try {
                if (ensureBroker()) {
                    for (Ledger ledger : ledgers.all()) {
                        more |= relayBatch(ledger);
                    }
                }
                pruneIfDue();
            } catch (RuntimeException e) {
                Log.errorf("The event relay failed a pass and will retry: %s", e.toString());
            }
            if (!more) {
                pause(channel == null ? config.reconnectDelay() : config.pollPeriod());
            }
        }
    }

    private void pause(Duration duration) {
        try {
            wakeUps.poll(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private boolean ensureBroker() {
        if (channel != null && channel.isOpen()) {
            return true;
        }
        closeBroker();
        try {
            connection = factory.newConnection("crossbank-event-relay");
            channel = connection.createChannel();
            channel.confirmSelect();
            channel.exchangeDeclare(EXCHANGE, "topic", true);
            Log.infof("The event relay is connected to RabbitMQ at %s; exchange %s declared", brokerAddress, EXCHANGE);
            brokerDownLogged = false;
            return true;
        } catch (IOException | TimeoutException | RuntimeException e) {
            brokerUnreachable.increment();
            if (!brokerDownLogged) {
                Log.warnf("RabbitMQ at %s is unreachable (%s): transfer events wait in the outboxes; retrying every %s",
                        brokerAddress, e.getMessage(), config.reconnectDelay());
                brokerDownLogged = true;
            }
            closeBroker();
            return false;
        }
    }

    private void closeBroker() {
        Channel ch = channel;
        com.rabbitmq.client.Connection conn = connection;
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

    private record Row(String eventId, long seq, String type, String payload, int attempts, Instant nextAttemptAt) {
    }

    /**
     * One claim, publication and marking of the oldest unsent rows of one ledger.
     *
     * @return whether the batch was full (more rows may be waiting)
     */
    private boolean relayBatch(Ledger ledger) {
        try (Connection db = ledger.dataSource().getConnection()) {
            int isolation = db.getTransactionIsolation();
            // Read committed: MariaDB's repeatable read would take gap locks on the unsent index and make every
            // transfer's outbox insert wait for this batch.
            db.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            db.setAutoCommit(false);
            try {
                boolean full = relayBatch(ledger, db);
                db.commit();
                if (unreadable.remove(ledger)) {
                    Log.infof("The event relay reads the outbox of ledger %s again", ledger.name().apiName());
                }
                return full;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
                db.setTransactionIsolation(isolation);
            }
        } catch (SQLException e) {
            if (unreadable.add(ledger)) {
                Log.warnf("The event relay could not read the outbox of ledger %s (%s); its events wait", ledger.name().apiName(),
                        e.getMessage());
            }
            return false;
        }
    }

    private boolean relayBatch(Ledger ledger, Connection db) throws SQLException {
        List<Row> rows = claim(db);
        if (rows.isEmpty()) {
            return false;
        }
        // Only the holder of the oldest unsent row publishes: rows another instance holds are older than ours, and
        // publishing ours first would break the seq order. It goes on once that instance has committed.
        if (rows.get(0).seq() != head(db)) {
            return false;
        }
        // Backing off: the head row waits, and so do the rows after it (order before throughput).
        Instant now = InstantMicros.now();
        if (rows.get(0).nextAttemptAt().isAfter(now)) {
            return false;
        }
        Outcomes outcomes;
        try {
            outcomes = publish(rows);
        } catch (IOException | RuntimeException e) {
            // The broker went away mid-batch: nothing is marked; the rows are published again once it is back.
            Log.warnf("RabbitMQ at %s failed while publishing %d event(s) of ledger %s (%s); they will be published again",
                    brokerAddress, rows.size(), ledger.name().apiName(), e.getMessage());
            closeBroker();
            db.rollback();
            return false;
        }
        Instant sentAt = InstantMicros.now();
        try (PreparedStatement sent = db.prepareStatement(MARK_SENT); PreparedStatement failed = db.prepareStatement(MARK_FAILED)) {
            int failures = 0;
            for (Row row : rows) {
                String error = outcomes.error(row.eventId());
                if (error == null) {
                    sent.setLong(1, micros(sentAt));
                    sent.setString(2, row.eventId());
                    sent.addBatch();
                } else {
                    failures++;
                    failed.setString(1, error);
                    failed.setLong(2, micros(sentAt.plus(backoff(row.attempts()))));
                    failed.setString(3, row.eventId());
                    failed.addBatch();
                }
            }
            sent.executeBatch();
            failed.executeBatch();
            published.increment(rows.size() - failures);
            if (failures > 0 && failing.add(ledger)) {
                Log.warnf("%d of %d event(s) of ledger %s were not confirmed (first: %s); they are retried with backoff up to %s",
                        failures, rows.size(), ledger.name().apiName(), outcomes.firstError(), config.retryMaxBackoff());
            } else if (failures == 0 && failing.remove(ledger)) {
                Log.infof("The events of ledger %s are confirmed again", ledger.name().apiName());
            }
        }
        return rows.size() == config.batchSize() && outcomes.allConfirmed();
    }

    private List<Row> claim(Connection db) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement claim = db.prepareStatement(CLAIM)) {
            claim.setInt(1, config.batchSize());
            try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            InstantMicros.fromMicros(rs.getLong(6))));
                }
            }
        }
        return rows;
    }

    private static long head(Connection db) throws SQLException {
        try (PreparedStatement head = db.prepareStatement(HEAD); ResultSet rs = head.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** What the broker answered for each event of one batch. */
    private static final class Outcomes {

        private final Map<String, String> errors = new ConcurrentHashMap<>();
        private volatile boolean allConfirmed = true;

        void fail(String eventId, String error) {
            errors.putIfAbsent(eventId, error);
            allConfirmed = false;
        }

        String error(String eventId) {
            return errors.get(eventId);
        }

        String firstError() {
            return errors.values().stream().findFirst().orElse(null);
        }

        boolean allConfirmed() {
            return allConfirmed;
        }
    }

    private Outcomes publish(List<Row> rows) throws IOException {
        Outcomes outcomes = new Outcomes();
        Map<Long, String> bySeqNo = new ConcurrentHashMap<>();
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        // RabbitMQ sends basic.return before the basic.ack of the same message: a returned message is acked too.
        ReturnCallback onReturn = returned -> {
            String eventId = returned.getProperties().getMessageId();
            unroutable.increment();
            outcomes.fail(eventId, "unroutable: no queue is bound to " + EXCHANGE + " for " + returned.getRoutingKey()
                    + " (" + returned.getReplyCode() + " " + returned.getReplyText() + ")");
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
                    outcomes.fail(bySeqNo.get(tag), "nacked by the broker");
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
        ReturnListener returns = channel.addReturnListener(onReturn);
        channel.addConfirmListener(confirms);
        try {
            for (Row row : rows) {
                long seqNo = channel.getNextPublishSeqNo();
                bySeqNo.put(seqNo, row.eventId());
                channel.basicPublish(EXCHANGE, routingKey(row.type()), true, properties(row), row.payload().getBytes(StandardCharsets.UTF_8));
            }
            try {
                channel.waitForConfirms(config.confirmTimeout().toMillis());
            } catch (TimeoutException e) {
                // Not confirmed in time: counted as failed below; the channel's late confirms must not be mistaken
                // for the next batch's, so it is closed and opened again.
                closeBroker();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for confirms", e);
            }
            bySeqNo.forEach((tag, eventId) -> {
                if (!acked.contains(tag)) {
                    unconfirmed.increment();
                    outcomes.fail(eventId, "not confirmed within " + config.confirmTimeout());
                }
            });
            return outcomes;
        } finally {
            Channel ch = channel;
            if (ch != null) {
                ch.removeReturnListener(returns);
                ch.removeConfirmListener(confirms);
            }
        }
    }

    /** The routing key is the event type without its {@code io.crossbank.} prefix: {@code transfer.committed}. */
    static String routingKey(String type) {
        return type.startsWith("io.crossbank.") ? type.substring("io.crossbank.".length()) : type;
    }

    private static AMQP.BasicProperties properties(Row row) {
        return MessageProperties.PERSISTENT_BASIC.builder()
                .contentType(CONTENT_TYPE)
                .contentEncoding("utf-8")
                .messageId(row.eventId())
                .type(row.type())
                .build();
    }

    private Duration backoff(int attemptsBefore) {
        Duration max = config.retryMaxBackoff();
        Duration backoff = config.retryInitialBackoff();
        for (int i = 0; i < attemptsBefore && backoff.compareTo(max) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(max) < 0 ? backoff : max;
    }

    private void pruneIfDue() {
        Instant now = Instant.now();
        if (Duration.between(lastPrune, now).compareTo(config.prunePeriod()) < 0) {
            return;
        }
        lastPrune = now;
        long before = micros(InstantMicros.now().minus(config.retention()));
        for (Ledger ledger : ledgers.all()) {
            try (Connection db = ledger.dataSource().getConnection(); PreparedStatement prune = db.prepareStatement(PRUNE)) {
                prune.setLong(1, before);
                int pruned = prune.executeUpdate();
                if (pruned > 0) {
                    Log.infof("Pruned %d sent event(s) older than %s from the outbox of ledger %s", pruned, config.retention(),
                            ledger.name().apiName());
                }
            } catch (SQLException e) {
                Log.warnf("Could not prune the outbox of ledger %s (%s); trying again in %s", ledger.name().apiName(), e.getMessage(),
                        config.prunePeriod());
            }
        }
    }

    private static long micros(Instant instant) {
        return InstantMicros.toMicros(instant);
    }
}
