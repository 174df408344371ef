package io.crossbank.ops.indoubt;

import java.util.Optional;

import javax.transaction.xa.Xid;

import com.arjuna.ats.arjuna.common.Uid;
import com.arjuna.ats.jta.xa.XATxConverter;
import com.arjuna.ats.jta.xa.XidImple;

/**
 * What Narayana wrote into an Xid of its own format: the node name of the coordinator that began the
 * transaction and the Uid under which that coordinator logs its decision. Decoded by Narayana itself.
 */
public record NarayanaXid(String nodeName, Uid transactionUid) {

    public static Optional<NarayanaXid> of(Xid xid) {
        if (xid.getFormatId() != XATxConverter.FORMAT_ID) {
            return Optional.empty();
        }
        try {
            XidImple narayana = new XidImple(xid);
            String nodeName = XATxConverter.getNodeName(narayana.getXID());
            Uid uid = narayana.getTransactionUid();
            if (nodeName == null || uid == null || !uid.valid() || uid.equals(Uid.nullUid())) {
                return Optional.empty();
            }
            return Optional.of(new NarayanaXid(nodeName, uid));
        } catch (RuntimeException e) {
            // A foreign Xid that merely reuses Narayana's format id (too short to hold a Uid, for instance).
            return Optional.empty();
        }
    }
}
