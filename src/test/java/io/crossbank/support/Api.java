package io.crossbank.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The REST API as a client sees it. */
public final class Api {

    private Api() {
    }

    public static String openAccount(String ledger, String currency, String initialBalance) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("ledger", ledger, "owner", "test " + ledger, "currency", currency, "initialBalance", initialBalance))
                .post("/accounts")
                .then().statusCode(201)
                .extract().path("id");
    }

    public static String openAccount(String ledger, String initialBalance) {
        return openAccount(ledger, "EUR", initialBalance);
    }

    public static Response transfer(String from, String to, String amount) {
        return transferVia("/transfers", from, to, amount);
    }

    /** The same body to another path: the benchmark's transfer modes take it too. */
    public static Response transferVia(String path, String from, String to, String amount) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("from", from, "to", to, "amount", amount))
                .post(path);
    }

    public static Response transfer(String from, String to, String amount, String idempotencyKey) {
        return given().contentType(ContentType.JSON)
                .header("Idempotency-Key", idempotencyKey)
                .body(Map.of("from", from, "to", to, "amount", amount))
                .post("/transfers");
    }

    public static BigDecimal balance(String accountId) {
        return new BigDecimal(given().get("/accounts/" + accountId).then().statusCode(200).extract().<String>path("balance"));
    }

    /**
     * The value of one series in /q/metrics (Prometheus text), named by its name and the start of its labels, e.g.
     * {@code crossbank_transfers_seconds_count{outcome="committed",route="cross-ledger"}; 0 when the series does not
     * exist yet (a counter that has not counted anything).
     */
    public static double metric(String seriesPrefix) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith(seriesPrefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Asserts an application/problem+json answer with this status and type suffix; returns its detail. */
    public static String assertProblem(Response response, int status, String type) {
        assertThat(response.statusCode()).as("HTTP status of %s", response.body().asString()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.<String>path("type")).isEqualTo("urn:crossbank:problem:" + type);
        assertThat(response.<Integer>path("status")).isEqualTo(status);
        assertThat(response.<String>path("title")).isNotBlank();
        String detail = response.path("detail");
        assertThat(detail).isNotBlank().doesNotContain("Exception").doesNotContain("java.").doesNotContain("\tat ");
        return detail;
    }
}
