package io.crossbank.transfers.saga;

import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import io.crossbank.support.XaDatabases;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Real faults under a saga, on the packaged app: the JVM halted (Byteman) after step 1 and after step 2, and the
 * credited ledger's server killed before the request. Each ends with the saga COMMITTED exactly once, nothing held,
 * nothing pending, the money of the two accounts what it was.
 */
class SagaFaultIT {

    private static final String DATABASE = "crossbank_it_saga";
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // crash point,         deciding row after the crash, credited balance after the crash
            "saga-crash-after-debit,  , 0.00",
            "saga-crash-after-credit, DONE, 10.00" })
    void aRestartFinishesASagaCutByACrashExactlyOnce(String crashPoint, String decisionAfterCrash, String creditedAfterCrash) {
        AppProcess app = APPS.app(crashPoint).withByteman(crashPoint).start();
        RestAssured.port = app.port();
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");

        CompletableFuture<Integer> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return saga(app.port(), from, to, "10.00", "wait=20").statusCode();
            } catch (Exception e) { // the connection's IOException, rethrown undeclared by rest-assured
                return -1;
            }
        });
        app.awaitExit(Duration.ofSeconds(60));

        assertThat(answer.join()).as("the client gets no answer from a dead JVM").isEqualTo(-1);
        assertThat(app.logText()).contains("CRASHPOINT " + crashPoint);
        String id = single(sagasFrom(from));
        assertThat(Sql.held(from, DATABASE)).as("held after the crash").isEqualByComparingTo("10.00");
        assertThat(Sql.balance(from, DATABASE)).isEqualByComparingTo("90.00");
        assertThat(Sql.sagaDecision(to, id, DATABASE)).as("the deciding row after the crash").isEqualTo(decisionAfterCrash);
        assertThat(Sql.balance(to, DATABASE)).isEqualByComparingTo(creditedAfterCrash);
        assertThat(Sql.pendingTransfers(DATABASE)).isEqualTo(1);

        AppProcess restarted = APPS.app(crashPoint).start();
        RestAssured.port = restarted.port();
        Duration toSettled = Faults.awaitTrue("saga " + id + " settled after the restart", Duration.ofSeconds(60),
                () -> Sql.pendingTransfers(DATABASE) == 0);
        Faults.recordTime("JVM killed: " + crashPoint + " (saga committed)", toSettled);

        assertCommittedOnce(id, from, to);
        assertThat(restarted.logText()).contains("Resuming 1 saga(s)");
    }

    @Test
    void aSagaIsAcceptedWhileTheCreditedLedgerIsDownAndCommitsOnceItIsBack() {
        AppProcess app = APPS.app("saga-ledger-down")
                .with("CROSSBANK_SAGA_RETRY_MAX_BACKOFF", "1s")
                .start();
        RestAssured.port = app.port();
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");
        Response accepted;
        try {
            XaDatabases.crashMysql();

            accepted = saga(app.port(), from, to, "10.00", "wait=2");

            assertThat(accepted.statusCode()).as("a saga while the credited ledger is down: %s", accepted.body().asString())
                    .isEqualTo(202);
            assertThat(accepted.<String>path("status")).isEqualTo("PENDING");
            String id = accepted.path("id");
            Faults.awaitTrue("a failed attempt recorded for saga " + id, Duration.ofSeconds(30), () -> lastError(id) != null);
            assertThat(lastError(id)).as("why the saga waits").startsWith("CREDIT");
            assertThat(Sql.held(from, DATABASE)).isEqualByComparingTo("10.00");
            assertThat(given().get("/transfers/" + id).statusCode()).as("GET needs the credited ledger's deciding row").isEqualTo(503);
        } finally {
            XaDatabases.start();
        }
        String id = accepted.path("id");
        Duration toSettled = Faults.awaitTrue("saga " + id + " committed once the credited ledger is back", Duration.ofSeconds(60),
                () -> Sql.pendingTransfers(DATABASE) == 0);
        Faults.recordTime("credited ledger down at request time (saga committed after it returned)", toSettled);
        assertCommittedOnce(id, from, to);
        Response fetched = given().get("/transfers/" + id);
        assertThat(fetched.<String>path("status")).isEqualTo("COMMITTED");
        assertThat(fetched.<List<String>>path("steps.name")).containsExactly("debit", "credit", "settle");
    }

    private static void assertCommittedOnce(String id, String from, String to) {
        assertThat(Sql.balance(from, DATABASE)).as("debited account").isEqualByComparingTo("90.00");
        assertThat(Sql.balance(to, DATABASE)).as("credited account").isEqualByComparingTo("10.00");
        assertThat(Sql.balance(from, DATABASE).add(Sql.balance(to, DATABASE))).as("money across both ledgers")
                .isEqualByComparingTo(new BigDecimal("100.00"));
        assertThat(Sql.held(from, DATABASE)).as("held once settled").isEqualByComparingTo("0.00");
        assertThat(Sql.sagaDecision(to, id, DATABASE)).isEqualTo("DONE");
        assertThat(Sql.journalRows("postgres", id, "TRANSFER", DATABASE)).as("debits").isEqualTo(1);
        assertThat(Sql.journalRows("mysql", id, "TRANSFER", DATABASE)).as("credits").isEqualTo(1);
        assertThat(Sql.journalRows("postgres", id, "COMPENSATION", DATABASE)).as("compensations").isZero();
        assertThat(status(id)).isEqualTo("COMMITTED");
        assertThat(Sql.pendingTransfers(DATABASE)).as("sagas left PENDING").isZero();
        assertThat(Sql.preparedBranches()).as("prepared branches in either database").isEmpty();
    }

    private static Response saga(int port, String from, String to, String amount, String prefer) {
        return given().port(port).contentType(ContentType.JSON).header("Prefer", prefer)
                .body(Map.of("from", from, "to", to, "amount", amount, "mode", "saga"))
                .post("/transfers");
    }

    private static List<String> sagasFrom(String from) {
        return query("SELECT id FROM transfer WHERE from_account = ?", from);
    }

    private static String status(String id) {
        return single(query("SELECT status FROM transfer WHERE id = ?", id));
    }

    private static String lastError(String id) {
        return single(query("SELECT last_error FROM transfer WHERE id = ?", id));
    }

    private static List<String> query(String sql, String parameter) {
        return Sql.column(() -> Sql.postgres(DATABASE), sql, parameter);
    }

    private static String single(List<String> values) {
        assertThat(values).hasSize(1);
        return values.get(0);
    }
}
