package io.crossbank.recovery.commitmarkable;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

import javax.transaction.xa.Xid;

import com.arjuna.ats.internal.jta.xa.XID;
import com.arjuna.ats.jta.xa.XidImple;

/**
 * The {@code xid} column of a marker row, encoded as Narayana's {@code CommitMarkableResourceRecord} writes it:
 * format id, gtrid length, bqual length, data length, then the data (int fields big-endian).
 */
final class MarkerXid {

    private MarkerXid() {
    }

    static Optional<byte[]> bytes(Xid xid) {
        if (!(xid instanceof XidImple narayana)) {
            return Optional.empty();
        }
        XID raw = narayana.getXID();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(raw.formatID);
            out.writeInt(raw.gtrid_length);
            out.writeInt(raw.bqual_length);
            out.writeInt(raw.data.length);
            out.write(raw.data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(buffer.toByteArray());
    }
}
