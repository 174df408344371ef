package io.crossbank.problems;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.Optional;

import jakarta.persistence.PersistenceException;
import jakarta.transaction.RollbackException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseFailuresTest {

    /** What each SQLSTATE or vendor code means to the client; "-" for none. */
    @ParameterizedTest(name = "{0} / {1} ({3}) -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # SQLSTATE | code | problem            | what
            08001      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: connection refused (server down)
            08006      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: connection failure (session cut, server killed)
            08003      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: connection does not exist
            08S01      | 0    | LEDGER_UNAVAILABLE | Connector/J: communications link failure
            57P01      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: admin_shutdown (pg_terminate_backend)
            57P02      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: crash_shutdown
            57P03      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: cannot_connect_now (starting up)
            57P04      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: database_dropped
            53300      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: too_many_connections (also for a role's CONNECTION LIMIT)
            28000      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: login refused (NOLOGIN, pg_hba)
            28P01      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: password authentication failed
            3D000      | 0    | LEDGER_UNAVAILABLE | PostgreSQL: database does not exist
            08004      | 1040 | LEDGER_UNAVAILABLE | MySQL: too many connections
            42000      | 1203 | LEDGER_UNAVAILABLE | MySQL: max_user_connections (server-wide)
            42000      | 1226 | LEDGER_UNAVAILABLE | MySQL: MAX_USER_CONNECTIONS of the account
            42000      | 1044 | LEDGER_UNAVAILABLE | MySQL: access to the database denied at login
            28000      | 1045 | LEDGER_UNAVAILABLE | MySQL: access denied (wrong password)
            42000      | 1049 | LEDGER_UNAVAILABLE | MySQL: unknown database
            HY000      | 1129 | LEDGER_UNAVAILABLE | MySQL: host blocked
            HY000      | 1130 | LEDGER_UNAVAILABLE | MySQL: host not allowed
            HY000      | 1820 | LEDGER_UNAVAILABLE | MySQL: password expired (session)
            HY000      | 1862 | LEDGER_UNAVAILABLE | MySQL: password expired (login)
            70100      | 1927 | LEDGER_UNAVAILABLE | MariaDB: connection killed
            HY000      | 3118 | LEDGER_UNAVAILABLE | MySQL: account locked
            HY000      | 4151 | LEDGER_UNAVAILABLE | MariaDB: account locked
            HY000      | 2002 | LEDGER_UNAVAILABLE | MySQL client: cannot connect through the socket
            HY000      | 2003 | LEDGER_UNAVAILABLE | MySQL client: cannot connect to the host
            HY000      | 2006 | LEDGER_UNAVAILABLE | MySQL client: server has gone away
            HY000      | 2013 | LEDGER_UNAVAILABLE | MySQL client: lost connection during query
            55P03      | 0    | LEDGER_BUSY        | PostgreSQL: lock_timeout
            40P01      | 0    | LEDGER_BUSY        | PostgreSQL: deadlock
            57014      | 0    | LEDGER_BUSY        | PostgreSQL: statement_timeout
            HY000      | 1205 | LEDGER_BUSY        | MySQL: lock wait timeout
            40001      | 1213 | LEDGER_BUSY        | MySQL: deadlock
            70100      | 1317 | LEDGER_BUSY        | MySQL: query interrupted
            22003      | 0    | BALANCE_LIMIT      | PostgreSQL: numeric out of range
            23514      | 0    | BALANCE_LIMIT      | PostgreSQL: check violation
            22003      | 1264 | BALANCE_LIMIT      | MySQL: out of range
            HY000      | 4025 | BALANCE_LIMIT      | MariaDB: check violation
            23505      | 0    | -                  | PostgreSQL: unique violation (the caller's to read)
            22021      | 0    | -                  | PostgreSQL: invalid byte sequence (NUL in a string): never a 503
            22001      | 0    | -                  | PostgreSQL: value too long: never a 503
            42601      | 0    | -                  | PostgreSQL: syntax error: never a 503
            42P01      | 0    | -                  | PostgreSQL: undefined table: never a 503
            42000      | 1064 | -                  | MySQL: syntax error (same SQLSTATE class as 1203/1226): never a 503
            HY000      | 1366 | -                  | MySQL: incorrect string value: never a 503
            23000      | 1062 | -                  | MySQL: duplicate key
            """)
    void sqlStatesAndVendorCodesAreRead(String sqlState, int code, ProblemType expected, String what) {
        SQLException driver = new SQLException(what, sqlState, code);

        assertThat(type(driver)).as("%s, thrown by the driver", what).isEqualTo(Optional.ofNullable(expected));
        // Hibernate, Agroal and Narayana wrap it; what it means does not change.
        assertThat(type(new PersistenceException("wrapped", new RuntimeException(driver)))).as("%s, wrapped twice", what)
                .isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    void aLoginRefusedWithACodeNoOneNamesIsStillUnavailable() {
        // PostgreSQL refusing a connection to a database closed to connections: 55000 is no connection code.
        SQLException refused = new SQLException("FATAL: database \"crossbank\" is not currently accepting connections", "55000");
        refused.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("org.postgresql.core.v3.ConnectionFactoryImpl", "doAuthentication", null, 1),
                new StackTraceElement("io.agroal.pool.ConnectionFactory", "createConnection", null, 1),
                new StackTraceElement("io.agroal.pool.ConnectionPool$CreateConnectionTask", "call", null, 1) });

        assertThat(type(new PersistenceException("Unable to acquire JDBC Connection", refused))).get()
                .isEqualTo(ProblemType.LEDGER_UNAVAILABLE);
        assertThat(type(new SQLException("same state, raised by a statement", "55000"))).as("the same SQLSTATE outside a login")
                .isEmpty();
    }

    @Test
    void theDetailNamesTheLedgerWhoseDriverFailed() {
        SQLException postgres = new org.postgresql.util.PSQLException("FATAL: role is not permitted to log in",
                org.postgresql.util.PSQLState.INVALID_AUTHORIZATION_SPECIFICATION);
        ProblemException problem = DatabaseFailures.classify(new PersistenceException(postgres)).orElseThrow();

        assertThat(problem.getMessage()).isEqualTo("The postgres ledger's database is unreachable; nothing was changed. Retry later.");
        assertThat(DatabaseFailures.summary(new PersistenceException(postgres)))
                .isEqualTo("SQLSTATE 28000, code 0: FATAL: role is not permitted to log in");

        // Connector/J raises many errors as plain SQLExceptions: where it was made names the driver.
        SQLException mysql = new SQLException("Access denied, this account is locked", "HY000", 4151);
        mysql.setStackTrace(new StackTraceElement[] { new StackTraceElement("com.mysql.cj.jdbc.exceptions.SQLError", "createSQLException", null, 1),
                new StackTraceElement("io.agroal.pool.ConnectionFactory", "createConnection", null, 1) });
        assertThat(DatabaseFailures.classify(new PersistenceException(mysql)).orElseThrow().getMessage())
                .isEqualTo("The mysql ledger's database is unreachable; nothing was changed. Retry later.");
        assertThat(DatabaseFailures.classify(new SQLException("Sorry, acquisition timeout!")).orElseThrow().getMessage())
                .as("no driver involved").isEqualTo("A ledger database is unreachable; nothing was changed. Retry later.");
    }

    @Test
    void poolAndConnectionFailuresAreUnavailable() {
        assertThat(type(new RuntimeException(new SQLException("Sorry, acquisition timeout!")))).get().isEqualTo(ProblemType.LEDGER_UNAVAILABLE);
        assertThat(type(new SQLException("Acquisition timeout while waiting for new connection"))).get()
                .isEqualTo(ProblemType.LEDGER_UNAVAILABLE);
        assertThat(type(new SQLException("Unable to enlist connection to existing transaction"))).get()
                .isEqualTo(ProblemType.LEDGER_UNAVAILABLE);
        assertThat(type(new SQLException("Exception while creating new connection", new IllegalStateException("driver")))).get()
                .isEqualTo(ProblemType.LEDGER_UNAVAILABLE);
        assertThat(type(new RuntimeException(new ConnectException("Connection refused")))).get().isEqualTo(ProblemType.LEDGER_UNAVAILABLE);
    }

    @Test
    void aRollbackBecauseABranchCouldNotPrepareIsTheLedgersOutage() {
        // Narayana's commit() reports why a branch failed as exceptions suppressed by its RollbackException.
        RollbackException rmGone = new RollbackException("ARJUNA016053: Could not commit transaction.");
        rmGone.addSuppressed(new javax.transaction.xa.XAException(javax.transaction.xa.XAException.XAER_RMFAIL));
        assertThat(type(rmGone)).get().isEqualTo(ProblemType.LEDGER_UNAVAILABLE);
        RollbackException linkGone = new RollbackException("ARJUNA016053: Could not commit transaction.");
        linkGone.addSuppressed(new IllegalStateException("prepare", new SQLException("Communications link failure", "08S01")));
        assertThat(type(linkGone)).get().isEqualTo(ProblemType.LEDGER_UNAVAILABLE);
        RollbackException vetoed = new RollbackException("ARJUNA016053: Could not commit transaction.");
        vetoed.addSuppressed(new javax.transaction.xa.XAException(javax.transaction.xa.XAException.XA_RBROLLBACK));
        assertThat(type(vetoed)).as("a branch that voted to roll back is not an outage").get().isEqualTo(ProblemType.TRANSACTION_TIMEOUT);
    }

    @Test
    void aRollbackIsATimeoutOnlyWhenNoDatabaseErrorCausedIt() {
        assertThat(type(new RollbackException("ARJUNA016102: The transaction is not active!"))).get()
                .isEqualTo(ProblemType.TRANSACTION_TIMEOUT);
        assertThat(type(new SQLException("Failing fast as the transaction has rolled back"))).get()
                .isEqualTo(ProblemType.TRANSACTION_TIMEOUT);
        // The flush at commit failed: the database's error decides, not the rollback it caused.
        assertThat(type(rollbackCausedBy(new SQLException("connection refused", "08001")))).get()
                .isEqualTo(ProblemType.LEDGER_UNAVAILABLE);
        assertThat(type(rollbackCausedBy(new SQLException("check violated", "23514")))).get().isEqualTo(ProblemType.BALANCE_LIMIT);
        assertThat(type(rollbackCausedBy(new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021"))))
                .as("bad data refused at commit is not a 503").isEmpty();
    }

    @Test
    void unknownFailuresAreNotClassified() {
        assertThat(DatabaseFailures.classify(new IllegalStateException("boom"))).isEmpty();
    }

    private static RollbackException rollbackCausedBy(SQLException cause) {
        RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
        rollback.initCause(new PersistenceException("flush failed", cause));
        return rollback;
    }

    private static Optional<ProblemType> type(Throwable failure) {
        return DatabaseFailures.classify(failure).map(ProblemException::type);
    }
}
