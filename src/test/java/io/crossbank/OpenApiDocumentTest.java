package io.crossbank;

import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.crossbank.problems.ProblemType;
import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The OpenAPI document (/q/openapi) says what the API does: every operation with its real success status and
 * headers, each error it can answer as a problem, its security, and examples that fit their own schemas. Answers
 * of the running service are checked against the document too.
 */
@QuarkusTest
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final Pattern AMOUNT = Pattern.compile(io.crossbank.ledger.Amounts.PATTERN);

    private static JsonNode document;

    /** Every operation of the API, with the statuses it really answers (see the resources and ProblemMappers). */
    record Operation(String method, String path, boolean ops, int success, Set<String> successHeaders, Set<Integer> errors,
            Set<Integer> otherSuccesses, Set<String> optionalHeaders) {

        Operation(String method, String path, boolean ops, int success, Set<String> successHeaders, Set<Integer> errors) {
            this(method, path, ops, success, successHeaders, errors, Set.of(), Set.of());
        }

        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    static Stream<Operation> operations() {
        return Stream.of(
                new Operation("post", "/accounts", false, 201, Set.of("Location"), Set.of(400, 401, 406, 413, 415, 500, 503)),
                new Operation("get", "/accounts/{id}", false, 200, Set.of(), Set.of(401, 404, 406, 500, 503)),
                new Operation("get", "/accounts", false, 200, Set.of(), Set.of(400, 401, 406, 500, 503)),
                new Operation("post", "/accounts/{id}/freeze", true, 200, Set.of(), Set.of(401, 403, 404, 406, 500, 503)),
                new Operation("post", "/accounts/{id}/unfreeze", true, 200, Set.of(), Set.of(401, 403, 404, 406, 500, 503)),
                // 202: a saga not ended within the wait; Preference-Applied only when the request's Prefer asked for a wait
                new Operation("post", "/transfers", false, 201, Set.of("Location", "Idempotent-Replayed"),
                        Set.of(400, 401, 404, 406, 409, 413, 415, 422, 500, 503), Set.of(202), Set.of("Preference-Applied")),
                new Operation("get", "/transfers/{id}", false, 200, Set.of(), Set.of(401, 404, 406, 500, 503)),
                new Operation("get", "/transfers", false, 200, Set.of(), Set.of(400, 401, 404, 406, 500, 503)),
                new Operation("get", "/ledgers", false, 200, Set.of(), Set.of(401, 406, 500, 503)),
                new Operation("get", "/ops/status", true, 200, Set.of(), Set.of(401, 403, 406, 500)),
                new Operation("get", "/ops/in-doubt", true, 200, Set.of(), Set.of(401, 403, 406, 500)),
                new Operation("post", "/ops/recovery", true, 200, Set.of(), Set.of(401, 403, 406, 409, 500)),
                new Operation("post", "/ops/in-doubt/{ledger}/{id}/commit", true, 200, Set.of(),
                        Set.of(400, 401, 403, 404, 406, 409, 500, 503)),
                new Operation("post", "/ops/in-doubt/{ledger}/{id}/rollback", true, 200, Set.of(),
                        Set.of(400, 401, 403, 404, 406, 409, 500, 503)),
                new Operation("get", "/ops/events", true, 200, Set.of(), Set.of(400, 401, 403, 406, 500)),
                new Operation("post", "/ops/events/{ledger}/{id}/redrive", true, 200, Set.of(),
                        Set.of(400, 401, 403, 404, 406, 409, 500, 503)),
                new Operation("get", "/ops/sagas", true, 200, Set.of(), Set.of(400, 401, 403, 406, 500)),
                new Operation("post", "/ops/sagas/{id}/redrive", true, 200, Set.of(), Set.of(400, 401, 403, 404, 406, 409, 500, 503)),
                new Operation("post", "/ops/sagas/{id}/compensate", true, 200, Set.of(), Set.of(400, 401, 403, 404, 406, 409, 500, 503)),
                new Operation("post", "/ops/drain", true, 200, Set.of(), Set.of(401, 403, 406, 500)),
                new Operation("get", "/ops/nodes", true, 200, Set.of(), Set.of(401, 403, 406, 500)));
    }

    @Test
    void documentsEveryOperationOfTheApiAndNothingElse() {
        Set<String> documented = new TreeSet<>();
        document().get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
        Set<String> expected = new TreeSet<>(operations().map(Operation::toString).toList());
        assertThat(documented).as("The operations of the document are those of the API; the benchmark's /bench/* stay hidden.")
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void documentsTheRealSuccessStatusWithItsSchemaAndHeaders(Operation operation) {
        JsonNode responses = operation(operation).get("responses");
        List<String> successes = iterable(responses.fieldNames()).stream().filter(code -> code.startsWith("2")).toList();
        Set<String> expected = new TreeSet<>(Set.of(String.valueOf(operation.success())));
        operation.otherSuccesses().forEach(code -> expected.add(String.valueOf(code)));
        assertThat(successes).as("%s documents its success statuses, %s.", operation, expected).containsExactlyInAnyOrderElementsOf(expected);
        for (String code : expected) {
            JsonNode success = resolve(responses.get(code));
            JsonNode schema = success.path("content").path("application/json").path("schema");
            assertThat(schema.has("$ref") || schema.path("items").has("$ref"))
                    .as("%s documents the schema of its %s answer, got %s.", operation, code, schema).isTrue();
            Set<String> headers = new HashSet<>();
            success.path("headers").fieldNames().forEachRemaining(headers::add);
            Set<String> documented = new HashSet<>(operation.successHeaders());
            documented.addAll(operation.optionalHeaders());
            assertThat(headers).as("%s documents exactly these headers on its %s answer.", operation, code).isEqualTo(documented);
            for (String header : headers) {
                assertThat(success.path("headers").path(header).path("required").asBoolean())
                        .as("%s sends header %s %s, so the document marks it so.", operation, header,
                                operation.successHeaders().contains(header) ? "always" : "only sometimes")
                        .isEqualTo(operation.successHeaders().contains(header));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void documentsEveryErrorStatusAsAProblem(Operation operation) {
        JsonNode responses = operation(operation).get("responses");
        Set<Integer> errors = new TreeSet<>();
        responses.fieldNames().forEachRemaining(code -> {
            if (!code.startsWith("2")) {
                errors.add(Integer.parseInt(code));
            }
        });
        assertThat(errors).as("%s documents exactly the error statuses it can answer.", operation).isEqualTo(operation.errors());
        for (int status : errors) {
            JsonNode response = resolve(responses.get(String.valueOf(status)));
            assertThat(response.path("description").asText()).as("%s %d has a description.", operation, status).isNotBlank();
            JsonNode content = response.path("content");
            assertThat(iterable(content.fieldNames())).as("%s %d is application/problem+json only.", operation, status)
                    .containsExactly(PROBLEM_JSON);
            assertThat(content.path(PROBLEM_JSON).path("schema").path("$ref").asText())
                    .as("%s %d has the Problem schema.", operation, status).isEqualTo("#/components/schemas/Problem");
            JsonNode retryAfter = response.path("headers").path("Retry-After");
            if (status == 503) {
                assertThat(retryAfter.path("required").asBoolean()).as("%s 503 always carries Retry-After.", operation).isTrue();
                assertThat(retryAfter.path("schema").path("type").asText()).as("Retry-After is a number of seconds.")
                        .isEqualTo("integer");
            } else {
                assertThat(retryAfter.isMissingNode()).as("%s %d carries no Retry-After.", operation, status).isTrue();
            }
            if (status == 401) {
                assertThat(response.path("headers").path("WWW-Authenticate").path("required").asBoolean())
                        .as("%s 401 carries the basic challenge.", operation).isTrue();
            }
        }
    }

    @Test
    void theProblemSchemaHasTheFourMembersOfEveryErrorBody() {
        JsonNode problem = document().at("/components/schemas/Problem");
        assertThat(iterable(problem.get("required").elements()).stream().map(JsonNode::asText).toList())
                .as("A problem always has type, title, status and detail.").containsExactlyInAnyOrder("type", "title", "status", "detail");
        assertThat(problem.at("/properties/status/type").asText()).as("status is the HTTP status, a number.").isEqualTo("integer");
        for (ProblemType type : ProblemType.values()) {
            assertThat(schemaPattern(problem.at("/properties/type/pattern").asText()).matcher(type.type().toString()).find())
                    .as("The documented pattern of type admits %s.", type.type()).isTrue();
        }
    }

    @Test
    void everyProblemTypeAnOperationCanAnswerIsDocumentedUnderItsStatus() {
        // Answers for a path or method that does not exist belong to no operation.
        Set<ProblemType> undocumented = EnumSet.allOf(ProblemType.class);
        undocumented.removeAll(Set.of(ProblemType.NOT_FOUND, ProblemType.METHOD_NOT_ALLOWED));
        document().get("components").get("responses").fields().forEachRemaining(response -> response.getValue()
                .path("content").path(PROBLEM_JSON).path("examples").forEach(example -> {
                    JsonNode value = example.get("value");
                    ProblemType type = problemType(value.get("type").asText());
                    assertThat(value.get("status").asInt()).as("Example %s has its problem type's status.", example)
                            .isEqualTo(type.status());
                    assertThat(value.get("title").asText()).as("Example %s has its problem type's title.", example)
                            .isEqualTo(type.title());
                    undocumented.remove(type);
                }));
        assertThat(undocumented).as("Every problem type has an example in the document's responses.").isEmpty();
        operations().forEach(operation -> operation(operation).get("responses").fields().forEachRemaining(entry -> resolve(entry.getValue())
                .path("content").path(PROBLEM_JSON).path("examples").forEach(example -> assertThat(example.at("/value/status").asText())
                        .as("Under status %s, %s documents only problems of that status.", entry.getKey(), operation)
                        .isEqualTo(entry.getKey()))));
    }

    @Test
    void operationIdsArePresentUniqueAndEachOperationHasASummaryAndADefinedTag() {
        Set<String> tags = new HashSet<>();
        document().get("tags").forEach(tag -> tags.add(tag.get("name").asText()));
        List<String> ids = new ArrayList<>();
        operations().forEach(operation -> {
            JsonNode node = operation(operation);
            assertThat(node.path("operationId").asText()).as("%s has an operationId.", operation).isNotBlank();
            assertThat(node.path("summary").asText()).as("%s has a summary.", operation).isNotBlank();
            assertThat(node.path("tags")).as("%s has one tag.", operation).hasSize(1);
            assertThat(tags).as("%s's tag is declared with a description.", operation).contains(node.at("/tags/0").asText());
            ids.add(node.get("operationId").asText());
        });
        assertThat(ids).as("Operation ids are unique.").doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void opsOperationsNeedBasicCredentialsAndPublicOnesDeclareNoSecurity(Operation operation) {
        JsonNode security = operation(operation).get("security");
        assertThat(security).as("%s declares its security.", operation).isNotNull();
        if (operation.ops()) {
            assertThat(security.toString()).as("%s needs the ops basic credentials.", operation).isEqualTo("[{\"opsBasic\":[]}]");
        } else {
            assertThat(security.isArray() && security.isEmpty()).as("%s is public: an empty security list.", operation).isTrue();
        }
        assertThat(document().has("security")).as("No document-wide security: each operation declares its own.").isFalse();
        JsonNode scheme = document().at("/components/securitySchemes/opsBasic");
        assertThat(scheme.path("type").asText() + " " + scheme.path("scheme").asText()).as("opsBasic is HTTP basic.")
                .isEqualTo("http basic");
    }

    @Test
    void idempotencyKeyIsAnOptionalHeaderOfPostTransfers() {
        JsonNode header = parameter(operation("post", "/transfers"), "Idempotency-Key");
        assertThat(header.path("in").asText()).as("Idempotency-Key is a header.").isEqualTo("header");
        assertThat(header.path("required").asBoolean(false)).as("Idempotency-Key is optional.").isFalse();
        JsonNode schema = header.get("schema");
        assertThat(schema.path("minLength").asInt()).as("At least one character.").isEqualTo(1);
        assertThat(schema.path("maxLength").asInt()).as("At most 200 characters.").isEqualTo(200);
        Pattern pattern = schemaPattern(schema.get("pattern").asText());
        for (String valid : List.of("a", "order-42", "~".repeat(200), "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}")) {
            assertThat(pattern.matcher(valid).find()).as("The documented pattern admits the key %s.", valid).isTrue();
        }
        for (String invalid : List.of("", "has space", "x".repeat(201), "é", "tab\there", "line\n")) {
            assertThat(pattern.matcher(invalid).find()).as("The documented pattern refuses the key '%s'.", invalid).isFalse();
        }
        assertThat(validate(schema, TextNode.valueOf(header.get("example").asText()))).as("The header's example fits its schema.")
                .isEmpty();
    }

    @Test
    void theRequestExamplesFitTheirSchemasAndTheGrammarOfTheContract() {
        JsonNode transfer = requestExample("/transfers");
        assertThat(transfer.get("amount").isTextual()).as("The example amount is a JSON string.").isTrue();
        assertThat(AMOUNT.matcher(transfer.get("amount").asText()).matches()).as("The example amount follows the grammar.").isTrue();
        assertThat(transfer.get("from").asText()).as("The example debits a postgres account.").startsWith("pg-");
        assertThat(transfer.get("to").asText()).as("The example credits a mysql account.").startsWith("my-");
        JsonNode transferSchema = document().at("/components/schemas/TransferRequest");
        assertThat(transferSchema.at("/properties/amount/pattern").asText()).as("The documented amount grammar.")
                .isEqualTo(AMOUNT.pattern());
        assertThat(transferSchema.at("/properties/amount/type").asText()).as("The amount is documented as a string.").isEqualTo("string");

        JsonNode account = requestExample("/accounts");
        assertThat(account.get("ledger").asText()).as("The example names a ledger.").isIn("postgres", "mysql");
        assertThat(account.get("currency").asText()).as("The example currency is an ISO 4217 code.").matches("[A-Z]{3}");
        assertThat(AMOUNT.matcher(account.get("initialBalance").asText()).matches()).as("The example balance follows the grammar.")
                .isTrue();
        JsonNode accountSchema = document().at("/components/schemas/NewAccount");
        assertThat(accountSchema.at("/properties/initialBalance/pattern").asText()).as("The documented balance grammar.")
                .isEqualTo(AMOUNT.pattern());
        assertThat(accountSchema.at("/properties/ledger/enum").toString()).as("The documented ledgers.").isEqualTo("[\"postgres\",\"mysql\"]");

        for (String path : List.of("/transfers", "/accounts")) {
            JsonNode body = operation("post", path).at("/requestBody/content/application~1json");
            body.get("examples").fields().forEachRemaining(example -> assertThat(validate(body.get("schema"), example.getValue().get("value")))
                    .as("Example %s of POST %s fits the request schema.", example.getKey(), path).isEmpty());
        }
    }

    @Test
    void everyExampleInTheDocumentFitsItsSchema() {
        JsonNode document = document();
        document.at("/components/schemas").fields().forEachRemaining(schema -> schema.getValue().path("properties").fields()
                .forEachRemaining(property -> property.getValue().path("examples").forEach(example -> assertThat(
                        validate(property.getValue(), example))
                        .as("The example %s of %s.%s fits its schema.", example, schema.getKey(), property.getKey()).isEmpty())));
        document.at("/components/responses").fields().forEachRemaining(response -> response.getValue().path("content").fields()
                .forEachRemaining(media -> media.getValue().path("examples").fields().forEachRemaining(example -> assertThat(
                        validate(media.getValue().get("schema"), example.getValue().get("value")))
                        .as("Example %s of response %s fits its schema.", example.getKey(), response.getKey()).isEmpty())));
        operations().forEach(operation -> operation(operation).path("parameters").forEach(parameter -> {
            if (parameter.has("example")) {
                assertThat(validate(parameter.get("schema"), typed(parameter.get("schema"), parameter.get("example").asText())))
                        .as("The example of parameter %s of %s fits its schema.", parameter.get("name"), operation).isEmpty();
            }
        }));
    }

    @Test
    void theServiceAnswersAsDocumented() {
        ObjectNode accountExample = (ObjectNode) requestExample("/accounts");
        Response opened = given().contentType(ContentType.JSON).body(accountExample.toString()).post("/accounts");
        assertAnswerAsDocumented("post", "/accounts", opened, 201);
        String from = opened.path("id");
        assertThat(from).as("The example opens an account in the ledger it names.").startsWith("pg-");
        assertThat(URI.create(opened.header("Location")).getPath()).as("Location points at the new account.").isEqualTo("/accounts/" + from);
        String to = openAccount("mysql", "EUR", "0.00");

        ObjectNode transferBody = ((ObjectNode) requestExample("/transfers")).put("from", from).put("to", to);
        String key = "openapi-" + UUID.randomUUID();
        Response transfer = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(transferBody.toString())
                .post("/transfers");
        assertAnswerAsDocumented("post", "/transfers", transfer, 201);
        assertThat(transfer.header("Idempotent-Replayed")).as("A first request is not a replay.").isEqualTo("false");
        String transferId = transfer.path("id");
        assertThat(URI.create(transfer.header("Location")).getPath()).as("Location points at the transfer.")
                .isEqualTo("/transfers/" + transferId);
        Response replay = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(transferBody.toString())
                .post("/transfers");
        assertAnswerAsDocumented("post", "/transfers", replay, 201);
        assertThat(replay.header("Idempotent-Replayed")).as("The same request again is a replay.").isEqualTo("true");

        assertAnswerAsDocumented("get", "/accounts/{id}", given().get("/accounts/" + from), 200);
        assertAnswerAsDocumented("get", "/accounts", given().queryParam("ledger", "postgres").queryParam("size", 2).get("/accounts"), 200);
        assertAnswerAsDocumented("get", "/transfers/{id}", given().get("/transfers/" + transferId), 200);
        assertAnswerAsDocumented("get", "/transfers", given().queryParam("account", from).get("/transfers"), 200);
        assertAnswerAsDocumented("get", "/ledgers", given().get("/ledgers"), 200);
        assertAnswerAsDocumented("get", "/ops/in-doubt", ops().get("/ops/in-doubt"), 200);
        assertAnswerAsDocumented("get", "/ops/status", ops().get("/ops/status"), 200);
        assertAnswerAsDocumented("get", "/ops/status", given().auth().preemptive().basic("viewer", "viewer").get("/ops/status"), 200);
        assertAnswerAsDocumented("get", "/ops/status", given().auth().preemptive().basic("stranger", "stranger").get("/ops/status"), 403);
        assertAnswerAsDocumented("get", "/ops/events", ops().get("/ops/events"), 200);

        assertAnswerAsDocumented("get", "/accounts/{id}", given().get("/accounts/pg-" + UUID.randomUUID()), 404);
        assertAnswerAsDocumented("get", "/accounts", given().queryParam("size", 0).get("/accounts"), 400);
        assertAnswerAsDocumented("get", "/transfers/{id}", given().get("/transfers/" + UUID.randomUUID()), 404);
        assertAnswerAsDocumented("get", "/transfers", given().get("/transfers"), 400);
        assertAnswerAsDocumented("get", "/ledgers", given().accept(ContentType.TEXT).get("/ledgers"), 406);
        assertAnswerAsDocumented("post", "/transfers", given().contentType(ContentType.JSON)
                .body(transferBody.deepCopy().put("amount", "12.345").toString()).post("/transfers"), 400);
        assertAnswerAsDocumented("post", "/transfers", given().contentType(ContentType.JSON)
                .body(transferBody.deepCopy().put("to", "my-" + UUID.randomUUID()).toString()).post("/transfers"), 404);
        assertAnswerAsDocumented("post", "/transfers", given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(transferBody.deepCopy().put("amount", "1.00").toString()).post("/transfers"), 409);
        assertAnswerAsDocumented("post", "/transfers", given().contentType(ContentType.TEXT).body("from=a").post("/transfers"), 415);
        assertAnswerAsDocumented("post", "/transfers", given().contentType(ContentType.JSON)
                .body(transferBody.deepCopy().put("amount", "1000.00").toString()).post("/transfers"), 422);
        assertAnswerAsDocumented("post", "/accounts", given().contentType(ContentType.JSON)
                .body(accountExample.deepCopy().put("currency", "euro").toString()).post("/accounts"), 400);
        Response saga = given().contentType(ContentType.JSON).header("Prefer", "wait=0")
                .body(transferBody.deepCopy().put("amount", "1.00").put("mode", "saga").toString()).post("/transfers");
        assertAnswerAsDocumented("post", "/transfers", saga, 202);
        assertThat(saga.header("Preference-Applied")).isEqualTo("wait=0");
        assertAnswerAsDocumented("post", "/accounts/{id}/freeze", ops().post("/accounts/" + to + "/freeze"), 200);
        assertAnswerAsDocumented("post", "/transfers", given().contentType(ContentType.JSON)
                .body(transferBody.deepCopy().put("amount", "1.00").toString()).post("/transfers"), 422);
        assertAnswerAsDocumented("post", "/accounts/{id}/unfreeze", ops().post("/accounts/" + to + "/unfreeze"), 200);
        assertAnswerAsDocumented("post", "/accounts/{id}/freeze", given().post("/accounts/" + to + "/freeze"), 401);
        assertAnswerAsDocumented("post", "/accounts/{id}/unfreeze", ops().post("/accounts/my-" + UUID.randomUUID() + "/unfreeze"), 404);
        assertAnswerAsDocumented("get", "/ops/in-doubt", given().get("/ops/in-doubt"), 401);
        assertAnswerAsDocumented("post", "/ops/recovery", given().auth().preemptive().basic("viewer", "viewer").post("/ops/recovery"), 403);
        assertAnswerAsDocumented("post", "/ops/in-doubt/{ledger}/{id}/commit", ops().post("/ops/in-doubt/postgres/131077-00-00/commit"), 404);
        assertAnswerAsDocumented("post", "/ops/in-doubt/{ledger}/{id}/rollback",
                ops().queryParam("dryRun", "maybe").post("/ops/in-doubt/mysql/131077-00-00/rollback"), 400);
        assertAnswerAsDocumented("get", "/ops/events", ops().queryParam("size", 0).get("/ops/events"), 400);
        assertAnswerAsDocumented("post", "/ops/events/{ledger}/{id}/redrive", ops().post("/ops/events/postgres/" + UUID.randomUUID() + "/redrive"), 404);
        assertAnswerAsDocumented("post", "/ops/events/{ledger}/{id}/redrive", ops().post("/ops/events/postgres/not-an-id/redrive"), 400);
        Response sentTransfer = given().contentType(ContentType.JSON).body(transferBody.toString()).post("/transfers");
        String event = eventOf(from, sentTransfer.path("id"));
        assertAnswerAsDocumented("post", "/ops/events/{ledger}/{id}/redrive",
                ops().queryParam("dryRun", "true").queryParam("republish", "true").post("/ops/events/postgres/" + event + "/redrive"), 200);

        String sagaId = saga.path("id");
        await("saga " + sagaId + " settled").atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !"PENDING".equals(given().get("/transfers/" + sagaId).path("status")));
        assertAnswerAsDocumented("get", "/ops/sagas", ops().queryParam("state", "committed").get("/ops/sagas"), 200);
        assertAnswerAsDocumented("get", "/ops/sagas", ops().get("/ops/sagas"), 200);
        assertAnswerAsDocumented("get", "/ops/sagas", ops().queryParam("state", "bogus").get("/ops/sagas"), 400);
        assertAnswerAsDocumented("post", "/ops/sagas/{id}/redrive", ops().post("/ops/sagas/" + UUID.randomUUID() + "/redrive"), 404);
        assertAnswerAsDocumented("post", "/ops/sagas/{id}/redrive", ops().post("/ops/sagas/nope/redrive"), 400);
        assertAnswerAsDocumented("post", "/ops/sagas/{id}/redrive", ops().post("/ops/sagas/" + sagaId + "/redrive"), 409);
        assertAnswerAsDocumented("post", "/ops/sagas/{id}/compensate", ops().post("/ops/sagas/" + sagaId + "/compensate"), 409);
        assertAnswerAsDocumented("post", "/ops/sagas/{id}/compensate", ops().post("/ops/sagas/" + UUID.randomUUID() + "/compensate"), 404);
        assertAnswerAsDocumented("post", "/ops/sagas/{id}/compensate", ops().queryParam("dryRun", "1").post("/ops/sagas/" + sagaId + "/compensate"), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/q/openapi?format=json", "/q/openapi" })
    void theDocumentIsServedWithoutCredentials(String path) {
        given().get(path).then().statusCode(200);
    }

    /** The status is documented for the operation, and the answer has its media type, schema and required headers. */
    private static void assertAnswerAsDocumented(String method, String path, Response answer, int status) {
        assertThat(answer.statusCode()).as("%s %s answers %d: %s", method.toUpperCase(), path, status, answer.body().asString())
                .isEqualTo(status);
        JsonNode documented = resolve(operation(method, path).path("responses").get(String.valueOf(status)));
        assertThat(documented).as("%s %s documents status %d.", method.toUpperCase(), path, status).isNotNull();
        String mediaType = answer.contentType().split(";")[0];
        JsonNode content = documented.path("content").path(mediaType);
        assertThat(content.isMissingNode()).as("%s %s %d is documented as %s.", method.toUpperCase(), path, status, mediaType).isFalse();
        assertThat(validate(content.get("schema"), json(answer.body().asString())))
                .as("The %d answer of %s %s fits its documented schema: %s", status, method.toUpperCase(), path, answer.body().asString())
                .isEmpty();
        documented.path("headers").fields().forEachRemaining(header -> {
            if (header.getValue().path("required").asBoolean()) {
                String value = answer.header(header.getKey());
                assertThat(value).as("%s %s %d carries header %s.", method.toUpperCase(), path, status, header.getKey()).isNotNull();
                JsonNode schema = header.getValue().get("schema");
                assertThat(validate(schema, typed(schema, value))).as("Header %s: %s fits its schema.", header.getKey(), value).isEmpty();
            }
        });
    }

    /** The outbox event of a transfer, in the ledger of its debited account. */
    private static String eventOf(String debited, String transferId) {
        try (java.sql.Connection c = Sql.ledgerOf(debited, Sql.DATABASE);
                java.sql.PreparedStatement s = c.prepareStatement("SELECT event_id FROM outbox WHERE aggregate_id = ?")) {
            s.setString(1, transferId);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("Transfer %s has its outbox row.", transferId).isTrue();
                return rs.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RequestSpecification ops() {
        return given().auth().preemptive().basic("ops", "ops");
    }

    private static JsonNode requestExample(String path) {
        JsonNode examples = operation("post", path).at("/requestBody/content/application~1json/examples");
        assertThat(examples.size()).as("POST %s has a request example.", path).isPositive();
        return examples.elements().next().get("value").deepCopy();
    }

    private static JsonNode parameter(JsonNode operation, String name) {
        for (JsonNode parameter : operation.path("parameters")) {
            if (parameter.path("name").asText().equals(name)) {
                return parameter;
            }
        }
        throw new AssertionError("The operation documents no parameter " + name + ": " + operation);
    }

    private static ProblemType problemType(String uri) {
        return Stream.of(ProblemType.values()).filter(t -> t.type().toString().equals(uri)).findFirst()
                .orElseThrow(() -> new AssertionError("The document names a problem type the service does not have: " + uri));
    }

    private static JsonNode operation(Operation operation) {
        return operation(operation.method(), operation.path());
    }

    private static JsonNode operation(String method, String path) {
        JsonNode node = document().path("paths").path(path).path(method);
        assertThat(node.isMissingNode()).as("The document has %s %s.", method.toUpperCase(), path).isFalse();
        return node;
    }

    /** The response itself when it is a $ref to #/components/responses. */
    private static JsonNode resolve(JsonNode response) {
        if (response != null && response.has("$ref")) {
            return document().at(response.get("$ref").asText().substring(1));
        }
        return response;
    }

    private static Set<ValidationMessage> validate(JsonNode schema, JsonNode value) {
        return SCHEMAS.getSchema(inline(schema)).validate(value);
    }

    /** The schema with every #/components/schemas reference replaced by its target (the document has no cycles). */
    private static JsonNode inline(JsonNode schema) {
        if (schema.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            schema.fields().forEachRemaining(field -> copy.set(field.getKey(), inline(field.getValue())));
            if (copy.has("$ref")) {
                JsonNode target = inline(document().at(copy.remove("$ref").asText().substring(1)));
                ObjectNode merged = ((ObjectNode) target).deepCopy();
                merged.setAll(copy);
                return merged;
            }
            return copy;
        }
        if (schema.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            schema.elements().forEachRemaining(item -> items.add(inline(item)));
            return JSON.createArrayNode().addAll(items);
        }
        return schema;
    }

    /** A header or parameter value as the JSON value its schema describes. */
    private static JsonNode typed(JsonNode schema, String value) {
        return switch (schema.path("type").asText()) {
            case "boolean" -> value.equals("true") || value.equals("false") ? BooleanNode.valueOf(Boolean.parseBoolean(value))
                    : TextNode.valueOf(value);
            case "integer" -> value.matches("-?[0-9]{1,9}") ? IntNode.valueOf(Integer.parseInt(value)) : TextNode.valueOf(value);
            default -> TextNode.valueOf(value);
        };
    }

    /**
     * A JSON Schema (ECMA-262) pattern as a Java one: there a final $ ends the input, while Java's $ also matches
     * before a final line break ("key\n" would pass).
     */
    private static Pattern schemaPattern(String pattern) {
        return Pattern.compile(pattern.endsWith("$") ? pattern.substring(0, pattern.length() - 1) + "\\z" : pattern);
    }

    private static <T> List<T> iterable(Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }

    private static synchronized JsonNode document() {
        if (document == null) {
            Response response = given().accept(ContentType.JSON).get("/q/openapi?format=json");
            assertThat(response.statusCode()).as("The document is served.").isEqualTo(200);
            document = json(response.body().asString());
        }
        return document;
    }
}
