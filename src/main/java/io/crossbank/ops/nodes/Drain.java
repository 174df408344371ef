package io.crossbank.ops.nodes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.arjuna.ats.arjuna.recovery.RecoveryManager;

import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ops.OpsAudit;
import io.crossbank.ops.indoubt.InDoubtBranch;
import io.crossbank.ops.indoubt.InDoubtBranches;
import io.crossbank.ops.indoubt.InDoubtScan;
import io.crossbank.transfers.TransferGate;
import io.crossbank.transfers.saga.SagaResumer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Takes this instance out of service without leaving work behind: readiness DOWN and new transfers refused (503
 * draining), the transfers in flight finished, recovery passes run until its node name owns no log record and no
 * prepared branch in either database, its sagas handed back; all within {@code crossbank.drain.timeout}, and whatever is
 * left is logged and reported. On SIGTERM before Quarkus stops; on POST /ops/drain the instance stays up, drained.
 */
@ApplicationScoped
public class Drain {

    public enum State {
        RUNNING, DRAINING, DRAINED
    }

    private final TransferGate gate;
    private final SagaResumer sagas;
    private final InDoubtBranches inDoubt;
    private final NodeWatch nodes;
    private final OpsAudit audit;
    private final CrossbankConfig.Drain config;
    private final String node;
    private final boolean recoveryEnabled;
    private volatile State state = State.RUNNING;
    private volatile DrainReport last;

    Drain(TransferGate gate, SagaResumer sagas, InDoubtBranches inDoubt, NodeWatch nodes, OpsAudit audit, CrossbankConfig config,
            @ConfigProperty(name = "quarkus.transaction-manager.node-name") String node,
            @ConfigProperty(name = "quarkus.transaction-manager.enable-recovery") boolean recoveryEnabled) {
        this.gate = gate;
        this.sagas = sagas;
        this.inDoubt = inDoubt;
        this.nodes = nodes;
        this.audit = audit;
        this.config = config.drain();
        this.node = node;
        this.recoveryEnabled = recoveryEnabled;
    }

    /* SIGTERM: fired before Quarkus's shutdown delay, while HTTP still answers (application.properties, quarkus.shutdown). */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent shutdown) {
        if (config.onShutdown()) {
            stopping(drain("SIGTERM"));
        }
    }

    /* Where no shutdown delay ran: still before every other shutdown observer (saga resumer, relay; datasources stay). */
    void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent shutdown) {
        if (config.onShutdown() && state == State.RUNNING) {
            stopping(drain("shutdown"));
        }
    }

    /* What is left becomes another instance's to adopt (JDBC object store) or to report, at once. */
    private void stopping(DrainReport report) {
        nodes.leave(report.complete());
    }

    public State state() {
        return state;
    }

    public Optional<DrainReport> last() {
        return Optional.ofNullable(last);
    }

    /** GET /ops/nodes. */
    public NodesView nodes() {
        return nodes.view(state, last);
    }

    /** POST /ops/drain: audited; a second call while draining or drained answers the drain as it stands. */
    public DrainReport drainBy(String principal) {
        DrainReport report = drain("POST /ops/drain by " + principal);
        audit.record(new OpsAudit.Entry(Instant.now(), principal, LedgerName.POSTGRES, node, OpsAudit.Action.DRAIN, false, null,
                report.complete() ? OpsAudit.Outcome.DRAINED : OpsAudit.Outcome.INCOMPLETE, report.detail()));
        return report;
    }

    private DrainReport drain(String trigger) {
        Instant start = Instant.now();
        int inFlightAtStart;
        synchronized (this) {
            if (state != State.RUNNING) {
                return last;
            }
            gate.close(node);
            inFlightAtStart = gate.inFlight();
            last = new DrainReport(node, trigger, State.DRAINING, false, start, null, 0, inFlightAtStart, inFlightAtStart, 0, null, null,
                    null, null, "draining");
            state = State.DRAINING;
        }
        long deadline = System.nanoTime() + config.timeout().toNanos();
        Log.infof("Draining node %s (%s): readiness DOWN, new transfers refused, %d in flight, at most %s", node, trigger,
                inFlightAtStart, config.timeout());
        try {
            gate.awaitIdle(left(deadline));
            Integer handedBack = sagas.handBack(left(deadline));
            int passes = 0;
            Leftovers leftovers = leftovers();
            while (!leftovers.none() && recoveryEnabled && System.nanoTime() < deadline) {
                // Blocks for one complete pass; an orphan needs two of them the orphan safety interval apart.
                RecoveryManager.manager().scan();
                passes++;
                leftovers = leftovers();
            }
            return finish(trigger, start, inFlightAtStart, passes, leftovers, handedBack);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(trigger, start, inFlightAtStart, 0, leftovers(), null);
        }
    }

    private DrainReport finish(String trigger, Instant start, int inFlightAtStart, int passes, Leftovers leftovers, Integer handedBack) {
        Instant end = Instant.now();
        int inFlightLeft = gate.inFlight();
        boolean complete = leftovers.none() && inFlightLeft == 0 && handedBack != null && handedBack >= 0;
        String detail = complete
                ? "nothing of node " + node + " is left: no transfer in flight, no prepared branch, no log record, no saga leased"
                : "node " + node + " leaves " + inFlightLeft + " transfer(s) in flight, " + leftovers.branches().size()
                        + " prepared branch(es) " + leftovers.branches().stream().map(b -> b.ledger() + "/" + b.id()).toList() + ", "
                        + leftovers.records().map(List::size).map(String::valueOf).orElse("an unreadable log of") + " log record(s)"
                        + (leftovers.unreachable().isEmpty() ? "" : ", ledgers not reachable: " + leftovers.unreachable())
                        + (handedBack == null || handedBack < 0 ? ", sagas not all handed back (their leases expire)" : "");
        DrainReport report = new DrainReport(node, trigger, State.DRAINED, complete, start, end, Duration.between(start, end).toMillis(),
                inFlightAtStart, inFlightLeft, passes, leftovers.branches(), leftovers.records().orElse(null), leftovers.unreachable(),
                handedBack, detail);
        last = report;
        state = State.DRAINED;
        if (complete) {
            Log.infof("Drained node %s in %d ms (%d recovery pass(es), %d saga(s) handed back): %s", node, report.durationMillis(), passes,
                    handedBack, detail);
        } else {
            Log.warnf("Drain of node %s gave up after %d ms (crossbank.drain.timeout %s): %s", node, report.durationMillis(),
                    config.timeout(), detail);
        }
        return report;
    }

    private record Leftovers(List<InDoubtBranch> branches, Optional<List<String>> records, List<String> unreachable) {
        boolean none() {
            return branches.isEmpty() && records.map(List::isEmpty).orElse(false) && unreachable.isEmpty();
        }
    }

    private Leftovers leftovers() {
        InDoubtScan scan = inDoubt.scan();
        List<InDoubtBranch> own = scan.branches().stream().filter(branch -> node.equals(branch.nodeName())).toList();
        return new Leftovers(own, OwnLog.records(), scan.unreachable());
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
