package io.crossbank.transfers.saga;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.Ledgers;
import io.crossbank.ledger.TransferRecord;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Finishes every saga that its request did not: one thread per instance that claims the due pending sagas of each
 * ledger (lease to this node, {@code FOR UPDATE SKIP LOCKED}, so instances share the work without doing a saga twice
 * at once) and runs their remaining steps. It polls every {@code crossbank.saga.poll-period}; at start it first
 * releases the leases this node name held before it stopped, so that a restarted instance resumes at once rather than
 * after the lease.
 */
@ApplicationScoped
public class SagaResumer {

    private final Ledgers ledgers;
    private final SagaTransferExecutor executor;
    private final CrossbankConfig.Saga config;
    private final String node;
    private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);
    /** Ledgers that could not be read: one warning per outage. */
    private final Set<Ledger> unreadable = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread thread;

    SagaResumer(Ledgers ledgers, SagaTransferExecutor executor, CrossbankConfig config,
            @ConfigProperty(name = "quarkus.transaction-manager.node-name") String node) {
        this.ledgers = ledgers;
        this.executor = executor;
        this.config = config.saga();
        this.node = node;
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        thread = new Thread(this::run, "crossbank-saga-resumer");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /**
     * For a drain: claims no more sagas, lets the one it is advancing finish (up to the timeout), then hands back every
     * lease this node holds, so that another instance resumes them at once rather than after the lease.
     *
     * @return the sagas handed back, or -1 when a ledger could not be reached (its leases expire instead)
     */
    public int handBack(Duration timeout) throws InterruptedException {
        running = false;
        wake();
        if (thread != null) {
            thread.join(timeout.toMillis());
        }
        return releaseLeases("Handing back %d saga(s) of ledger %s that draining node %s held");
    }

    /** Asks the resumer to look for due sagas now. */
    public void wake() {
        wakeUps.offer(Boolean.TRUE);
    }

    /** @param message with the count, the ledger and this node, in that order */
    private int releaseLeases(String message) {
        int total = 0;
        for (Ledger ledger : ledgers.all()) {
            try {
                int released = ledger.releaseSagaLeasesOf(node);
                if (released > 0) {
                    Log.infof(message, released, ledger.name(), node);
                }
                total = total < 0 ? total : total + released;
            } catch (SQLException e) {
                Log.warnf("Ledger %s is unreachable (%s): its sagas leased to %s are resumed once their lease expires",
                        ledger.name(), e.getMessage(), node);
                total = -1;
            }
        }
        return total;
    }

    private void run() {
        releaseLeases("Resuming %d saga(s) of ledger %s that node %s held before it stopped");
        while (running) {
            boolean more = false;
            for (Ledger ledger : ledgers.all()) {
                try {
                    more |= resumeBatch(ledger);
                } catch (RuntimeException e) {
                    Log.errorf(e, "The saga resumer failed a pass on ledger %s and will retry", ledger.name());
                }
            }
            if (!more) {
                try {
                    wakeUps.poll(config.pollPeriod().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    /** @return whether the batch was full (more may be due) */
    private boolean resumeBatch(Ledger ledger) {
        Instant now = InstantMicros.now();
        List<TransferRecord> claimed;
        try {
            claimed = ledger.claimDueSagas(node, now, now.plus(config.lease()), config.batchSize());
            if (unreadable.remove(ledger)) {
                Log.infof("The saga resumer reads ledger %s again", ledger.name());
            }
        } catch (SQLException e) {
            if (unreadable.add(ledger)) {
                Log.warnf("The saga resumer cannot read ledger %s (%s); the sagas it debits wait", ledger.name(), e.getMessage());
            }
            return false;
        }
        for (TransferRecord saga : claimed) {
            if (!running) {
                return false;
            }
            executor.advance(saga);
        }
        return claimed.size() == config.batchSize();
    }
}
