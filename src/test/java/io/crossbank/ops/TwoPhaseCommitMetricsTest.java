package io.crossbank.ops;

import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class TwoPhaseCommitMetricsTest {

    @Test
    void inDoubtGaugesAndNarayanaCountersArePublished() {
        String metrics = scrape();
        assertThat(metrics)
                .contains("crossbank_in_doubt_branches{ledger=\"postgres\"}")
                .contains("crossbank_in_doubt_branches{ledger=\"mysql\"}")
                .contains("crossbank_in_doubt_oldest_seconds{ledger=\"postgres\"}")
                .contains("crossbank_in_doubt_oldest_seconds{ledger=\"mysql\"}")
                .contains("crossbank_transactions_rolled_back_total")
                .contains("crossbank_transactions_timed_out_total")
                .contains("crossbank_transactions_heuristic_total")
                .contains("crossbank_recovery_passes_total");
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
