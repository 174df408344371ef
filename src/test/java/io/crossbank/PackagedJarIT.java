package io.crossbank;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Sql;
import io.crossbank.support.XaDatabases;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The packaged jar, started as a process against two empty databases, creates its schema and serves. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagedJarIT {

    private static final String DATABASE = "crossbank_it_jar";
    private static AppProcess app;

    @BeforeAll
    static void startOnEmptyDatabases() {
        Sql.recreateEmptyDatabases(DATABASE);
        app = AppProcess.onDatabase("crossbank-it-jar", DATABASE).start();
        RestAssured.port = app.port();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
        RestAssured.reset();
    }

    @Test
    @Order(1)
    void servesACrossLedgerTransferOnFreshDatabases() {
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");

        Response response = transfer(from, to, "25.00");

        response.then().statusCode(201);
        assertThat(Sql.balance(from, DATABASE)).as("postgres balance").isEqualByComparingTo("75.00");
        assertThat(Sql.balance(to, DATABASE)).as("mysql balance").isEqualByComparingTo("25.00");
        assertThat(Sql.journalRows("postgres", response.path("id"), DATABASE)).isEqualTo(1);
        assertThat(Sql.journalRows("mysql", response.path("id"), DATABASE)).isEqualTo(1);
    }

    @Test
    @Order(2)
    void unreachableLedgerGives503AndChangesNothing() throws Exception {
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");
        String local = openAccount("postgres", "0.00");

        XaDatabases.crashMysql();
        try {
            assertProblem(transfer(from, to, "10.00"), 503, "ledger-unavailable");
            transfer(from, local, "1.00").then().statusCode(201);
        } finally {
            XaDatabases.start();
        }

        assertThat(Sql.balance(from, DATABASE)).as("postgres side of the failed transfer").isEqualByComparingTo("99.00");
        assertThat(Sql.balance(to, DATABASE)).as("mysql side of the failed transfer").isEqualByComparingTo("0.00");
        assertThat(Sql.preparedBranches()).isEmpty();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 201) {
            status = transfer(from, to, "10.00").statusCode();
            assertThat(status).as("after the database is back: success or 503 while the pool reconnects").isIn(201, 503);
            if (status != 201) {
                Thread.sleep(500);
            }
        }
        assertThat(status).as("transfers flow again once the database is back").isEqualTo(201);
        assertThat(Sql.balance(to, DATABASE)).isEqualByComparingTo("10.00");
    }

    /** .ci/run lints the document the build stored; that must be the one the packaged app serves. */
    @Test
    @Order(3)
    void servesTheOpenApiDocumentTheBuildStoredForTheLinter() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode stored = json.readTree(Files.readString(Path.of("target/openapi/openapi.json")));
        JsonNode served = json.readTree(RestAssured.given().accept(ContentType.JSON).get("/q/openapi?format=json").asString());
        assertThat(served).as("The served /q/openapi equals target/openapi/openapi.json.").isEqualTo(stored);
    }
}
