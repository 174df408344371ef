package io.crossbank.ops.indoubt;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.transaction.xa.Xid;

/**
 * The Xid of one prepared branch as a database reports it, and the spellings each side needs: our URL-safe
 * id ({@code formatId-gtridHex-bqualHex}), pgjdbc's PostgreSQL gid and MySQL's {@code XA COMMIT} arguments.
 */
public record BranchXid(int formatId, byte[] globalTransactionId, byte[] branchQualifier) implements Xid {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern PG_GID = Pattern.compile("(-?\\d{1,10})_([A-Za-z0-9+/=]*)_([A-Za-z0-9+/=]*)");

    public BranchXid {
        globalTransactionId = globalTransactionId.clone();
        branchQualifier = branchQualifier.clone();
    }

    public static BranchXid of(Xid xid) {
        return new BranchXid(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
    }

    /**
     * Reads a PostgreSQL gid written by pgjdbc's PGXAConnection (RecoveredXid.xidToString):
     * {@code formatId + "_" + base64(gtrid) + "_" + base64(bqual)}. Empty for any other gid, such as a
     * PREPARE TRANSACTION typed by hand.
     */
    public static Optional<BranchXid> fromPostgresGid(String gid) {
        Matcher m = PG_GID.matcher(gid);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            byte[] gtrid = Base64.getDecoder().decode(m.group(2));
            byte[] bqual = Base64.getDecoder().decode(m.group(3));
            return gtrid.length == 0 ? Optional.empty() : Optional.of(new BranchXid(Integer.parseInt(m.group(1)), gtrid, bqual));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads the current row of MySQL's or MariaDB's {@code XA RECOVER}: {@code data} holds gtrid then bqual, read
     * as bytes. Empty for a row shorter than the lengths it announces.
     */
    public static Optional<BranchXid> fromXaRecoverRow(ResultSet row) throws SQLException {
        int gtridLength = row.getInt("gtrid_length");
        int bqualLength = row.getInt("bqual_length");
        byte[] data = row.getBytes("data");
        if (data == null || data.length < gtridLength + bqualLength) {
            return Optional.empty();
        }
        return Optional.of(new BranchXid(row.getInt("formatID"), Arrays.copyOfRange(data, 0, gtridLength),
                Arrays.copyOfRange(data, gtridLength, gtridLength + bqualLength)));
    }

    /** The gid pgjdbc gives PREPARE TRANSACTION for this Xid. */
    public String postgresGid() {
        return formatId + "_" + Base64.getEncoder().encodeToString(globalTransactionId) + "_"
                + Base64.getEncoder().encodeToString(branchQualifier);
    }

    /**
     * The xid as MySQL and MariaDB spell it in XA COMMIT / XA ROLLBACK: {@code X'gtrid',X'bqual',formatId}.
     * Only hex digits and a number, so it is safe to put into the statement text.
     */
    public String mysqlXid() {
        return "X'" + HEX.formatHex(globalTransactionId) + "',X'" + HEX.formatHex(branchQualifier) + "'," + formatId;
    }

    public String id() {
        return formatId + "-" + gtridHex() + "-" + bqualHex();
    }

    public String gtridHex() {
        return HEX.formatHex(globalTransactionId);
    }

    public String bqualHex() {
        return HEX.formatHex(branchQualifier);
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return globalTransactionId.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return branchQualifier.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BranchXid x && formatId == x.formatId && Arrays.equals(globalTransactionId, x.globalTransactionId)
                && Arrays.equals(branchQualifier, x.branchQualifier);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * formatId + Arrays.hashCode(globalTransactionId)) + Arrays.hashCode(branchQualifier);
    }

    @Override
    public String toString() {
        return id();
    }
}
