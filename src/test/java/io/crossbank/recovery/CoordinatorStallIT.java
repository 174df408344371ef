package io.crossbank.recovery;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * The coordinator stops (SIGSTOP) between prepare and commit, holding locks in both databases. A second instance
 * keeps serving: other accounts are unaffected, the locked ones fail fast instead of hanging; after SIGCONT everything
 * completes.
 */
class CoordinatorStallIT {

    private static final String DATABASE = "crossbank_it_stall";
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    /*
     * In mode mysql (crossbank.xa.commit-markable-ledger) MariaDB is no XA branch: at the pause PostgreSQL holds a
     * prepared branch, and MariaDB an open local transaction (the credit and the uncommitted marker row) on the stopped
     * JVM's live connection. Its row locks are held all the same, so the locked accounts of both ledgers answer
     * 503 ledger-busy by the lock timeout, as in XA; nothing of the transfer is visible yet, not even its marker row.
     */
    @ParameterizedTest(name = "commit-markable {0}")
    @CsvSource({
            // commit-markable ledger, branches of the stalled coordinator prepared in postgres / mysql
            "none,  1, 1",
            "mysql, 1, 0" })
    void stalledCoordinatorBlocksOnlyItsOwnAccountsAndCompletesOnResume(String commitMarkable, int preparedInPostgres,
            int preparedInMysql) throws Exception {
        String prefix = commitMarkable.equals("none") ? "stall-" : "cmr-stall-";
        AppProcess stalled = APPS.app(prefix + "a").with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", commitMarkable);
        Faults.deleteObjectStore(stalled.objectStore());
        stalled.withByteman("pause-before-commit").start();
        AppProcess serving = APPS.app(prefix + "b").with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", commitMarkable).start();
        RestAssured.port = serving.port();
        String x = openAccount("postgres", "100.00");
        String y = openAccount("mysql", "0.00");
        String z = openAccount("postgres", "100.00");
        String w = openAccount("mysql", "0.00");

        CompletableFuture<Integer> first = Faults.transferInBackground(stalled.port(), x, y, "10.00");
        stalled.awaitLog("CRASHPOINT pause-before-commit", Duration.ofSeconds(30));
        stalled.signal("STOP");
        List<String> prepared = Sql.preparedBranchesOf(stalled.nodeName(), DATABASE);
        assertThat(Sql.countPrepared(prepared, "postgres")).as("postgres branches of the stalled coordinator: %s", prepared)
                .isEqualTo(preparedInPostgres);
        assertThat(Sql.countPrepared(prepared, "mysql")).as("mysql branches of the stalled coordinator: %s", prepared)
                .isEqualTo(preparedInMysql);
        assertThat(Sql.markerRowsOf(stalled.nodeName(), DATABASE)).as("marker rows visible while stalled").isZero();
        assertThat(Sql.balance(y, DATABASE)).as("the credit, not committed while stalled").isEqualByComparingTo("0.00");

        long start = System.nanoTime();
        transfer(z, w, "5.00").then().statusCode(201);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a transfer on other accounts").isLessThan(Duration.ofSeconds(3));

        assertLockedAccountFailsFast(x, w, "postgres");
        assertLockedAccountFailsFast(z, y, "mysql");

        stalled.signal("CONT");
        stalled.releasePause();
        assertThat(first.get(60, TimeUnit.SECONDS)).as("the stalled transfer completes").isEqualTo(201);
        Faults.awaitTrue("the stalled transfer's branches to complete", Duration.ofSeconds(30),
                () -> Faults.clean(stalled, DATABASE));
        transfer(x, w, "5.00").then().statusCode(201);
        transfer(z, y, "5.00").then().statusCode(201);

        assertThat(Sql.balance(x, DATABASE)).isEqualByComparingTo("85.00");
        assertThat(Sql.balance(y, DATABASE)).isEqualByComparingTo("15.00");
        assertThat(Sql.balance(z, DATABASE)).isEqualByComparingTo("90.00");
        assertThat(Sql.balance(w, DATABASE)).isEqualByComparingTo("10.00");
        Faults.assertInvariants(DATABASE, stalled, new BigDecimal("200.00"), List.of(x, y, z, w), List.of());
        // In mode mysql the serving instance's own transfers leave their marker rows until its next recovery pass
        // deletes them (in batches, not at each commit): seconds, one recovery period at most.
        Faults.awaitTrue("the serving instance's marker rows deleted by its recovery", Duration.ofSeconds(30),
                () -> Faults.clean(serving, DATABASE));
        Faults.assertInvariants(DATABASE, serving, new BigDecimal("200.00"), List.of(x, y, z, w), List.of());
    }

    /* The stalled transfer holds a row lock on one of these accounts, in the named ledger. */
    private static void assertLockedAccountFailsFast(String from, String to, String lockedLedger) {
        long start = System.nanoTime();
        Response blocked = transfer(from, to, "5.00");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(assertProblem(blocked, 503, "ledger-busy")).as("the answer for an account locked in %s by the stalled transfer", lockedLedger)
                .contains("locked by another transaction");
        assertThat(took).as("time to give up on an account locked in %s", lockedLedger).isLessThan(Duration.ofSeconds(8));
    }
}
