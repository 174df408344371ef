package io.crossbank.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GET /ops/events and the re-drive of one event, against the real broker and both real ledgers; and the pruning of
 * sent rows. Retries wait ten minutes here, so whatever goes out within a test was re-driven.
 */
@QuarkusTest
@TestProfile(SlowRetriesShortRetentionProfile.class)
class StuckEventsOpsTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    /** Whatever earlier tests left unsent goes out first, so that each test's event is its ledger's oldest. */
    @BeforeEach
    void drainBothOutboxes() throws Exception {
        try (EventQueue queue = EventQueue.bind(EventQueue.privateBrokerPort())) {
            await("both outboxes drained").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                JsonPath page = stuck();
                for (Map<String, Object> item : page.<Map<String, Object>>getList("items")) {
                    ops().queryParam("dryRun", "false").post("/ops/events/" + item.get("ledger") + "/" + item.get("id") + "/redrive");
                }
                return page.<Integer>getList("ledgers.unsent").stream().allMatch(unsent -> unsent == 0);
            });
        }
    }

    /** A row left waiting here would keep its ten-minute retry in the database and hold back the next tests' events. */
    @AfterEach
    void leaveNothingWaiting() throws Exception {
        drainBothOutboxes();
    }

    @Test
    void anUnroutableEventIsListedWithItsErrorAndARedriveSendsItOnceAQueueIsBound() throws Exception {
        String from = openAccount("postgres", "20.00");
        String to = openAccount("mysql", "0.00");
        Response created = transfer(from, to, "3.00");
        created.then().statusCode(201);
        String transferId = created.path("id");
        await("the first, unroutable publication").atMost(WITHIN).until(() -> Outbox.single(from, transferId).attempts() >= 1);
        String eventId = Outbox.single(from, transferId).eventId();

        JsonPath page = stuck();
        Map<String, Object> listed = item(page, eventId);
        assertThat(listed).as("GET /ops/events lists the event no queue is bound for: %s", page.prettify()).isNotNull();
        assertThat(listed).containsEntry("ledger", "postgres").containsEntry("transferId", transferId)
                .containsEntry("type", TransferEvents.TRANSFER_COMMITTED).containsEntry("attempts", 1);
        assertThat((String) listed.get("lastError")).as("The listed row says why it was not sent.").contains("unroutable");
        Instant nextAttempt = Instant.parse((String) listed.get("nextAttemptAt"));
        Instant createdAt = Instant.parse((String) listed.get("createdAt"));
        assertThat(nextAttempt).as("Its retry waits out the ten-minute backoff.").isAfter(Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(createdAt).as("createdAt is an ISO instant of the transfer's commit.").isBefore(Instant.now());
        assertThat(page.<Boolean>getList("ledgers.readable")).as("Both ledgers were read.").containsExactly(true, true);
        assertThat(page.getInt("ledgers.find { it.ledger == 'postgres' }.unsent")).as("The backlog counts it.").isGreaterThanOrEqualTo(1);
        assertThat(page.getString("stuckAfter")).isEqualTo("PT1M");

        Instant beforeRedrive = Instant.now();
        JsonPath dryRun = ops().post(redrivePath("postgres", eventId)).then().statusCode(200).extract().jsonPath();
        assertThat(dryRun.getString("outcome")).as("Without dryRun=false a re-drive is a dry run.").isEqualTo("DRY_RUN");
        assertThat(Instant.parse(dryRun.getString("after.nextAttemptAt"))).as("The dry run says it would be due now.")
                .isAfterOrEqualTo(beforeRedrive.minusSeconds(1)).isBefore(Instant.now().plusSeconds(1));
        assertThat(Instant.parse((String) item(stuck(), eventId).get("nextAttemptAt"))).as("A dry run changes nothing.").isEqualTo(nextAttempt);

        JsonPath redriven = ops().queryParam("dryRun", "false").post(redrivePath("postgres", eventId)).then().statusCode(200).extract().jsonPath();
        assertThat(redriven.getString("outcome")).isEqualTo("REDRIVEN");
        assertThat(redriven.getString("action")).isEqualTo("REDRIVE");
        assertThat(redriven.getInt("after.attempts")).as("A re-drive keeps the attempts for the record.").isEqualTo(1);
        assertThat(redriven.getString("after.lastError")).as("A re-drive keeps the last error for the record.").contains("unroutable");
        assertThat(Instant.parse(redriven.getString("after.nextAttemptAt"))).as("The event is due now.").isBefore(nextAttempt)
                .isBefore(Instant.now().plusSeconds(1));
        await("the re-driven event published at once, not after its ten-minute backoff").atMost(WITHIN)
                .until(() -> Outbox.single(from, transferId).attempts() >= 2);
        assertThat(Outbox.single(from, transferId).sentAt()).as("Still unroutable, so still unsent.").isNull();

        try (EventQueue queue = EventQueue.bind(EventQueue.privateBrokerPort())) {
            ops().queryParam("dryRun", "false").post(redrivePath("postgres", eventId)).then().statusCode(200);
            EventQueue.Message message = queue.awaitOne(transferId);
            assertThat(message.properties().getMessageId()).as("The event delivered after the re-drive keeps its id.").isEqualTo(eventId);
            await("the re-driven event marked sent").atMost(WITHIN).until(() -> Outbox.single(from, transferId).sentAt() != null);
            assertThat(item(stuck(), eventId)).as("A sent event is no longer listed as stuck.").isNull();

            assertProblem(ops().queryParam("dryRun", "false").post(redrivePath("postgres", eventId)), 409, "event-already-sent");
            JsonPath republished = ops().queryParam("dryRun", "false").queryParam("republish", "true").post(redrivePath("postgres", eventId))
                    .then().statusCode(200).extract().jsonPath();
            assertThat(republished.getString("outcome")).isEqualTo("REPUBLISHED");
            assertThat(republished.getString("before.sentAt")).as("It was sent before.").isNotNull();
            await("the republished event delivered a second time, with the same id").atMost(WITHIN)
                    .until(() -> queue.about(transferId).size() == 2);
            assertThat(queue.about(transferId)).extracting(m -> m.properties().getMessageId()).containsOnly(eventId);
            await("the republished event marked sent again").atMost(WITHIN).until(() -> Outbox.single(from, transferId).sentAt() != null);
        }

        assertThat(auditRows("postgres", eventId)).as("Every re-drive is in the event's ledger's ops_audit, with the operator's name.")
                .containsExactly("ops REDRIVE dryRun=true DRY_RUN", "ops REDRIVE dryRun=false REDRIVEN", "ops REDRIVE dryRun=false REDRIVEN",
                        "ops REDRIVE dryRun=false REFUSED", "ops REPUBLISH dryRun=false REPUBLISHED");
    }

    @Test
    void unknownEventsAndLedgersAre404AndMalformedRequests400() {
        String unknown = UUID.randomUUID().toString();
        assertProblem(ops().queryParam("dryRun", "false").post(redrivePath("mysql", unknown)), 404, "event-not-found");
        assertThat(auditRows("mysql", unknown)).as("A re-drive of an event that does not exist is audited too.")
                .containsExactly("ops REDRIVE dryRun=false NOT_FOUND");
        assertProblem(ops().post(redrivePath("oracle", unknown)), 404, "event-not-found");
        assertProblem(ops().post(redrivePath("postgres", "not-an-event-id")), 400, "invalid-request");
        assertProblem(ops().post(redrivePath("postgres", unknown.toUpperCase())), 400, "invalid-request");
        assertProblem(ops().queryParam("dryRun", "maybe").post(redrivePath("postgres", unknown)), 400, "invalid-request");
        assertProblem(ops().queryParam("republish", "yes").post(redrivePath("postgres", unknown)), 400, "invalid-request");
        assertProblem(ops().queryParam("page", "-1").get("/ops/events"), 400, "invalid-request");
        assertProblem(ops().queryParam("size", "101").get("/ops/events"), 400, "invalid-request");
    }

    @Test
    void sentRowsArePrunedAfterTheRetentionAndUnsentOnesAreKept() throws Exception {
        String from = openAccount("mysql", "20.00");
        String to = openAccount("postgres", "0.00");
        String sentTransfer;
        try (EventQueue queue = EventQueue.bind(EventQueue.privateBrokerPort())) {
            Response sent = transfer(from, to, "1.00");
            sent.then().statusCode(201);
            sentTransfer = sent.path("id");
            queue.awaitOne(sentTransfer);
            await("the routed event marked sent").atMost(WITHIN).until(() -> Outbox.single(from, sentTransfer).sentAt() != null);
        }
        Response unsent = transfer(from, to, "2.00");
        unsent.then().statusCode(201);
        String unsentTransfer = unsent.path("id");
        await("the unroutable event tried once").atMost(WITHIN).until(() -> Outbox.single(from, unsentTransfer).attempts() >= 1);

        await("the sent row pruned once older than the five-second retention").atMost(WITHIN)
                .until(() -> Outbox.ofTransfer(from, sentTransfer).isEmpty());
        // Several prune passes later (one a second) the unsent row, by now older than the retention, is still there.
        await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10))
                .until(() -> Outbox.ofTransfer(from, unsentTransfer).size() == 1);
        assertThat(Outbox.single(from, unsentTransfer).sentAt()).as("Pruning never deletes an unsent row.").isNull();
    }

    private static JsonPath stuck() {
        return ops().queryParam("size", "100").get("/ops/events").then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> item(JsonPath page, String eventId) {
        return page.<Map<String, Object>>getList("items").stream().filter(i -> eventId.equals(i.get("id"))).findFirst().orElse(null);
    }

    private static String redrivePath(String ledger, String eventId) {
        return "/ops/events/" + ledger + "/" + eventId + "/redrive";
    }

    private static RequestSpecification ops() {
        return given().auth().preemptive().basic("ops", "ops");
    }

    private static List<String> auditRows(String ledger, String eventId) {
        List<String> rows = new ArrayList<>();
        try (Connection c = ledger.equals("postgres") ? Sql.postgres(Sql.DATABASE) : Sql.mysql(Sql.DATABASE);
                PreparedStatement s = c.prepareStatement("SELECT principal, action, dry_run, outcome FROM ops_audit WHERE branch_id = ? ORDER BY id")) {
            s.setString(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2) + " dryRun=" + rs.getBoolean(3) + " " + rs.getString(4));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
