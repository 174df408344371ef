package io.crossbank.ops.indoubt;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.crossbank.ledger.LedgerName;
import io.crossbank.CrossbankConfig;

/**
 * DOWN while a prepared branch has been in doubt longer than {@code crossbank.in-doubt.max-age}: recovery
 * resolves a crash's branches within seconds, so one that old is waiting for an operator, and its rows stay
 * locked, so transfers touching them fail. A ledger that cannot be scanned does not count here; the
 * datasource checks report it.
 */
@Readiness
@ApplicationScoped
public class InDoubtHealthCheck implements HealthCheck {

    static final String NAME = "in-doubt transactions";

    private final InDoubtMonitor monitor;
    private final Duration maxAge;

    InDoubtHealthCheck(InDoubtMonitor monitor, CrossbankConfig config) {
        this.monitor = monitor;
        this.maxAge = config.inDoubt().maxAge();
    }

    @Override
    public HealthCheckResponse call() {
        InDoubtMonitor.Summary summary = monitor.current();
        Instant now = Instant.now();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up().withData("maxAgeSeconds", maxAge.toSeconds());
        for (Map.Entry<LedgerName, InDoubtMonitor.LedgerState> entry : summary.ledgers().entrySet()) {
            String ledger = entry.getKey().apiName();
            InDoubtMonitor.LedgerState state = entry.getValue();
            if (!state.reachable()) {
                response.withData(ledger, "not scanned: database unreachable");
                continue;
            }
            response.withData(ledger + ".branches", state.branches())
                    .withData(ledger + ".oldestSeconds", state.oldestSeconds(now));
            if (state.oldestSince().map(since -> since.plus(maxAge).isBefore(now)).orElse(false)) {
                response.down();
            }
        }
        return response.build();
    }
}
