package io.crossbank.ops.indoubt;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.ledger.LedgerName;
import io.quarkus.logging.Log;
import io.crossbank.CrossbankConfig;

/**
 * How many branches each ledger holds in doubt and since when, from a scan at most
 * {@code crossbank.in-doubt.scan-interval} old: metrics scrapes and readiness probes read this, so neither
 * costs a database query each time.
 */
@ApplicationScoped
public class InDoubtMonitor {

    /** One ledger at the time of the scan; {@code oldestSince} is empty when nothing is in doubt. */
    public record LedgerState(boolean reachable, int branches, Optional<Instant> oldestSince) {

        public long oldestSeconds(Instant now) {
            return oldestSince.map(since -> Math.max(0, Duration.between(since, now).toSeconds())).orElse(0L);
        }
    }

    public record Summary(Instant scannedAt, Map<LedgerName, LedgerState> ledgers) {
    }

    private final PreparedBranchScanner scanner;
    private final Duration scanInterval;
    private volatile Summary last;

    InDoubtMonitor(PreparedBranchScanner scanner, CrossbankConfig config) {
        this.scanner = scanner;
        this.scanInterval = config.inDoubt().scanInterval();
    }

    public Summary current() {
        Summary summary = last;
        if (summary == null || summary.scannedAt().plus(scanInterval).isBefore(Instant.now())) {
            summary = refresh();
        }
        return summary;
    }

    private synchronized Summary refresh() {
        if (last != null && !last.scannedAt().plus(scanInterval).isBefore(Instant.now())) {
            return last;
        }
        Map<LedgerName, LedgerState> ledgers = new EnumMap<>(LedgerName.class);
        for (LedgerName ledger : LedgerName.values()) {
            ledgers.put(ledger, state(ledger));
        }
        last = new Summary(Instant.now(), ledgers);
        return last;
    }

    private LedgerState state(LedgerName ledger) {
        try {
            List<PreparedBranch> branches = scanner.scan(ledger);
            return new LedgerState(true, branches.size(),
                    branches.stream().map(PreparedBranch::since).min(Comparator.naturalOrder()));
        } catch (SQLException e) {
            Log.debugf(e, "In-doubt scan of ledger %s failed", ledger);
            return new LedgerState(false, 0, Optional.empty());
        }
    }
}
