package io.crossbank.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.arjuna.ats.arjuna.recovery.RecoveryManager;

import io.crossbank.ops.indoubt.InDoubtBranch;
import io.crossbank.ops.indoubt.InDoubtBranches;
import io.crossbank.ops.indoubt.InDoubtScan;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.quarkus.logging.Log;

/**
 * Runs one recovery pass now instead of waiting for the next periodic one. An orphan is only rolled back once
 * two passes at least the orphan safety interval apart have seen it, so one pass may leave it in place.
 */
@ApplicationScoped
public class RecoveryPass {

    private final InDoubtBranches branches;
    private final boolean recoveryEnabled;
    private volatile OpsStatus.OnDemandPass last;

    RecoveryPass(InDoubtBranches branches,
            @ConfigProperty(name = "quarkus.transaction-manager.enable-recovery") boolean recoveryEnabled) {
        this.branches = branches;
        this.recoveryEnabled = recoveryEnabled;
    }

    public RecoveryReport run(String principal) {
        if (!recoveryEnabled) {
            throw new ProblemException(ProblemType.RECOVERY_DISABLED,
                    "Recovery is disabled (quarkus.transaction-manager.enable-recovery=false): nothing will resolve in-doubt branches");
        }
        Instant start = Instant.now();
        InDoubtScan before = branches.scan();
        // Blocks until a complete pass (both phases of every module) has run.
        RecoveryManager.manager().scan();
        InDoubtScan after = branches.scan();
        List<InDoubtBranch> resolved = minus(before, after);
        List<InDoubtBranch> appeared = minus(after, before);
        long millis = Duration.between(start, Instant.now()).toMillis();
        Log.infof("recovery pass run by %s in %d ms: %d branch(es) in doubt before, %d after, %d resolved", principal, millis,
                before.branches().size(), after.branches().size(), resolved.size());
        last = new OpsStatus.OnDemandPass(start, millis, principal, before.branches().size(), after.branches().size(), resolved.size(),
                appeared.size(), after.unreachable());
        return new RecoveryReport(start, millis, before, after, resolved, appeared);
    }

    /** The last pass run through {@link #run}, since this instance started. */
    public Optional<OpsStatus.OnDemandPass> last() {
        return Optional.ofNullable(last);
    }

    private static List<InDoubtBranch> minus(InDoubtScan from, InDoubtScan without) {
        Set<String> keys = without.branches().stream().map(RecoveryPass::key).collect(Collectors.toSet());
        return from.branches().stream().filter(branch -> !keys.contains(key(branch))).toList();
    }

    private static String key(InDoubtBranch branch) {
        return branch.ledger() + "/" + branch.id();
    }
}
