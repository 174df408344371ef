package io.crossbank.ops;

import static io.crossbank.ops.InDoubtApiTest.asOps;
import static io.crossbank.ops.InDoubtApiTest.listed;
import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.transaction.TransactionManager;

import org.junit.jupiter.api.Test;

import com.arjuna.ats.arjuna.common.Uid;
import com.arjuna.ats.arjuna.objectstore.StoreManager;

import io.crossbank.ops.indoubt.BranchXid;
import io.crossbank.recovery.TransactionLog;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A branch of this node whose transaction has a commit decision in this node's log is recovery's to commit:
 * listed as PENDING_RECOVERY, and not for an operator to decide.
 */
@QuarkusTest
class PendingRecoveryTest {

    @Inject
    TransactionManager transactions;

    @Test
    void aBranchWithALoggedCommitDecisionIsPendingRecovery() throws Exception {
        Uid transaction = loggedCommitDecision();
        BranchXid xid = RealBranches.ofThisNode(transaction);
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(xid, openAccount("postgres", "10.00"));

            Map<String, Object> listed = listed("postgres", xid);

            assertThat(listed).as("the branch in GET /ops/in-doubt").isNotNull();
            assertThat(listed.get("transactionUid")).isEqualTo(transaction.stringForm());
            assertThat(listed.get("classification")).isEqualTo("PENDING_RECOVERY");
            assertThat(listed.get("manualResolution")).isEqualTo(false);
            assertThat(assertProblem(asOps().post("/ops/in-doubt/postgres/" + xid.id() + "/commit?dryRun=false"), 409,
                    "recovery-will-resolve")).contains("PENDING_RECOVERY");
            assertThat(RealBranches.isPrepared("postgres", xid)).as("a refused commit changes nothing").isTrue();
        } finally {
            CommitRetryingResource.failing = false;
            StoreManager.getRecoveryStore().remove_committed(transaction, TransactionLog.ATOMIC_ACTION);
        }
    }

    /** Runs a two-phase transaction whose second participant cannot commit yet: its log record stays. */
    private Uid loggedCommitDecision() throws Exception {
        CommitRetryingResource.failing = true;
        transactions.begin();
        transactions.getTransaction().enlistResource(new CommitRetryingResource());
        transactions.getTransaction().enlistResource(new CommitRetryingResource());
        Uid transaction = CommitRetryingResource.lastTransaction;
        transactions.commit();
        assertThat(StoreManager.getRecoveryStore().currentState(transaction, TransactionLog.ATOMIC_ACTION))
                .as("Narayana keeps the log record of %s", transaction).isNotZero();
        return transaction;
    }
}
