package io.crossbank.recovery;

import jakarta.enterprise.context.ApplicationScoped;

import com.arjuna.ats.arjuna.common.Uid;
import com.arjuna.ats.arjuna.coordinator.ActionStatus;
import com.arjuna.ats.arjuna.exceptions.ObjectStoreException;
import com.arjuna.ats.arjuna.objectstore.StateStatus;
import com.arjuna.ats.arjuna.objectstore.StoreManager;
import com.arjuna.ats.arjuna.recovery.RecoverAtomicAction;

import io.quarkus.logging.Log;

/**
 * This instance's Narayana object store, read the way recovery reads it. A JTA transaction's decision to
 * commit is the AtomicAction record written after every branch prepared; it stays until every branch has
 * committed, and stays longer when a branch reported a heuristic outcome (Narayana keeps those for an
 * operator; {@code CoordinatorEnvironmentBean.maintainHeuristics}, true by default).
 */
@ApplicationScoped
public class TransactionLog {

    /** What the log says about one transaction Uid. */
    public enum Entry {
        /** No record: the coordinator never decided to commit (or finished long ago). */
        ABSENT,
        /** The decision was commit; recovery replays it. */
        COMMIT_DECIDED,
        /** A record whose participants reported a heuristic outcome: recovery leaves it to an operator. */
        HEURISTIC,
        /** The store could not be read. */
        UNREADABLE
    }

    /** The record type of a JTA transaction (com.arjuna.ats.arjuna.AtomicAction#type()). */
    public static final String ATOMIC_ACTION = "/StateManager/BasicAction/TwoPhaseCoordinator/AtomicAction";

    public Entry lookup(Uid transaction) {
        try {
            int state = StoreManager.getRecoveryStore().currentState(transaction, ATOMIC_ACTION);
            if (state == StateStatus.OS_UNKNOWN) {
                return Entry.ABSENT;
            }
            // The restore AtomicActionRecoveryModule (and Narayana's ObjStoreBrowser) does; nothing is replayed here.
            // Restoring an XA participant may make the XA recovery module ask both databases for their Xids.
            RecoverAtomicAction action = new RecoverAtomicAction(transaction, ActionStatus.COMMITTED);
            return action.hasHeuristicParticipants() ? Entry.HEURISTIC : Entry.COMMIT_DECIDED;
        } catch (ObjectStoreException | RuntimeException e) {
            Log.warnf(e, "Cannot read the transaction log record of %s", transaction);
            return Entry.UNREADABLE;
        }
    }
}
