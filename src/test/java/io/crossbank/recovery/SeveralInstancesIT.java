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

    @Test
    void onlyTheCrashedInstanceResolvesItsOwnBranches() throws Exception {
        AppProcess crashing = APPS.app("multi-a");
        Faults.deleteObjectStore(crashing.objectStore());
        crashing.withByteman("crash-after-decision").start();
        AppProcess survivor = APPS.app("multi-b").start();
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
        assertThat(Sql.preparedBranchesOf("multi-a", DATABASE)).as("branches of the crashed instance").hasSize(2);

        double passes = recoveryPasses(survivor);
        Faults.awaitTrue("three recovery passes of the surviving instance", Duration.ofSeconds(60),
                () -> recoveryPasses(survivor) >= passes + 3);
        assertThat(Sql.preparedBranchesOf("multi-a", DATABASE)).as("the other instance leaves a foreign node's branches alone")
                .hasSize(2);
        transfer(p2, m2, "1.00").then().statusCode(201);

        AppProcess restarted = APPS.app("multi-a").start();
        long restart = System.nanoTime();
        Faults.awaitTrue("recovery by the restarted instance", Duration.ofSeconds(60), () -> Faults.clean(restarted, DATABASE));
        Faults.recordTime("JVM killed after the decision, one of two instances (restart of that instance to clean)",
                Duration.ofNanos(System.nanoTime() - restart));

        assertThat(Sql.balance(p1, DATABASE)).isEqualByComparingTo("90.00");
        assertThat(Sql.balance(m1, DATABASE)).isEqualByComparingTo("10.00");
        Faults.assertInvariants(DATABASE, restarted, new BigDecimal("200.00"), List.of(p1, m1, p2, m2), acknowledged);
        Faults.assertInvariants(DATABASE, survivor, new BigDecimal("200.00"), List.of(p1, m1, p2, m2), acknowledged);
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
