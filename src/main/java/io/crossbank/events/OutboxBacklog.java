package io.crossbank.events;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * The events still waiting in each ledger's outbox: {@code crossbank_events_unsent{ledger}} and
 * {@code crossbank_events_oldest_unsent_seconds{ledger}}. While the broker is away transfers go on and these grow;
 * that, not readiness, is how an operator sees it. One count per ledger is reused for
 * {@code crossbank.events.backlog-scan-interval}, so a scrape is not a query each time; a ledger that cannot be
 * read reports NaN.
 */
@ApplicationScoped
public class OutboxBacklog {

    private static final String COUNT = "SELECT count(*), min(created_at) FROM outbox WHERE sent_at IS NULL";

    /** @param oldestMicros 0 when nothing waits */
    record Backlog(double unsent, double oldestMicros, Instant scannedAt) {
    }

    private final Ledgers ledgers;
    private final Duration scanInterval;
    private final Map<LedgerName, Backlog> last = new EnumMap<>(LedgerName.class);

    OutboxBacklog(Ledgers ledgers, CrossbankConfig config) {
        this.ledgers = ledgers;
        this.scanInterval = config.events().backlogScanInterval();
    }

    void register(@Observes StartupEvent event, MeterRegistry registry) {
        for (LedgerName ledger : LedgerName.values()) {
            Gauge.builder("crossbank.events.unsent", this, backlog -> backlog.of(ledger).unsent())
                    .description("Events in the ledger's outbox not yet confirmed by the broker")
                    .tag("ledger", ledger.apiName())
                    .register(registry);
            Gauge.builder("crossbank.events.oldest.unsent", this, backlog -> backlog.oldestSeconds(ledger))
                    .description("Age of the oldest event in the ledger's outbox not yet confirmed by the broker")
                    .baseUnit("seconds")
                    .tag("ledger", ledger.apiName())
                    .register(registry);
        }
    }

    private double oldestSeconds(LedgerName ledger) {
        Backlog backlog = of(ledger);
        if (Double.isNaN(backlog.oldestMicros()) || backlog.oldestMicros() == 0) {
            return backlog.oldestMicros();
        }
        return Math.max(0, InstantMicros.toMicros(Instant.now()) - backlog.oldestMicros()) / 1_000_000.0;
    }

    synchronized Backlog of(LedgerName ledger) {
        Backlog backlog = last.get(ledger);
        Instant now = Instant.now();
        if (backlog == null || backlog.scannedAt().plus(scanInterval).isBefore(now)) {
            backlog = scan(ledger, now);
            last.put(ledger, backlog);
        }
        return backlog;
    }

    /** One count of the unsent rows on this ledger connection (also what GET /ops/events summarises). */
    static Backlog count(Connection c, Instant now) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(COUNT)) {
            rs.next();
            long oldest = rs.getLong(2);
            return new Backlog(rs.getLong(1), rs.wasNull() ? 0 : oldest, now);
        }
    }

    private Backlog scan(LedgerName ledger, Instant now) {
        try (Connection c = ledgers.get(ledger).dataSource().getConnection()) {
            return count(c, now);
        } catch (SQLException e) {
            Log.debugf("Cannot count the outbox of ledger %s: %s", ledger, DatabaseFailures.summary(e));
            return new Backlog(Double.NaN, Double.NaN, now);
        }
    }
}
