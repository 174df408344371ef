package io.crossbank.recovery;

import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
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

/**
 * The coordinator JVM really dies (Runtime.halt from a Byteman rule) at each point of two-phase commit;
 * a restart of the same node must bring both databases to the one right outcome.
 */
class CoordinatorCrashIT {

    private static final String DATABASE = "crossbank_it_crash";
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    /*
     * In mode mysql (crossbank.xa.commit-markable-ledger) MariaDB is never an XA branch: Narayana inserts the marker
     * row into its local transaction first, prepares the PostgreSQL branch, logs, commits MariaDB's local transaction
     * and then the PostgreSQL branch. So the log alone decides nothing: "crash-after-decision" (logged, nothing
     * committed) rolls back, because no marker row committed; "crash-after-cmr-commit" commits, because one did.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            // commit-markable ledger, crash point, prepared in postgres / mysql and marker rows after the crash, outcome after restart,
            // the in-doubt view of the PostgreSQL branch after the restart (-: not checked, periodic recovery timed instead)
            "none,  crash-before-decision,  1, 1, 0, rolled back, -",
            "none,  crash-after-decision,   1, 1, 0, committed,   -",
            "none,  crash-between-commits,  0, 1, 0, committed,   -",
            "none,  crash-after-commits,    0, 0, 0, committed,   -",
            "mysql, crash-before-decision,  1, 0, 0, rolled back, ORPHAN",
            "mysql, crash-after-decision,   1, 0, 0, rolled back, UNMARKED_ROLLBACK",
            "mysql, crash-after-cmr-commit, 1, 0, 1, committed,   MARKED_COMMIT",
            "mysql, crash-after-commits,    0, 0, 1, committed,   -" })
    void restartResolvesEveryBranch(String commitMarkable, String crashPoint, int preparedInPostgres, int preparedInMysql, int markers,
            String outcome, String inDoubtAs)
            throws Exception {
        String node = commitMarkable.equals("none") ? crashPoint : "cmr-" + crashPoint;
        AppProcess app = APPS.app(node).with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", commitMarkable);
        Faults.deleteObjectStore(app.objectStore());
        app.withByteman(crashPoint).start();
        RestAssured.port = app.port();
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");

        CompletableFuture<Integer> answer = Faults.transferInBackground(app.port(), from, to, "10.00");
        app.awaitExit(Duration.ofSeconds(30));

        assertThat(answer.get(10, TimeUnit.SECONDS)).as("the client gets no answer from a dead JVM").isEqualTo(-1);
        assertThat(app.logText()).contains("CRASHPOINT " + crashPoint);
        List<String> prepared = Sql.preparedBranchesOf(node, DATABASE);
        assertThat(Sql.countPrepared(prepared, "postgres")).as("postgres branches prepared after the crash: %s", prepared)
                .isEqualTo(preparedInPostgres);
        assertThat(Sql.countPrepared(prepared, "mysql")).as("mysql branches prepared after the crash: %s", prepared)
                .isEqualTo(preparedInMysql);
        assertThat(Sql.markerRowsOf(node, DATABASE)).as("marker rows committed before the crash").isEqualTo(markers);

        app = APPS.app(node).with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", commitMarkable);
        if (inDoubtAs.equals("-")) {
            long restart = System.nanoTime();
            app.start();
            AppProcess restarted = app;
            Faults.awaitTrue("recovery of " + node, Duration.ofSeconds(60), () -> Faults.clean(restarted, DATABASE));
            Faults.recordTime("JVM killed: " + crashPoint + (commitMarkable.equals("none") ? "" : ", commit-markable " + commitMarkable)
                    + " (" + outcome + ")", Duration.ofNanos(System.nanoTime() - restart));
        } else {
            assertInDoubtAsThenRecoveredOnDemand(app, inDoubtAs);
        }

        boolean committed = outcome.equals("committed");
        assertThat(Sql.balance(from, DATABASE)).as("postgres account").isEqualByComparingTo(committed ? "90.00" : "100.00");
        assertThat(Sql.balance(to, DATABASE)).as("mysql account").isEqualByComparingTo(committed ? "10.00" : "0.00");
        assertThat(Sql.journalRowsOfAccount(from, DATABASE) + Sql.journalRowsOfAccount(to, DATABASE))
                .as("journal rows of the transfer").isEqualTo(committed ? 2 : 0);
        Faults.assertInvariants(DATABASE, app, new BigDecimal("100.00"), List.of(from, to), List.of());
    }

    /*
     * The operators' view of what the crash left, before recovery acts on it: periodic passes are pushed out to an hour
     * (after the one at startup), the PostgreSQL branch is read from GET /ops/in-doubt, then POST /ops/recovery runs
     * passes until nothing is left.
     */
    private static void assertInDoubtAsThenRecoveredOnDemand(AppProcess app, String expected) {
        app.with("CROSSBANK_RECOVERY_PERIOD", "1h").with("CROSSBANK_OPS_PASSWORD", "ops").start();
        RestAssured.port = app.port();
        Faults.awaitTrue("the postgres branch listed as " + expected, Duration.ofSeconds(30),
                () -> given().auth().preemptive().basic("ops", "ops").get("/ops/in-doubt").then().statusCode(200).extract()
                        .jsonPath().getList("branches.findAll { it.ledger == 'postgres' }.classification").equals(List.of(expected)));
        Faults.awaitTrue("recovery on demand of " + app.nodeName(), Duration.ofSeconds(60), () -> {
            given().auth().preemptive().basic("ops", "ops").post("/ops/recovery").then().statusCode(200);
            return Faults.clean(app, DATABASE);
        });
    }
}
