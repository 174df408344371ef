package io.crossbank.support;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.crossbank.ops.indoubt.BranchXid;
import io.crossbank.ops.indoubt.NarayanaXid;

/**
 * Direct SQL against the private test databases, as their superuser: what the tests use to check what the
 * API says, to arrange states the API cannot reach, and to look for prepared (in-doubt) branches.
 */
public final class Sql {

    public static final String DATABASE = "crossbank";
    private static final String ADMIN = "crossbank_admin";

    private Sql() {
    }

    public static int postgresPort() {
        return Integer.getInteger("crossbank.db.pg-port", 25432);
    }

    public static int mysqlPort() {
        return Integer.getInteger("crossbank.db.mysql-port", 23306);
    }

    public static String postgresUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort() + "/" + database;
    }

    public static String mysqlUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + mysqlPort() + "/" + database;
    }

    public static Connection postgres(String database) throws SQLException {
        return DriverManager.getConnection(postgresUrl(database), ADMIN, ADMIN);
    }

    public static Connection mysql(String database) throws SQLException {
        return DriverManager.getConnection(mysqlUrl(database), ADMIN, ADMIN);
    }

    /** The ledger ("postgres" or "mysql") holding this account, by its id prefix. */
    public static String ledgerName(String accountId) {
        return accountId.startsWith("pg-") ? "postgres" : "mysql";
    }

    /** A connection to the ledger database holding this account (by its id prefix). */
    public static Connection ledgerOf(String accountId, String database) throws SQLException {
        return accountId.startsWith("pg-") ? postgres(database) : mysql(database);
    }

    public static BigDecimal balance(String accountId) {
        return balance(accountId, DATABASE);
    }

    public static BigDecimal balance(String accountId, String database) {
        BigDecimal balance = queryOne(ledgerName(accountId), database, "SELECT balance FROM account WHERE id = ?", accountId,
                rs -> rs.getBigDecimal(1));
        if (balance == null) {
            throw new AssertionError("No account " + accountId + " in " + database);
        }
        return balance;
    }

    /** Money an account's outgoing sagas hold (not settled yet). */
    public static BigDecimal held(String accountId) {
        return held(accountId, DATABASE);
    }

    public static BigDecimal held(String accountId, String database) {
        return queryOne(ledgerName(accountId), database, "SELECT held FROM account WHERE id = ?", accountId, rs -> rs.getBigDecimal(1));
    }

    /** The deciding row of a saga in the credited ledger ("DONE" or "CANCELLED"), or null. */
    public static String sagaDecision(String creditedAccountId, String transferId, String database) {
        return queryOne(ledgerName(creditedAccountId), database, "SELECT outcome FROM saga_credit WHERE transfer_id = ?", transferId,
                rs -> rs.getString(1));
    }

    /** Journal rows of one kind (TRANSFER, COMPENSATION) for this transfer in the named ledger. */
    public static int journalRows(String ledger, String transferId, String kind, String database) {
        try (Connection c = ledger.equals("postgres") ? postgres(database) : mysql(database);
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM journal_entry WHERE transfer_id = ? AND kind = ?")) {
            s.setString(1, transferId);
            s.setString(2, kind);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Transfers still PENDING in either ledger of this database. */
    public static int pendingTransfers(String database) {
        int pending = 0;
        for (String ledger : List.of("postgres", "mysql")) {
            try (Connection c = ledger.equals("postgres") ? postgres(database) : mysql(database); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM transfer WHERE status = 'PENDING'")) {
                rs.next();
                pending += rs.getInt(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return pending;
    }

    /** Sets a balance directly, to reach states the API refuses to create. */
    public static void setBalance(String accountId, String balance) {
        try (Connection c = ledgerOf(accountId, DATABASE);
                PreparedStatement s = c.prepareStatement("UPDATE account SET balance = ? WHERE id = ?")) {
            s.setBigDecimal(1, new BigDecimal(balance));
            s.setString(2, accountId);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Journal rows for this transfer in the named ledger ("postgres" or "mysql"). */
    public static int journalRows(String ledger, String transferId) {
        return journalRows(ledger, transferId, DATABASE);
    }

    public static int journalRows(String ledger, String transferId, String database) {
        return queryOne(ledger, database, "SELECT count(*) FROM journal_entry WHERE transfer_id = ?", transferId, rs -> rs.getInt(1));
    }

    /** Journal rows per transfer id in the named ledger ("postgres" or "mysql"): one query for a test with many transfers. */
    public static java.util.Map<String, Integer> journalRowsPerTransfer(String ledger, String database) {
        java.util.Map<String, Integer> rows = new java.util.HashMap<>();
        try (Connection c = ledger.equals("postgres") ? postgres(database) : mysql(database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT transfer_id, count(*) FROM journal_entry GROUP BY transfer_id")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getInt(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** Journal rows touching this account, in its own ledger. */
    public static int journalRowsOfAccount(String accountId) {
        return journalRowsOfAccount(accountId, DATABASE);
    }

    public static int journalRowsOfAccount(String accountId, String database) {
        return queryOne(ledgerName(accountId), database, "SELECT count(*) FROM journal_entry WHERE account_id = ?", accountId,
                rs -> rs.getInt(1));
    }

    /**
     * Every prepared, undecided XA branch in both servers: PostgreSQL's pg_prepared_xacts and MariaDB's
     * XA RECOVER. Each one holds row locks until someone commits or rolls it back.
     */
    public static List<String> preparedBranches() {
        List<String> branches = new ArrayList<>();
        try (Connection c = postgres(DATABASE); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT database, gid FROM pg_prepared_xacts")) {
            while (rs.next()) {
                branches.add("postgres " + rs.getString(1) + " " + rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        mysqlPreparedXids().forEach(xid -> branches.add("mysql " + xid.id()));
        return branches;
    }

    /**
     * Prepared branches written by one Narayana node, in this PostgreSQL database and in MariaDB. Narayana
     * puts the node name into every global transaction id, which is how the branches are recognised.
     */
    public static List<String> preparedBranchesOf(String nodeName, String database) {
        List<String> branches = new ArrayList<>();
        try (Connection c = postgres(database); PreparedStatement s = c.prepareStatement(
                "SELECT gid FROM pg_prepared_xacts WHERE database = ?")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String gid = rs.getString(1);
                    if (BranchXid.fromPostgresGid(gid).filter(xid -> isOfNode(xid, nodeName)).isPresent()) {
                        branches.add("postgres " + gid);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        mysqlPreparedXids().stream().filter(xid -> isOfNode(xid, nodeName)).forEach(xid -> branches.add("mysql " + xid.id()));
        return branches;
    }

    /**
     * Marker rows one Narayana node left in a ledger's commit-markable table ({@code xids}, db/&lt;ledger&gt;/V7): one per
     * cross-ledger transaction the commit-markable ledger committed, until recovery deletes it once complete.
     */
    public static int markerRowsOf(String nodeName, String ledger, String database) {
        try (Connection c = ledger.equals("postgres") ? postgres(database) : mysql(database);
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM xids WHERE transactionManagerID = ?")) {
            s.setString(1, nodeName);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int markerRowsOf(String nodeName, String database) {
        return markerRowsOf(nodeName, "postgres", database) + markerRowsOf(nodeName, "mysql", database);
    }

    public static long countPrepared(List<String> branches, String ledger) {
        return branches.stream().filter(b -> b.startsWith(ledger + " ")).count();
    }

    /**
     * Every branch MariaDB's XA RECOVER lists (server-wide), decoded as the application decodes it. MariaDB keeps
     * one server for all test databases, so this is the same list whichever database a test uses.
     */
    public static List<BranchXid> mysqlPreparedXids() {
        List<BranchXid> xids = new ArrayList<>();
        try (Connection c = mysql(DATABASE); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                BranchXid.fromXaRecoverRow(rs).ifPresent(xids::add);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return xids;
    }

    /** Whether Narayana wrote this node's name into the Xid, read the way the application reads it. */
    private static boolean isOfNode(BranchXid xid, String nodeName) {
        return NarayanaXid.of(xid).map(NarayanaXid::nodeName).filter(nodeName::equals).isPresent();
    }

    /**
     * Rolls back prepared branches a previous, interrupted run may have left: in this PostgreSQL database, and
     * every one in the (private, test-only) MariaDB server.
     */
    public static void rollBackLeftoverBranches(String database) {
        try (Connection c = postgres("postgres"); PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = postgres(database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
            List<String> gids = new ArrayList<>();
            while (rs.next()) {
                gids.add(rs.getString(1));
            }
            for (String gid : gids) {
                s.execute("ROLLBACK PREPARED '" + gid + "'");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        List<BranchXid> xids = mysqlPreparedXids();
        try (Connection c = mysql(DATABASE); Statement s = c.createStatement()) {
            for (BranchXid xid : xids) {
                s.execute("XA ROLLBACK " + xid.mysqlXid());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a request could have changed in one ledger: how many accounts, journal rows, idempotency keys and transfer
     * records it holds, and the sum of its balances.
     */
    public record LedgerState(long accounts, String balances, long journalRows, long idempotencyKeys, long transfers) {
    }

    /** Both ledgers' {@link LedgerState}, postgres then mysql. */
    public static List<LedgerState> ledgerStates() {
        String query = "SELECT (SELECT count(*) FROM account), (SELECT coalesce(sum(balance), 0) FROM account),"
                + " (SELECT count(*) FROM journal_entry), (SELECT count(*) FROM idempotency_key), (SELECT count(*) FROM transfer)";
        List<LedgerState> states = new ArrayList<>();
        for (boolean postgres : new boolean[] { true, false }) {
            try (Connection c = postgres ? postgres(DATABASE) : mysql(DATABASE); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(query)) {
                rs.next();
                states.add(new LedgerState(rs.getLong(1), rs.getBigDecimal(2).setScale(2).toPlainString(), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return states;
    }

    /** "MODE STATUS" of a transfer's record in that ledger ("postgres" or "mysql"), or null if it holds none. */
    public static String transferRecord(String ledger, String transferId) {
        return queryOne(ledger, DATABASE, "SELECT mode, status FROM transfer WHERE id = ?", transferId,
                rs -> rs.getString(1) + " " + rs.getString(2));
    }

    /** The stored owner of an account, read straight from its ledger. */
    public static String owner(String accountId) {
        return queryOne(ledgerName(accountId), DATABASE, "SELECT owner FROM account WHERE id = ?", accountId, rs -> rs.getString(1));
    }

    /** Rows of the account table whose id equals this text, as the ledger's own comparison decides. */
    public static int accountsMatching(String ledger, String id) {
        return queryOne(ledger, DATABASE, "SELECT count(*) FROM account WHERE id = ?", id, rs -> rs.getInt(1));
    }

    /** "table.column" to collation, for the MySQL ledger's id and key columns. */
    public static java.util.Map<String, String> mysqlColumnCollations() {
        java.util.Map<String, String> collations = new java.util.TreeMap<>();
        try (Connection c = mysql(DATABASE); PreparedStatement s = c.prepareStatement("SELECT table_name, column_name, collation_name"
                + " FROM information_schema.columns WHERE table_schema = ? AND (column_name IN ('id', 'idem_key', 'event_id',"
                + " 'aggregate_id', 'from_account', 'to_account') OR column_name LIKE '%\\_id') AND table_name IN"
                + " ('account', 'journal_entry', 'idempotency_key', 'transfer', 'outbox', 'saga_credit')")) {
            s.setString(1, DATABASE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    collations.put(rs.getString(1) + "." + rs.getString(2), rs.getString(3));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return collations;
    }

    /** The types of the outbox rows about this transfer in the ledger holding the account, in seq order. */
    public static List<String> outboxTypesOf(String accountId, String transferId) {
        return column(() -> ledgerOf(accountId, DATABASE), "SELECT type FROM outbox WHERE aggregate_id = ? ORDER BY seq", transferId);
    }

    /** Opens the connection a query runs on. */
    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    /** The first column of every row of a one-parameter query, as text, on the connection {@code opener} opens (and this closes). */
    public static List<String> column(Opener opener, String sql, String parameter) {
        try (Connection c = opener.open(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            List<String> values = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The outbox rows about this transfer in the ledger of the test database holding {@code accountId}. */
    public static long outboxRowsOf(String accountId, String transferId) {
        return queryOne(accountId.startsWith("pg-") ? "postgres" : "mysql", DATABASE, "SELECT count(*) FROM outbox WHERE aggregate_id = ?",
                transferId, rs -> rs.getLong(1));
    }

    /** What a row of the result reads as. */
    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The first row of a one-parameter query in that ledger ("postgres" or "mysql") and database; null without one. */
    private static <T> T queryOne(String ledger, String database, String sql, String parameter, Row<T> row) {
        try (Connection c = ledger.equals("postgres") ? postgres(database) : mysql(database);
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? row.read(rs) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops and recreates an empty database of that name in both servers, owned by the app user. */
    public static void recreateEmptyDatabases(String database) {
        recreateEmptyDatabases(database, "crossbank");
    }

    /** The same, owned by (PostgreSQL) or granted to (MariaDB) this login. */
    public static void recreateEmptyDatabases(String database, String owner) {
        rollBackLeftoverBranches(database);
        try (Connection c = postgres("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database + " OWNER " + owner);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = mysql(DATABASE); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database);
            s.execute("GRANT ALL PRIVILEGES ON " + database + ".* TO '" + owner + "'@'%'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A login of its own in both servers, for a test that locks it out or limits it: creates it, or puts
     * back everything such a test may have changed (password, login right, limits, account lock).
     */
    public static void resetLogin(String user, String password) {
        try (Connection c = postgres("postgres"); Statement s = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + user + "'")) {
                exists = rs.next();
            }
            s.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + user + " LOGIN CONNECTION LIMIT -1 PASSWORD '" + password + "'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = mysql(DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
            s.execute("ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + password + "' WITH MAX_USER_CONNECTIONS 0 ACCOUNT UNLOCK");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Terminates every PostgreSQL session of this login on this database; returns how many there were. */
    public static int cutPostgresSessions(String user, String database) {
        try (Connection c = postgres("postgres"); PreparedStatement s = c.prepareStatement(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = ? AND datname = ?")) {
            s.setString(1, user);
            s.setString(2, database);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kills every MariaDB connection of this login whose default database is this one; returns how many. */
    public static int cutMysqlSessions(String user, String database) {
        try (Connection c = mysql(DATABASE); Statement s = c.createStatement()) {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT id FROM information_schema.processlist WHERE user = ? AND db = ?")) {
                q.setString(1, user);
                q.setString(2, database);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            int killed = 0;
            for (long id : ids) {
                try {
                    s.execute("KILL CONNECTION " + id);
                    killed++;
                } catch (SQLException e) {
                    // 1094 unknown thread: it ended on its own in the meantime
                    if (e.getErrorCode() != 1094) {
                        throw e;
                    }
                }
            }
            return killed;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sessions of this login on this database, in one ledger's server ("postgres" or "mysql"). */
    public static int sessionCount(String ledger, String user, String database) {
        String sql = ledger.equals("postgres")
                ? "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND datname = ?"
                : "SELECT count(*) FROM information_schema.processlist WHERE user = ? AND db = ?";
        return countAsAdmin(ledger, sql, user, database);
    }

    /** Sessions of this login on this database waiting for a row lock, in one ledger's server. */
    public static int lockWaits(String ledger, String user, String database) {
        String sql = ledger.equals("postgres")
                ? "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND datname = ? AND wait_event_type = 'Lock'"
                : "SELECT count(*) FROM information_schema.innodb_trx t JOIN information_schema.processlist p"
                        + " ON p.id = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.user = ? AND p.db = ?";
        return countAsAdmin(ledger, sql, user, database);
    }

    private static int countAsAdmin(String ledger, String sql, String... parameters) {
        try (Connection c = ledger.equals("postgres") ? postgres("postgres") : mysql(DATABASE);
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes the private PostgreSQL check this login's password over TCP (the build starts it with trust
     * authentication, which accepts any password): a line ahead of the others in its pg_hba.conf, then a
     * reload. The line stays; the right password keeps working.
     */
    public static void requirePasswordOverTcp(String user) {
        // md5 checks a SCRAM-stored password with SCRAM, an MD5-stored one with MD5
        String rule = "host all " + user + " 127.0.0.1/32 md5";
        try (Connection c = postgres("postgres"); Statement s = c.createStatement()) {
            Path hba;
            try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = Path.of(rs.getString(1));
            }
            String rules = Files.readString(hba);
            if (!rules.lines().anyMatch(rule::equals)) {
                Files.writeString(hba, rule + System.lineSeparator() + rules);
            }
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
