package io.crossbank.ops;

import static io.crossbank.ops.InDoubtReadinessTest.awaitCheck;
import static io.crossbank.ops.InDoubtReadinessTest.data;
import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.arjuna.ats.arjuna.common.Uid;

import io.crossbank.ops.indoubt.BranchXid;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ShortMaxAgeProfile.class)
class InDoubtReadinessDownTest {

    @Test
    void aBranchInDoubtLongerThanMaxAgeMakesTheServiceUnreadyUntilResolved() throws Exception {
        BranchXid xid = RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid());
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(xid, openAccount("postgres", "10.00"));

            Map<String, Object> down = awaitCheck(c -> "DOWN".equals(c.get("status")) && postgresBranches(c) >= 1
                    && ((Number) data(c).get("postgres.oldestSeconds")).longValue() >= 1,
                    Duration.ofSeconds(20));

            assertThat(((Number) data(down).get("postgres.branches")).intValue()).isGreaterThanOrEqualTo(1);
            assertThat(((Number) data(down).get("postgres.oldestSeconds")).longValue()).isGreaterThanOrEqualTo(1);
            assertThat(data(down)).containsEntry("maxAgeSeconds", 1);
            given().get("/q/health/ready").then().statusCode(503);
        }
        Map<String, Object> resolved = awaitCheck(c -> postgresBranches(c) == 0, Duration.ofSeconds(20));
        // MariaDB's XA RECOVER is server-wide, but the server is this build's own and every test leaves it without
        // prepared branches (they check it), so nothing may keep readiness DOWN.
        assertThat(((Number) data(resolved).get("mysql.branches")).intValue()).as("branches in doubt in MariaDB").isZero();
        assertThat(resolved.get("status")).as("readiness once nothing is in doubt").isEqualTo("UP");
    }

    private static int postgresBranches(Map<String, Object> check) {
        return ((Number) data(check).getOrDefault("postgres.branches", 0)).intValue();
    }
}
