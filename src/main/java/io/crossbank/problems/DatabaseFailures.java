package io.crossbank.problems;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.transaction.xa.XAException;

import jakarta.transaction.RollbackException;

/**
 * Reads a database or transaction failure for what it means to the client. PostgreSQL is read by SQLSTATE;
 * MySQL and MariaDB by their vendor error codes, which are more precise than the SQLSTATEs Connector/J reports
 * (many are HY000 or the syntax-error class 42000).
 *
 * <p>A 503 means a ledger is really unavailable or busy: every way a ledger can be unreachable (down, refusing
 * connections or logins, out of connections, session cut) is {@code ledger-unavailable}, a lock held too long is
 * {@code ledger-busy}, and nothing a client sent can produce either.
 */
public final class DatabaseFailures {

    // MySQL / MariaDB server error codes.
    private static final int MYSQL_DUPLICATE_KEY = 1062;
    private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;
    private static final int MYSQL_DEADLOCK = 1213;
    private static final int MYSQL_OUT_OF_RANGE = 1264;
    private static final int MYSQL_CHECK_VIOLATED = 3819;
    private static final int MARIADB_CHECK_VIOLATED = 4025;
    private static final int MYSQL_QUERY_INTERRUPTED = 1317;

    /** Codes meaning the server cannot be used by this login right now; all but 1927 are only raised at login. */
    private static final Set<Integer> MYSQL_UNAVAILABLE = Set.of(
            1040, // ER_CON_COUNT_ERROR: too many connections (max_connections)
            1203, // ER_TOO_MANY_USER_CONNECTIONS: the server's max_user_connections reached for this user
            1226, // ER_USER_LIMIT_REACHED: a per-account resource limit (MAX_USER_CONNECTIONS, ..._PER_HOUR)
            1044, // ER_DBACCESS_DENIED_ERROR: the login may not use the ledger's database
            1045, // ER_ACCESS_DENIED_ERROR: login refused (wrong password, no such user)
            1049, // ER_BAD_DB_ERROR: the ledger's database does not exist (dropped, not restored yet)
            1053, // ER_SERVER_SHUTDOWN: shutdown in progress
            1129, // ER_HOST_IS_BLOCKED: too many connection errors from this host
            1130, // ER_HOST_NOT_PRIVILEGED: this host may not connect
            1820, // ER_MUST_CHANGE_PASSWORD: password expired, the session may run nothing
            1862, // ER_MUST_CHANGE_PASSWORD_LOGIN: password expired, login refused
            1927, // ER_CONNECTION_KILLED (MariaDB): the session was killed under the statement
            3118, // ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL)
            4151, // ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB)
            2002, // CR_CONNECTION_ERROR: no connection through the socket
            2003, // CR_CONN_HOST_ERROR: host unreachable, connection refused
            2006, // CR_SERVER_GONE_ERROR
            2013); // CR_SERVER_LOST: connection lost during a query

    /** PostgreSQL SQLSTATEs meaning the same; class 08 (connection exception) and 57P (session or server gone) too. */
    private static final Set<String> POSTGRES_UNAVAILABLE = Set.of(
            "53300", // too_many_connections, also "too many connections for role" (CONNECTION LIMIT)
            "28000", // invalid_authorization_specification: login refused (NOLOGIN, no pg_hba entry)
            "28P01", // invalid_password: authentication failed, password expired (VALID UNTIL)
            "3D000"); // invalid_catalog_name: the ledger's database does not exist (dropped, not restored yet)

    private DatabaseFailures() {
    }

    /** True if a unique constraint refused an insert. */
    public static boolean isUniqueViolation(Throwable failure) {
        return sqlExceptions(failure).stream().anyMatch(e -> "23505".equals(e.getSQLState()) || e.getErrorCode() == MYSQL_DUPLICATE_KEY);
    }

    /** True if the failure means a ledger's database cannot be reached or used right now. */
    public static boolean isUnavailable(Throwable failure) {
        return classify(failure).map(p -> p.type() == ProblemType.LEDGER_UNAVAILABLE).orElse(false);
    }

    /** The problem a failure maps to, if it is one the client should hear about rather than a 500. */
    public static Optional<ProblemException> classify(Throwable failure) {
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof ProblemException problem) {
                return Optional.of(problem);
            }
        }
        List<SQLException> sqlExceptions = sqlExceptions(failure);
        for (SQLException e : sqlExceptions) {
            Optional<ProblemException> problem = classifySql(e, failure);
            if (problem.isPresent()) {
                return problem;
            }
        }
        for (Throwable t : chain) {
            if (t instanceof ConnectException || thrownOpeningAConnection(t)) {
                return Optional.of(unavailable(failure));
            }
        }
        // Narayana rolls back when a branch fails to prepare and reports the branch's failure as an exception
        // suppressed by its RollbackException, not as its cause: a ledger gone at prepare is that ledger's outage.
        for (Throwable t : chain) {
            if (t instanceof RollbackException) {
                for (Throwable branchFailure : t.getSuppressed()) {
                    if (isResourceManagerFailure(branchFailure) || isUnavailable(branchFailure)) {
                        return Optional.of(unavailable(failure));
                    }
                }
            }
        }
        // A rollback caused by a database error (a failed flush at commit, say) is that error's to answer for:
        // above, or a 500 when unexpected. One with no database error behind it was the coordinator's doing.
        boolean databaseError = sqlExceptions.stream().anyMatch(e -> e.getSQLState() != null || e.getErrorCode() != 0);
        if (!databaseError && (chain.stream().anyMatch(RollbackException.class::isInstance)
                || sqlExceptions.stream().anyMatch(DatabaseFailures::isRolledBackByCoordinator))) {
            return Optional.of(new ProblemException(ProblemType.TRANSACTION_TIMEOUT,
                    "The transaction was rolled back before it could commit (it ran past its timeout or was aborted); "
                            + "nothing was changed. Retry later.",
                    failure));
        }
        return Optional.empty();
    }

    /** XAER_RMFAIL: the resource manager (the database) could not be reached to prepare or end the branch. */
    private static boolean isResourceManagerFailure(Throwable failure) {
        return chain(failure).stream().anyMatch(t -> t instanceof XAException xa && xa.errorCode == XAException.XAER_RMFAIL);
    }

    /**
     * The database's own words for a failure, for the log: SQLSTATE, vendor code and message of the first
     * database error in the chain, or the innermost cause's message.
     */
    public static String summary(Throwable failure) {
        for (SQLException e : sqlExceptions(failure)) {
            if (e.getSQLState() != null || e.getErrorCode() != 0) {
                return "SQLSTATE " + e.getSQLState() + ", code " + e.getErrorCode() + ": " + firstLine(e.getMessage());
            }
        }
        List<Throwable> chain = chain(failure);
        Throwable root = chain.get(chain.size() - 1);
        return root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
    }

    private static Optional<ProblemException> classifySql(SQLException e, Throwable failure) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        if (state.startsWith("08") // connection exception: refused, cut, lost (Connector/J: 08S01 communications link failure)
                || state.startsWith("57P") // 57P01 admin_shutdown (session terminated), 57P02 crash_shutdown, 57P03
                                           // cannot_connect_now (starting up, shutting down), 57P04 database_dropped, 57P05 idle timeout
                || POSTGRES_UNAVAILABLE.contains(state) || MYSQL_UNAVAILABLE.contains(code) || isPoolExhausted(e)
                || isEnlistmentFailure(e) || isConnectionCreationFailure(e)) {
            return Optional.of(unavailable(failure));
        }
        if (state.equals("55P03") || state.equals("40P01") || state.equals("40001") || state.equals("57014")
                || code == MYSQL_LOCK_WAIT_TIMEOUT || code == MYSQL_DEADLOCK || code == MYSQL_QUERY_INTERRUPTED) {
            return Optional.of(new ProblemException(ProblemType.LEDGER_BUSY,
                    "An account involved is locked by another transaction for too long; nothing was changed. Retry later.",
                    failure));
        }
        if (state.equals("22003") || state.equals("23514") || code == MYSQL_OUT_OF_RANGE || code == MYSQL_CHECK_VIOLATED
                || code == MARIADB_CHECK_VIOLATED) {
            return Optional.of(new ProblemException(ProblemType.BALANCE_LIMIT,
                    "The resulting balance is outside what an account can hold; nothing was changed.", failure));
        }
        return Optional.empty();
    }

    private static boolean isPoolExhausted(SQLException e) {
        String message = e.getMessage();
        // Agroal: "Sorry, acquisition timeout!", "Acquisition timeout while waiting for new connection"
        return message != null && message.toLowerCase(Locale.ROOT).contains("acquisition timeout");
    }

    /*
     * Agroal reports a failed XAResource.start() (Narayana saw XAER_RMFAIL: the server is gone) as a bare
     * SQLException with neither SQLSTATE nor cause; only its message tells it apart.
     */
    private static boolean isEnlistmentFailure(SQLException e) {
        String message = e.getMessage();
        return message != null && message.contains("Unable to enlist connection");
    }

    /* Agroal refusing a connection to a transaction the reaper has already rolled back. */
    private static boolean isRolledBackByCoordinator(SQLException e) {
        String message = e.getMessage();
        return message != null && message.contains("Failing fast as the transaction has rolled back");
    }

    /* Agroal's wrapper around a driver failure that is not an SQLException, while opening a connection. */
    private static boolean isConnectionCreationFailure(SQLException e) {
        String message = e.getMessage();
        return message != null && message.contains("Exception while creating new connection");
    }

    /*
     * Whatever the server answered, failing to open a new connection means the ledger cannot be used now, and no
     * request's content takes part in a login. Agroal hands the driver's exception to the request unchanged, so
     * the exception's origin, the pool's connection factory, is what marks it; this covers refusals no code
     * above names (a database closed to connections, a revoked CONNECT privilege, a failing new-connection-sql).
     */
    private static boolean thrownOpeningAConnection(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().equals("io.agroal.pool.ConnectionFactory") && frame.getMethodName().equals("createConnection")) {
                return true;
            }
        }
        return false;
    }

    private static ProblemException unavailable(Throwable failure) {
        String ledger = ledgerOf(failure).map(name -> "The " + name + " ledger's database").orElse("A ledger database");
        return new ProblemException(ProblemType.LEDGER_UNAVAILABLE, ledger + " is unreachable; nothing was changed. Retry later.",
                failure);
    }

    /*
     * Which driver raised it tells which ledger failed, each ledger having its own. Connector/J raises many of its
     * errors as plain SQLExceptions, so where the exception was made counts too.
     */
    private static Optional<String> ledgerOf(Throwable failure) {
        for (Throwable t : chain(failure)) {
            Optional<String> ledger = ledgerOfDriver(t.getClass().getName());
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; ledger.isEmpty() && i < Math.min(frames.length, 8); i++) {
                ledger = ledgerOfDriver(frames[i].getClassName());
            }
            if (ledger.isPresent()) {
                return ledger;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> ledgerOfDriver(String className) {
        if (className.startsWith("org.postgresql.")) {
            return Optional.of("postgres");
        }
        if (className.startsWith("com.mysql.")) {
            return Optional.of("mysql");
        }
        return Optional.empty();
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static List<SQLException> sqlExceptions(Throwable failure) {
        List<SQLException> found = new ArrayList<>();
        for (Throwable t : chain(failure)) {
            if (t instanceof SQLException sql) {
                found.add(sql);
                for (SQLException next = sql.getNextException(); next != null && found.size() < 100; next = next.getNextException()) {
                    found.add(next);
                }
            }
        }
        return found;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
