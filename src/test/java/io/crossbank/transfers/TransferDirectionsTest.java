package io.crossbank.transfers;

import static io.crossbank.support.Api.balance;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.Api;
import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class TransferDirectionsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({ "postgres, mysql", "mysql, postgres", "postgres, postgres", "mysql, mysql" })
    void transferMovesExactlyTheAmountInBothDatabases(String fromLedger, String toLedger) {
        String from = openAccount(fromLedger, "100.00");
        String to = openAccount(toLedger, "5.50");

        Response response = transfer(from, to, "12.34");

        response.then().statusCode(201).header("Location", containsString("/transfers/"));
        String id = response.path("id");
        assertThat(response.<String>path("status")).isEqualTo("COMMITTED");
        assertThat(response.<String>path("amount")).isEqualTo("12.34");
        assertThat(response.<String>path("currency")).isEqualTo("EUR");
        assertThat(balance(from)).as("balance of %s through the API", from).isEqualByComparingTo("87.66");
        assertThat(balance(to)).as("balance of %s through the API", to).isEqualByComparingTo("17.84");
        assertThat(Sql.balance(from)).as("balance of %s in the %s database", from, fromLedger).isEqualByComparingTo("87.66");
        assertThat(Sql.balance(to)).as("balance of %s in the %s database", to, toLedger).isEqualByComparingTo("17.84");

        int postgresRows = Sql.journalRows("postgres", id);
        int mysqlRows = Sql.journalRows("mysql", id);
        assertThat(postgresRows).as("journal rows in postgres").isEqualTo(count("postgres", fromLedger, toLedger));
        assertThat(mysqlRows).as("journal rows in mysql").isEqualTo(count("mysql", fromLedger, toLedger));

        assertThat(Sql.transferRecord(fromLedger, id)).as("the transfer's record, in the debited ledger %s", fromLedger)
                .isEqualTo("XA COMMITTED");
        if (!fromLedger.equals(toLedger)) {
            assertThat(Sql.transferRecord(toLedger, id)).as("no record in the credited ledger %s", toLedger).isNull();
        }

        Response fetched = given().get("/transfers/" + id);
        fetched.then().statusCode(200);
        assertThat(fetched.<String>path("mode")).isEqualTo("xa");
        assertThat(fetched.<String>path("status")).isEqualTo("COMMITTED");
        assertThat(fetched.<String>path("from")).isEqualTo(from);
        assertThat(fetched.<String>path("to")).isEqualTo(to);
        assertThat(fetched.<String>path("createdAt")).isEqualTo(response.<String>path("createdAt"));
        assertThat(fetched.<List<Object>>path("entries")).hasSize(2);
        assertThat(given().get("/transfers?account=" + to).<List<String>>path("id")).containsExactly(id);
        assertThat(given().get("/transfers?account=" + to).<List<String>>path("mode")).containsExactly("xa");
        assertThat(given().get("/transfers?account=" + from).<List<String>>path("id")).containsExactly(id);
        assertThat(Sql.preparedBranches()).as("prepared branches left behind").isEmpty();
    }

    @Test
    void metricsCountTransfersByRouteAndOutcome() {
        String a = openAccount("postgres", "10.00");
        String b = openAccount("mysql", "10.00");
        String committed = "crossbank_transfers_seconds_count{outcome=\"committed\",route=\"cross-ledger\"";
        String rejected = "crossbank_transfers_seconds_count{outcome=\"rejected\",route=\"cross-ledger\"";
        String sameLedger = "crossbank_transfers_seconds_count{outcome=\"committed\",route=\"same-ledger\"";
        double committedBefore = Api.metric(committed);
        double rejectedBefore = Api.metric(rejected);
        double sameLedgerBefore = Api.metric(sameLedger);

        transfer(a, b, "1.00").then().statusCode(201);
        transfer(a, b, "1000.00").then().statusCode(422);
        transfer(a, b, "2.00").then().statusCode(201);

        assertThat(Api.metric(committed) - committedBefore).as("committed cross-ledger transfers counted").isEqualTo(2);
        assertThat(Api.metric(rejected) - rejectedBefore).as("rejected cross-ledger transfers counted").isEqualTo(1);
        assertThat(Api.metric(sameLedger) - sameLedgerBefore).as("no same-ledger transfer counted").isZero();
    }

    private static int count(String ledger, String fromLedger, String toLedger) {
        return (fromLedger.equals(ledger) ? 1 : 0) + (toLedger.equals(ledger) ? 1 : 0);
    }
}
