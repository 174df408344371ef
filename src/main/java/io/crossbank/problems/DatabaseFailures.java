package io.crossbank.problems;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.transaction.RollbackException;

/**
 * Reads a database or transaction failure for what it means to the client. PostgreSQL reports SQLSTATEs;
 * MySQL and MariaDB are told apart by their vendor error codes.
 */
public final class DatabaseFailures {

    private static final int MYSQL_DUPLICATE_KEY = 1062;
    private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;
    private static final int MYSQL_DEADLOCK = 1213;
    private static final int MYSQL_OUT_OF_RANGE = 1264;
    private static final int MYSQL_CHECK_VIOLATED = 3819;
    private static final int MARIADB_CHECK_VIOLATED = 4025;
    private static final int MYSQL_QUERY_INTERRUPTED = 1317;

    private DatabaseFailures() {
    }

    /** True if a unique constraint refused an insert. */
    public static boolean isUniqueViolation(Throwable failure) {
        return sqlExceptions(failure).anyMatch(e -> "23505".equals(e.getSQLState()) || e.getErrorCode() == MYSQL_DUPLICATE_KEY);
    }

    /** The problem a failure maps to, if it is one the client should hear about rather than a 500. */
    public static Optional<ProblemException> classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProblemException problem) {
                return Optional.of(problem);
            }
            if (t instanceof SQLException sql) {
                Optional<ProblemException> problem = classifySql(sql, failure);
                if (problem.isPresent()) {
                    return problem;
                }
            }
            if (t instanceof ConnectException) {
                return Optional.of(unavailable(failure));
            }
            if (t instanceof RollbackException) {
                return Optional.of(new ProblemException(ProblemType.TRANSACTION_TIMEOUT,
                        "The transaction was rolled back before it could commit (it ran past its timeout or was aborted); "
                                + "nothing was changed. Retry later.",
                        failure));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    private static Optional<ProblemException> classifySql(SQLException e, Throwable failure) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || isPoolExhausted(e) || isEnlistmentFailure(e)) {
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
        // Agroal: "Sorry, acquisition timeout!"
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

    private static ProblemException unavailable(Throwable failure) {
        return new ProblemException(ProblemType.LEDGER_UNAVAILABLE,
                "A ledger database is unreachable; nothing was changed. Retry later.", failure);
    }

    private static Stream<SQLException> sqlExceptions(Throwable failure) {
        Stream.Builder<SQLException> found = Stream.builder();
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                found.add(sql);
                for (SQLException next = sql.getNextException(); next != null; next = next.getNextException()) {
                    found.add(next);
                }
            }
        }
        return found.build();
    }
}
