package io.crossbank.ops.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The console page as HTTP sees it: who may load it, the headers that keep it from running anything but its own
 * script, and the origin check that keeps another site from acting with the operator's cached credentials, while API
 * clients (no Origin) act as before.
 */
@QuarkusTest
class ConsolePageTest {

    private static RequestSpecification ops() {
        return given().auth().preemptive().basic("ops", "ops");
    }

    @Test
    void thePageLoadsOnlyItsOwnScriptAndStyleSheet() {
        Response page = ops().get("/ops/console");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        String html = page.body().asString();
        assertThat(html).contains("<script src=\"/ops/console/console.js\" defer></script>")
                .contains("<link rel=\"stylesheet\" href=\"/ops/console/console.css\">");
        assertThat(html).as("no inline script, style or handler").doesNotContain("<script>").doesNotContain("<style")
                .doesNotContain(" style=").doesNotContain(" onclick=");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/ops/console", "/ops/console/console.js", "/ops/console/console.css" })
    void thePageAndItsAssetsCarryTheSecurityHeaders(String path) {
        Response response = ops().get(path);
        assertThat(response.statusCode()).isEqualTo(200);
        String csp = response.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'none'").contains("script-src 'self'").contains("style-src 'self'")
                .contains("connect-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/ops/console", "/ops/console/console.js" })
    void withoutCredentialsTheBrowserIsAskedForThem(String path) {
        Response response = given().get(path);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).as("the basic challenge makes the browser prompt").startsWithIgnoringCase("basic");
    }

    @Test
    void aUserWithNeitherRoleIsToldWhichRolesMay() {
        Response response = given().auth().preemptive().basic("stranger", "stranger").get("/ops/console");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body().asString()).contains("role 'ops'").contains("'viewer'");
        Response script = given().auth().preemptive().basic("stranger", "stranger").get("/ops/console/console.js");
        assertThat(script.statusCode()).isEqualTo(403);
        assertThat(script.contentType()).startsWith("application/problem+json");
    }

    @ParameterizedTest
    @ValueSource(strings = { "application/x-www-form-urlencoded", "text/plain" })
    void aFormPostedFromAnotherSiteIsRefusedDespiteTheCredentials(String contentType) {
        Response response = ops().header("Origin", "https://evil.example").contentType(contentType).body("").post("/ops/recovery");
        assertThat(response.statusCode()).as("a forged cross-site POST is stopped by the origin check").isEqualTo(403);
    }

    @Test
    void aFetchFromAnotherOriginIsRefused() {
        ops().header("Origin", "http://localhost:1").post("/ops/in-doubt/postgres/131077-00-00/commit?dryRun=false").then().statusCode(403);
    }

    @Test
    void anActionFromThisOriginRuns() {
        ops().header("Origin", "http://localhost:" + RestAssured.port).post("/ops/recovery").then().statusCode(200);
    }

    @Test
    void anApiClientWithoutOriginActsAsBefore() {
        ops().post("/ops/recovery").then().statusCode(200);
        ops().post("/ops/in-doubt/postgres/131077-00-00/commit").then().statusCode(404);
    }
}
