package io.crossbank;

import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The packaged jar, started as a process against two empty databases, creates its schema and serves. How it answers
 * when a ledger is unreachable is {@link io.crossbank.problems.LedgerUnavailableIT}'s.
 */
class PackagedJarIT {

    private static final String DATABASE = "crossbank_it_jar";
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    @BeforeAll
    static void startOnEmptyDatabases() {
        RestAssured.port = APPS.app("crossbank-it-jar").start().port();
    }

    @Test
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

    /** .ci/run lints the document the build stored; that must be the one the packaged app serves. */
    @Test
    void servesTheOpenApiDocumentTheBuildStoredForTheLinter() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode stored = json.readTree(Files.readString(Path.of("target/openapi/openapi.json")));
        JsonNode served = json.readTree(RestAssured.given().accept(ContentType.JSON).get("/q/openapi?format=json").asString());
        assertThat(served).as("The served /q/openapi equals target/openapi/openapi.json.").isEqualTo(stored);
    }
}
