package io.crossbank.recovery;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ReadinessTest {

    @Test
    void readinessReportsEveryXaPrerequisite() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("XA preflight"))
                .body("checks.find { it.name == 'XA preflight' }.data.'postgres max_prepared_transactions'", startsWith("OK"))
                .body("checks.find { it.name == 'XA preflight' }.data.'mysql version'", startsWith("OK"))
                .body("checks.find { it.name == 'XA preflight' }.data.'mysql XA RECOVER'", startsWith("OK"))
                .body("checks.find { it.name == 'XA preflight' }.data.'transaction manager node name'", startsWith("OK"))
                .body("checks.find { it.name == 'XA preflight' }.data.'object store'", startsWith("OK"))
                .body("checks.find { it.name == 'XA preflight' }.data.'participant record names'", startsWith("OK"));
    }
}
