package io.crossbank.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.Ledgers;
import io.quarkus.logging.Log;

/** Deletes the sent rows older than the retention from both outboxes, at most once per prune period. */
final class OutboxPruning {

    private final Ledgers ledgers;
    private final Duration retention;
    private final Duration period;
    private Instant lastPrune = Instant.EPOCH;

    OutboxPruning(Ledgers ledgers, Duration retention, Duration period) {
        this.ledgers = ledgers;
        this.retention = retention;
        this.period = period;
    }

    void pruneIfDue() {
        Instant now = Instant.now();
        if (Duration.between(lastPrune, now).compareTo(period) < 0) {
            return;
        }
        lastPrune = now;
        Instant before = InstantMicros.now().minus(retention);
        for (Ledger ledger : ledgers.all()) {
            try (Connection db = ledger.dataSource().getConnection()) {
                int pruned = new LedgerOutbox(db).prune(before);
                if (pruned > 0) {
                    Log.infof("Pruned %d sent event(s) older than %s from the outbox of ledger %s", pruned, retention,
                            ledger.name().apiName());
                }
            } catch (SQLException e) {
                Log.warnf("Could not prune the outbox of ledger %s (%s); trying again in %s", ledger.name().apiName(), e.getMessage(),
                        period);
            }
        }
    }
}
