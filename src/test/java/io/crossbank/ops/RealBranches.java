package io.crossbank.ops;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.transaction.xa.Xid;

import com.arjuna.ats.arjuna.common.Uid;
import com.arjuna.ats.jta.xa.XidImple;

import io.crossbank.ops.indoubt.BranchXid;
import io.crossbank.support.Sql;

/**
 * Real prepared branches, made over plain JDBC as the application's own database user, the way an XA driver
 * would leave them: each adds 1.00 to one account the test opened itself, so the row lock it holds until
 * resolved blocks nobody else. Every branch made is rolled back by {@link #close()} unless already resolved.
 */
final class RealBranches implements AutoCloseable {

    static final String FOREIGN_NODE = "crossbank-elsewhere";
    private static final String APP_USER = "crossbank";
    private static final String PG_UNDEFINED_OBJECT = "42704";
    private static final int MYSQL_XAER_NOTA = 1397;

    private final String database;
    private final List<String> postgresGids = new ArrayList<>();
    private final List<BranchXid> mysql = new ArrayList<>();

    /** Branches in the test profile's databases. */
    RealBranches() {
        this(Sql.DATABASE);
    }

    /** Branches in both ledgers' databases of this name (a packaged-app IT's own). */
    RealBranches(String database) {
        this.database = database;
    }

    /** A Narayana Xid of the node running these tests (the one the test profile names). */
    static BranchXid ofThisNode(Uid transaction) {
        return BranchXid.of(new XidImple(transaction, true, null));
    }

    /**
     * A Narayana Xid as another instance, with another node name, writes it: the gtrid is the transaction's Uid
     * followed by the node name. XATxConverter.setNodeName would do this, but in Narayana 7.3.3 it throws
     * whenever gtrid_length > bqual_length (it copies the bqual with copyOfRange(data, gtrid_length,
     * bqual_length)), which is the case for every branch Xid.
     */
    static BranchXid ofNode(String nodeName, Uid transaction) {
        BranchXid ours = ofThisNode(transaction);
        byte[] uid = transaction.getBytes();
        byte[] node = nodeName.getBytes(StandardCharsets.UTF_8);
        byte[] gtrid = Arrays.copyOf(uid, uid.length + node.length);
        System.arraycopy(node, 0, gtrid, uid.length, node.length);
        return new BranchXid(ours.formatId(), gtrid, ours.getBranchQualifier());
    }

    /** BEGIN; UPDATE; PREPARE TRANSACTION with the gid pgjdbc would give this Xid. */
    BranchXid preparePostgres(Xid xid, String accountId) throws SQLException {
        BranchXid branch = BranchXid.of(xid);
        preparePostgres(branch.postgresGid(), accountId);
        return branch;
    }

    /** Any gid, such as one typed by hand rather than written by an XA driver. */
    void preparePostgres(String gid, String accountId) throws SQLException {
        try (Connection c = DriverManager.getConnection(Sql.postgresUrl(database), APP_USER, APP_USER)) {
            c.setAutoCommit(false);
            credit(c, accountId);
            try (Statement s = c.createStatement()) {
                s.execute("PREPARE TRANSACTION '" + gid.replace("'", "''") + "'");
            }
            postgresGids.add(gid);
        }
    }

    /** XA START; UPDATE; XA END; XA PREPARE, then the connection closes: MariaDB >= 10.5 keeps the branch. */
    BranchXid prepareMysql(Xid xid, String accountId) throws SQLException {
        BranchXid branch = BranchXid.of(xid);
        try (Connection c = DriverManager.getConnection(Sql.mysqlUrl(database), APP_USER, APP_USER);
                Statement s = c.createStatement()) {
            s.execute("XA START " + branch.mysqlXid());
            credit(c, accountId);
            s.execute("XA END " + branch.mysqlXid());
            s.execute("XA PREPARE " + branch.mysqlXid());
            mysql.add(branch);
        }
        return branch;
    }

    /** Whether the branch is still prepared, asked of the database directly. */
    static boolean isPrepared(String ledger, BranchXid xid) {
        return ledger.equals("postgres") ? isPreparedInPostgres(xid.postgresGid()) : isPreparedInMysql(xid);
    }

    static boolean isPreparedInPostgres(String gid) {
        try (Connection c = Sql.postgres(Sql.DATABASE);
                PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_prepared_xacts WHERE gid = ?")) {
            s.setString(1, gid);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isPreparedInMysql(BranchXid xid) {
        return Sql.mysqlPreparedXids().contains(xid);
    }

    @Override
    public void close() {
        List<String> failures = new ArrayList<>();
        for (String gid : postgresGids) {
            try (Connection c = Sql.postgres(database); Statement s = c.createStatement()) {
                s.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
            } catch (SQLException e) {
                if (!PG_UNDEFINED_OBJECT.equals(e.getSQLState())) { // already resolved
                    failures.add("postgres " + gid + ": " + e.getMessage());
                }
            }
        }
        for (BranchXid xid : mysql) {
            try (Connection c = Sql.mysql(database); Statement s = c.createStatement()) {
                s.execute("XA ROLLBACK " + xid.mysqlXid());
            } catch (SQLException e) {
                if (e.getErrorCode() != MYSQL_XAER_NOTA) { // already resolved
                    failures.add("mysql " + xid + ": " + e.getMessage());
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("Prepared branches could not be rolled back: " + failures);
        }
    }

    private static void credit(Connection c, String accountId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE account SET balance = balance + 1 WHERE id = ?")) {
            s.setString(1, accountId);
            if (s.executeUpdate() != 1) {
                throw new IllegalStateException("no account " + accountId);
            }
        }
    }
}
