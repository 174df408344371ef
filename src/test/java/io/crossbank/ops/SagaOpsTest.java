package io.crossbank.ops;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.Api;
import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * GET /ops/sagas, re-drive and force-compensation, on sagas arranged in the state an instance that died after step 1
 * leaves them in (money held, the record PENDING with an expired lease, its next attempt far off so that the resumer
 * leaves it alone until an operator acts).
 */
@QuarkusTest
class SagaOpsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({ "postgres, mysql", "mysql, postgres" })
    void aStuckSagaIsListedFirstWithItsErrorAndLeaseAndARedriveCommitsIt(String fromLedger, String toLedger) {
        String from = openAccount(fromLedger, "EUR", "100.00");
        String to = openAccount(toLedger, "EUR", "0.00");
        String pending = leftAfterStep1(from, to, "5.00", false);
        String stuck = leftAfterStep1(from, to, "10.00", true);

        Response list = ops().queryParam("size", 100).get("/ops/sagas");
        list.then().statusCode(200);
        List<String> ids = list.path("items.id");
        assertThat(ids).contains(stuck, pending);
        assertThat(ids.indexOf(stuck)).as("stuck before pending").isLessThan(ids.indexOf(pending));
        assertThat(list.<String>path("state")).isEqualTo("unfinished");
        assertThat(list.<List<Boolean>>path("ledgers.readable")).containsExactly(true, true);
        String item = "items.find { it.id == '" + stuck + "' }.";
        assertThat(list.<String>path(item + "state")).isEqualTo("stuck");
        assertThat(list.<String>path(item + "lastError")).isEqualTo("CREDIT: ledger unreachable");
        assertThat(list.<String>path(item + "leaseOwner")).isEqualTo("gone-node");
        assertThat(list.<Integer>path(item + "attempts")).isEqualTo(20);
        assertThat(list.<String>path(item + "decision")).isEqualTo("NONE");
        assertThat(list.<String>path(item + "nextAttemptAt")).isNotBlank();
        assertThat(list.<List<String>>path(item + "steps.name")).containsExactly("debit");
        assertThat(ops().queryParam("state", "stuck").queryParam("size", 100).get("/ops/sagas").<List<String>>path("items.id"))
                .contains(stuck).doesNotContain(pending);
        assertThat(ops().queryParam("state", "pending").queryParam("size", 100).get("/ops/sagas").<List<String>>path("items.id"))
                .contains(pending).doesNotContain(stuck);
        assertThat(Api.metric("crossbank_sagas{ledger=\"" + fromLedger + "\",state=\"stuck\"")).isGreaterThanOrEqualTo(1);
        assertThat(Api.metric("crossbank_sagas_oldest_pending_seconds{ledger=\"" + fromLedger + "\"")).isGreaterThan(0);

        Response dryRun = ops().post("/ops/sagas/" + stuck + "/redrive");
        dryRun.then().statusCode(200);
        assertThat(dryRun.<String>path("outcome")).isEqualTo("DRY_RUN");
        assertThat(dryRun.<String>path("detail")).contains("expired lease");
        assertThat(Sql.transferRecord(fromLedger, stuck)).as("a dry run changes nothing").isEqualTo("SAGA PENDING");

        for (String id : List.of(stuck, pending)) {
            Response redriven = ops().queryParam("dryRun", "false").post("/ops/sagas/" + id + "/redrive");
            redriven.then().statusCode(200);
            assertThat(redriven.<String>path("outcome")).isEqualTo("RESUMED");
            assertThat(redriven.<String>path("after.leaseOwner")).as("the expired lease is cleared").isNull();
            assertThat(redriven.<Integer>path("auditId")).isNotNull();
        }
        await("both sagas committed after the re-drive").atMost(Duration.ofSeconds(30))
                .until(() -> Sql.transferRecord(fromLedger, stuck).equals("SAGA COMMITTED") && Sql.transferRecord(fromLedger, pending).equals("SAGA COMMITTED"));
        assertThat(Sql.balance(from)).isEqualByComparingTo("85.00");
        assertThat(Sql.held(from)).isEqualByComparingTo("0.00");
        assertThat(Sql.balance(to)).isEqualByComparingTo("15.00");
        assertThat(OpsAuditRows.of(fromLedger, stuck)).containsExactly("ops RESUME dryRun=true DRY_RUN null node=crossbank-test",
                "ops RESUME dryRun=false RESUMED null node=crossbank-test");
        assertThat(ops().queryParam("state", "committed").queryParam("size", 100).get("/ops/sagas").<List<String>>path("items.id"))
                .contains(stuck, pending);
        assertProblem(ops().queryParam("dryRun", "false").post("/ops/sagas/" + stuck + "/redrive"), 409, "saga-settled");
        assertProblem(ops().queryParam("dryRun", "false").post("/ops/sagas/" + stuck + "/compensate"), 409, "saga-settled");
    }

    @Test
    void aForcedCompensationWritesTheCancelledRowThenRefundsOnce() {
        String from = openAccount("mysql", "EUR", "50.00");
        String to = openAccount("postgres", "EUR", "0.00");
        String id = leftAfterStep1(from, to, "20.00", true);

        Response dryRun = ops().post("/ops/sagas/" + id + "/compensate");
        dryRun.then().statusCode(200);
        assertThat(dryRun.<String>path("outcome")).isEqualTo("DRY_RUN");
        assertThat(dryRun.<String>path("detail")).contains("Would write the CANCELLED deciding row");
        assertThat(Sql.sagaDecision(to, id, Sql.DATABASE)).as("a dry run decides nothing").isNull();
        assertThat(Sql.held(from)).isEqualByComparingTo("20.00");

        Response done = ops().queryParam("dryRun", "false").post("/ops/sagas/" + id + "/compensate");
        done.then().statusCode(200);
        assertThat(done.<String>path("outcome")).isEqualTo("COMPENSATED");
        assertThat(done.<String>path("after.status")).isEqualTo("COMPENSATED");
        assertThat(done.<String>path("after.decision")).isEqualTo("CANCELLED");
        assertThat(Sql.sagaDecision(to, id, Sql.DATABASE)).isEqualTo("CANCELLED");
        assertThat(Sql.balance(from)).isEqualByComparingTo("50.00");
        assertThat(Sql.held(from)).isEqualByComparingTo("0.00");
        assertThat(Sql.balance(to)).isEqualByComparingTo("0.00");
        assertThat(Sql.journalRows("mysql", id, "COMPENSATION", Sql.DATABASE)).isEqualTo(1);
        Response fetched = given().get("/transfers/" + id);
        assertThat(fetched.<String>path("status")).isEqualTo("COMPENSATED");
        assertThat(fetched.<String>path("reason")).isEqualTo("Compensated by operator ops");
        assertThat(fetched.<List<String>>path("steps.name")).containsExactly("debit", "cancel", "refund");
        assertThat(ops().queryParam("state", "compensated").queryParam("size", 100).get("/ops/sagas").<List<String>>path("items.id")).contains(id);

        assertProblem(ops().queryParam("dryRun", "false").post("/ops/sagas/" + id + "/compensate"), 409, "saga-settled");
        assertThat(Sql.balance(from)).as("refunded once").isEqualByComparingTo("50.00");
        assertThat(OpsAuditRows.of("mysql", id)).containsExactly("ops COMPENSATE dryRun=true DRY_RUN null node=crossbank-test",
                "ops COMPENSATE dryRun=false COMPENSATED null node=crossbank-test", "ops COMPENSATE dryRun=false REFUSED null node=crossbank-test");
    }

    @Test
    void aSagaWhoseDecidingRowSaysDoneIsNeverCompensated() throws SQLException {
        String from = openAccount("postgres", "EUR", "30.00");
        String to = openAccount("mysql", "EUR", "0.00");
        String id = leftAfterStep1(from, to, "30.00", true);
        // Step 2 committed too: the deciding row DONE with the credit.
        try (Connection c = Sql.ledgerOf(to, Sql.DATABASE)) {
            execute(c, "INSERT INTO saga_credit (transfer_id, outcome, created_at) VALUES (?, 'DONE', ?)", id, micros(Instant.now()));
            execute(c, "UPDATE account SET balance = balance + 30 WHERE id = ?", to);
        }

        for (String dryRun : List.of("true", "false")) {
            String detail = assertProblem(ops().queryParam("dryRun", dryRun).post("/ops/sagas/" + id + "/compensate"), 409, "saga-credit-done");
            assertThat(detail).contains("DONE").contains("never compensated");
        }
        assertThat(Sql.held(from)).isEqualByComparingTo("30.00");
        assertThat(ops().queryParam("size", 100).get("/ops/sagas").<String>path("items.find { it.id == '" + id + "' }.decision"))
                .isEqualTo("DONE");

        ops().queryParam("dryRun", "false").post("/ops/sagas/" + id + "/redrive").then().statusCode(200);
        await("the saga settled").atMost(Duration.ofSeconds(30)).until(() -> Sql.transferRecord("postgres", id).equals("SAGA COMMITTED"));
        assertThat(Sql.balance(from)).isEqualByComparingTo("0.00");
        assertThat(Sql.held(from)).isEqualByComparingTo("0.00");
        assertThat(Sql.balance(to)).as("credited once").isEqualByComparingTo("30.00");
        assertThat(OpsAuditRows.of("postgres", id)).containsExactly("ops COMPENSATE dryRun=true REFUSED null node=crossbank-test",
                "ops COMPENSATE dryRun=false REFUSED null node=crossbank-test", "ops RESUME dryRun=false RESUMED null node=crossbank-test");
    }

    @Test
    void unknownMalformedAndBadFilters() {
        String unknown = UUID.randomUUID().toString();
        assertProblem(ops().post("/ops/sagas/" + unknown + "/redrive"), 404, "saga-not-found");
        assertProblem(ops().queryParam("dryRun", "false").post("/ops/sagas/" + unknown + "/compensate"), 404, "saga-not-found");
        assertProblem(ops().post("/ops/sagas/not-an-id/redrive"), 400, "invalid-request");
        assertProblem(ops().post("/ops/sagas/" + unknown.toUpperCase() + "/compensate"), 400, "invalid-request");
        assertProblem(ops().queryParam("dryRun", "maybe").post("/ops/sagas/" + unknown + "/compensate"), 400, "invalid-request");
        assertProblem(ops().queryParam("state", "running").get("/ops/sagas"), 400, "invalid-request");
        assertProblem(ops().queryParam("size", 0).get("/ops/sagas"), 400, "invalid-request");
        String xa = Api.transfer(openAccount("postgres", "EUR", "5.00"), openAccount("mysql", "EUR", "0.00"), "1.00").path("id");
        assertProblem(ops().post("/ops/sagas/" + xa + "/redrive"), 404, "saga-not-found");
    }

    /**
     * A saga as step 1 leaves it, with an instance that died: money held, the record PENDING, its lease expired and its
     * next attempt an hour away (a stuck one with 20 failed attempts).
     */
    private static String leftAfterStep1(String from, String to, String amount, boolean stuck) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        try (Connection c = Sql.ledgerOf(from, Sql.DATABASE)) {
            execute(c, "UPDATE account SET balance = balance - " + amount + ", held = held + " + amount + " WHERE id = ?", from);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO transfer (id, mode, status, from_account, to_account, amount,"
                    + " currency, created_at, updated_at, saga_step, attempts, next_attempt_at, lease_owner, lease_until, last_error, stuck_at)"
                    + " VALUES (?, 'SAGA', 'PENDING', ?, ?, ?, 'EUR', ?, ?, 'CREDIT', ?, ?, 'gone-node', ?, ?, ?)")) {
                s.setString(1, id);
                s.setString(2, from);
                s.setString(3, to);
                s.setBigDecimal(4, new BigDecimal(amount));
                s.setLong(5, micros(now.minus(10, ChronoUnit.MINUTES)));
                s.setLong(6, micros(now));
                s.setInt(7, stuck ? 20 : 1);
                s.setLong(8, micros(now.plus(1, ChronoUnit.HOURS)));
                s.setLong(9, micros(now.minus(1, ChronoUnit.MINUTES)));
                s.setString(10, "CREDIT: ledger unreachable");
                if (stuck) {
                    s.setLong(11, micros(now.minus(5, ChronoUnit.MINUTES)));
                } else {
                    s.setNull(11, java.sql.Types.BIGINT);
                }
                s.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    private static void execute(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        }
    }

    private static long micros(Instant at) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    private static RequestSpecification ops() {
        return given().auth().preemptive().basic("ops", "ops");
    }
}
