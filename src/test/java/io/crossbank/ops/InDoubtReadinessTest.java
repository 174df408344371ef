package io.crossbank.ops;

import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import com.arjuna.ats.arjuna.common.Uid;

import io.crossbank.ops.indoubt.BranchXid;
import io.quarkus.test.junit.QuarkusTest;

/** With the default max age (120 s), a young in-doubt branch is reported but does not make the service unready. */
@QuarkusTest
class InDoubtReadinessTest {

    @Test
    void readinessReportsYoungBranchesButStaysUp() throws Exception {
        BranchXid xid = RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid());
        try (RealBranches branches = new RealBranches()) {
            branches.prepareMysql(xid, openAccount("mysql", "10.00"));

            Map<String, Object> check = awaitCheck(c -> ((Number) data(c).getOrDefault("mysql.branches", 0)).intValue() >= 1,
                    Duration.ofSeconds(20));

            assertThat(check.get("status")).as("readiness with a branch younger than max-age").isEqualTo("UP");
            assertThat(data(check)).containsEntry("maxAgeSeconds", 120).containsKeys("postgres.branches", "postgres.oldestSeconds",
                    "mysql.oldestSeconds");
        }
    }

    /** Polls /q/health/ready until the in-doubt check satisfies the condition; returns that check. */
    static Map<String, Object> awaitCheck(Predicate<Map<String, Object>> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> check = null;
        while (System.nanoTime() < deadline) {
            check = given().get("/q/health/ready").jsonPath().getMap("checks.find { it.name == 'in-doubt transactions' }");
            if (check != null && condition.test(check)) {
                return check;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("The readiness check 'in-doubt transactions' did not reach the expected state within "
                + timeout + "; last seen: " + check);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(Map<String, Object> check) {
        return (Map<String, Object>) check.getOrDefault("data", Map.of());
    }
}
