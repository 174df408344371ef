package io.crossbank.ops.indoubt;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.arjuna.ats.jta.common.jtaPropertyManager;

import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.recovery.TransactionLog;
import io.crossbank.recovery.commitmarkable.CommitMarkableNames;
import io.crossbank.recovery.commitmarkable.MarkerRows;
import io.quarkus.logging.Log;

/**
 * Classifies a prepared branch the way Narayana's XARecoveryModule will treat it: it only touches Xids whose
 * node name is one of its recovery nodes (Quarkus sets exactly this instance's node name), commits those whose
 * transaction has a log record, and presumes abort for the rest. A transaction logged with a commit-markable
 * ledger (crossbank.xa.commit-markable-ledger) is decided by that ledger's marker row instead: commit if it exists.
 */
@ApplicationScoped
public class BranchClassifier {

    private static final String ALL_NODES = "*";

    private final TransactionLog log;
    private final Ledgers ledgers;

    BranchClassifier(TransactionLog log, Ledgers ledgers) {
        this.log = log;
        this.ledgers = ledgers;
    }

    public Classification classify(Optional<NarayanaXid> narayana) {
        if (narayana.isEmpty()) {
            return Classification.FOREIGN_FORMAT;
        }
        if (!recoveredHere(narayana.get().nodeName())) {
            return Classification.FOREIGN_NODE;
        }
        Optional<TransactionLog.CommitMarked> marked = log.commitMarked(narayana.get().transactionUid());
        if (marked.isPresent()) {
            return classifyMarked(marked.get().committed().or(() -> markerRow(marked.get())));
        }
        return classify(log.lookup(narayana.get().transactionUid()));
    }

    /** Recovery's answer for a commit-markable transaction: the outcome it logged, or else the marker row; empty: unknown. */
    static Classification classifyMarked(Optional<Boolean> committed) {
        return committed.map(c -> c ? Classification.MARKED_COMMIT : Classification.UNMARKED_ROLLBACK).orElse(Classification.UNDETERMINED);
    }

    private Optional<Boolean> markerRow(TransactionLog.CommitMarked marked) {
        Optional<LedgerName> ledger = CommitMarkableNames.ledgerOf(marked.resourceName());
        if (ledger.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MarkerRows.exists(ledgers.get(ledger.get()).dataSource(), marked.xid()));
        } catch (SQLException | RuntimeException e) {
            Log.debugf("Cannot read the marker row of %s in %s: %s", marked.xid(), ledger.get().apiName(), e.getMessage());
            return Optional.empty();
        }
    }

    static Classification classify(TransactionLog.Entry entry) {
        return switch (entry) {
            case ABSENT -> Classification.ORPHAN;
            case COMMIT_DECIDED -> Classification.PENDING_RECOVERY;
            case HEURISTIC -> Classification.HEURISTIC;
            case UNREADABLE -> Classification.UNDETERMINED;
        };
    }

    private static boolean recoveredHere(String nodeName) {
        List<String> nodes = jtaPropertyManager.getJTAEnvironmentBean().getXaRecoveryNodes();
        return nodes != null && (nodes.contains(ALL_NODES) || nodes.contains(nodeName));
    }
}
