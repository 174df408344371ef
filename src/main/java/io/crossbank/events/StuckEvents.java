package io.crossbank.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.Ledgers;
import io.crossbank.problems.DatabaseFailures;
import io.crossbank.problems.Paging;
import io.quarkus.logging.Log;

/**
 * The outbox rows an operator should look at (GET /ops/events): unsent rows that failed at least one publication
 * or are older than {@code crossbank.events.stuck-after}, of both ledgers, oldest first; and each ledger's backlog.
 * A ledger that cannot be read is reported as such; the other one is still listed.
 */
@ApplicationScoped
public class StuckEvents {

    static final String COLUMNS = "event_id, aggregate_id, type, seq, created_at, next_attempt_at, sent_at, attempts, last_error";
    private static final String STUCK = " FROM outbox WHERE sent_at IS NULL AND (attempts > 0 OR created_at < ?)";

    private static final Comparator<StuckEvent> OLDEST_FIRST = Comparator.comparing(StuckEvent::createdAt)
            .thenComparing(StuckEvent::ledger).thenComparingLong(StuckEvent::seq);

    private final Ledgers ledgers;
    private final Duration stuckAfter;

    StuckEvents(Ledgers ledgers, CrossbankConfig config) {
        this.ledgers = ledgers;
        this.stuckAfter = config.events().stuckAfter();
    }

    public StuckEventPage list(Paging paging) {
        Instant now = InstantMicros.now();
        long olderThan = InstantMicros.toMicros(now.minus(stuckAfter));
        // Each ledger gives its oldest offset + size stuck rows; the page is cut from their merge.
        int wanted = paging.offset() + paging.size();
        List<StuckEvent> merged = new ArrayList<>();
        List<LedgerBacklog> backlogs = new ArrayList<>();
        long total = 0;
        for (Ledger ledger : ledgers.all()) {
            String name = ledger.name().apiName();
            try (Connection c = ledger.dataSource().getConnection()) {
                OutboxBacklog.Backlog backlog = OutboxBacklog.count(c, now);
                double oldest = backlog.oldestMicros() == 0 ? 0
                        : Math.max(0, InstantMicros.toMicros(now) - backlog.oldestMicros()) / 1_000_000.0;
                total += count(c, olderThan);
                merged.addAll(stuck(c, name, olderThan, wanted));
                backlogs.add(LedgerBacklog.readable(name, (long) backlog.unsent(), oldest));
            } catch (SQLException e) {
                String summary = DatabaseFailures.summary(e);
                Log.warnf("GET /ops/events could not read the outbox of ledger %s: %s", name, summary);
                backlogs.add(LedgerBacklog.unreadable(name, summary));
            }
        }
        merged.sort(OLDEST_FIRST);
        List<StuckEvent> page = merged.size() <= paging.offset() ? List.of()
                : merged.subList(paging.offset(), Math.min(merged.size(), wanted));
        return new StuckEventPage(List.copyOf(page), paging.page(), paging.size(), total, stuckAfter.toString(), backlogs);
    }

    private static long count(Connection c, long olderThan) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*)" + STUCK)) {
            s.setLong(1, olderThan);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<StuckEvent> stuck(Connection c, String ledger, long olderThan, int limit) throws SQLException {
        List<StuckEvent> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + STUCK + " ORDER BY created_at, seq LIMIT ?")) {
            s.setLong(1, olderThan);
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(view(ledger, rs));
                }
            }
        }
        return rows;
    }

    /** The row at the cursor, selected as {@link #COLUMNS}. */
    static StuckEvent view(String ledger, ResultSet rs) throws SQLException {
        long sentAt = rs.getLong(7);
        Instant sent = rs.wasNull() ? null : InstantMicros.fromMicros(sentAt);
        return new StuckEvent(ledger, rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                InstantMicros.fromMicros(rs.getLong(5)), InstantMicros.fromMicros(rs.getLong(6)), sent, rs.getInt(8), rs.getString(9));
    }
}
