package io.crossbank.ops;

import static io.crossbank.support.Api.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Every /ops action is for role "ops" alone; reading /ops and the console for roles "ops" and "viewer". */
@QuarkusTest
class OpsSecurityTest {

    private static final String SOME_BRANCH = "131077-00-00";
    private static final String SOME_EVENT = "0b6f3c6e-6c4e-4b64-9d1a-6f1d2a0b7c11";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "GET, /ops/status", "GET, /ops/in-doubt", "POST, /ops/recovery", "POST, /ops/in-doubt/postgres/" + SOME_BRANCH + "/commit",
            "POST, /ops/in-doubt/mysql/" + SOME_BRANCH + "/rollback?dryRun=false", "GET, /ops/events",
            "POST, /ops/events/postgres/" + SOME_EVENT + "/redrive?dryRun=false", "GET, /ops/sagas",
            "POST, /ops/sagas/" + SOME_EVENT + "/redrive?dryRun=false", "POST, /ops/sagas/" + SOME_EVENT + "/compensate?dryRun=false",
            "POST, /ops/drain", "GET, /ops/nodes" })
    void withoutCredentialsTheAnswerIs401WithABasicChallenge(String method, String path) {
        Response response = call(given(), method, path);
        assertProblem(response, 401, "authentication-required");
        assertThat(response.header("WWW-Authenticate")).startsWith("Basic");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "GET, /ops/status", "GET, /ops/in-doubt", "POST, /ops/recovery", "POST, /ops/in-doubt/postgres/" + SOME_BRANCH + "/commit",
            "POST, /ops/in-doubt/mysql/" + SOME_BRANCH + "/rollback?dryRun=false", "GET, /ops/events",
            "POST, /ops/events/mysql/" + SOME_EVENT + "/redrive?dryRun=false&republish=true", "GET, /ops/sagas?state=stuck",
            "POST, /ops/sagas/" + SOME_EVENT + "/redrive", "POST, /ops/sagas/" + SOME_EVENT + "/compensate?dryRun=false",
            "GET, /ops/console", "POST, /ops/drain", "GET, /ops/nodes" })
    void aUserWithNeitherRoleGets403(String method, String path) {
        Response response = call(given().auth().preemptive().basic("stranger", "stranger"), method, path);
        assertThat(response.statusCode()).as("%s %s for a user without role: %s", method, path, response.body().asString()).isEqualTo(403);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "POST, /ops/recovery", "POST, /ops/in-doubt/postgres/" + SOME_BRANCH + "/commit",
            "POST, /ops/in-doubt/mysql/" + SOME_BRANCH + "/rollback?dryRun=false",
            "POST, /ops/events/mysql/" + SOME_EVENT + "/redrive?dryRun=false&republish=true",
            "POST, /ops/sagas/" + SOME_EVENT + "/redrive", "POST, /ops/sagas/" + SOME_EVENT + "/compensate?dryRun=false",
            "POST, /ops/drain" })
    void aViewerMayNotAct(String method, String path) {
        String detail = assertProblem(call(given().auth().preemptive().basic("viewer", "viewer"), method, path), 403, "forbidden");
        assertThat(detail).contains("role 'ops'");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "GET, /ops/status", "GET, /ops/in-doubt", "GET, /ops/events", "GET, /ops/sagas", "GET, /ops/sagas?state=stuck",
            "GET, /ops/nodes", "GET, /ops/console", "GET, /ops/console/console.js" })
    void aViewerMayRead(String method, String path) {
        Response response = call(given().auth().preemptive().basic("viewer", "viewer"), method, path);
        assertThat(response.statusCode()).as("%s %s for role viewer: %s", method, path, response.body().asString()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "GET, /ops/in-doubt", "POST, /ops/recovery", "POST, /ops/in-doubt/postgres/" + SOME_BRANCH + "/commit",
            "GET, /ops/events", "GET, /ops/sagas", "POST, /ops/sagas/" + SOME_EVENT + "/compensate" })
    void aWrongPasswordGets401(String method, String path) {
        Response response = call(given().auth().preemptive().basic("ops", "not-the-password"), method, path);
        assertThat(response.statusCode()).isEqualTo(401);
    }

    private static Response call(RequestSpecification request, String method, String path) {
        return method.equals("GET") ? request.get(path) : request.post(path);
    }
}
