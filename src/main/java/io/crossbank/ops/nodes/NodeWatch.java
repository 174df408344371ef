package io.crossbank.ops.nodes;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ops.indoubt.NarayanaXid;
import io.crossbank.ops.indoubt.PreparedBranch;
import io.crossbank.ops.indoubt.PreparedBranchScanner;
import io.crossbank.problems.DatabaseFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps this node's lease alive and watches for departed nodes: node names that still have prepared branches (or,
 * with the JDBC object store, decision records) but no live lease. With the JDBC store it adopts them ({@link Adoption});
 * with files it can only name them, in GET /ops/nodes and {@code crossbank_departed_node_branches{node}}: their log is on
 * their own volume, and only their return resolves them.
 */
@ApplicationScoped
public class NodeWatch {

    /* Adoption waits for this many renewals in a row of its own lease: after an outage of the lease table every live
     * node has had one renewal period to renew its lease before anyone counts it as departed. */
    private static final int RENEWALS_BEFORE_ADOPTING = 2;
    private static final int ADOPTIONS_KEPT = 20;

    private final NodeLeases leases;
    private final Adoption adoption;
    private final PreparedBranchScanner scanner;
    private final CrossbankConfig.Nodes config;
    private final String node;
    private final boolean jdbcStore;
    private final String tablePrefix;
    private final MultiGauge departedGauge;
    private final Counter adoptedCommits;
    private final Counter adoptedRollbacks;
    private final Deque<Adoption.Result> adoptions = new ArrayDeque<>();
    private final Deque<ScaleGuard.Action> scaleUps = new ArrayDeque<>();
    private final Optional<ScaleGuard> guard;
    private ScheduledExecutorService timer;
    private volatile int renewedInARow;
    private volatile boolean leaving;
    private volatile String leaseProblem;
    private volatile List<NodeLeases.Lease> lastLeases = List.of();
    private volatile List<NodesView.DepartedNode> departed = List.of();
    private volatile Instant checkedAt;

    NodeWatch(NodeLeases leases, Adoption adoption, PreparedBranchScanner scanner, CrossbankConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.transaction-manager.node-name") String node,
            @ConfigProperty(name = "quarkus.transaction-manager.object-store.type", defaultValue = "file-system") String storeType,
            @ConfigProperty(name = "quarkus.transaction-manager.object-store.table-prefix", defaultValue = "quarkus_") String tablePrefix) {
        this.leases = leases;
        this.adoption = adoption;
        this.scanner = scanner;
        this.config = config.nodes();
        this.node = node;
        this.jdbcStore = storeType.equalsIgnoreCase("jdbc") && config.txlog().enabled();
        this.tablePrefix = jdbcStore ? tablePrefix : null;
        this.guard = guard(config.nodes().scaleGuard(), node, jdbcStore);
        this.departedGauge = MultiGauge.builder("crossbank.departed.node.branches")
                .description("Prepared branches of a node name with no live instance (departed), per node").register(registry);
        this.adoptedCommits = Counter.builder("crossbank.adopted.branches").tag("outcome", "committed")
                .description("Branches of departed nodes this instance resolved").register(registry);
        this.adoptedRollbacks = Counter.builder("crossbank.adopted.branches").tag("outcome", "rolled_back")
                .description("Branches of departed nodes this instance resolved").register(registry);
    }

    private static Optional<ScaleGuard> guard(CrossbankConfig.Nodes.Guard config, String node, boolean jdbcStore) {
        if (!config.enabled() || jdbcStore) {
            return Optional.empty(); // with the JDBC store a departed node is adopted instead
        }
        try {
            return Optional.of(new ScaleGuard(ScaleGuard.inPod(node, config.statefulSet(), config.namespace(), config.apiUrl())));
        } catch (IOException | RuntimeException e) {
            Log.errorf("The scale guard is on but cannot work: %s", e.getMessage());
            return Optional.empty();
        }
    }

    void start(@Observes StartupEvent startup) {
        try {
            leases.take(node, tablePrefix, config.lease());
        } catch (SQLException e) {
            leaseProblem = "cannot take the lease of " + node + ": " + DatabaseFailures.summary(e);
            Log.warnf("Node %s %s; retried every %s", node, leaseProblem, config.renewPeriod());
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "crossbank-node-watch");
            thread.setDaemon(true);
            return thread;
        });
        long period = config.renewPeriod().toMillis();
        timer.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /* Stopping without a drain (crossbank.drain.on-shutdown=false, dev mode, tests): the lease runs out by itself. */
    void stop(@Observes ShutdownEvent shutdown) {
        leaving = true;
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The instance stops: nothing left, its row goes; something left, its lease ends now, for an adopter or a report. */
    void leave(boolean nothingLeft) {
        leaving = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        try {
            if (nothingLeft) {
                leases.forget(node, node);
            } else {
                leases.expire(node, node);
            }
        } catch (SQLException e) {
            Log.warnf("Node %s could not end its lease (%s): it expires within %s", node, DatabaseFailures.summary(e), config.lease());
        }
    }

    NodesView view(Drain.State state, DrainReport lastDrain) {
        List<Adoption.Result> adopted;
        synchronized (adoptions) {
            adopted = List.copyOf(adoptions);
        }
        List<ScaleGuard.Action> guarded;
        synchronized (scaleUps) {
            guarded = List.copyOf(scaleUps);
        }
        return new NodesView(node, state, jdbcStore ? "jdbc" : "file", jdbcStore && config.adopt(), guard.isPresent(), lastDrain,
                lastLeases, departed, adopted, guarded, leaseProblem, checkedAt);
    }

    private void tick() {
        try {
            renew();
            watch();
        } catch (RuntimeException e) {
            Log.errorf(e, "The node watch of %s failed a round and will retry", node);
        }
    }

    private void renew() {
        try {
            if (!leases.renew(node, node, config.lease())) {
                Optional<NodeLeases.Lease> row = leases.of(node);
                if (row.isPresent() && !row.get().holder().equals(node)) {
                    // Another instance found this lease expired and adopted this node: it may have rolled back branches
                    // this JVM is about to commit. Going on would contradict it; a restart takes the name back cleanly.
                    Log.errorf("Node %s lost its lease to %s, which adopted it as departed (no renewal within %s): halting",
                            node, row.get().holder(), config.lease());
                    Runtime.getRuntime().halt(3);
                }
                leases.take(node, tablePrefix, config.lease());
            }
            renewedInARow++;
            leaseProblem = null;
        } catch (SQLException e) {
            renewedInARow = 0;
            if (leaseProblem == null) {
                Log.warnf("Node %s cannot renew its lease: %s", node, DatabaseFailures.summary(e));
            }
            leaseProblem = "cannot renew the lease of " + node + ": " + DatabaseFailures.summary(e);
        }
    }

    private void watch() {
        if (watch(true)) {
            watch(false); // what the adoption left, for the view and the metric
        }
    }

    /** @return whether it adopted something */
    private boolean watch(boolean adopting) {
        boolean adopted = false;
        // The databases' own lists, not the operators' classified view: nothing here asks Narayana's log (or its recovery
        // module's locks) while recovery runs; an unreachable ledger's branches are missing this round.
        Instant now = Instant.now();
        List<PreparedBranch> prepared = new ArrayList<>();
        for (LedgerName ledger : LedgerName.values()) {
            try {
                prepared.addAll(scanner.scan(ledger));
            } catch (SQLException e) {
                Log.debugf("Node watch: ledger %s cannot be scanned: %s", ledger, DatabaseFailures.summary(e));
            }
        }
        List<NodeLeases.Lease> rows;
        try {
            rows = leases.all();
        } catch (SQLException e) {
            return false;
        }
        lastLeases = rows;
        Map<String, NodeLeases.Lease> byNode = rows.stream().collect(Collectors.toMap(NodeLeases.Lease::node, Function.identity()));
        Map<String, List<PreparedBranch>> foreign = prepared.stream()
                .filter(branch -> nodeOf(branch).filter(name -> !name.equals(node)).isPresent())
                .collect(Collectors.groupingBy(branch -> nodeOf(branch).orElseThrow(), TreeMap::new, Collectors.toList()));
        Set<String> candidates = new LinkedHashSet<>(foreign.keySet());
        if (jdbcStore) {
            // An expired lease may leave log records without branches (a crash after both commits): adoption removes them.
            rows.stream().filter(row -> !row.live() && !row.node().equals(node)).forEach(row -> candidates.add(row.node()));
        }
        List<NodesView.DepartedNode> found = new ArrayList<>();
        for (String other : candidates) {
            NodeLeases.Lease lease = byNode.get(other);
            if (lease != null && lease.live() && !lease.holder().equals(node)) {
                continue; // alive, or being adopted by another instance
            }
            List<PreparedBranch> branches = foreign.getOrDefault(other, List.of());
            boolean adoptable = jdbcStore && config.adopt() && lease != null && lease.tablePrefix() != null;
            found.add(departed(other, branches, lease, adoptable, now));
            if (adopting && adoptable && !leaving && renewedInARow >= RENEWALS_BEFORE_ADOPTING) {
                adopted |= adopt(other, lease.tablePrefix());
            }
            if (adopting && !adoptable && !branches.isEmpty() && !leaving) {
                guard.flatMap(g -> g.bringBack(other)).ifPresent(action -> keep(scaleUps, action));
            }
        }
        departed = found;
        checkedAt = now;
        departedGauge.register(found.stream().map(d -> MultiGauge.Row.of(Tags.of("node", d.node()), d.branches())).toList(), true);
        return adopted;
    }

    /** @return whether the adoption ran */
    private boolean adopt(String other, String prefix) {
        try {
            if (!leases.claim(other, node, config.lease())) {
                return false;
            }
            Adoption.Result result = adoption.adopt(other, prefix, node, () -> stillOurs(other));
            adoptedCommits.increment(result.committed());
            adoptedRollbacks.increment(result.rolledBack());
            if (result.committed() + result.rolledBack() + result.recordsRemoved() > 0 || result.complete()) {
                Log.infof("Adopted departed node %s: %s", other, result.detail());
                keep(adoptions, result);
            }
            if (result.complete()) {
                leases.forget(other, node);
            }
            return true;
        } catch (SQLException e) {
            Log.warnf("Adopting departed node %s failed (%s); retried in %s", other, DatabaseFailures.summary(e), config.renewPeriod());
            return false;
        }
    }

    private static <T> void keep(Deque<T> kept, T entry) {
        synchronized (kept) {
            kept.addFirst(entry);
            while (kept.size() > ADOPTIONS_KEPT) {
                kept.removeLast();
            }
        }
    }

    private boolean stillOurs(String other) {
        try {
            return leases.of(other).map(lease -> lease.holder().equals(node)).orElse(false);
        } catch (SQLException e) {
            return false;
        }
    }

    private static Optional<String> nodeOf(PreparedBranch branch) {
        return branch.xid().flatMap(NarayanaXid::of).map(NarayanaXid::nodeName);
    }

    private static NodesView.DepartedNode departed(String other, List<PreparedBranch> branches, NodeLeases.Lease lease, boolean adoptable,
            Instant now) {
        Map<String, Integer> byLedger = new TreeMap<>();
        branches.forEach(branch -> byLedger.merge(branch.ledger().apiName(), 1, Integer::sum));
        long oldest = branches.stream().mapToLong(branch -> branch.age(now).toSeconds()).max().orElse(0);
        String explanation = adoptable
                ? "no live instance: this instance adopts its recovery from its JDBC object store table " + lease.tablePrefix()
                        + "jbosststxtable"
                : lease == null
                        ? "no live instance, and none of this name ever held a lease here: bring it back (same node name, same log) or decide its branches by hand"
                        : "no live instance; its log is in its own file object store (its volume): scale the StatefulSet back up so that "
                                + "it returns and recovers, or decide its branches by hand";
        return new NodesView.DepartedNode(other, branches.size(), byLedger, oldest, lease == null ? "none" : "expired",
                lease == null ? null : lease.expiresAt(), lease == null ? null : lease.holder(), adoptable, explanation);
    }
}
