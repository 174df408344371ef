package io.crossbank.ops;

import java.time.Instant;
import java.util.function.ToDoubleFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.arjuna.coordinator.TxStats;

import io.crossbank.ledger.LedgerName;
import io.crossbank.ops.indoubt.InDoubtMonitor;
import io.crossbank.recovery.RecoveryPasses;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Two-phase commit as Prometheus sees it. Everything is read when scraped, nothing is polled: Narayana's own
 * statistics (TxStats) for outcomes, a recovery module for passes, {@link InDoubtMonitor}'s cached scan for
 * what is in doubt.
 */
@ApplicationScoped
public class TwoPhaseCommitMetrics {

    private final InDoubtMonitor monitor;
    private final MeterRegistry registry;
    private final RecoveryPasses passes;

    TwoPhaseCommitMetrics(InDoubtMonitor monitor, MeterRegistry registry, RecoveryPasses passes) {
        this.monitor = monitor;
        this.registry = registry;
        this.passes = passes;
    }

    void register(@Observes StartupEvent startup) {
        // Off by default; Narayana reads the flag at every transaction, so enabling it here counts from now on.
        arjPropertyManager.getCoordinatorEnvironmentBean().setEnableStatistics(true);
        TxStats stats = TxStats.getInstance();
        counter("crossbank.transactions.committed", "Transactions committed (one- or two-phase)", stats,
                TxStats::getNumberOfCommittedTransactions);
        counter("crossbank.transactions.rolled.back", "Transactions rolled back, for any reason", stats,
                TxStats::getNumberOfAbortedTransactions);
        counter("crossbank.transactions.timed.out", "Transactions rolled back by the reaper after their timeout", stats,
                TxStats::getNumberOfTimedOutTransactions);
        counter("crossbank.transactions.heuristic", "Transactions that ended with a heuristic outcome", stats,
                TxStats::getNumberOfHeuristics);
        if (passes.enabled()) {
            counter("crossbank.recovery.passes", "Completed recovery passes of this instance", passes, RecoveryPasses::completed);
        }
        for (LedgerName ledger : LedgerName.values()) {
            Gauge.builder("crossbank.in_doubt.branches", monitor, m -> branches(m, ledger))
                    .description("Prepared XA branches in doubt in the ledger's database (scanned at most every scan-interval)")
                    .tag("ledger", ledger.apiName())
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("crossbank.in_doubt.oldest", monitor, m -> oldestSeconds(m, ledger))
                    .description("Age of the oldest prepared branch in doubt in the ledger's database, 0 if none")
                    .baseUnit("seconds")
                    .tag("ledger", ledger.apiName())
                    .strongReference(true)
                    .register(registry);
        }
    }

    private <T> void counter(String name, String description, T source, ToDoubleFunction<T> count) {
        FunctionCounter.builder(name, source, count).description(description).register(registry);
    }

    private static double branches(InDoubtMonitor monitor, LedgerName ledger) {
        InDoubtMonitor.LedgerState state = monitor.current().ledgers().get(ledger);
        return state.reachable() ? state.branches() : Double.NaN;
    }

    private static double oldestSeconds(InDoubtMonitor monitor, LedgerName ledger) {
        InDoubtMonitor.LedgerState state = monitor.current().ledgers().get(ledger);
        return state.reachable() ? state.oldestSeconds(Instant.now()) : Double.NaN;
    }
}
