package io.crossbank.transfers.saga;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crossbank.support.Api;
import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.crossbank.support.XaDatabases;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * More real faults under a saga, on the packaged app (SagaFaultIT has the JVM halted after steps 1 and 2 and the
 * credited ledger down before the request): the JVM halted after step 3's commit, the credited ledger's server killed
 * during step 2, the debited ledger's server killed during a compensation, and a second instance taking over the saga
 * of one that died. Each ends with the money of both accounts what it was, nothing held, no saga PENDING, and the
 * saga COMMITTED or COMPENSATED exactly once.
 */
class SagaRecoveryIT {

    private static final String DATABASE = "crossbank_it_saga_recovery";
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    @Test
    void aJvmHaltedAfterStep3LeavesTheSagaCommittedAndARestartDoesNothingMore() {
        AppProcess app = APPS.app("saga-crash-after-settle").withByteman("saga-crash-after-settle").start();
        String from = openAccount(app, "postgres", "100.00");
        String to = openAccount(app, "mysql", "0.00");

        CompletableFuture<Integer> answer = CompletableFuture.supplyAsync(() -> statusOf(() -> saga(app.port(), from, to, "10.00", "wait=20")));
        app.awaitExit(Duration.ofSeconds(60));

        assertThat(answer.join()).as("the client gets no answer from a dead JVM").isEqualTo(-1);
        assertThat(app.logText()).contains("CRASHPOINT saga-crash-after-settle");
        String id = single(sagasFrom(from));
        assertThat(status(id)).as("step 3 committed before the halt").isEqualTo("COMMITTED");

        AppProcess restarted = APPS.app("saga-crash-after-settle").start();
        Duration toClean = Faults.awaitTrue("nothing pending after the restart", Duration.ofSeconds(30), () -> Sql.pendingTransfers(DATABASE) == 0);
        Faults.recordTime("JVM killed: saga-crash-after-settle (saga already committed)", toClean);
        assertSettledOnce(id, from, to, "COMMITTED");
        assertThat(restarted.logText()).doesNotContain("Resuming");
        RestAssured.port = restarted.port();
        assertThat(given().get("/transfers/" + id).<List<String>>path("steps.name")).containsExactly("debit", "credit", "settle");
    }

    @Test
    void theCreditedLedgerKilledDuringStep2IsRetriedPastItsBudgetAndTheSagaCommitsOnceItIsBack() {
        // An outage of minutes, compressed: with these settings three failed attempts spend the retry budget (20 attempts,
        // about 8 minutes at the defaults) and the 2-s lease expires during the outage, which is what minutes change.
        AppProcess app = APPS.app("saga-kill-in-credit").withByteman("saga-pause-in-credit")
                .with("CROSSBANK_SAGA_RETRY_INITIAL_BACKOFF", "100ms")
                .with("CROSSBANK_SAGA_RETRY_MAX_BACKOFF", "500ms")
                .with("CROSSBANK_SAGA_MAX_ATTEMPTS", "3")
                .with("CROSSBANK_SAGA_LEASE", "2s")
                .with("CROSSBANK_OPS_PASSWORD", "ops")
                .start();
        RestAssured.port = app.port();
        String from = openAccount(app, "postgres", "100.00");
        String to = openAccount(app, "mysql", "0.00");
        String id;
        Instant back;
        try {
            Response accepted = saga(app.port(), from, to, "10.00", "wait=1");
            assertThat(accepted.statusCode()).as("step 2 is paused, so the wait runs out: %s", accepted.body().asString()).isEqualTo(202);
            id = accepted.path("id");
            app.awaitLog("CRASHPOINT saga-pause-in-credit", Duration.ofSeconds(30));

            XaDatabases.crashMysql();
            app.releasePause();

            Faults.awaitTrue("the failed step 2 of saga " + id + " recorded", Duration.ofSeconds(30), () -> lastError(from, id) != null);
            assertThat(lastError(from, id)).startsWith("CREDIT");
            assertThat(Sql.held(from, DATABASE)).isEqualByComparingTo("10.00");
            Response listed = given().auth().preemptive().basic("ops", "ops").get("/ops/sagas");
            assertThat(listed.statusCode()).as("GET /ops/sagas with the credited ledger down: %s", listed.body().asString()).isEqualTo(200);
            assertThat(listed.<String>path("items.find { it.id == '" + id + "' }.decision")).isEqualTo("UNKNOWN");
            assertThat(listed.<Boolean>path("ledgers.find { it.ledger == 'mysql' }.readable")).isFalse();
            assertThat(listed.<Integer>path("ledgers.find { it.ledger == 'postgres' }.pending")).isEqualTo(1);
            Response compensate = given().auth().preemptive().basic("ops", "ops").queryParam("dryRun", "false")
                    .post("/ops/sagas/" + id + "/compensate");
            assertThat(compensate.statusCode()).as("no compensation without the credited ledger's CANCELLED row: %s",
                    compensate.body().asString()).isEqualTo(503);
            Response redrive = given().auth().preemptive().basic("ops", "ops").queryParam("dryRun", "false")
                    .post("/ops/sagas/" + id + "/redrive");
            assertThat(redrive.statusCode()).as("a re-drive needs only the debited ledger: %s", redrive.body().asString()).isEqualTo(200);
            assertThat(auditOutcomes(from, id)).containsExactly("COMPENSATE FAILED", "RESUME RESUMED");
            assertThat(Api.metric("crossbank_sagas{ledger=\"postgres\",state=\"pending\"")
                    + Api.metric("crossbank_sagas{ledger=\"postgres\",state=\"stuck\"")).as("unsettled sagas debiting postgres")
                    .isEqualTo(1.0);
            assertThat(Api.metric("crossbank_sagas_oldest_pending_seconds{ledger=\"postgres\"")).isPositive();
            assertThat(Api.metric("crossbank_sagas{ledger=\"mysql\",state=\"pending\"")).as("a ledger that cannot be read").isNaN();

            Faults.awaitTrue("saga " + id + " flagged stuck past its retry budget", Duration.ofSeconds(30),
                    () -> query(from, "SELECT stuck_at FROM transfer WHERE id = ?", id).get(0) != null);
            Faults.awaitTrue("more attempts after the budget", Duration.ofSeconds(30),
                    () -> Integer.parseInt(single(query(from, "SELECT attempts FROM transfer WHERE id = ?", id))) > 4);
            assertThat(app.logText()).contains("saga " + id + " is stuck");
            assertThat(given().auth().preemptive().basic("ops", "ops").get("/ops/sagas?state=stuck")
                    .<List<String>>path("items.id")).contains(id);
            assertThat(Sql.held(from, DATABASE)).as("a stuck saga still holds, never compensated for being stuck")
                    .isEqualByComparingTo("10.00");
        } finally {
            XaDatabases.start();
            back = Instant.now();
        }
        Duration toSettled = Faults.awaitTrue("saga " + id + " committed once the credited ledger is back", Duration.ofSeconds(60),
                () -> Sql.pendingTransfers(DATABASE) == 0);
        Faults.recordTime("credited ledger's server killed during step 2 (ledger back to saga committed)", toSettled);
        assertThat(Duration.between(back, Instant.now())).isPositive();
        assertSettledOnce(id, from, to, "COMMITTED");
        assertThat(given().get("/transfers/" + id).<String>path("status")).isEqualTo("COMMITTED");
        assertThat(Faults.transactionRecords(app.objectStore())).as("a saga's local transactions leave nothing in the object store").isEmpty();
    }

    @Test
    void theDebitedLedgerKilledDuringACompensationRefundsOnceItIsBack() throws SQLException {
        AppProcess app = APPS.app("saga-kill-in-refund").withByteman("saga-pause-before-refund")
                .with("CROSSBANK_SAGA_RETRY_MAX_BACKOFF", "1s")
                .with("CROSSBANK_SAGA_LEASE", "5s")
                .start();
        RestAssured.port = app.port();
        String from = openAccount(app, "postgres", "100.00");
        String to = openAccount(app, "mysql", "0.00");
        freeze(to);
        String id;
        try {
            Response accepted = saga(app.port(), from, to, "10.00", "wait=1");
            assertThat(accepted.statusCode()).as("step 3' is paused, so the wait runs out: %s", accepted.body().asString()).isEqualTo(202);
            id = accepted.path("id");
            app.awaitLog("CRASHPOINT saga-pause-before-refund", Duration.ofSeconds(30));
            assertThat(Sql.sagaDecision(to, id, DATABASE)).as("the credit to a frozen account is cancelled first").isEqualTo("CANCELLED");

            XaDatabases.crashPostgres();
            app.releasePause();
            app.awaitLog("could not be recorded in the debited ledger either", Duration.ofSeconds(30));
        } finally {
            XaDatabases.start();
        }
        Duration toSettled = Faults.awaitTrue("saga " + id + " compensated once the debited ledger is back", Duration.ofSeconds(60),
                () -> Sql.pendingTransfers(DATABASE) == 0);
        Faults.recordTime("debited ledger's server killed during a compensation (ledger back to saga compensated)", toSettled);
        assertSettledOnce(id, from, to, "COMPENSATED");
        Response fetched = given().get("/transfers/" + id);
        assertThat(fetched.<String>path("status")).isEqualTo("COMPENSATED");
        assertThat(fetched.<String>path("reason")).contains("frozen");
        assertThat(fetched.<List<String>>path("steps.name")).containsExactly("debit", "cancel", "refund");
        assertThat(Faults.transactionRecords(app.objectStore())).as("a saga's local transactions leave nothing in the object store").isEmpty();
    }

    @Test
    void anotherInstanceTakesOverTheSagaOfOneThatDiedOnceItsLeaseExpires() {
        AppProcess survivor = APPS.app("saga-race-b").with("CROSSBANK_SAGA_LEASE", "3s").start();
        AppProcess dying = APPS.app("saga-race-a").withByteman("saga-crash-after-debit").with("CROSSBANK_SAGA_LEASE", "3s").start();
        String from = openAccount(dying, "mysql", "100.00");
        String to = openAccount(dying, "postgres", "0.00");

        CompletableFuture<Integer> answer = CompletableFuture.supplyAsync(() -> statusOf(() -> saga(dying.port(), from, to, "10.00", "wait=20")));
        dying.awaitExit(Duration.ofSeconds(60));
        Instant died = Instant.now();
        assertThat(answer.join()).isEqualTo(-1);
        String id = single(sagasFrom(from));
        assertThat(leaseOwner(id)).as("the saga is leased to the instance that died").isEqualTo("saga-race-a");

        Duration toSettled = Faults.awaitTrue("saga " + id + " settled by the other instance", Duration.ofSeconds(60),
                () -> Sql.pendingTransfers(DATABASE) == 0);
        Faults.recordTime("two instances: the one running the saga halted after step 1, the other took over (lease 3 s)", toSettled);
        assertThat(Duration.between(died, Instant.now())).isPositive();
        assertThat(survivor.isAlive()).isTrue();
        assertSettledOnce(id, from, to, "COMMITTED");
        long createdToSettledMicros = Long.parseLong(single(query(from, "SELECT settled_at - created_at FROM transfer WHERE id = ?", id)));
        assertThat(createdToSettledMicros).as("the other instance waited for the lease of the one that died (3 s from step 1)")
                .isGreaterThanOrEqualTo(3_000_000L);
        RestAssured.port = survivor.port();
        assertThat(given().get("/transfers/" + id).<String>path("status")).isEqualTo("COMMITTED");
    }

    /** Conserved money, nothing held, nothing pending, one debit, one credit or one compensation, the right deciding row. */
    private static void assertSettledOnce(String id, String from, String to, String status) {
        boolean committed = status.equals("COMMITTED");
        String debited = Sql.ledgerName(from);
        String credited = Sql.ledgerName(to);
        assertThat(Sql.balance(from, DATABASE).add(Sql.balance(to, DATABASE))).as("money across both ledgers")
                .isEqualByComparingTo(new BigDecimal("100.00"));
        assertThat(Sql.balance(from, DATABASE)).as("debited account").isEqualByComparingTo(committed ? "90.00" : "100.00");
        assertThat(Sql.held(from, DATABASE)).as("held once settled").isEqualByComparingTo("0.00");
        assertThat(Sql.sagaDecision(to, id, DATABASE)).isEqualTo(committed ? "DONE" : "CANCELLED");
        assertThat(Sql.journalRows(debited, id, "TRANSFER", DATABASE)).as("debits").isEqualTo(1);
        assertThat(Sql.journalRows(credited, id, "TRANSFER", DATABASE)).as("credits").isEqualTo(committed ? 1 : 0);
        assertThat(Sql.journalRows(debited, id, "COMPENSATION", DATABASE)).as("compensations").isEqualTo(committed ? 0 : 1);
        assertThat(status(id)).isEqualTo(status);
        assertThat(Sql.pendingTransfers(DATABASE)).as("sagas left PENDING").isZero();
        assertThat(Sql.preparedBranches()).as("prepared branches in either database").isEmpty();
    }

    private static String openAccount(AppProcess app, String ledger, String balance) {
        RestAssured.port = app.port();
        return Api.openAccount(ledger, balance);
    }

    private static int statusOf(java.util.function.Supplier<Response> request) {
        try {
            return request.get().statusCode();
        } catch (Exception e) { // the connection's IOException, rethrown undeclared by rest-assured
            return -1;
        }
    }

    private static Response saga(int port, String from, String to, String amount, String prefer) {
        return given().port(port).contentType(ContentType.JSON).header("Prefer", prefer)
                .body(Map.of("from", from, "to", to, "amount", amount, "mode", "saga"))
                .post("/transfers");
    }

    private static void freeze(String account) throws SQLException {
        try (Connection c = Sql.ledgerOf(account, DATABASE);
                PreparedStatement s = c.prepareStatement("UPDATE account SET frozen_at = 1 WHERE id = ?")) {
            s.setString(1, account);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    private static List<String> auditOutcomes(String from, String id) {
        return query(from, "SELECT " + (from.startsWith("pg-") ? "action || ' ' || outcome" : "concat(action, ' ', outcome)")
                + " FROM ops_audit WHERE branch_id = ? ORDER BY id", id);
    }

    private static List<String> sagasFrom(String from) {
        return query(from, "SELECT id FROM transfer WHERE from_account = ?", from);
    }

    private static String status(String id) {
        return single(queryBoth("SELECT status FROM transfer WHERE id = ?", id));
    }

    /** Read in the debited ledger alone: the other one may be down. */
    private static String lastError(String from, String id) {
        return single(query(from, "SELECT last_error FROM transfer WHERE id = ?", id));
    }

    private static String leaseOwner(String id) {
        return single(queryBoth("SELECT lease_owner FROM transfer WHERE id = ?", id));
    }

    private static List<String> queryBoth(String sql, String parameter) {
        List<String> values = new ArrayList<>(query("pg-", sql, parameter));
        values.addAll(query("my-", sql, parameter));
        return values;
    }

    /** On the ledger holding {@code account} (by its prefix). */
    private static List<String> query(String account, String sql, String parameter) {
        return Sql.column(() -> Sql.ledgerOf(account, DATABASE), sql, parameter);
    }

    private static String single(List<String> values) {
        assertThat(values).hasSize(1);
        return values.get(0);
    }
}
