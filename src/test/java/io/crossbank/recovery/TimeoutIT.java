package io.crossbank.recovery;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * A participant that cannot proceed (its row is locked by another session) ends the transfer quickly and
 * cleanly: by the database's lock timeout in the shipped configuration, by the transaction reaper when
 * the transaction timeout is the shorter one.
 */
class TimeoutIT {

    private static final String DATABASE = "crossbank_it_timeouts";
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);
    private AppProcess app;

    /*
     * The locked row is MariaDB's, so the mode (crossbank.xa.commit-markable-ledger) changes the code path: in mode mysql
     * the statement waits on the commit-markable pool's plain connection, which must carry the ledger's own session
     * SQL (its lock wait), and the reaper rolls back a local transaction, not an XA branch.
     */
    @ParameterizedTest(name = "commit-markable {0}")
    @ValueSource(strings = { "none", "mysql" })
    void rowLockedElsewhereFailsFastByLockTimeoutAndChangesNothing(String commitMarkable) throws Exception {
        app = APPS.app(node("timeouts-lock", commitMarkable)).with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", commitMarkable).start();
        assertLockedRowIsRejectedQuickly(Duration.ofSeconds(8), "ledger-busy");
    }

    @ParameterizedTest(name = "commit-markable {0}")
    @ValueSource(strings = { "none", "mysql" })
    void reaperRollsBackATransferPastItsTimeout(String commitMarkable) throws Exception {
        // The transaction timeout (1 s) is now shorter than the lock wait (4 s): the reaper acts first.
        app = APPS.app(node("timeouts-reaper", commitMarkable)).with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", commitMarkable)
                .with("QUARKUS_TRANSACTION_MANAGER_DEFAULT_TRANSACTION_TIMEOUT", "1s")
                .with("QUARKUS_DATASOURCE_MYSQL_JDBC_NEW_CONNECTION_SQL", "SET SESSION innodb_lock_wait_timeout = 4")
                .start();
        assertLockedRowIsRejectedQuickly(Duration.ofSeconds(10), "transaction-timeout");
        assertThat(app.logText()).as("the reaper timed the transaction out").contains("ARJUNA012117");
    }

    private static String node(String name, String commitMarkable) {
        return commitMarkable.equals("none") ? name : "cmr-" + name;
    }

    private void assertLockedRowIsRejectedQuickly(Duration bound, String problemType) throws Exception {
        RestAssured.port = app.port();
        String from = openAccount("postgres", "100.00");
        String locked = openAccount("mysql", "0.00");
        String other = openAccount("postgres", "100.00");
        String free = openAccount("mysql", "0.00");

        try (Connection holder = Sql.mysql(DATABASE)) {
            holder.setAutoCommit(false);
            try (PreparedStatement s = holder.prepareStatement("SELECT balance FROM account WHERE id = ? FOR UPDATE")) {
                s.setString(1, locked);
                s.executeQuery().close();
            }
            long start = System.nanoTime();
            Response blocked = transfer(from, locked, "10.00");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertProblem(blocked, 503, problemType);
            assertThat(took).as("time to give up on the locked row").isLessThan(bound);
            transfer(other, free, "5.00").then().statusCode(201);
            holder.rollback();
        }

        assertThat(Sql.balance(from, DATABASE)).as("debit side of the rejected transfer").isEqualByComparingTo("100.00");
        assertThat(Sql.balance(locked, DATABASE)).as("credit side of the rejected transfer").isEqualByComparingTo("0.00");
        for (int i = 0; i < 5; i++) {
            transfer(from, locked, "1.00").then().statusCode(201);
        }
        // In mode mysql the committed transfers' marker rows stay until the app's next recovery pass deletes them.
        Faults.awaitTrue("marker rows deleted by the app's recovery", Duration.ofSeconds(30), () -> Faults.clean(app, DATABASE));
        Faults.assertInvariants(DATABASE, app, new BigDecimal("200.00"), List.of(from, locked, other, free), List.of());
    }
}
