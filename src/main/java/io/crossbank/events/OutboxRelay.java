package io.crossbank.events;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;


import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.Ledgers;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Publishes the outbox rows of both ledgers to the topic exchange {@value #EXCHANGE}, at least once and in each
 * ledger's seq order. This class is the relay's thread and its wake-ups; the parts are {@link ConfirmingPublisher}
 * (the broker channel, confirms, {@code mandatory}), {@link LedgerBatchRelay} (one batch of one ledger in one local
 * transaction), {@link LedgerOutbox} (its SQL), {@link BatchSettlement} (which rows a partly failed batch marks how),
 * {@link RetryBackoff} and {@link OutboxPruning}.
 *
 * <p>One thread per instance. It is woken right after a transfer commits ({@link #wake()}) and otherwise polls every
 * {@code crossbank.events.poll-period}. While the broker is unreachable the rows simply wait, and transfers go on.
 */
@ApplicationScoped
public class OutboxRelay {

    public static final String EXCHANGE = "crossbank.events";
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    private final Ledgers ledgers;
    private final CrossbankConfig.Events config;
    private final ConfirmingPublisher publisher;
    private final LedgerBatchRelay batches;
    private final OutboxPruning pruning;
    private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);

    private volatile boolean running;
    private Thread thread;

    OutboxRelay(Ledgers ledgers, CrossbankConfig config, MeterRegistry meters, Broker broker) {
        this.ledgers = ledgers;
        this.config = config.events();
        this.publisher = new ConfirmingPublisher(broker.connectionFactory(this.config.reconnectDelay()), broker.address(),
                this.config.confirmTimeout(), this.config.reconnectDelay(), meters);
        this.batches = new LedgerBatchRelay(publisher, new RetryBackoff(this.config.retryInitialBackoff(), this.config.retryMaxBackoff()),
                this.config.batchSize(), meters.counter("crossbank.events.published"));
        this.pruning = new OutboxPruning(ledgers, this.config.retention(), this.config.prunePeriod());
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
        publisher.close();
    }

    /** Asks the relay to look at the outboxes now (called once a transfer has committed, or an operator re-drove an event). */
    public void wake() {
        wakeUps.offer(Boolean.TRUE);
    }

    private void run() {
        while (running) {
            boolean more = false;
            try {
                if (publisher.ensureConnected()) {
                    for (Ledger ledger : ledgers.all()) {
                        // A batch that lost the broker closed the connection: the next ledger waits for the reconnect.
                        if (!publisher.isConnected()) {
                            break;
                        }
                        more |= batches.relay(ledger);
                    }
                }
                pruning.pruneIfDue();
            } catch (RuntimeException e) {
                Log.errorf("The event relay failed a pass and will retry: %s", e.toString());
            }
            if (!more) {
                pause(publisher.isConnected() ? config.pollPeriod() : config.reconnectDelay());
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

    /** The routing key is the event type without its {@code io.crossbank.} prefix: {@code transfer.committed}. */
    static String routingKey(String type) {
        return type.startsWith("io.crossbank.") ? type.substring("io.crossbank.".length()) : type;
    }
}
