package io.crossbank.bench;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.balance;
import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** In any run the benchmark did not start, its endpoints do not exist: a valid transfer to them is a 404. */
@QuarkusTest
class BenchSwitchedOffTest {

    @ParameterizedTest
    @ValueSource(strings = { "/bench/baseline-transfers", "/bench/xa-jdbc-transfers", "/bench/echo-transfers" })
    void answersNotFound(String path) {
        String a = openAccount("postgres", "10.00");
        String b = openAccount("mysql", "10.00");
        assertProblem(given().contentType(ContentType.JSON).body(Map.of("from", a, "to", b, "amount", "1.00")).post(path), 404,
                "not-found");
        assertThat(balance(a)).isEqualByComparingTo("10.00");
        assertThat(balance(b)).isEqualByComparingTo("10.00");
    }
}
