package io.crossbank.ops.nodes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.arjuna.ats.arjuna.common.Uid;
import com.arjuna.ats.arjuna.exceptions.ObjectStoreException;
import com.arjuna.ats.arjuna.objectstore.StoreManager;
import com.arjuna.ats.arjuna.state.InputObjectState;
import com.arjuna.ats.internal.arjuna.common.UidHelper;

import io.crossbank.recovery.TransactionLog;

/** The transactions this instance's own object store (files or JDBC) still holds a decision record for. */
final class OwnLog {

    private OwnLog() {
    }

    /** @return the Uids of the AtomicAction records, empty when the store cannot be read */
    static Optional<List<String>> records() {
        try {
            InputObjectState uids = new InputObjectState();
            if (!StoreManager.getRecoveryStore().allObjUids(TransactionLog.ATOMIC_ACTION, uids)) {
                return Optional.empty();
            }
            List<String> found = new ArrayList<>();
            while (uids.notempty()) {
                Uid uid = UidHelper.unpackFrom(uids);
                if (uid.equals(Uid.nullUid())) {
                    return Optional.of(found);
                }
                found.add(uid.stringForm());
            }
            return Optional.of(found);
        } catch (ObjectStoreException | IOException e) {
            return Optional.empty();
        }
    }
}
