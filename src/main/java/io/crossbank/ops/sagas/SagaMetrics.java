package io.crossbank.ops.sagas;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.problems.DatabaseFailures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

/**
 * The sagas each ledger debits, by state: {@code crossbank_sagas{ledger,state}} (pending, stuck, committed,
 * compensated; pending excludes the stuck ones) and {@code crossbank_sagas_oldest_pending_seconds{ledger}} (0 when
 * none is pending, stuck ones included). One count per ledger is reused for {@code crossbank.saga.metrics-scan-interval};
 * a ledger that cannot be read reports NaN.
 */
@ApplicationScoped
public class SagaMetrics {

    private static final String COUNT = "SELECT status, count(*), count(stuck_at), min(created_at) FROM transfer WHERE mode = 'SAGA'"
            + " GROUP BY status";

    enum State {
        PENDING, STUCK, COMMITTED, COMPENSATED
    }

    /** @param oldestPendingMicros 0 when nothing is pending */
    record Scan(Map<State, Double> counts, double oldestPendingMicros, Instant scannedAt) {
    }

    private final Ledgers ledgers;
    private final Duration scanInterval;
    private final Map<LedgerName, Scan> last = new EnumMap<>(LedgerName.class);

    SagaMetrics(Ledgers ledgers, CrossbankConfig config) {
        this.ledgers = ledgers;
        this.scanInterval = config.saga().metricsScanInterval();
    }

    void register(@Observes StartupEvent event, MeterRegistry registry) {
        for (LedgerName ledger : LedgerName.values()) {
            for (State state : State.values()) {
                Gauge.builder("crossbank.sagas", this, metrics -> metrics.of(ledger).counts().get(state))
                        .description("Sagas debiting the ledger, by state (pending excludes the stuck ones)")
                        .tag("ledger", ledger.apiName())
                        .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry);
            }
            Gauge.builder("crossbank.sagas.oldest.pending", this, metrics -> metrics.oldestSeconds(ledger))
                    .description("Age of the oldest pending saga (stuck ones included) debiting the ledger; 0 when none")
                    .baseUnit("seconds")
                    .tag("ledger", ledger.apiName())
                    .register(registry);
        }
    }

    private double oldestSeconds(LedgerName ledger) {
        Scan scan = of(ledger);
        if (Double.isNaN(scan.oldestPendingMicros()) || scan.oldestPendingMicros() == 0) {
            return scan.oldestPendingMicros();
        }
        return Math.max(0, InstantMicros.toMicros(Instant.now()) - scan.oldestPendingMicros()) / 1_000_000.0;
    }

    synchronized Scan of(LedgerName ledger) {
        Scan scan = last.get(ledger);
        Instant now = Instant.now();
        if (scan == null || scan.scannedAt().plus(scanInterval).isBefore(now)) {
            scan = scan(ledger, now);
            last.put(ledger, scan);
        }
        return scan;
    }

    private Scan scan(LedgerName ledger, Instant now) {
        Map<State, Double> counts = new EnumMap<>(State.class);
        for (State state : State.values()) {
            counts.put(state, 0.0);
        }
        double oldest = 0;
        try (Connection c = ledgers.get(ledger).dataSource().getConnection(); PreparedStatement s = c.prepareStatement(COUNT);
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String status = rs.getString(1);
                long all = rs.getLong(2);
                long stuck = rs.getLong(3);
                switch (status) {
                    case "PENDING" -> {
                        counts.put(State.PENDING, (double) (all - stuck));
                        counts.put(State.STUCK, (double) stuck);
                        oldest = rs.getLong(4);
                    }
                    case "COMMITTED" -> counts.put(State.COMMITTED, (double) all);
                    case "COMPENSATED" -> counts.put(State.COMPENSATED, (double) all);
                    default -> {
                    }
                }
            }
            return new Scan(counts, oldest, now);
        } catch (SQLException e) {
            Log.debugf("Cannot count the sagas of ledger %s: %s", ledger, DatabaseFailures.summary(e));
            for (State state : State.values()) {
                counts.put(state, Double.NaN);
            }
            return new Scan(counts, Double.NaN, now);
        }
    }
}
