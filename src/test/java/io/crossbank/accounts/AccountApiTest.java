package io.crossbank.accounts;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
class AccountApiTest {

    @ParameterizedTest
    @CsvSource({ "postgres, pg-", "mysql, my-" })
    void accountIsOpenedInTheChosenLedger(String ledger, String prefix) {
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of("ledger", ledger, "owner", "Ada", "currency", "EUR", "initialBalance", "100.5"))
                .post("/accounts");

        response.then().statusCode(201).header("Location", endsWith("/accounts/" + response.path("id")));
        String id = response.path("id");
        assertThat(id).startsWith(prefix);
        assertThat(response.<String>path("ledger")).isEqualTo(ledger);
        assertThat(response.<String>path("balance")).isEqualTo("100.50");
        assertThat(response.<String>path("createdAt")).isNotBlank();
        assertThat(Sql.balance(id)).as("balance in the %s database", ledger).isEqualByComparingTo("100.50");

        Response fetched = given().get("/accounts/" + id);
        assertThat(fetched.<String>path("owner")).isEqualTo("Ada");
        assertThat(fetched.<String>path("createdAt")).isEqualTo(response.<String>path("createdAt"));
    }

    @Test
    void initialBalanceDefaultsToZero() {
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of("ledger", "mysql", "owner", "Zed", "currency", "USD")).post("/accounts");
        assertThat(response.<String>path("balance")).isEqualTo("0.00");
    }

    @Test
    void unknownAccountIsNotFound() {
        assertProblem(given().get("/accounts/pg-00000000-0000-0000-0000-000000000000"), 404, "account-not-found");
        assertProblem(given().get("/accounts/whatever"), 404, "account-not-found");
    }

    @Test
    void accountsArePagedPerLedgerAndAcrossBoth() {
        String postgres = openAccount("postgres", "1.00");
        String mysql = openAccount("mysql", "1.00");
        long postgresTotal = given().get("/accounts?ledger=postgres&size=1").<Integer>path("total");
        long mysqlTotal = given().get("/accounts?ledger=mysql&size=1").<Integer>path("total");
        long total = given().get("/accounts?size=1").<Integer>path("total");
        assertThat(total).isEqualTo(postgresTotal + mysqlTotal);

        List<String> all = new java.util.ArrayList<>();
        for (int page = 0; page * 100 < total; page++) {
            all.addAll(given().get("/accounts?size=100&page=" + page).<List<String>>path("items.id"));
        }
        assertThat(all).hasSize((int) total).contains(postgres, mysql).isSorted().doesNotHaveDuplicates();
        assertThat(given().get("/accounts?ledger=postgres&size=100").<List<String>>path("items.ledger")).containsOnly("postgres");
    }

    @Test
    void ledgersSumUpAccountsAndMoney() {
        Response before = given().get("/ledgers").then().statusCode(200).extract().response();
        openAccount("postgres", "CHF", "3.00");
        openAccount("mysql", "CHF", "2.50");
        openAccount("mysql", "CHF", "0.25");
        Response after = given().get("/ledgers").then().statusCode(200).extract().response();

        assertThat(after.<List<String>>path("ledgers.ledger")).containsExactlyInAnyOrder("postgres", "mysql");
        assertThat(after.<Integer>path("accounts") - before.<Integer>path("accounts")).as("accounts opened in both ledgers").isEqualTo(3);
        assertThat(after.<Integer>path("ledgers.find { it.ledger == 'postgres' }.accounts")
                - before.<Integer>path("ledgers.find { it.ledger == 'postgres' }.accounts")).as("accounts opened in postgres").isEqualTo(1);
        assertThat(sum(after, "ledgers.find { it.ledger == 'postgres' }.balances.CHF")
                .subtract(sum(before, "ledgers.find { it.ledger == 'postgres' }.balances.CHF")))
                .as("CHF added to the postgres ledger").isEqualByComparingTo("3.00");
        assertThat(sum(after, "ledgers.find { it.ledger == 'mysql' }.balances.CHF")
                .subtract(sum(before, "ledgers.find { it.ledger == 'mysql' }.balances.CHF")))
                .as("CHF added to the mysql ledger").isEqualByComparingTo("2.75");
        assertThat(sum(after, "balances.CHF").subtract(sum(before, "balances.CHF"))).as("CHF added across both ledgers")
                .isEqualByComparingTo("5.75");
    }

    @Test
    void ledgersShowHeldMoneyApartFromBalances() throws SQLException {
        String from = openAccount("mysql", "SEK", "5.00");
        Response before = given().get("/ledgers").then().statusCode(200).extract().response();
        // What step 1 of a pending saga leaves: the amount moved from the balance into held.
        moveIntoHeld(from, "1.25");
        try {
            Response during = given().get("/ledgers").then().statusCode(200).extract().response();
            assertThat(sum(during, "ledgers.find { it.ledger == 'mysql' }.held.SEK")
                    .subtract(sum(before, "ledgers.find { it.ledger == 'mysql' }.held.SEK"))).as("held in the mysql ledger")
                    .isEqualByComparingTo("1.25");
            assertThat(sum(during, "held.SEK").subtract(sum(before, "held.SEK"))).as("held across both").isEqualByComparingTo("1.25");
            assertThat(sum(during, "balances.SEK").subtract(sum(before, "balances.SEK"))).as("no longer available")
                    .isEqualByComparingTo("-1.25");
            assertThat(sum(during, "balances.SEK").add(sum(during, "held.SEK")))
                    .as("balances plus held: the money is where it was").isEqualByComparingTo(sum(before, "balances.SEK").add(sum(before, "held.SEK")));
        } finally {
            moveIntoHeld(from, "-1.25");
        }
    }

    private static void moveIntoHeld(String account, String amount) throws SQLException {
        try (Connection c = Sql.ledgerOf(account, Sql.DATABASE);
                PreparedStatement s = c.prepareStatement("UPDATE account SET balance = balance - ?, held = held + ? WHERE id = ?")) {
            s.setBigDecimal(1, new BigDecimal(amount));
            s.setBigDecimal(2, new BigDecimal(amount));
            s.setString(3, account);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    /** A sum of the summary, 0 where the currency has no account yet. */
    private static BigDecimal sum(Response summary, String path) {
        String sum = summary.path(path);
        return sum == null ? BigDecimal.ZERO : new BigDecimal(sum);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "oracle, Ada, EUR, 1.00, ledger",
            "null, Ada, EUR, 1.00, ledger",
            "postgres, null, EUR, 1.00, owner",
            "postgres, ' ', EUR, 1.00, owner",
            "postgres, Ada, eur, 1.00, currency",
            "postgres, Ada, ABC, 1.00, currency",
            "postgres, Ada, null, 1.00, currency",
            "postgres, Ada, EUR, -1.00, initialBalance",
            "postgres, Ada, EUR, 1.001, initialBalance",
            "postgres, Ada, EUR, lots, initialBalance",
            "mysql, Ada, EUR, 1000000000.01, initialBalance" })
    void invalidAccountIsRejected(String ledger, String owner, String currency, String balance, String field) {
        Map<String, String> body = new HashMap<>();
        body.put("ledger", ledger);
        body.put("owner", owner);
        body.put("currency", currency);
        body.put("initialBalance", balance);
        long before = given().get("/accounts?size=1").<Integer>path("total");

        String detail = assertProblem(given().contentType(ContentType.JSON).body(body).post("/accounts"), 400, "invalid-request");

        assertThat(detail).contains(field);
        assertThat(given().get("/accounts?size=1").<Integer>path("total")).as("accounts after a rejected request").isEqualTo((int) before);
    }

    @Test
    void badPagingIsRejected() {
        assertProblem(given().get("/accounts?ledger=db2"), 400, "invalid-request");
        assertProblem(given().get("/accounts?size=101"), 400, "invalid-request");
        assertProblem(given().get("/accounts?page=-1"), 400, "invalid-request");
    }

    @Test
    void openApiIsServed() {
        given().get("/q/openapi").then().statusCode(200);
    }
}
