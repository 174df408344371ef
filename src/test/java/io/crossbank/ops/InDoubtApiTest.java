package io.crossbank.ops;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;

import com.arjuna.ats.arjuna.common.Uid;
import com.mysql.cj.jdbc.MysqlXADataSource;

import io.crossbank.ops.indoubt.BranchXid;
import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** GET /ops/in-doubt, manual resolution and its audit, against real prepared branches in both databases. */
@QuarkusTest
class InDoubtApiTest {

    static RequestSpecification asOps() {
        return given().auth().preemptive().basic("ops", "ops");
    }

    static Map<String, Object> listed(String ledger, BranchXid xid) {
        Response response = asOps().get("/ops/in-doubt");
        response.then().statusCode(200);
        List<Map<String, Object>> branches = response.jsonPath().getList("branches");
        return branches.stream()
                .filter(b -> ledger.equals(b.get("ledger")) && xid.id().equals(b.get("id")))
                .findFirst()
                .orElse(null);
    }

    @Test
    void foreignBranchesOfBothLedgersAreListedDecodedAndLeftToTheirNode() throws Exception {
        Uid transaction = new Uid();
        BranchXid xid = RealBranches.ofNode(RealBranches.FOREIGN_NODE, transaction);
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(xid, openAccount("postgres", "10.00"));
            branches.prepareMysql(xid, openAccount("mysql", "10.00"));

            Map<String, Object> postgres = listed("postgres", xid);
            Map<String, Object> mysql = listed("mysql", xid);

            assertThat(postgres).as("the PostgreSQL branch in GET /ops/in-doubt").isNotNull();
            assertThat(mysql).as("the MySQL branch in GET /ops/in-doubt").isNotNull();
            for (Map<String, Object> branch : List.of(postgres, mysql)) {
                assertThat(branch.get("formatId")).isEqualTo(131077);
                assertThat(branch.get("globalTransactionId")).isEqualTo(xid.gtridHex());
                assertThat(branch.get("branchQualifier")).isEqualTo(xid.bqualHex());
                assertThat(branch.get("nodeName")).as("node name decoded from the Xid").isEqualTo(RealBranches.FOREIGN_NODE);
                assertThat(branch.get("transactionUid")).as("transaction Uid decoded from the Xid").isEqualTo(transaction.stringForm());
                assertThat(branch.get("classification")).isEqualTo("FOREIGN_NODE");
                assertThat(branch.get("manualResolution")).isEqualTo(true);
                assertThat(branch.get("inDoubtSince")).isNotNull();
                assertThat(((Number) branch.get("ageSeconds")).longValue()).isBetween(0L, 60L);
            }
            assertThat(postgres.get("postgresGid")).isEqualTo(xid.postgresGid());
            assertThat(postgres.get("owner")).as("PostgreSQL names the user that prepared the branch").isEqualTo("crossbank");
            assertThat(postgres.get("inDoubtSinceMeans")).isEqualTo("PREPARED");
            assertThat(mysql.get("inDoubtSinceMeans")).as("MySQL keeps no prepare time").isEqualTo("FIRST_SEEN_BY_THIS_INSTANCE");
            assertThat(asOps().get("/ops/in-doubt").<String>path("node")).isEqualTo("crossbank-test");
        }
        assertThat(RealBranches.isPrepared("postgres", xid)).isFalse();
        assertThat(RealBranches.isPrepared("mysql", xid)).isFalse();
    }

    @Test
    void theDriversRecoverTheXidsTheListDecodes() throws Exception {
        BranchXid xid = RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid());
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(xid, openAccount("postgres", "10.00"));
            branches.prepareMysql(xid, openAccount("mysql", "10.00"));

            PGXADataSource postgres = new PGXADataSource();
            postgres.setUrl(Sql.postgresUrl(Sql.DATABASE));
            MysqlXADataSource mysql = new MysqlXADataSource();
            mysql.setUrl(Sql.mysqlUrl(Sql.DATABASE));
            assertThat(recovered(postgres)).as("pgjdbc's XAResource.recover() reads the gid built like pgjdbc builds it").contains(xid);
            assertThat(recovered(mysql)).as("Connector/J's XAResource.recover() finds the same Xid").contains(xid);
        }
    }

    @Test
    void dryRunIsTheDefaultChangesNothingAndIsAudited() throws Exception {
        BranchXid xid = RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid());
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(xid, openAccount("postgres", "10.00"));
            branches.prepareMysql(xid, openAccount("mysql", "10.00"));

            Response postgres = asOps().post("/ops/in-doubt/postgres/" + xid.id() + "/commit");
            Response mysql = asOps().post("/ops/in-doubt/mysql/" + xid.id() + "/rollback?dryRun=true");

            postgres.then().statusCode(200);
            mysql.then().statusCode(200);
            assertThat(postgres.<String>path("outcome")).isEqualTo("DRY_RUN");
            assertThat(postgres.<String>path("statement")).isEqualTo("COMMIT PREPARED '" + xid.postgresGid() + "'");
            assertThat(mysql.<String>path("outcome")).isEqualTo("DRY_RUN");
            assertThat(mysql.<String>path("statement")).isEqualTo("XA ROLLBACK " + xid.mysqlXid());
            assertThat(RealBranches.isPrepared("postgres", xid)).as("PostgreSQL branch still prepared after a dry run").isTrue();
            assertThat(RealBranches.isPrepared("mysql", xid)).as("MySQL branch still prepared after a dry run").isTrue();
            assertThat(OpsAuditRows.of("postgres", xid.id()))
                    .containsExactly("ops COMMIT dryRun=true DRY_RUN FOREIGN_NODE node=crossbank-test");
            assertThat(OpsAuditRows.of("mysql", xid.id()))
                    .containsExactly("ops ROLLBACK dryRun=true DRY_RUN FOREIGN_NODE node=crossbank-test");
            assertThat(postgres.<Integer>path("auditId")).isNotNull();
        }
    }

    @Test
    void aYoungBranchOfAnotherNodeIsNotDecidedByHand() throws Exception {
        BranchXid xid = RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid());
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(xid, openAccount("postgres", "10.00"));

            Response attempt = asOps().post("/ops/in-doubt/postgres/" + xid.id() + "/rollback?dryRun=false");

            assertThat(assertProblem(attempt, 409, "in-doubt-too-recently")).contains("crossbank.in-doubt.max-age");
            assertThat(RealBranches.isPrepared("postgres", xid)).as("a refused rollback changes nothing").isTrue();
            assertThat(OpsAuditRows.of("postgres", xid.id()))
                    .containsExactly("ops ROLLBACK dryRun=false REFUSED FOREIGN_NODE node=crossbank-test");
        }
    }

    @Test
    void aGidNoXaDriverWroteIsListedAsForeignFormat() throws Exception {
        String gid = "typed by hand " + new Uid().stringForm() + " it's";
        String id = "gid-" + HexFormat.of().formatHex(gid.getBytes(StandardCharsets.UTF_8));
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(gid, openAccount("postgres", "10.00"));

            List<Map<String, Object>> listed = asOps().get("/ops/in-doubt").jsonPath().getList("branches");
            Map<String, Object> branch = listed.stream().filter(b -> id.equals(b.get("id"))).findFirst().orElse(null);
            assertThat(branch).as("the hand-made branch in GET /ops/in-doubt").isNotNull();
            assertThat(branch.get("postgresGid")).isEqualTo(gid);
            assertThat(branch.get("classification")).isEqualTo("FOREIGN_FORMAT");
            assertThat(branch).doesNotContainKeys("formatId", "nodeName", "transactionUid");

            assertThat(branch.get("manualResolution")).isEqualTo(true);
        }
    }

    @Test
    void unknownBranchesLedgersAndFlagsAreProblems() {
        BranchXid unknown = RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid());
        assertProblem(asOps().post("/ops/in-doubt/postgres/" + unknown.id() + "/commit"), 404, "in-doubt-branch-not-found");
        assertProblem(asOps().post("/ops/in-doubt/mysql/" + unknown.id() + "/rollback"), 404, "in-doubt-branch-not-found");
        assertProblem(asOps().post("/ops/in-doubt/oracle/" + unknown.id() + "/commit"), 404, "in-doubt-branch-not-found");
        assertProblem(asOps().post("/ops/in-doubt/postgres/not_an%20id/commit"), 404, "in-doubt-branch-not-found");
        assertProblem(asOps().post("/ops/in-doubt/postgres/" + "a".repeat(2000) + "/commit"), 404, "in-doubt-branch-not-found");
        assertProblem(asOps().post("/ops/in-doubt/postgres/" + unknown.id() + "/commit?dryRun=maybe"), 400, "invalid-request");
        assertProblem(asOps().post("/ops/in-doubt/postgres/" + unknown.id() + "/forget"), 404, "not-found");
        assertProblem(asOps().get("/ops/in-doubt/postgres/" + unknown.id() + "/commit"), 405, "method-not-allowed");
    }

    @Test
    void recoveryPassReportsTheListBeforeAndAfter() throws Exception {
        BranchXid xid = RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid());
        try (RealBranches branches = new RealBranches()) {
            branches.prepareMysql(xid, openAccount("mysql", "10.00"));

            Response report = asOps().post("/ops/recovery");

            report.then().statusCode(200);
            assertThat(report.jsonPath().getList("before.branches.id", String.class)).contains(xid.id());
            assertThat(report.jsonPath().getList("after.branches.id", String.class))
                    .as("recovery leaves another node's branch alone").contains(xid.id());
            assertThat(report.jsonPath().getList("resolved.id", String.class)).doesNotContain(xid.id());
            assertThat(RealBranches.isPrepared("mysql", xid)).isTrue();
        }
    }

    private static List<BranchXid> recovered(XADataSource dataSource) throws Exception {
        XAConnection connection = dataSource.getXAConnection("crossbank", "crossbank");
        try {
            Xid[] xids = connection.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            return Arrays.stream(xids).map(BranchXid::of).toList();
        } finally {
            connection.close();
        }
    }
}
