package io.crossbank.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** GET /ops/status: what the console's header shows, read from what the service keeps. */
@QuarkusTest
class OpsStatusTest {

    private static JsonPath status(String user) {
        return given().auth().preemptive().basic(user, user).get("/ops/status").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void namesTheNodeThePaceAndEachReachableLedger() {
        JsonPath status = status("ops");
        assertThat(status.getString("node")).isEqualTo("crossbank-test");
        assertThat(status.getString("user")).isEqualTo("ops");
        assertThat(status.getBoolean("mayAct")).isTrue();
        assertThat(status.getLong("inDoubtMaxAgeSeconds")).isEqualTo(120);
        assertThat(status.getBoolean("recovery.enabled")).isTrue();
        assertThat(status.getDouble("recovery.periodSeconds")).isEqualTo(5.0);
        assertThat(status.getDouble("recovery.backoffSeconds")).isEqualTo(1.0);
        assertThat(status.getDouble("recovery.orphanSafetyIntervalSeconds")).isEqualTo(2.0);
        assertThat(status.<String>getList("ledgers.ledger")).containsExactly("postgres", "mysql");
        assertThat(status.<Boolean>getList("ledgers.reachable")).containsExactly(true, true);
    }

    @Test
    void aViewerMayNotAct() {
        JsonPath status = status("viewer");
        assertThat(status.getString("user")).isEqualTo("viewer");
        assertThat(status.getBoolean("mayAct")).isFalse();
    }

    @Test
    void countsPassesAndKeepsTheLastOneAskedFor() {
        long before = status("ops").getLong("recovery.passes");
        given().auth().preemptive().basic("ops", "ops").post("/ops/recovery").then().statusCode(200);
        JsonPath status = status("ops");
        assertThat(status.getLong("recovery.passes")).as("the pass asked for completed and was counted").isGreaterThan(before);
        assertThat(status.getString("recovery.lastPassCompletedAt")).isNotNull();
        assertThat(status.getString("recovery.lastOnDemand.principal")).isEqualTo("ops");
        assertThat(status.getInt("recovery.lastOnDemand.resolved")).isGreaterThanOrEqualTo(0);
        assertThat(status.<List<String>>getList("recovery.lastOnDemand.unreachable")).isEmpty();
        await("a periodic pass too").atMost(Duration.ofSeconds(20)).until(() -> status("ops").getLong("recovery.passes") > before + 1);
    }
}
