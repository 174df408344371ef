package io.crossbank.recovery.commitmarkable;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import javax.sql.DataSource;

import javax.transaction.xa.Xid;

import com.arjuna.ats.internal.jta.xa.XID;
import com.arjuna.ats.jta.xa.XidImple;

/**
 * A commit-markable ledger's marker rows (table {@code xids}): one exists exactly when that ledger's local transaction
 * of a cross-ledger transfer committed. The {@code xid} column is encoded as Narayana's
 * {@code CommitMarkableResourceRecord} writes it: format id, gtrid length, bqual length, data length, then the data
 * (int fields big-endian).
 */
public final class MarkerRows {

    private static final String FIND = "SELECT 1 FROM xids WHERE xid = ?";

    private MarkerRows() {
    }

    /** Whether the marker row of this Xid (the commit-markable record's own, as logged) exists; read committed, no lock. */
    public static boolean exists(DataSource ledger, Xid xid) throws SQLException {
        byte[] key = bytes(xid).orElseThrow(() -> new IllegalArgumentException("not a Narayana Xid: " + xid));
        try (Connection c = ledger.getConnection(); PreparedStatement find = c.prepareStatement(FIND)) {
            find.setBytes(1, key);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next();
            }
        }
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
