package io.crossbank.problems;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.crossbank.support.Api;
import io.crossbank.support.Sql;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The request contract, one real HTTP request per row: anything outside it gets its 4xx problem, and neither
 * database changes (accounts, balances, journals, idempotency keys, prepared branches). Requests are sent with the
 * JDK's client, which adds no header of its own choosing, so a missing Content-Type or a repeated header is really
 * missing or repeated.
 */
@QuarkusTest
class RequestContractTest {

    private static final String UNKNOWN_PG = "pg-00000000-0000-4000-8000-000000000000";
    private static final String UNKNOWN_TRANSFER = "00000000-0000-4000-8000-000000000000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Accounts the rows refer to as {pg}, {my} (10.00 EUR each) and {myUsd} (10.00 USD). */
    private static String pg;
    private static String my;
    private static String myUsd;

    @TestHTTPResource("/")
    URI base;

    /**
     * A request and the problem it must get. Placeholders {pg}, {my}, {myUsd} and {body:N} (N bytes of JSON) are
     * filled in when it is sent; a null body sends none.
     */
    record Case(String name, String method, String path, List<String[]> headers, String body, boolean chunked, int status,
            String type) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> outsideTheContract() {
        String transfer = "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"1.00\"}";
        List<Case> cases = new ArrayList<>();
        // Idempotency-Key
        cases.add(post("empty Idempotency-Key", "/transfers", transfer, 400, "invalid-request", "Idempotency-Key", ""));
        cases.add(post("two Idempotency-Key headers", "/transfers", transfer, 400, "invalid-request", "Idempotency-Key", "a",
                "Idempotency-Key", "b"));
        cases.add(post("two identical Idempotency-Key headers", "/transfers", transfer, 400, "invalid-request", "Idempotency-Key",
                "same", "Idempotency-Key", "same"));
        cases.add(post("Idempotency-Key with a space", "/transfers", transfer, 400, "invalid-request", "Idempotency-Key", "a b"));
        cases.add(post("Idempotency-Key of 201 characters", "/transfers", transfer, 400, "invalid-request", "Idempotency-Key",
                "k".repeat(201)));
        // JSON that is not one object with each member once
        cases.add(post("duplicate amount, not last", "/transfers",
                "{\"from\":\"{pg}\",\"amount\":\"0.01\",\"amount\":\"0.02\",\"to\":\"{my}\"}", 400, "invalid-request"));
        cases.add(post("duplicate amount as the last member", "/transfers",
                "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"0.01\",\"amount\":\"0.02\"}", 400, "invalid-request"));
        cases.add(post("duplicate from", "/transfers", "{\"from\":\"{my}\",\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"1.00\"}",
                400, "invalid-request"));
        cases.add(post("trailing garbage", "/transfers", transfer + " x", 400, "invalid-request"));
        cases.add(post("two objects", "/transfers", transfer + transfer, 400, "invalid-request"));
        cases.add(post("an array after the object", "/transfers", transfer + "[]", 400, "invalid-request"));
        cases.add(post("unknown member currency", "/transfers",
                "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"1.00\",\"currency\":\"USD\"}", 400, "invalid-request"));
        cases.add(post("unknown member in an account", "/accounts",
                "{\"ledger\":\"postgres\",\"owner\":\"Ada\",\"currency\":\"EUR\",\"balance\":\"5.00\"}", 400, "invalid-request"));
        cases.add(post("not JSON", "/transfers", "{\"from\": ", 400, "invalid-request"));
        cases.add(post("an array", "/transfers", "[1, 2]", 400, "invalid-request"));
        cases.add(post("a string", "/transfers", "\"x\"", 400, "invalid-request"));
        cases.add(post("JSON null", "/transfers", "null", 400, "invalid-request"));
        cases.add(post("an empty body", "/transfers", "", 400, "invalid-request"));
        cases.add(post("invalid UTF-8", "/transfers", "{\"from\":\"\u00ff\"}", 400, "invalid-request", "X-Test-Latin1", "true"));
        // Amounts
        for (String amount : List.of("1.5", "1", "true", "null", "{}", "[\"1.00\"]")) {
            cases.add(post("amount " + amount + " (not a string)", "/transfers",
                    "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":" + amount + "}", 400, "invalid-request"));
        }
        for (String amount : List.of("12.340", "1.000", "1.", ".5", "01.00", "+1.00", "1e2", " 1.00", "1.00 ", "0", "0.00", "-1.00",
                "1,00", "NaN", "\u0661", "1000000000.01", "99999999999999999999", "")) {
            cases.add(post("amount \"" + amount + "\"", "/transfers", "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"" + amount + "\"}",
                    400, "invalid-request"));
        }
        // Ids in a body
        for (String[] ids : List.of(new String[] { "{pg}", "{my} " }, new String[] { "{pg}", " {my}" },
                new String[] { "{pg}\\u0000", "{my}" }, new String[] { "{PG}", "{my}" }, new String[] { "{pg}", "{MY}" },
                new String[] { "pg-", "{my}" }, new String[] { "no-such-ledger", "{my}" }, new String[] { "{pg}", "{pg}" },
                new String[] { "{my}", "{my} " })) {
            cases.add(post("ids " + ids[0] + " -> " + ids[1], "/transfers",
                    "{\"from\":\"" + ids[0] + "\",\"to\":\"" + ids[1] + "\",\"amount\":\"1.00\"}", 400, "invalid-request"));
        }
        for (String mode : List.of("\"XA\"", "\"saga2\"", "\"\"", "1", "true")) {
            cases.add(post("mode " + mode, "/transfers", "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"1.00\",\"mode\":" + mode + "}",
                    400, "invalid-request"));
        }
        cases.add(post("from a number", "/transfers", "{\"from\":5,\"to\":\"{my}\",\"amount\":\"1.00\"}", 400, "invalid-request"));
        cases.add(post("from an object", "/transfers", "{\"from\":{},\"to\":\"{my}\",\"amount\":\"1.00\"}", 400, "invalid-request"));
        cases.add(post("well-formed but unknown account", "/transfers",
                "{\"from\":\"" + UNKNOWN_PG + "\",\"to\":\"{my}\",\"amount\":\"1.00\"}", 404, "account-not-found"));
        cases.add(post("currency mismatch", "/transfers", "{\"from\":\"{pg}\",\"to\":\"{myUsd}\",\"amount\":\"1.00\"}", 422,
                "currency-mismatch"));
        cases.add(post("more than the balance", "/transfers", "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"10.01\"}", 422,
                "insufficient-funds"));
        // Media type and size
        cases.add(new Case("no Content-Type", "POST", "/transfers", List.of(), transfer, false, 415, "unsupported-media-type"));
        cases.add(new Case("no Content-Type on an account", "POST", "/accounts", List.of(),
                "{\"ledger\":\"postgres\",\"owner\":\"Ada\",\"currency\":\"EUR\"}", false, 415, "unsupported-media-type"));
        cases.add(post("text/plain", "/transfers", transfer, 415, "unsupported-media-type", "Content-Type", "text/plain"));
        cases.add(post("application/xml", "/transfers", transfer, 415, "unsupported-media-type", "Content-Type", "application/xml"));
        cases.add(post("a 5 MB body", "/transfers", "{body:5000000}", 413, "payload-too-large"));
        cases.add(post("a body just over 64 KiB", "/transfers", "{body:65537}", 413, "payload-too-large"));
        cases.add(new Case("a 5 MB chunked body", "POST", "/transfers", List.<String[]>of(new String[] { "Content-Type", "application/json" }),
                "{body:5000000}", true, 413, "payload-too-large"));
        // Accounts
        for (String owner : List.of("\\u0000Ada", "Ada\\u0000", "Ada\\nLovelace", "\\tAda", "Ada\\u202E", "Ada\\u200B", "\\uD800",
                "\\u0085", "x".repeat(201), "\\uD83D\\uDE00".repeat(201), "   ", "")) {
            cases.add(post("owner " + owner.substring(0, Math.min(owner.length(), 20)), "/accounts",
                    "{\"ledger\":\"mysql\",\"owner\":\"" + owner + "\",\"currency\":\"EUR\"}", 400, "invalid-request"));
        }
        for (String currency : List.of("XXX", "XAU", "JPY", "KWD", "eur", "EURO", "E", "", "ZZZ", "\\u0000EU")) {
            cases.add(post("currency " + currency, "/accounts", "{\"ledger\":\"postgres\",\"owner\":\"Ada\",\"currency\":\"" + currency + "\"}",
                    400, "invalid-request"));
        }
        for (String balance : List.of("\"1.000\"", "5", "\"-0.01\"", "\"1e3\"", "\"1000000000.01\"", "\"\"")) {
            cases.add(post("initialBalance " + balance, "/accounts",
                    "{\"ledger\":\"postgres\",\"owner\":\"Ada\",\"currency\":\"EUR\",\"initialBalance\":" + balance + "}", 400,
                    "invalid-request"));
        }
        cases.add(post("ledger in upper case", "/accounts", "{\"ledger\":\"POSTGRES\",\"owner\":\"Ada\",\"currency\":\"EUR\"}", 400,
                "invalid-request"));
        // Ids in paths and queries
        cases.add(get("account id with NUL", "/accounts/pg-%00", 404, "account-not-found"));
        cases.add(get("account id with a trailing space", "/accounts/{my}%20", 404, "account-not-found"));
        cases.add(get("account id in upper case", "/accounts/{MY}", 404, "account-not-found"));
        cases.add(get("transfer id NUL", "/transfers/%00", 404, "transfer-not-found"));
        cases.add(get("transfer id with a trailing space", "/transfers/" + UNKNOWN_TRANSFER + "%20", 404, "transfer-not-found"));
        cases.add(get("transfers of an account id with NUL", "/transfers?account=pg-%00", 400, "invalid-request"));
        cases.add(get("transfers of a padded account id", "/transfers?account={my}%20", 400, "invalid-request"));
        cases.add(get("transfers of an unknown account", "/transfers?account=" + UNKNOWN_PG, 404, "account-not-found"));
        // Paths, methods, authentication
        cases.add(get("unknown path", "/nowhere", 404, "not-found"));
        cases.add(new Case("DELETE /transfers", "DELETE", "/transfers", List.of(), null, false, 405, "method-not-allowed"));
        cases.add(new Case("wrong password on /ops", "GET", "/ops/in-doubt", List.<String[]>of(basic("ops", "wrong")), null, false, 401,
                "authentication-required"));
        cases.add(new Case("unknown user on a public path", "GET", "/accounts/{pg}", List.<String[]>of(basic("nobody", "x")), null, false,
                401, "authentication-required"));
        cases.add(new Case("wrong password on a transfer", "POST", "/transfers",
                List.<String[]>of(new String[] { "Content-Type", "application/json" }, basic("ops", "wrong")), transfer, false, 401,
                "authentication-required"));
        cases.add(new Case("no credentials on /ops", "POST", "/ops/recovery", List.of(), null, false, 401, "authentication-required"));
        cases.add(new Case("a user without role on /ops", "GET", "/ops/in-doubt", List.<String[]>of(basic("stranger", "stranger")), null,
                false, 403, "forbidden"));
        // role viewer reads /ops but may not act
        cases.add(new Case("viewer acting on /ops", "POST", "/ops/recovery", List.<String[]>of(basic("viewer", "viewer")), null, false, 403,
                "forbidden"));
        return cases.stream();
    }

    @BeforeEach
    void accounts() {
        if (pg == null) {
            pg = Api.openAccount("postgres", "10.00");
            my = Api.openAccount("mysql", "10.00");
            myUsd = Api.openAccount("mysql", "USD", "10.00");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outsideTheContract")
    void requestOutsideTheContractIsAProblemAndChangesNothing(Case c) throws Exception {
        List<Sql.LedgerState> before = Sql.ledgerStates();

        HttpResponse<String> response = send(c);

        assertThat(response.statusCode()).as("status of %s, answered %s", c.name(), response.body()).isEqualTo(c.status());
        assertThat(response.headers().firstValue("Content-Type")).as("content type of %s", c.name())
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asText()).as("problem type of %s", c.name()).isEqualTo("urn:crossbank:problem:" + c.type());
        assertThat(problem.path("status").asInt()).as("status member of %s", c.name()).isEqualTo(c.status());
        assertThat(problem.path("title").asText()).as("title of %s", c.name()).isNotBlank();
        assertThat(problem.path("detail").asText()).as("detail of %s", c.name()).isNotBlank()
                .doesNotContain("Exception").doesNotContain("java.").doesNotContain("io.crossbank").doesNotContain("\tat ");
        if (c.status() == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).as("challenge of %s", c.name()).isPresent();
        }
        assertThat(Sql.ledgerStates()).as("both ledgers after %s", c.name()).isEqualTo(before);
        assertThat(Sql.preparedBranches()).as("prepared branches after %s", c.name()).isEmpty();
    }

    @Test
    void problemDetailsNameTheMemberAtFault() throws Exception {
        assertThat(detailOf(post("", "/transfers", "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"0.01\",\"amount\":\"0.02\"}", 400, "")))
                .contains("'amount'");
        assertThat(detailOf(post("", "/transfers", "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"1.00\",\"currency\":\"USD\"}", 400, "")))
                .contains("'currency'").contains("amount, from, mode, to");
        assertThat(detailOf(post("", "/transfers", "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":1.5}", 400, ""))).contains("'amount'")
                .contains("string");
        assertThat(detailOf(post("", "/transfers", "{\"from\":\"{pg}\",\"to\":\"{my} \",\"amount\":\"1.00\"}", 400, ""))).startsWith("to ");
        assertThat(detailOf(post("", "/accounts", "{\"ledger\":\"mysql\",\"owner\":\"A\\u0000\",\"currency\":\"EUR\"}", 400, "")))
                .contains("owner").contains("U+0000");
        assertThat(detailOf(post("", "/accounts", "{\"ledger\":\"mysql\",\"owner\":\"A\",\"currency\":\"JPY\"}", 400, "")))
                .contains("JPY").contains("0 minor digits");
        assertThat(detailOf(post("", "/transfers", "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"1.00\"}", 400, "", "Idempotency-Key", "")))
                .contains("Idempotency-Key").contains("empty");
    }

    static Stream<String> acceptedAmounts() {
        return Stream.of("5", "0.5", "0.01", "9.9", "1.10", "10.00");
    }

    /** The neighbours of the refused amounts: each moves exactly what it says. */
    @ParameterizedTest
    @MethodSource("acceptedAmounts")
    void amountsOfTheGrammarMoveExactlyThatMuch(String amount) throws Exception {
        String from = Api.openAccount("postgres", "10.00");
        String to = Api.openAccount("mysql", "0.00");
        HttpResponse<String> response = send(post("", "/transfers", "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":\"" + amount + "\"}",
                201, ""));
        assertThat(response.statusCode()).as("status of a transfer of \"%s\": %s", amount, response.body()).isEqualTo(201);
        assertThat(Sql.balance(to)).as("credited balance").isEqualByComparingTo(amount);
        assertThat(Sql.balance(from).add(Sql.balance(to))).as("money across both ledgers").isEqualByComparingTo("10.00");
    }

    @Test
    void idempotencyKeyOfTwoHundredPrintableCharactersIsAccepted() throws Exception {
        String key = "!~" + java.util.UUID.randomUUID() + "k".repeat(162);
        String body = "{\"from\":\"{pg}\",\"to\":\"{my}\",\"amount\":\"0.01\"}";
        HttpResponse<String> first = send(post("", "/transfers", body, 201, "", "Idempotency-Key", key));
        HttpResponse<String> again = send(post("", "/transfers", body, 201, "", "Idempotency-Key", key));
        assertThat(first.statusCode()).as("first request: %s", first.body()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).as("the second is a replay").hasValue("true");
        assertThat(Sql.balance(my)).as("credited once").isEqualByComparingTo("10.01");
        Sql.setBalance(pg, "10.00");
        Sql.setBalance(my, "10.00");
    }

    @Test
    void idempotencyKeysDifferingOnlyInCaseAreTwoKeys() throws Exception {
        String from = Api.openAccount("mysql", "10.00");
        String to = Api.openAccount("postgres", "0.00");
        String body = "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":\"1.00\"}";
        String key = "Order-" + java.util.UUID.randomUUID();
        assertThat(send(post("", "/transfers", body, 201, "", "Idempotency-Key", key)).statusCode()).isEqualTo(201);
        HttpResponse<String> other = send(post("", "/transfers", body, 201, "", "Idempotency-Key", key.toLowerCase()));
        assertThat(other.headers().firstValue("Idempotent-Replayed")).as("order-7 is not Order-7 in the mysql ledger").hasValue("false");
        assertThat(Sql.balance(to)).as("two transfers").isEqualByComparingTo("2.00");
    }

    @Test
    void printableOwnersAreStoredExactly() throws Exception {
        for (String owner : List.of("Zoë Ångström-Ōtsuka", "\u674e\u96f7", "\uD83D\uDE00".repeat(200), "O'Brien \"Jr\" \\ 100%")) {
            for (String ledger : List.of("postgres", "mysql")) {
                String body = JSON.writeValueAsString(Map.of("ledger", ledger, "owner", owner, "currency", "CHF"));
                HttpResponse<String> response = send(post("", "/accounts", body, 201, ""));
                assertThat(response.statusCode()).as("opening an account for %s in %s: %s", owner, ledger, response.body()).isEqualTo(201);
                String id = JSON.readTree(response.body()).path("id").asText();
                assertThat(Sql.owner(id)).as("owner stored in %s", ledger).isEqualTo(owner);
            }
        }
    }

    @Test
    void theMysqlLedgerMatchesIdsExactlyLikePostgres() {
        String id = my;
        assertThat(Sql.accountsMatching("mysql", id)).as("the id itself").isEqualTo(1);
        assertThat(Sql.accountsMatching("mysql", id + " ")).as("the id with a trailing space, compared by MariaDB").isZero();
        assertThat(Sql.accountsMatching("mysql", id.toUpperCase())).as("the id in upper case, compared by MariaDB").isZero();
        assertThat(Sql.accountsMatching("postgres", pg + " ")).as("the id with a trailing space, compared by PostgreSQL").isZero();
        // The private MariaDB's server collation is already case-sensitive, so case alone proves little here; MySQL 8's
        // default is not. The columns themselves must carry a binary NO PAD collation, whatever the server's default.
        assertThat(Sql.mysqlColumnCollations()).as("collations of the MySQL ledger's id and key columns")
                .containsOnlyKeys("account.id", "journal_entry.transfer_id", "journal_entry.account_id",
                        "journal_entry.counterparty_id", "idempotency_key.idem_key", "idempotency_key.transfer_id",
                        "transfer.id", "transfer.from_account", "transfer.to_account", "outbox.event_id", "outbox.aggregate_id",
                        "saga_credit.transfer_id")
                .allSatisfy((column, collation) -> assertThat(collation).as(column).isIn("utf8mb4_nopad_bin", "utf8mb4_0900_bin"));
    }

    private String detailOf(Case c) throws Exception {
        HttpResponse<String> response = send(c);
        assertThat(response.statusCode()).as("status: %s", response.body()).isEqualTo(400);
        return JSON.readTree(response.body()).path("detail").asText();
    }

    private HttpResponse<String> send(Case c) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + fill(c.path())));
        boolean latin1 = false;
        for (String[] header : c.headers()) {
            if (header[0].equals("X-Test-Latin1")) {
                latin1 = true;
                continue;
            }
            request.header(header[0], header[1]);
        }
        if (c.body() == null) {
            request.method(c.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            byte[] body = fill(c.body()).getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            request.method(c.method(), c.chunked()
                    ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                    : HttpRequest.BodyPublishers.ofByteArray(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String fill(String text) {
        if (text.startsWith("{body:")) {
            int size = Integer.parseInt(text.substring(6, text.length() - 1));
            // A valid transfer padded with white space, so that only its size is wrong.
            String transfer = "{\"from\":\"" + pg + "\",\"to\":\"" + my + "\",\"amount\":\"1.00\"";
            return transfer + " ".repeat(size - transfer.length() - 1) + "}";
        }
        return text.replace("{pg}", pg).replace("{my}", my).replace("{myUsd}", myUsd)
                .replace("{PG}", pg.toUpperCase()).replace("{MY}", my.toUpperCase());
    }

    private static Case post(String name, String path, String body, int status, String type, String... headers) {
        List<String[]> list = new ArrayList<>();
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            list.add(new String[] { headers[i], headers[i + 1] });
            typed |= headers[i].equals("Content-Type");
        }
        if (!typed) {
            list.add(0, new String[] { "Content-Type", "application/json" });
        }
        return new Case(name, "POST", path, list, body, false, status, type);
    }

    private static Case get(String name, String path, int status, String type) {
        return new Case(name, "GET", path, List.of(), null, false, status, type);
    }

    private static String[] basic(String user, String password) {
        return new String[] { "Authorization",
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) };
    }
}
