package io.crossbank.recovery;

import java.io.IOException;
import java.util.Optional;

import javax.transaction.xa.Xid;

import jakarta.enterprise.context.ApplicationScoped;

import com.arjuna.ats.arjuna.common.Uid;
import com.arjuna.ats.arjuna.coordinator.ActionStatus;
import com.arjuna.ats.arjuna.exceptions.ObjectStoreException;
import com.arjuna.ats.arjuna.objectstore.StateStatus;
import com.arjuna.ats.arjuna.objectstore.StoreManager;
import com.arjuna.ats.arjuna.recovery.RecoverAtomicAction;
import com.arjuna.ats.arjuna.state.InputObjectState;
import com.arjuna.ats.internal.jta.recovery.arjunacore.RecoverConnectableAtomicAction;

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

    /**
     * A logged transaction with a commit-markable ledger: the ledger's name as logged, the Xid of its marker row,
     * and the outcome once recovery has read the marker into the record (empty before).
     */
    public record CommitMarked(String resourceName, Xid xid, Optional<Boolean> committed) {
    }

    /**
     * Narayana's commit-markable recovery module moves such a record to this type while it works on it (between two of
     * its passes, or while the ledger is unreachable); AtomicAction recovery does not see it there.
     */
    public static final String CONNECTABLE_ATOMIC_ACTION = RecoverConnectableAtomicAction.CONNECTABLE_ATOMIC_ACTION_TYPE;

    /**
     * Whether this transaction's log record has a commit-markable ledger, under either record type: its outcome is
     * then that ledger's marker row, not the record itself.
     */
    public Optional<CommitMarked> commitMarked(Uid transaction) {
        for (String type : new String[] { ATOMIC_ACTION, CONNECTABLE_ATOMIC_ACTION }) {
            try {
                var store = StoreManager.getRecoveryStore();
                if (store.currentState(transaction, type) == StateStatus.OS_UNKNOWN) {
                    continue;
                }
                InputObjectState state = store.read_committed(transaction, type);
                if (state == null) {
                    continue;
                }
                RecoverConnectableAtomicAction action = new RecoverConnectableAtomicAction(type, transaction, state);
                if (action.getCommitMarkableResourceJndiName() == null) {
                    return Optional.empty();
                }
                Optional<Boolean> committed = action.containsIncompleteCommitMarkableResourceRecord()
                        ? Optional.empty()
                        : Optional.of(action.wasConfirmedCommitted());
                return Optional.of(new CommitMarked(action.getCommitMarkableResourceJndiName(), action.getXid(), committed));
            } catch (ObjectStoreException | IOException | RuntimeException e) {
                Log.debugf("Cannot read the %s record of %s: %s", type, transaction, e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

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
