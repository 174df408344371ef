package io.crossbank.ops.indoubt;

import static org.assertj.core.api.Assertions.assertThat;

import io.crossbank.recovery.TransactionLog;
import org.junit.jupiter.api.Test;

/** What this node's log says about a transaction decides what recovery does with its branches. */
class BranchClassifierTest {

    @Test
    void thisNodesBranchesAreClassifiedByTheirLogRecord() {
        assertThat(BranchClassifier.classify(TransactionLog.Entry.COMMIT_DECIDED)).isEqualTo(Classification.PENDING_RECOVERY);
        assertThat(BranchClassifier.classify(TransactionLog.Entry.ABSENT)).isEqualTo(Classification.ORPHAN);
        assertThat(BranchClassifier.classify(TransactionLog.Entry.HEURISTIC)).isEqualTo(Classification.HEURISTIC);
        assertThat(BranchClassifier.classify(TransactionLog.Entry.UNREADABLE)).isEqualTo(Classification.UNDETERMINED);
    }

    @Test
    void onlyBranchesNoRecoveryHereWillDecideMayBeResolvedByHand() {
        assertThat(Classification.values()).filteredOn(Classification::manualResolution)
                .containsExactlyInAnyOrder(Classification.HEURISTIC, Classification.FOREIGN_NODE, Classification.FOREIGN_FORMAT);
    }
}
