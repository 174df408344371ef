package io.crossbank.ops.indoubt;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.arjuna.ats.arjuna.coordinator.TxControl;

import io.crossbank.ledger.LedgerName;
import io.crossbank.problems.DatabaseFailures;
import io.quarkus.logging.Log;

/** Scans both ledgers and classifies what it finds: the operator's list of in-doubt branches. */
@ApplicationScoped
public class InDoubtBranches {

    private final PreparedBranchScanner scanner;
    private final BranchClassifier classifier;

    InDoubtBranches(PreparedBranchScanner scanner, BranchClassifier classifier) {
        this.scanner = scanner;
        this.classifier = classifier;
    }

    public InDoubtScan scan() {
        List<InDoubtBranch> branches = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        Instant now = Instant.now();
        // Both ledgers' branches of one transaction share its log record: read it once per scan.
        Map<Optional<NarayanaXid>, Classification> classified = new HashMap<>();
        for (LedgerName ledger : LedgerName.values()) {
            try {
                scanner.scan(ledger).forEach(branch -> branches.add(InDoubtBranch.of(branch,
                        classified.computeIfAbsent(branch.xid().flatMap(NarayanaXid::of), classifier::classify), now)));
            } catch (SQLException e) {
                Log.warnf("Cannot list the prepared branches of ledger %s: %s", ledger, DatabaseFailures.summary(e));
                Log.debugf(e, "Listing the prepared branches of ledger %s", ledger);
                unreachable.add(ledger.apiName());
            }
        }
        return new InDoubtScan(now, TxControl.getXANodeName(), branches, unreachable);
    }

    /** A fresh look at one branch: the database's answer now, not a cached one. */
    public Optional<Found> find(LedgerName ledger, String id) throws SQLException {
        return scanner.scan(ledger).stream()
                .filter(branch -> branch.id().equalsIgnoreCase(id))
                .findFirst()
                .map(branch -> new Found(branch, InDoubtBranch.of(branch, classify(branch), Instant.now())));
    }

    public record Found(PreparedBranch branch, InDoubtBranch view) {
    }

    private Classification classify(PreparedBranch branch) {
        return classifier.classify(branch.xid().flatMap(NarayanaXid::of));
    }
}
