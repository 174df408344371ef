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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * The coordinator stops (SIGSTOP) between prepare and commit, holding locks in both databases through its
 * prepared branches. A second instance keeps serving: other accounts are unaffected, the locked ones fail
 * fast instead of hanging; after SIGCONT everything completes.
 */
class CoordinatorStallIT {

    private static final String DATABASE = "crossbank_it_stall";
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    @Test
    void stalledCoordinatorBlocksOnlyItsOwnAccountsAndCompletesOnResume() throws Exception {
        AppProcess stalled = APPS.app("stall-a");
        Faults.deleteObjectStore(stalled.objectStore());
        stalled.withByteman("pause-before-commit").start();
        AppProcess serving = APPS.app("stall-b").start();
        RestAssured.port = serving.port();
        String x = openAccount("postgres", "100.00");
        String y = openAccount("mysql", "0.00");
        String z = openAccount("postgres", "100.00");
        String w = openAccount("mysql", "0.00");

        CompletableFuture<Integer> first = Faults.transferInBackground(stalled.port(), x, y, "10.00");
        stalled.awaitLog("CRASHPOINT pause-before-commit", Duration.ofSeconds(30));
        stalled.signal("STOP");
        List<String> prepared = Sql.preparedBranchesOf("stall-a", DATABASE);
        assertThat(prepared).as("branches of the stalled coordinator").hasSize(2);

        long start = System.nanoTime();
        transfer(z, w, "5.00").then().statusCode(201);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a transfer on other accounts").isLessThan(Duration.ofSeconds(3));

        start = System.nanoTime();
        Response blocked = transfer(x, w, "5.00");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(assertProblem(blocked, 503, "ledger-busy")).as("the answer for an account locked by a prepared branch")
                .contains("locked by another transaction");
        assertThat(took).as("time to give up on a locked account").isLessThan(Duration.ofSeconds(8));

        stalled.signal("CONT");
        stalled.releasePause();
        assertThat(first.get(60, TimeUnit.SECONDS)).as("the stalled transfer completes").isEqualTo(201);
        Faults.awaitTrue("the stalled transfer's branches to complete", Duration.ofSeconds(30),
                () -> Sql.preparedBranchesOf("stall-a", DATABASE).isEmpty());
        transfer(x, w, "5.00").then().statusCode(201);

        assertThat(Sql.balance(x, DATABASE)).isEqualByComparingTo("85.00");
        assertThat(Sql.balance(y, DATABASE)).isEqualByComparingTo("10.00");
        Faults.assertInvariants(DATABASE, stalled, new BigDecimal("200.00"), List.of(x, y, z, w), List.of());
        Faults.assertInvariants(DATABASE, serving, new BigDecimal("200.00"), List.of(x, y, z, w), List.of());
    }
}
