package io.crossbank.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.arjuna.ats.arjuna.coordinator.TxControl;

import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ops.indoubt.InDoubtMonitor;
import io.crossbank.recovery.RecoveryPasses;
import io.quarkus.security.identity.SecurityIdentity;

/** Puts {@link OpsStatus} together from what the service already keeps: nothing here asks a database itself. */
@ApplicationScoped
public class StatusReader {

    private final InDoubtMonitor monitor;
    private final RecoveryPasses passes;
    private final RecoveryPass onDemand;
    private final CrossbankConfig config;

    StatusReader(InDoubtMonitor monitor, RecoveryPasses passes, RecoveryPass onDemand, CrossbankConfig config) {
        this.monitor = monitor;
        this.passes = passes;
        this.onDemand = onDemand;
        this.config = config;
    }

    public OpsStatus read(SecurityIdentity caller) {
        Instant now = Instant.now();
        Duration maxAge = config.inDoubt().maxAge();
        CrossbankConfig.Recovery pace = config.recovery();
        OpsStatus.Recovery recovery = new OpsStatus.Recovery(passes.enabled(), seconds(pace.period()), seconds(pace.backoff()),
                seconds(pace.orphanSafetyInterval()), passes.completed(), passes.lastCompletedAt().orElse(null),
                onDemand.last().orElse(null));
        List<OpsStatus.LedgerHealth> ledgers = monitor.current().ledgers().entrySet().stream()
                .map(entry -> health(entry, now, maxAge)).toList();
        return new OpsStatus(now, TxControl.getXANodeName(), caller.getPrincipal().getName(), caller.hasRole(OpsResource.ROLE),
                maxAge.toSeconds(), recovery, ledgers);
    }

    private static OpsStatus.LedgerHealth health(Map.Entry<LedgerName, InDoubtMonitor.LedgerState> entry, Instant now, Duration maxAge) {
        InDoubtMonitor.LedgerState state = entry.getValue();
        boolean pastMaxAge = state.oldestSince().map(since -> since.plus(maxAge).isBefore(now)).orElse(false);
        return new OpsStatus.LedgerHealth(entry.getKey().apiName(), state.reachable(), state.branches(), state.oldestSeconds(now),
                pastMaxAge);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
