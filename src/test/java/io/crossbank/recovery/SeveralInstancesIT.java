package io.crossbank.recovery;

import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/** Several instances on the same databases, each with its own node name and its own log. */
class SeveralInstancesIT {

    private static final String DATABASE = "crossbank_it_instances";
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    /*
     * In mode mysql (crossbank.xa.commit-markable-ledger) the crashed instance leaves only its PostgreSQL branch
     * prepared; whether it commits depends on its marker row in MariaDB's shared table xids, which the surviving
     * instance's commit-markable recovery module reads too (only its own node's rows, it must). After
     * crash-after-cmr-commit the marker row is there (the branch must be committed, by its own node); after
     * crash-after-decision it is not (the branch must be rolled back, by its own node, not presumed aborted by the other).
     */
    @ParameterizedTest(name = "commit-markable {0}, {1}")
    @CsvSource({
            // commit-markable ledger, crash point, branches prepared in postgres / mysql and marker rows left by the crash, outcome
            "none,  crash-after-decision,   1, 1, 0, committed",
            "mysql, crash-after-cmr-commit, 1, 0, 1, committed",
            "mysql, crash-after-decision,   1, 0, 0, rolled back" })
    void onlyTheCrashedInstanceResolvesItsOwnBranches(String commitMarkable, String crashPoint, int preparedInPostgres,
            int preparedInMysql, int markers, String outcome) throws Exception {
        String prefix = commitMarkable.equals("none") ? "multi-" : "cmr-multi-" + (crashPoint.endsWith("cmr-commit") ? "c" : "d") + "-";
        AppProcess crashing = APPS.app(prefix + "a").with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", commitMarkable);
        Faults.deleteObjectStore(crashing.objectStore());
        crashing.withByteman(crashPoint).start();
        AppProcess survivor = APPS.app(prefix + "b").with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", commitMarkable).start();
        RestAssured.port = survivor.port();
        String p1 = openAccount("postgres", "100.00");
        String m1 = openAccount("mysql", "0.00");
        String p2 = openAccount("postgres", "100.00");
        String m2 = openAccount("mysql", "0.00");

        CompletableFuture<List<String>> load = CompletableFuture.supplyAsync(() -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Response response = RestAssured.given().port(survivor.port()).contentType("application/json")
                        .body(java.util.Map.of("from", p2, "to", m2, "amount", "1.00")).post("/transfers");
                assertThat(response.statusCode()).as("load on the surviving instance").isEqualTo(201);
                ids.add(response.path("id"));
            }
            return ids;
        });
        Faults.transferInBackground(crashing.port(), p1, m1, "10.00");
        crashing.awaitExit(Duration.ofSeconds(30));
        List<String> acknowledged = load.get(60, TimeUnit.SECONDS);
        assertLeftByTheCrash(crashing, preparedInPostgres, preparedInMysql, markers, "after the crash");

        double passes = recoveryPasses(survivor);
        Faults.awaitTrue("three recovery passes of the surviving instance", Duration.ofSeconds(60),
                () -> recoveryPasses(survivor) >= passes + 3);
        assertLeftByTheCrash(crashing, preparedInPostgres, preparedInMysql, markers, "after three passes of the other instance");
        transfer(p2, m2, "1.00").then().statusCode(201);

        AppProcess restarted = APPS.app(prefix + "a").with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", commitMarkable).start();
        long restart = System.nanoTime();
        Faults.awaitTrue("recovery by the restarted instance", Duration.ofSeconds(60), () -> Faults.clean(restarted, DATABASE));
        Faults.recordTime("JVM killed " + (commitMarkable.equals("none") ? "after the decision" : crashPoint + ", commit-markable " + commitMarkable)
                + ", one of two instances (restart of that instance to clean)", Duration.ofNanos(System.nanoTime() - restart));

        boolean committed = outcome.equals("committed");
        assertThat(Sql.balance(p1, DATABASE)).isEqualByComparingTo(committed ? "90.00" : "100.00");
        assertThat(Sql.balance(m1, DATABASE)).isEqualByComparingTo(committed ? "10.00" : "0.00");
        assertThat(Sql.journalRowsOfAccount(p1, DATABASE) + Sql.journalRowsOfAccount(m1, DATABASE))
                .as("journal rows of the crashed transfer").isEqualTo(committed ? 2 : 0);
        Faults.assertInvariants(DATABASE, restarted, new BigDecimal("200.00"), List.of(p1, m1, p2, m2), acknowledged);
        Faults.assertInvariants(DATABASE, survivor, new BigDecimal("200.00"), List.of(p1, m1, p2, m2), acknowledged);
    }

    /* What the crashed instance left: its prepared branches and marker rows, which no other instance may touch. */
    private static void assertLeftByTheCrash(AppProcess crashed, int preparedInPostgres, int preparedInMysql, int markers, String when) {
        List<String> prepared = Sql.preparedBranchesOf(crashed.nodeName(), DATABASE);
        assertThat(Sql.countPrepared(prepared, "postgres")).as("postgres branches of the crashed instance %s: %s", when, prepared)
                .isEqualTo(preparedInPostgres);
        assertThat(Sql.countPrepared(prepared, "mysql")).as("mysql branches of the crashed instance %s: %s", when, prepared)
                .isEqualTo(preparedInMysql);
        assertThat(Sql.markerRowsOf(crashed.nodeName(), DATABASE)).as("marker rows of the crashed instance %s", when).isEqualTo(markers);
    }

    @Test
    void jdbcObjectStoreRecoversACrashAfterTheDecision() throws Exception {
        String prefix = "itjdbc_";
        dropTable(prefix);
        AppProcess crashing = jdbcStore(APPS.app("jdbc-store"), prefix).withByteman("crash-after-decision").start();
        RestAssured.port = crashing.port();
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");

        Faults.transferInBackground(crashing.port(), from, to, "10.00");
        crashing.awaitExit(Duration.ofSeconds(30));
        assertThat(Sql.preparedBranchesOf("jdbc-store", DATABASE)).hasSize(2);
        assertThat(logRecords(prefix)).as("the decision in the JDBC object store").isEqualTo(1);

        AppProcess restarted = jdbcStore(APPS.app("jdbc-store"), prefix).start();
        long restart = System.nanoTime();
        Faults.awaitTrue("recovery from the JDBC object store", Duration.ofSeconds(60),
                () -> Sql.preparedBranchesOf("jdbc-store", DATABASE).isEmpty() && logRecords(prefix) == 0);
        Faults.recordTime("JVM killed after the decision, JDBC object store (restart to clean)",
                Duration.ofNanos(System.nanoTime() - restart));

        assertThat(Sql.balance(from, DATABASE)).isEqualByComparingTo("90.00");
        assertThat(Sql.balance(to, DATABASE)).isEqualByComparingTo("10.00");
        Faults.assertInvariants(DATABASE, restarted, new BigDecimal("100.00"), List.of(from, to), List.of());
    }

    /** Completed recovery passes of an instance, from its own metrics. */
    private static double recoveryPasses(AppProcess app) {
        String metrics = RestAssured.given().port(app.port()).get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("crossbank_recovery_passes_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no crossbank_recovery_passes_total in /q/metrics"));
    }

    private static AppProcess jdbcStore(AppProcess app, String prefix) {
        return app.with("CROSSBANK_TXLOG_ENABLED", "true")
                .with("QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_TYPE", "jdbc")
                .with("QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_DATASOURCE", "txlog")
                .with("QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_TABLE_PREFIX", prefix);
    }

    private static int logRecords(String prefix) {
        try (Connection c = Sql.postgres(DATABASE); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + prefix + "jbosststxtable WHERE typename LIKE '%AtomicAction%'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void dropTable(String prefix) throws SQLException {
        try (Connection c = Sql.postgres(DATABASE); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + prefix + "jbosststxtable");
        }
    }
}
