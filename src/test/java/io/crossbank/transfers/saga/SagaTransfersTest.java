package io.crossbank.transfers.saga;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.balance;
import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class SagaTransfersTest {

    private static final String PENDING = "io.crossbank.transfer.pending";
    private static final String COMMITTED = "io.crossbank.transfer.committed";
    private static final String COMPENSATED = "io.crossbank.transfer.compensated";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({ "postgres, mysql", "mysql, postgres", "postgres, postgres" })
    void sagaWithinTheWaitIsCommittedInBothLedgersWithItsStepsAndEvents(String fromLedger, String toLedger) {
        String from = openAccount(fromLedger, "100.00");
        String to = openAccount(toLedger, "5.50");

        Response response = saga(from, to, "12.34", "wait=20", null);

        assertThat(response.statusCode()).as("a saga that ends within the wait: %s", response.body().asString()).isEqualTo(201);
        assertThat(response.header("Preference-Applied")).isEqualTo("wait=20");
        assertThat(response.header("Location")).endsWith("/transfers/" + response.path("id"));
        assertThat(response.<String>path("mode")).isEqualTo("saga");
        assertThat(response.<String>path("status")).isEqualTo("COMMITTED");
        String id = response.path("id");
        assertThat(balance(from)).isEqualByComparingTo("87.66");
        assertThat(balance(to)).isEqualByComparingTo("17.84");
        assertThat(Sql.held(from)).as("held by %s once the saga settled", from).isEqualByComparingTo("0.00");
        assertThat(given().get("/accounts/" + from).<String>path("held")).isEqualTo("0.00");
        assertThat(Sql.transferRecord(fromLedger, id)).isEqualTo("SAGA COMMITTED");
        assertThat(Sql.sagaDecision(to, id, Sql.DATABASE)).as("the deciding row in the credited ledger").isEqualTo("DONE");
        assertThat(Sql.journalRows(fromLedger, id, "TRANSFER", Sql.DATABASE) + (fromLedger.equals(toLedger) ? 0
                : Sql.journalRows(toLedger, id, "TRANSFER", Sql.DATABASE))).as("journal rows: one debit, one credit").isEqualTo(2);
        assertThat(Sql.journalRows(fromLedger, id, "COMPENSATION", Sql.DATABASE)).isZero();
        assertThat(Sql.outboxTypesOf(from, id)).as("events of the saga in the debited ledger's outbox").containsExactly(PENDING, COMMITTED);

        Response fetched = given().get("/transfers/" + id);
        fetched.then().statusCode(200);
        assertThat(fetched.<String>path("status")).isEqualTo("COMMITTED");
        assertThat(fetched.<List<String>>path("steps.name")).containsExactly("debit", "credit", "settle");
        assertThat(fetched.<List<String>>path("steps.ledger")).containsExactly(fromLedger, toLedger, fromLedger);
        assertThat(fetched.<List<String>>path("steps.at")).allSatisfy(at -> assertThat(at).isNotBlank());
        assertThat(fetched.<List<String>>path("entries.direction")).containsExactly("DEBIT", "CREDIT");
        assertThat(Sql.preparedBranches()).as("a saga prepares nothing").isEmpty();
    }

    @Test
    void preferWaitZeroAnswers202PendingAndTheSagaCompletesAfterwards() {
        String from = openAccount("mysql", "50.00");
        String to = openAccount("postgres", "0.00");

        Response response = saga(from, to, "20.00", "respond-async, wait=0", null);

        assertThat(response.statusCode()).as(response.body().asString()).isEqualTo(202);
        assertThat(response.header("Preference-Applied")).isEqualTo("wait=0");
        assertThat(response.<String>path("status")).isEqualTo("PENDING");
        assertThat(response.<List<String>>path("steps.name")).containsExactly("debit");
        String id = response.path("id");
        assertThat(response.header("Location")).endsWith("/transfers/" + id);
        await("saga " + id + " committed").atMost(Duration.ofSeconds(30))
                .until(() -> "COMMITTED".equals(given().get("/transfers/" + id).path("status")));
        assertThat(balance(from)).isEqualByComparingTo("30.00");
        assertThat(balance(to)).isEqualByComparingTo("20.00");
        assertThat(Sql.held(from)).isEqualByComparingTo("0.00");
    }

    @Test
    void aWaitLongerThanTheMaximumIsCutToIt() {
        String from = openAccount("postgres", "5.00");
        String to = openAccount("mysql", "0.00");

        Response response = saga(from, to, "1.00", "wait=99999", null);

        assertThat(response.header("Preference-Applied")).isEqualTo("wait=30");
        assertThat(response.<String>path("status")).isEqualTo("COMMITTED");
    }

    @Test
    void insufficientFundsIs422AndWritesNothing() {
        String from = openAccount("postgres", "10.00");
        String to = openAccount("mysql", "0.00");

        Response response = saga(from, to, "10.01", "wait=10", null);

        assertThat(assertProblem(response, 422, "insufficient-funds")).contains(from);
        assertThat(Sql.balance(from)).isEqualByComparingTo("10.00");
        assertThat(Sql.held(from)).isEqualByComparingTo("0.00");
        assertThat(Sql.journalRowsOfAccount(from)).as("journal rows of %s", from).isZero();
        assertThat(given().get("/transfers?account=" + from).<List<String>>path("id")).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({ "postgres, mysql", "mysql, postgres" })
    void aCreditToAFrozenAccountIsCompensatedWithItsReasonAndTheMoneyBack(String fromLedger, String toLedger) {
        String from = openAccount(fromLedger, "100.00");
        String to = openAccount(toLedger, "1.00");
        ops().post("/accounts/" + to + "/freeze").then().statusCode(200);

        Response response = saga(from, to, "40.00", "wait=20", null);

        assertThat(response.statusCode()).as(response.body().asString()).isEqualTo(201);
        assertThat(response.<String>path("status")).isEqualTo("COMPENSATED");
        assertThat(response.<String>path("reason")).contains(to).contains("frozen");
        String id = response.path("id");
        assertThat(Sql.balance(from)).as("the debit given back").isEqualByComparingTo("100.00");
        assertThat(Sql.held(from)).isEqualByComparingTo("0.00");
        assertThat(Sql.balance(to)).as("the frozen account is not credited").isEqualByComparingTo("1.00");
        assertThat(Sql.sagaDecision(to, id, Sql.DATABASE)).isEqualTo("CANCELLED");
        assertThat(Sql.journalRows(fromLedger, id, "TRANSFER", Sql.DATABASE)).as("the debit").isEqualTo(1);
        assertThat(Sql.journalRows(fromLedger, id, "COMPENSATION", Sql.DATABASE)).as("its compensation").isEqualTo(1);
        assertThat(Sql.journalRows(toLedger, id)).as("nothing in the credited ledger's journal").isZero();
        assertThat(Sql.outboxTypesOf(from, id)).containsExactly(PENDING, COMPENSATED);

        Response fetched = given().get("/transfers/" + id);
        assertThat(fetched.<String>path("status")).isEqualTo("COMPENSATED");
        assertThat(fetched.<String>path("reason")).contains("frozen");
        assertThat(fetched.<List<String>>path("steps.name")).containsExactly("debit", "cancel", "refund");
    }

    @Test
    void aSagaFromAFrozenAccountIs422AndWritesNothing() {
        String from = openAccount("mysql", "10.00");
        String to = openAccount("postgres", "0.00");
        ops().post("/accounts/" + from + "/freeze").then().statusCode(200);

        assertProblem(saga(from, to, "1.00", null, null), 422, "account-frozen");
        assertThat(Sql.balance(from)).isEqualByComparingTo("10.00");
        assertThat(Sql.journalRowsOfAccount(from)).isZero();
    }

    @ParameterizedTest(name = "frozen {0}")
    @CsvSource({ "sender", "receiver" })
    void anXaTransferTouchingAFrozenAccountIs422UntilItIsUnfrozen(String which) {
        String from = openAccount("postgres", "10.00");
        String to = openAccount("mysql", "0.00");
        String frozen = which.equals("sender") ? from : to;

        Response freeze = ops().post("/accounts/" + frozen + "/freeze");
        freeze.then().statusCode(200);
        assertThat(freeze.<Boolean>path("frozen")).isTrue();
        assertThat(given().get("/accounts/" + frozen).<Boolean>path("frozen")).isTrue();

        Response refused = transfer(from, to, "1.00", null);
        assertThat(assertProblem(refused, 422, "account-frozen")).contains(frozen);
        assertThat(Sql.balance(from)).isEqualByComparingTo("10.00");
        assertThat(Sql.balance(to)).isEqualByComparingTo("0.00");
        assertThat(Sql.journalRowsOfAccount(from) + Sql.journalRowsOfAccount(to)).isZero();

        ops().post("/accounts/" + frozen + "/freeze").then().statusCode(200); // again: unchanged, still 200
        Response unfreeze = ops().post("/accounts/" + frozen + "/unfreeze");
        unfreeze.then().statusCode(200);
        assertThat(unfreeze.<Boolean>path("frozen")).isFalse();
        transfer(from, to, "1.00", null).then().statusCode(201);
        assertThat(Sql.balance(to)).isEqualByComparingTo("1.00");
    }

    @Test
    void freezingIsForOperatorsOnly() {
        String account = openAccount("postgres", "0.00");
        assertProblem(given().post("/accounts/" + account + "/freeze"), 401, "authentication-required");
        assertProblem(given().auth().preemptive().basic("viewer", "viewer").post("/accounts/" + account + "/freeze"), 403, "forbidden");
        assertProblem(ops().post("/accounts/pg-00000000-0000-4000-8000-000000000000/freeze"), 404, "account-not-found");
        assertProblem(ops().post("/accounts/nonsense/unfreeze"), 404, "account-not-found");
        assertThat(given().get("/accounts/" + account).<Boolean>path("frozen")).isFalse();
    }

    @Test
    void aReplayedSagaAnswersTheOriginalAndMovesNoMoney() {
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");
        String key = "saga-" + UUID.randomUUID();

        Response first = saga(from, to, "10.00", "wait=20", key);
        Response replay = saga(from, to, "10.00", "wait=20", key);

        first.then().statusCode(201).header("Idempotent-Replayed", "false");
        replay.then().statusCode(201).header("Idempotent-Replayed", "true");
        assertThat(replay.<String>path("id")).isEqualTo(first.path("id"));
        assertThat(replay.<String>path("status")).isEqualTo("COMMITTED");
        assertThat(replay.header("Preference-Applied")).as("a replay waits for nothing").isNull();
        assertThat(Sql.balance(from)).isEqualByComparingTo("90.00");
        assertThat(Sql.balance(to)).isEqualByComparingTo("10.00");
        // the same key in the other mode is the same transfer: the mode is not part of the request's identity
        transfer(from, to, "10.00", key).then().statusCode(201).header("Idempotent-Replayed", "true");
        assertThat(Sql.balance(from)).isEqualByComparingTo("90.00");
    }

    @Test
    void anUnknownModeIs400() {
        String from = openAccount("postgres", "10.00");
        String to = openAccount("mysql", "0.00");
        Map<String, Object> body = new HashMap<>(Map.of("from", from, "to", to, "amount", "1.00", "mode", "SAGA"));
        String detail = assertProblem(given().contentType(ContentType.JSON).body(body).post("/transfers"), 400, "invalid-request");
        assertThat(detail).contains("\"xa\"").contains("\"saga\"");
        body.put("mode", 1);
        assertProblem(given().contentType(ContentType.JSON).body(body).post("/transfers"), 400, "invalid-request");
        assertThat(Sql.balance(from)).isEqualByComparingTo("10.00");
    }

    private static RequestSpecification ops() {
        return given().auth().preemptive().basic("ops", "ops");
    }

    private static Response saga(String from, String to, String amount, String prefer, String key) {
        return transfer(from, to, amount, "saga", prefer, key);
    }

    private static Response transfer(String from, String to, String amount, String key) {
        return transfer(from, to, amount, null, null, key);
    }

    private static Response transfer(String from, String to, String amount, String mode, String prefer, String key) {
        Map<String, Object> body = new HashMap<>(Map.of("from", from, "to", to, "amount", amount));
        if (mode != null) {
            body.put("mode", mode);
        }
        RequestSpecification request = given().contentType(ContentType.JSON).body(body);
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.post("/transfers");
    }
}
