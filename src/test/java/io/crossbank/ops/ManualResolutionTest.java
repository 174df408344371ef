package io.crossbank.ops;

import static io.crossbank.ops.InDoubtApiTest.asOps;
import static io.crossbank.ops.InDoubtApiTest.listed;
import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.arjuna.ats.arjuna.common.Uid;

import io.crossbank.ops.indoubt.BranchXid;
import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Committing and rolling back by hand what no recovery here will decide, and refusing what it will. The profile
 * lets a branch be decided after one second in doubt instead of two minutes, and keeps recovery off orphans.
 */
@QuarkusTest
@TestProfile(ShortMaxAgeProfile.class)
class ManualResolutionTest {

    @Test
    void rollbackAndCommitResolveForeignBranchesAndAreAuditedWithThePrincipal() throws Exception {
        BranchXid xid = RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid());
        String postgresAccount = openAccount("postgres", "10.00");
        String mysqlAccount = openAccount("mysql", "10.00");
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(xid, postgresAccount);
            branches.prepareMysql(xid, mysqlAccount);
            assertThat(listed("mysql", xid)).as("MySQL's branch, first seen now").isNotNull();
            awaitOlderThanMaxAge("postgres", xid.id());
            awaitOlderThanMaxAge("mysql", xid.id());

            Response rolledBack = asOps().post("/ops/in-doubt/postgres/" + xid.id() + "/rollback?dryRun=false");
            Response committed = asOps().post("/ops/in-doubt/mysql/" + xid.id() + "/commit?dryRun=false");

            rolledBack.then().statusCode(200);
            committed.then().statusCode(200);
            assertThat(rolledBack.<String>path("outcome")).isEqualTo("ROLLED_BACK");
            assertThat(committed.<String>path("outcome")).isEqualTo("COMMITTED");
            assertThat(RealBranches.isPrepared("postgres", xid)).as("PostgreSQL branch rolled back").isFalse();
            assertThat(RealBranches.isPrepared("mysql", xid)).as("MySQL branch committed").isFalse();
            assertThat(Sql.balance(postgresAccount)).as("the rolled back credit in PostgreSQL is undone").isEqualByComparingTo("10.00");
            assertThat(Sql.balance(mysqlAccount)).as("the committed credit in MySQL is applied").isEqualByComparingTo("11.00");
            assertThat(OpsAuditRows.of("postgres", xid.id()))
                    .containsExactly("ops ROLLBACK dryRun=false ROLLED_BACK FOREIGN_NODE node=crossbank-test");
            assertThat(OpsAuditRows.of("mysql", xid.id()))
                    .containsExactly("ops COMMIT dryRun=false COMMITTED FOREIGN_NODE node=crossbank-test");

            assertProblem(asOps().post("/ops/in-doubt/mysql/" + xid.id() + "/commit?dryRun=false"), 404, "in-doubt-branch-not-found");
            assertThat(OpsAuditRows.of("mysql", xid.id())).last().asString().contains("NOT_FOUND");
        }
    }

    @Test
    void aGidNoXaDriverWroteCanBeRolledBackByHand() throws Exception {
        String gid = "typed by hand " + new Uid().stringForm() + " it's";
        String id = "gid-" + HexFormat.of().formatHex(gid.getBytes(StandardCharsets.UTF_8));
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(gid, openAccount("postgres", "10.00"));
            awaitOlderThanMaxAge("postgres", id);

            Response rolledBack = asOps().post("/ops/in-doubt/postgres/" + id + "/rollback?dryRun=false");

            rolledBack.then().statusCode(200);
            assertThat(rolledBack.<String>path("statement")).isEqualTo("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
            assertThat(RealBranches.isPreparedInPostgres(gid)).isFalse();
            assertThat(OpsAuditRows.of("postgres", id)).containsExactly("ops ROLLBACK dryRun=false ROLLED_BACK FOREIGN_FORMAT node=crossbank-test");
        }
    }

    @Test
    void anOrphanOfThisNodeIsListedAsSuchAndLeftToRecovery() throws Exception {
        BranchXid xid = RealBranches.ofThisNode(new Uid());
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(xid, openAccount("postgres", "10.00"));
            // Past max-age, so the only reason left to refuse is that recovery owns it.
            awaitOlderThanMaxAge("postgres", xid.id());

            Map<String, Object> listed = listed("postgres", xid);
            assertThat(listed).as("this node's orphan in GET /ops/in-doubt (the profile keeps recovery off it)").isNotNull();
            assertThat(listed.get("nodeName")).isEqualTo("crossbank-test");
            assertThat(listed.get("classification")).isEqualTo("ORPHAN");
            assertThat(listed.get("manualResolution")).isEqualTo(false);

            Response attempt = asOps().post("/ops/in-doubt/postgres/" + xid.id() + "/rollback?dryRun=false");

            assertThat(assertProblem(attempt, 409, "recovery-will-resolve")).contains("ORPHAN");
            assertThat(OpsAuditRows.of("postgres", xid.id())).containsExactly("ops ROLLBACK dryRun=false REFUSED ORPHAN node=crossbank-test");
            assertThat(RealBranches.isPrepared("postgres", xid)).as("a refused rollback leaves the orphan prepared").isTrue();
        }
    }

    /** Waits until GET /ops/in-doubt shows the branch in doubt for longer than the profile's max age (1 s). */
    private static void awaitOlderThanMaxAge(String ledger, String id) {
        await("branch " + id + " of " + ledger + " to be in doubt for more than 1 s").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> ageSeconds(ledger, id) > 1);
    }

    private static long ageSeconds(String ledger, String id) {
        List<Map<String, Object>> branches = asOps().get("/ops/in-doubt").jsonPath().getList("branches");
        return branches.stream()
                .filter(b -> ledger.equals(b.get("ledger")) && id.equals(b.get("id")))
                .mapToLong(b -> ((Number) b.get("ageSeconds")).longValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("Branch " + id + " of " + ledger + " is not listed in GET /ops/in-doubt."));
    }
}
