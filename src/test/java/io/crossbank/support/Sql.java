package io.crossbank.support;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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

    /** A connection to the ledger database holding this account (by its id prefix). */
    public static Connection ledgerOf(String accountId, String database) throws SQLException {
        return accountId.startsWith("pg-") ? postgres(database) : mysql(database);
    }

    public static BigDecimal balance(String accountId) {
        return balance(accountId, DATABASE);
    }

    public static BigDecimal balance(String accountId, String database) {
        try (Connection c = ledgerOf(accountId, database);
                PreparedStatement s = c.prepareStatement("SELECT balance FROM account WHERE id = ?")) {
            s.setString(1, accountId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("No account " + accountId + " in " + database);
                }
                return rs.getBigDecimal(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
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
        try (Connection c = ledger.equals("postgres") ? postgres(database) : mysql(database);
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM journal_entry WHERE transfer_id = ?")) {
            s.setString(1, transferId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Journal rows touching this account, in its own ledger. */
    public static int journalRowsOfAccount(String accountId) {
        try (Connection c = ledgerOf(accountId, DATABASE);
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM journal_entry WHERE account_id = ?")) {
            s.setString(1, accountId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
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
        try (Connection c = mysql(DATABASE); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                branches.add("mysql formatID=" + rs.getLong("formatID") + " data=" + rs.getString("data"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return branches;
    }

    /** Drops and recreates an empty database of that name in both servers, owned by the app user. */
    public static void recreateEmptyDatabases(String database) {
        try (Connection c = postgres("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database + " OWNER crossbank");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = mysql(DATABASE); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
