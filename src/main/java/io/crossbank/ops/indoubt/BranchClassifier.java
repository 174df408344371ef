package io.crossbank.ops.indoubt;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.arjuna.ats.jta.common.jtaPropertyManager;
import io.crossbank.recovery.TransactionLog;

/**
 * Classifies a prepared branch the way Narayana's XARecoveryModule will treat it: it only touches Xids whose
 * node name is one of its recovery nodes (Quarkus sets exactly this instance's node name), commits those whose
 * transaction has a log record, and presumes abort for the rest.
 */
@ApplicationScoped
public class BranchClassifier {

    private static final String ALL_NODES = "*";

    private final TransactionLog log;

    BranchClassifier(TransactionLog log) {
        this.log = log;
    }

    public Classification classify(Optional<NarayanaXid> narayana) {
        if (narayana.isEmpty()) {
            return Classification.FOREIGN_FORMAT;
        }
        if (!recoveredHere(narayana.get().nodeName())) {
            return Classification.FOREIGN_NODE;
        }
        return classify(log.lookup(narayana.get().transactionUid()));
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
