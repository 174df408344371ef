package io.crossbank.events;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.Ledger;
import io.micrometer.core.instrument.Counter;
import io.quarkus.logging.Log;

/**
 * One batch of one ledger, in one short local transaction: claim the oldest unsent rows, publish them, settle them
 * ({@link BatchSettlement}) and commit. Several instances may run it at once on the same ledger.
 */
final class LedgerBatchRelay {

    private final ConfirmingPublisher publisher;
    private final RetryBackoff backoff;
    private final int batchSize;
    private final Duration maxBackoff;
    private final Counter published;
    /** Ledgers and event types whose last batch had a failure: one warning per streak, not one per retry. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    /** Ledgers whose outbox could not be read: one warning per outage. */
    private final Set<Ledger> unreadable = ConcurrentHashMap.newKeySet();

    LedgerBatchRelay(ConfirmingPublisher publisher, RetryBackoff backoff, int batchSize, Counter published) {
        this.publisher = publisher;
        this.backoff = backoff;
        this.batchSize = batchSize;
        this.maxBackoff = backoff.max();
        this.published = published;
    }

    /**
     * One batch of each event type with unsent rows in this ledger. Each type is a stream of its own, in seq order: a
     * type no queue is bound for (its rows held as unroutable) or whose head waits for a retry holds back only its own
     * rows, not the other types' (a queue that receives those never receives the held type anyway).
     *
     * @return whether a batch was full and all sent (more rows may be waiting now)
     */
    boolean relay(Ledger ledger) {
        Map<String, Long> heads;
        try (Connection db = ledger.dataSource().getConnection()) {
            heads = new LedgerOutbox(db).heads();
        } catch (SQLException e) {
            unreadable(ledger, e);
            return false;
        }
        boolean more = false;
        for (Map.Entry<String, Long> head : heads.entrySet()) {
            if (!publisher.isConnected()) {
                break;
            }
            more |= relay(ledger, head.getKey(), head.getValue());
        }
        return more;
    }

    private boolean relay(Ledger ledger, String type, long head) {
        try {
            boolean full = ledger.inLocalTransaction(db -> relay(ledger, type, head, db, new LedgerOutbox(db)));
            if (unreadable.remove(ledger)) {
                Log.infof("The event relay reads the outbox of ledger %s again", ledger.name().apiName());
            }
            return full;
        } catch (SQLException e) {
            unreadable(ledger, e);
            return false;
        }
    }

    private void unreadable(Ledger ledger, SQLException e) {
        if (unreadable.add(ledger)) {
            Log.warnf("The event relay could not read the outbox of ledger %s (%s); its events wait", ledger.name().apiName(),
                    e.getMessage());
        }
    }

    private boolean relay(Ledger ledger, String type, long head, Connection db, LedgerOutbox outbox) throws SQLException {
        List<OutboxRow> rows = outbox.claim(type, batchSize);
        if (rows.isEmpty()) {
            return false;
        }
        // Only the holder of the type's oldest unsent row publishes: rows another instance holds are older than ours,
        // and publishing ours first would break the seq order. It goes on once that instance has committed. (A head
        // read before this transaction is at worst stale: the batch then waits for the next pass.)
        if (rows.get(0).seq() != head) {
            return false;
        }
        // Backing off: the head row waits, and so do the rows after it (order before throughput).
        if (rows.get(0).nextAttemptAt().isAfter(InstantMicros.now())) {
            return false;
        }
        List<PublishOutcome> outcomes;
        try {
            outcomes = publisher.publish(rows);
        } catch (IOException | RuntimeException e) {
            // The broker went away mid-batch: nothing is marked; the rows are published again once it is back.
            Log.warnf("RabbitMQ at %s failed while publishing %d event(s) of ledger %s (%s); they will be published again",
                    publisher.brokerAddress(), rows.size(), ledger.name().apiName(), e.getMessage());
            publisher.close();
            db.rollback();
            return false;
        }
        BatchSettlement settlement = BatchSettlement.of(rows, outcomes);
        Instant now = InstantMicros.now();
        outbox.markSent(settlement.sent(), now);
        published.increment(settlement.sent().size());
        if (settlement.failed().isPresent()) {
            BatchSettlement.Failure failure = settlement.failed().get();
            outbox.markFailed(failure.row(), failure.error(), now.plus(backoff.after(failure.row().attempts())));
            if (failing.add(ledger.name().apiName() + " " + type)) {
                long failed = outcomes.stream().filter(o -> !o.isConfirmed()).count();
                Log.warnf("%d of %d %s event(s) of ledger %s were not confirmed (first: event %s, seq %d: %s); it is retried with "
                        + "backoff up to %s, and the %d event(s) after it wait behind it to keep the order",
                        failed, rows.size(), type, ledger.name().apiName(), failure.row().eventId(), failure.row().seq(), failure.error(),
                        maxBackoff, settlement.heldBack().size());
            }
        } else if (failing.remove(ledger.name().apiName() + " " + type)) {
            Log.infof("The %s events of ledger %s are confirmed again", type, ledger.name().apiName());
        }
        return rows.size() == batchSize && settlement.allSent();
    }
}
