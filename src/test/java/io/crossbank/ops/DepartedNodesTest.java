package io.crossbank.ops;

import static io.crossbank.ops.InDoubtApiTest.asOps;
import static io.crossbank.support.Api.metric;
import static io.crossbank.support.Api.openAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.arjuna.ats.arjuna.common.Uid;

import io.crossbank.ops.indoubt.BranchXid;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * With the file object store (the tests' default) a departed node's branches cannot be adopted: its log is on its own
 * volume. GET /ops/nodes and crossbank_departed_node_branches{node} name the node and what it stranded.
 */
@QuarkusTest
class DepartedNodesTest {

    private static final String GONE = "crossbank-gone";
    private static final String METRIC = "crossbank_departed_node_branches{node=\"" + GONE + "\"}";

    @Test
    void aNodeWithBranchesButNoLiveLeaseIsNamedWithItsBranchesAndNotAdopted() throws Exception {
        BranchXid xid = RealBranches.ofNode(GONE, new Uid());
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(xid, openAccount("postgres", "10.00"));
            branches.prepareMysql(xid, openAccount("mysql", "10.00"));

            await("crossbank-gone in GET /ops/nodes").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> departed() != null);
            Map<String, Object> departed = departed();
            assertThat(departed).containsEntry("branches", 2).containsEntry("adoptable", false).containsEntry("lease", "none");
            assertThat(departed.get("branchesByLedger")).isEqualTo(Map.of("postgres", 1, "mysql", 1));
            assertThat((String) departed.get("explanation")).contains("bring it back");
            assertThat(asOps().get("/ops/nodes").<String>path("objectStore")).isEqualTo("file");
            assertThat(metric(METRIC)).as(METRIC).isEqualTo(2.0);
            assertThat(RealBranches.isPrepared("postgres", xid)).as("the departed node's branch, left alone").isTrue();
        }
        await("crossbank-gone gone from GET /ops/nodes once its branches are resolved").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200)).until(() -> departed() == null);
        assertThat(metric(METRIC)).as(METRIC + " once resolved").isZero();
    }

    private static Map<String, Object> departed() {
        JsonPath nodes = asOps().get("/ops/nodes").then().statusCode(200).extract().jsonPath();
        return nodes.getMap("departed.find { it.node == '" + GONE + "' }");
    }
}
