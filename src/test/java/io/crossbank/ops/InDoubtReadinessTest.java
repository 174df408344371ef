package io.crossbank.ops;

import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

    /** Waits until the in-doubt check of /q/health/ready satisfies the condition; returns that check. */
    static Map<String, Object> awaitCheck(Predicate<Map<String, Object>> condition, Duration timeout) {
        return await("the readiness check 'in-doubt transactions' to reach the expected state").atMost(timeout)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                .until(() -> given().get("/q/health/ready").jsonPath().<String, Object>getMap("checks.find { it.name == 'in-doubt transactions' }"),
                        check -> check != null && condition.test(check));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(Map<String, Object> check) {
        return (Map<String, Object>) check.getOrDefault("data", Map.of());
    }
}
