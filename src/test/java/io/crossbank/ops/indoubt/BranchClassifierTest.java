package io.crossbank.ops.indoubt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

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
    void aCommitMarkableTransactionIsClassifiedByItsMarkerRow() {
        assertThat(BranchClassifier.classifyMarked(Optional.of(true))).isEqualTo(Classification.MARKED_COMMIT);
        assertThat(BranchClassifier.classifyMarked(Optional.of(false))).isEqualTo(Classification.UNMARKED_ROLLBACK);
        assertThat(BranchClassifier.classifyMarked(Optional.<Boolean> empty())).isEqualTo(Classification.UNDETERMINED);
    }

    @Test
    void onlyBranchesNoRecoveryHereWillDecideMayBeResolvedByHand() {
        assertThat(Classification.values()).filteredOn(Classification::manualResolution)
                .containsExactlyInAnyOrder(Classification.HEURISTIC, Classification.FOREIGN_NODE, Classification.FOREIGN_FORMAT);
    }
}
