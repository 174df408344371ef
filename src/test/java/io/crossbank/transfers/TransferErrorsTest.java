package io.crossbank.transfers;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Every rejected transfer answers with problem+json and leaves both databases exactly as they were. */
@QuarkusTest
class TransferErrorsTest {

    private String postgresAccount;
    private String mysqlAccount;

    @BeforeEach
    void accounts() {
        postgresAccount = openAccount("postgres", "20.00");
        mysqlAccount = openAccount("mysql", "20.00");
    }

    @AfterEach
    void nothingWasWritten() {
        assertThat(Sql.balance(postgresAccount)).as("postgres balance").isEqualByComparingTo("20.00");
        assertThat(Sql.balance(mysqlAccount)).as("mysql balance").isEqualByComparingTo("20.00");
        assertThat(Sql.journalRowsOfAccount(postgresAccount)).as("postgres journal rows").isZero();
        assertThat(Sql.journalRowsOfAccount(mysqlAccount)).as("mysql journal rows").isZero();
        assertThat(Sql.preparedBranches()).as("prepared branches").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "0.00", "-1.00", "1.001", "12.345", "1e3", "abc", "", " 1.00", "1,00", "0x10", "NaN",
            "1000000000.01", "99999999999999999999999999999" })
    void invalidAmountIsRejected(String amount) {
        String detail = assertProblem(transfer(postgresAccount, mysqlAccount, amount), 400, "invalid-request");
        assertThat(detail).contains("amount");
    }

    @Test
    void missingFieldsAreNamed() {
        Response response = given().contentType(ContentType.JSON).body(Map.of("from", postgresAccount)).post("/transfers");
        String detail = assertProblem(response, 400, "invalid-request");
        assertThat(detail).contains("to").contains("amount");
    }

    @Test
    void sameAccountOnBothSidesIsRejected() {
        assertThat(assertProblem(transfer(postgresAccount, postgresAccount, "1.00"), 400, "invalid-request")).contains("same");
    }

    @Test
    void malformedJsonIsRejected() {
        Response response = given().contentType(ContentType.JSON).body("{\"from\": ").post("/transfers");
        assertThat(assertProblem(response, 400, "invalid-request")).contains("JSON");
    }

    @Test
    void bodyOfTheWrongShapeIsRejected() {
        assertProblem(given().contentType(ContentType.JSON).body("[1, 2]").post("/transfers"), 400, "invalid-request");
        assertProblem(given().contentType(ContentType.JSON).body("{\"from\": {}, \"to\": \"x\", \"amount\": \"1\"}").post("/transfers"),
                400, "invalid-request");
        assertProblem(given().contentType(ContentType.JSON).post("/transfers"), 400, "invalid-request");
    }

    @Test
    void wrongMediaTypeIsRejected() {
        Response response = given().contentType(ContentType.TEXT).body("from=a&to=b").post("/transfers");
        assertProblem(response, 415, "unsupported-media-type");
    }

    @Test
    void invalidIdempotencyKeyIsRejected() {
        assertProblem(transfer(postgresAccount, mysqlAccount, "1.00", "has spaces"), 400, "invalid-request");
        assertProblem(transfer(postgresAccount, mysqlAccount, "1.00", "k".repeat(201)), 400, "invalid-request");
    }

    @Test
    void unknownAccountIsNotFound() {
        assertProblem(transfer(postgresAccount, "my-00000000-0000-0000-0000-000000000000", "1.00"), 404, "account-not-found");
        assertProblem(transfer("pg-00000000-0000-0000-0000-000000000000", mysqlAccount, "1.00"), 404, "account-not-found");
        assertProblem(transfer("pg-" + "0".repeat(8) + "-0000-4000-8000-" + "0".repeat(12), mysqlAccount, "1.00"), 404, "account-not-found");
        assertProblem(given().get("/transfers/00000000-0000-0000-0000-000000000000"), 404, "transfer-not-found");
        assertProblem(given().get("/transfers?account=pg-00000000-0000-4000-8000-000000000000"), 404, "account-not-found");
    }

    @Test
    void insufficientFundsIsUnprocessable() {
        assertThat(assertProblem(transfer(postgresAccount, mysqlAccount, "20.01"), 422, "insufficient-funds")).contains(postgresAccount);
        assertProblem(transfer(mysqlAccount, postgresAccount, "20.01"), 422, "insufficient-funds");
        assertProblem(transfer(mysqlAccount, openAccount("mysql", "0.00"), "20.01"), 422, "insufficient-funds");
    }

    @Test
    void currencyMismatchIsUnprocessable() {
        String dollars = openAccount("mysql", "USD", "50.00");
        assertThat(assertProblem(transfer(postgresAccount, dollars, "1.00"), 422, "currency-mismatch")).contains("EUR").contains("USD");
        assertThat(Sql.balance(dollars)).isEqualByComparingTo("50.00");
    }

    @Test
    void listingNeedsAnAccountAndValidPaging() {
        assertProblem(given().get("/transfers"), 400, "invalid-request");
        assertProblem(given().get("/transfers?account=" + postgresAccount + "&size=0"), 400, "invalid-request");
        assertProblem(given().get("/transfers?account=" + postgresAccount + "&page=x"), 400, "invalid-request");
    }

    @Test
    void unknownPathsAndMethodsAreProblems() {
        assertProblem(given().get("/nowhere"), 404, "not-found");
        assertProblem(given().delete("/transfers"), 405, "method-not-allowed");
    }
}
