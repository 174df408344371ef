package io.crossbank.ops;

import static io.crossbank.support.Api.metric;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.arjuna.ats.arjuna.common.Uid;

import io.crossbank.ops.indoubt.BranchXid;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class TwoPhaseCommitMetricsTest {

    private static final String BRANCHES = "crossbank_in_doubt_branches";
    private static final String OLDEST = "crossbank_in_doubt_oldest_seconds";

    @Test
    void inDoubtGaugesFollowPreparedBranchesAndRecoveryPassesAreCounted() throws Exception {
        double passesBefore = metric("crossbank_recovery_passes_total");
        // The gauges read a scan cached for up to crossbank.in-doubt.scan-interval (5 s): start from a fresh zero.
        awaitGauges("nothing in doubt before the test", 0, 0);
        BranchXid xid = RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid());
        try (RealBranches branches = new RealBranches()) {
            branches.preparePostgres(xid, openAccount("postgres", "10.00"));
            branches.prepareMysql(xid, openAccount("mysql", "10.00"));

            awaitGauges("the two new branches counted", 1, 1);
            await("the PostgreSQL branch's age to be published").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> metric(OLDEST + "{ledger=\"postgres\"}"), age -> age >= 1);
        }
        awaitGauges("the two rolled back branches dropped", 0, 0);
        assertThat(metric(OLDEST + "{ledger=\"postgres\"}")).as("The oldest age is 0 once nothing is in doubt.").isZero();
        // A recovery pass every crossbank.recovery.period (5 s); the waits above took at least two scan-intervals.
        await("the recovery pass counter to move").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> metric("crossbank_recovery_passes_total"), passes -> passes > passesBefore);
    }

    private static void awaitGauges(String what, int postgres, int mysql) {
        await(what + " by " + BRANCHES).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> metric(BRANCHES + "{ledger=\"postgres\"}") == postgres && metric(BRANCHES + "{ledger=\"mysql\"}") == mysql);
    }

    @Test
    void narayanaStatisticsCountCommitsAndRollbacks() {
        String before = scrape();
        String from = openAccount("postgres", "10.00");
        String to = openAccount("mysql", "0.00");
        transfer(from, to, "1.00").then().statusCode(201);
        transfer(from, to, "100.00").then().statusCode(422);
        String after = scrape();
        assertThat(value(after, "crossbank_transactions_committed_total"))
                .as("TxStats counts the cross-ledger transfer and the two account openings once enabled")
                .isGreaterThanOrEqualTo(value(before, "crossbank_transactions_committed_total") + 3);
        assertThat(value(after, "crossbank_transactions_rolled_back_total"))
                .as("TxStats counts the transfer rolled back for insufficient funds")
                .isGreaterThanOrEqualTo(value(before, "crossbank_transactions_rolled_back_total") + 1);
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s in /q/metrics", name).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
